"""Template builder: register (журнал регистрации несчастных случаев / профессиональных
заболеваний of one employer for one year).

A portrait title page (the first section stays A4 portrait like every template), then a
landscape section with the table. The accident and the occupational-disease registers differ in
their title and in two columns, so the template holds both tables, each between
``{%p if kind == … %}`` paragraphs: whoever edits it in Word sees plain column titles."""

from __future__ import annotations

from ..layout import field, landscape_section, loop_table, para, title

_ACCIDENT = '{%p if kind == "accident" %}'
_DISEASE = '{%p if kind == "occupational_disease" %}'
_END = "{%p endif %}"
_WIDTH_CM = 25.2  # landscape A4 less the 3 cm and 1.5 cm margins
_WEIGHTS = [1.3, 2, 1.8, 3.4, 2.2, 2, 2.4, 4, 2.2, 2, 3.5]
_CELLS = [
    "{{ r.number }}",
    "{{ r.datetime }}",
    "{{ r.category }}",
    "{{ r.victim }}",
    "{{ r.occupation }}",
    "{{ r.unit }}",
    "{{ r.event }}",
    "{{ r.circumstances }}",
    "{{ r.act }}",
    "{{ r.outcome }}",
    "{{ r.measures }}",
]


def register_footer_text(t) -> str:
    return t(
        "Журнал регистрации за {{ year }} год — {{ employer.name }}",
        "Каттоо журналы ({{ year }}) — {{ employer.name }}",
    )


def _table(doc, t, *, disease: bool):
    def pick(accident: tuple[str, str], sickness: tuple[str, str]) -> str:
        return t(*(sickness if disease else accident))

    headers = [
        t("№ дела", "Иштин №"),
        pick(
            ("Дата и время несчастного случая", "Кырсыктын датасы жана убактысы"),
            (
                "Дата и время установления предварительного диагноза",
                "Алдын ала диагноз коюлган дата жана убакыт",
            ),
        ),
        pick(("Категория", "Категориясы"), ("Форма заболевания", "Оорунун формасы")),
        pick(
            (
                "Пострадавший: Ф.И.О., год рождения, стаж работы",
                "Жабыркаган: аты-жөнү, туулган жылы, эмгек стажы",
            ),
            (
                "Работник: Ф.И.О., год рождения, стаж работы",
                "Кызматкер: аты-жөнү, туулган жылы, эмгек стажы",
            ),
        ),
        t("Профессия (должность)", "Кесиби (кызматы)"),
        t("Структурное подразделение", "Түзүмдүк бөлүм"),
        pick(
            ("Вид происшествия", "Окуянын түрү"),
            ("Диагноз (код по МКБ-10)", "Диагноз (ЭОК-10 боюнча коду)"),
        ),
        pick(
            ("Краткие обстоятельства", "Кыскача жагдайлары"),
            ("Краткие обстоятельства и условия", "Кыскача жагдайлары жана шарттары"),
        ),
        pick(
            ("№ и дата акта Н-1", "Н-1 актынын № жана датасы"),
            ("№ и дата акта", "Актынын № жана датасы"),
        ),
        t("Исход", "Натыйжасы"),
        t("Принятые меры", "Көрүлгөн чаралар"),
    ]
    loop_table(
        doc,
        headers,
        _CELLS,
        "r in entries",
        "entries",
        weights=_WEIGHTS,
        width_cm=_WIDTH_CM,
        size=9,
    )


def build_register(doc, t):
    title(doc, "{{ employer.name }}", after=24)
    para(doc, _ACCIDENT)
    title(doc, t("ЖУРНАЛ", "ӨНДҮРҮШТӨГҮ КЫРСЫКТАРДЫ"), size=16)
    title(
        doc,
        t("регистрации несчастных случаев на производстве", "каттоо журналы"),
        size=14,
        after=12,
    )
    para(doc, _END)
    para(doc, _DISEASE)
    title(doc, t("ЖУРНАЛ", "КЕСИПТИК ООРУЛАРДЫ"), size=16)
    title(
        doc,
        t("регистрации профессиональных заболеваний", "каттоо журналы"),
        size=14,
        after=12,
    )
    para(doc, _END)
    field(doc, t("Год", "Жылы"), "{{ year }}")
    field(doc, t("ИНН", "ИСН (ИНН)"), "{{ employer.tax_id }}")
    field(doc, t("Адрес", "Дареги"), "{{ employer.address }}")
    field(doc, t("Число записей", "Жазуулардын саны"), "{{ entries_count }}")
    field(doc, t("Дата формирования", "Түзүлгөн күнү"), "{{ doc_date }}")

    landscape_section(doc)
    para(doc, _ACCIDENT)
    _table(doc, t, disease=False)
    para(doc, _END)
    para(doc, _DISEASE)
    _table(doc, t, disease=True)
    para(doc, _END)
