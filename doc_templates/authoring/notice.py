"""Template builder: notice."""

from __future__ import annotations

from ..layout import (
    field,
    heading,
    loop_table,
    para,
    text,
    title,
)
from .common import employer_fields


def build_notice(doc, t):
    title(doc, t("ИЗВЕЩЕНИЕ", "КАБАРЛАМА"), size=14)
    title(doc, t("о несчастном случае на производстве", "өндүрүштөгү кырсык жөнүндө"), after=6)
    # one notice per addressee; a notice issued without one has no "to" line
    para(doc, "{%p if addressee.code %}")
    field(doc, t("Кому", "Кимге"), "{{ addressee.title }}")
    para(doc, "{%p endif %}")
    field(doc, t("Дело", "Кырсык боюнча иш"), "№ {{ case_number }}")
    field(doc, t("Категория несчастного случая", "Кырсыктын категориясы"), "{{ category }}")

    heading(doc, t("1. Работодатель", "1. Иш берүүчү"))
    employer_fields(doc, t, unit=True)
    heading(
        doc,
        t(
            "2. Дата и время несчастного случая (местное время)",
            "2. Кырсыктын датасы жана убактысы (жергиликтүү убакыт)",
        ),
    )
    para(doc, "{{ accident.date }}, {{ accident.time }}")
    heading(doc, t("3. Выполнявшаяся работа", "3. Аткарылып жаткан жумуш"))
    text(doc, "{{ accident.work_performed }}")
    heading(
        doc,
        t(
            "4. Место происшествия и краткие обстоятельства",
            "4. Окуя болгон жер жана кыскача жагдайлар",
        ),
    )
    field(doc, t("Место", "Окуя болгон жер"), "{{ accident.place }}")
    text(doc, "{{ accident.circumstances }}")
    field(
        doc, t("Оказанная первая помощь", "Көрсөтүлгөн биринчи жардам"), "{{ accident.first_aid }}"
    )
    heading(doc, t("5. Пострадавшие", "5. Жабыркагандар"))
    para(
        doc,
        t(
            "Число пострадавших: {{ victims_count }}, в том числе погибших: {{ dead_count }}",
            "Жабыркагандардын саны: {{ victims_count }}, анын ичинде каза болгондор: "
            "{{ dead_count }}",
        ),
        after=4,
    )
    loop_table(
        doc,
        [
            t("№", "№"),
            t("Фамилия, имя, отчество", "Аты-жөнү"),
            t("Профессия (должность)", "Кесиби (кызматы)"),
            t("Возраст", "Жашы"),
            t("Характер повреждения", "Жаракаттын мүнөзү"),
            t("Тяжесть", "Оордугу"),
        ],
        [
            "{{ loop.index }}",
            "{{ v.name }}",
            "{{ v.occupation }}",
            "{{ v.age }}",
            "{{ v.injury_nature }}",
            "{{ v.severity }}",
        ],
        "v in victims",
        "victims",
        weights=[1, 5, 4, 2, 5, 3],
    )
    heading(doc, t("6. Извещение передал", "6. Кабарламаны берген"))
    field(
        doc,
        t("Фамилия, имя, отчество, должность", "Аты-жөнү, кызматы"),
        "{{ sender.name }}, {{ sender.position }}",
    )
    field(doc, t("Телефон", "Телефону"), "{{ sender.phone }}")
    field(doc, t("Дата и время передачи", "Берилген датасы жана убактысы"), "{{ sent_at }}")
    para(doc, t("Подпись ________________", "Колу ________________"), before=4)
    heading(doc, t("7. Извещение принял", "7. Кабарламаны кабыл алган"))
    field(
        doc,
        t("Фамилия, имя, отчество, должность", "Аты-жөнү, кызматы"),
        "________________________________________",
    )
    field(
        doc,
        t("Дата и время получения", "Алынган датасы жана убактысы"),
        "«____» ______________ 20____, ____ : ____",
    )
    para(doc, "{%p if addressee.code %}")
    para(
        doc,
        t(
            "Срок направления извещения: {{ addressee.due }}. Основание: {{ addressee.basis }}.",
            "Кабарламаны жөнөтүү мөөнөтү: {{ addressee.due }}. Негизи: {{ addressee.basis }}.",
        ),
        size=10,
        before=8,
    )
    para(doc, "{%p endif %}")
