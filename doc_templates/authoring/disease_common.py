"""Blocks shared by the occupational-disease documents: the worker, the diagnoses, the
occupational route and the harmful-factors table that marks values over their limits."""

from __future__ import annotations

from docx.shared import Pt

from ..layout import field, loop_table, para

FACTORS_PT = 9  # the factors table has eight columns


def disease_footer_text(t) -> str:
    return t(
        "Дело о профессиональном заболевании № {{ case_number }}",
        "Кесиптик оору боюнча иш № {{ case_number }}",
    )


def worker_fields(doc, t, *, service=False):
    field(doc, t("Фамилия, имя, отчество", "Аты-жөнү"), "{{ worker.name }}")
    field(doc, t("Дата рождения", "Туулган күнү"), "{{ worker.birth_date }}")
    field(doc, t("Профессия (должность)", "Кесиби (кызматы)"), "{{ worker.occupation }}")
    field(doc, t("Структурное подразделение", "Түзүмдүк бөлүм"), "{{ worker.unit }}")
    if service:
        service_fields(doc, t)


def service_fields(doc, t):
    field(doc, t("Общий стаж работы", "Жалпы эмгек стажы"), "{{ worker.service_total }}")
    field(
        doc,
        t("в том числе у данного работодателя", "анын ичинде ушул иш берүүчүдө"),
        "{{ worker.service_employer }}",
    )
    field(
        doc,
        t(
            "Стаж работы в условиях воздействия вредных производственных факторов",
            "Зыяндуу өндүрүштүк факторлордун таасири астындагы эмгек стажы",
        ),
        "{{ worker.service_harmful }}",
    )


def icd_label(t) -> str:
    return t("Код по МКБ-10", "ЭОК-10 (МКБ-10) боюнча коду")


def preliminary_fields(doc, t):
    """The preliminary diagnosis as the health organisation notified it."""
    field(
        doc,
        t(
            "Медицинская организация, установившая предварительный диагноз",
            "Алдын ала диагнозду койгон саламаттык сактоо уюму",
        ),
        "{{ disease.health_organisation }}",
    )
    field(
        doc,
        t("Предварительный диагноз", "Алдын ала диагноз"),
        "{{ disease.preliminary_diagnosis }}",
    )
    field(doc, icd_label(t), "{{ disease.preliminary_icd10 }}")
    field(
        doc,
        t("Дата установления предварительного диагноза", "Алдын ала диагноз коюлган күн"),
        "{{ disease.preliminary_date }}",
    )
    field(
        doc,
        t("Форма заболевания (острое, хроническое)", "Оорунун формасы (катуу, өнөкөт)"),
        "{{ disease.form }}",
    )


def final_fields(doc, t):
    """The final diagnosis of the occupational-pathology centre."""
    field(
        doc,
        t("Заключительный диагноз", "Акыркы диагноз"),
        "{{ disease.final_diagnosis }}",
    )
    field(doc, icd_label(t), "{{ disease.final_icd10 }}")
    field(
        doc,
        t("Установлен (центр профессиональной патологии)", "Койгон (кесиптик патология борбору)"),
        "{{ disease.pathology_centre }}",
    )
    field(doc, t("Дата установления", "Коюлган күнү"), "{{ disease.final_date }}")


def route_table(doc, t):
    loop_table(
        doc,
        [
            t("№", "№"),
            t("Работодатель", "Иш берүүчү"),
            t("Профессия (должность)", "Кесиби (кызматы)"),
            t("Период работы (годы, с – по)", "Иштеген мезгили (жылдар)"),
            t("Стаж", "Стажы"),
            t("Вредные производственные факторы", "Зыяндуу өндүрүштүк факторлор"),
        ],
        [
            "{{ loop.index }}",
            "{{ r.employer }}",
            "{{ r.job }}",
            "{{ r.period }}",
            "{{ r.years }}",
            "{{ r.factors }}",
        ],
        "r in route",
        "route",
        weights=[1, 5, 3.5, 3.5, 2, 4],
    )


def _runs(cell, parts: list[tuple[str, bool]]) -> None:
    """Replace a table cell's text by runs, each (text, bold): one Jinja tag per run."""
    p = cell.paragraphs[0]
    for run in list(p.runs):
        run._r.getparent().remove(run._r)
    for value, bold in parts:
        run = p.add_run(value)
        run.bold = bold or None
        run.font.size = Pt(FACTORS_PT)


def factors_table(doc, t):
    """The measured harmful factors against their limits. A value over its limit has its
    measured, ratio and mark cells shaded (docxtpl's ``{% cellbg f.fill %}``) and the bold
    mark "▲ превышение …" / "▲ ашып кетүү …"; a value within it the plain "в пределах
    норматива" / "ченемдин чегинде"."""
    table = loop_table(
        doc,
        [
            t("№", "№"),
            t("Вредный производственный фактор", "Зыяндуу өндүрүштүк фактор"),
            t("Измерено", "Өлчөнгөнү"),
            t("Норматив (ПДУ, ПДК)", "Гигиеналык ченем"),
            t("Ед. изм.", "Өлчөө бирдиги"),
            t("Часов за смену", "Сменадагы сааттар"),
            t("× норматив", "× ченем"),
            t("Превышение норматива", "Ченемден ашып кетүү"),
        ],
        [
            "{{ loop.index }}",
            "{{ f.name }}",
            "{{ f.measured }}",
            "{{ f.limit }}",
            "{{ f.unit }}",
            "{{ f.hours }}",
            "{{ f.ratio }}",
            "{{ f.mark_over }}",
        ],
        "f in factors",
        "factors",
        weights=[0.7, 3.0, 2.2, 2.4, 1.8, 1.9, 1.5, 3.5],
        size=FACTORS_PT,
    )
    cells = table.rows[2].cells  # header, {%tr for %}, the data row
    _runs(cells[2], [("{% cellbg f.fill %}", False), ("{{ f.measured }}", False)])
    _runs(cells[6], [("{% cellbg f.fill %}", False), ("{{ f.ratio }}", False)])
    _runs(
        cells[7],
        [
            ("{% cellbg f.fill %}", False),
            ("{{ f.mark_over }}", True),
            ("{{ f.mark_within }}", False),
        ],
    )
    para(
        doc,
        t(
            "▲ — измеренное значение превышает гигиенический норматив (ячейки выделены цветом).",
            "▲ — өлчөнгөн маани гигиеналык ченемден ашат (уячалар түс менен белгиленген).",
        ),
        size=9,
        after=4,
    )
