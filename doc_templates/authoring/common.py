"""Blocks shared by several documents."""

from __future__ import annotations

from collections.abc import Callable

from ..layout import (
    BODY_PT,
    field,
    loop_table,
)


def signature_table(doc, t: Callable[[str, str], str]):
    loop_table(
        doc,
        [],
        [
            "{{ m.role }}",
            "{{ m.name }}",
            t("________________ (подпись)", "________________ (колу)"),
        ],
        "m in commission",
        "commission",
        weights=[5, 6, 5],
        bordered=False,
        size=BODY_PT,
    )


# -- the documents ------------------------------------------------------------------------


def footer_text(t) -> str:
    return t("Дело о несчастном случае № {{ case_number }}", "Кырсык боюнча иш № {{ case_number }}")


def employer_fields(doc, t, *, unit=False):
    field(doc, t("Наименование", "Аталышы"), "{{ employer.name }}")
    field(doc, t("ИНН", "ИСН (ИНН)"), "{{ employer.tax_id }}")
    field(
        doc,
        t("Код вида экономической деятельности", "Экономикалык иш-аракеттин түрүнүн коду"),
        "{{ employer.activity_code }}",
    )
    field(doc, t("Адрес", "Дареги"), "{{ employer.address }}")
    field(doc, t("Телефон", "Телефону"), "{{ employer.phone }}")
    if unit:
        field(doc, t("Структурное подразделение", "Түзүмдүк бөлүм"), "{{ accident.unit }}")


def commission_table(doc, t):
    """The members of the commission: in the order forming it and in section 4 of the act."""
    loop_table(
        doc,
        [
            t("№", "№"),
            t("Фамилия, имя, отчество", "Аты-жөнү"),
            t("Должность", "Кызматы"),
            t("Организация", "Уюму"),
            t("Роль в комиссии", "Комиссиядагы ролу"),
        ],
        [
            "{{ loop.index }}",
            "{{ m.name }}",
            "{{ m.position }}",
            "{{ m.organisation }}",
            "{{ m.role }}",
        ],
        "m in commission",
        "commission",
        weights=[1, 5, 4, 4, 3],
    )
