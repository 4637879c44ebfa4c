"""Template builder: investigation_act (the act of investigation of a group, severe or fatal
accident, docs/procedure.md §5): all victims in one act, the findings as in Act N-1."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH

from ..layout import (
    field,
    heading,
    loop_table,
    para,
    title,
)
from .common import (
    attachments_list,
    causes_table,
    circumstances_fields,
    commission_table,
    employer_fields,
    investigators_signatures,
    measures_table,
    place_fields,
    responsible_table,
    witnesses_table,
    work_related_fields,
)

FILL = "________________________________________________________________________"
VICTIM_PT = 9  # the victims tables have many columns


def _label(doc, value: str):
    """A bold lead-in line above a table or a group of fields."""
    para(doc, value, bold=True, before=4, after=3, keep=True)


def build_investigation_act(doc, t):
    title(doc, t("АКТ", "АКТ"), size=14)
    title(
        doc,
        t(
            "о расследовании несчастного случая на производстве",
            "өндүрүштөгү кырсыкты териштирүү жөнүндө",
        ),
        after=6,
    )
    para(
        doc,
        t(
            "Дело № {{ case_number }}. Категория несчастного случая: {{ category }}.",
            "Кырсык боюнча иш № {{ case_number }}. Кырсыктын категориясы: {{ category }}.",
        ),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=6,
    )
    field(
        doc,
        t(
            "Дата и время несчастного случая (местное время)",
            "Кырсыктын датасы жана убактысы (жергиликтүү убакыт)",
        ),
        "{{ accident.date }}, {{ accident.time }}",
    )
    field(
        doc,
        t("Число пострадавших", "Жабыркагандардын саны"),
        t(
            "{{ victims_count }}, в том числе погибших: {{ deaths_count }}",
            "{{ victims_count }}, анын ичинде каза болгондор: {{ deaths_count }}",
        ),
    )
    _label(doc, t("Работодатель:", "Иш берүүчү:"))
    employer_fields(doc, t, unit=True)
    field(
        doc,
        t("Расследование проведено в период", "Териштирүү жүргүзүлгөн мезгил"),
        "{{ investigation_period }}",
    )
    _label(doc, t("Лица, проводившие расследование:", "Териштирүүнү жүргүзгөн адамдар:"))
    commission_table(doc, t)
    _label(
        doc,
        t(
            "Лица, принимавшие участие в расследовании (фамилия, имя, отчество, должность, "
            "организация):",
            "Териштирүүгө катышкан адамдар (аты-жөнү, кызматы, уюму):",
        ),
    )
    para(doc, FILL, after=2)
    para(doc, FILL, after=6)

    heading(doc, t("1. Сведения о пострадавших", "1. Жабыркагандар жөнүндө маалымат"))
    loop_table(
        doc,
        [
            t("№", "№"),
            t("Фамилия, имя, отчество", "Аты-жөнү"),
            t("Пол, дата рождения (возраст)", "Жынысы, туулган күнү (жашы)"),
            t(
                "Профессия (должность), профессиональный статус",
                "Кесиби (кызматы), кесиптик статусу",
            ),
            t("Стаж: в этой работе / в организации", "Стажы: ушул жумушта / ушул уюмда"),
            t("Тяжесть повреждения здоровья", "Ден соолукка келтирилген зыяндын оордугу"),
            t("Исход", "Натыйжасы"),
            t(
                "Лица, находившиеся на иждивении (погибшего)",
                "Багуусунда болгон адамдар (каза болгондун)",
            ),
        ],
        [
            "{{ loop.index }}",
            "{{ v.name }}",
            "{{ v.sex }}, {{ v.birth_date }} ({{ v.age }})",
            "{{ v.occupation }}; {{ v.person_category }}",
            "{{ v.service_total }} / {{ v.service_employer }}",
            "{{ v.severity }}",
            "{{ v.outcome }}",
            "{{ v.dependants }}",
        ],
        "v in victims",
        "victims",
        weights=[0.8, 3.5, 3, 3.5, 2.5, 2.2, 2.2, 3.5],
        size=VICTIM_PT,
    )

    heading(
        doc,
        t(
            "2. Сведения о проведении инструктажей и обучения по охране труда",
            "2. Эмгекти коргоо боюнча нускоо жана окутуу жөнүндө маалымат",
        ),
    )
    loop_table(
        doc,
        [
            t("№", "№"),
            t("Фамилия, имя, отчество", "Аты-жөнү"),
            t("Вводный инструктаж", "Киришүү нускоосу"),
            t("Инструктаж на рабочем месте (вид, дата)", "Жумуш орунундагы нускоо (түрү, датасы)"),
            t("Стажировка", "Стажировка"),
            t("Обучение по охране труда", "Эмгекти коргоого окутуу"),
            t("Проверка знаний (дата, протокол)", "Билимин текшерүү (датасы, протоколу)"),
        ],
        [
            "{{ loop.index }}",
            "{{ v.name }}",
            "{{ v.induction_briefing_date }}",
            "{{ v.workplace_briefing_type }}, {{ v.workplace_briefing_date }}",
            "{{ v.internship }}",
            "{{ v.training_date }}",
            "{{ v.knowledge_test_date }}, № {{ v.knowledge_test_protocol }}",
        ],
        "v in victims",
        "victims",
        weights=[0.8, 3.5, 2.2, 3, 2.5, 2.2, 3],
        size=VICTIM_PT,
    )

    heading(
        doc,
        t(
            "3. Краткая характеристика места (объекта), где произошёл несчастный случай, "
            "и опасных производственных факторов",
            "3. Кырсык болгон жердин (объектинин) жана коркунучтуу өндүрүштүк факторлордун "
            "кыскача мүнөздөмөсү",
        ),
    )
    place_fields(doc, t)
    para(
        doc,
        t(
            "Подробное описание места и опасных производственных факторов — в протоколе "
            "осмотра места несчастного случая.",
            "Окуя болгон жердин жана коркунучтуу өндүрүштүк факторлордун толук сыпаттамасы "
            "кырсык болгон жерди кароонун протоколунда берилген.",
        ),
        size=10,
        after=2,
    )

    heading(doc, t("4. Обстоятельства несчастного случая", "4. Кырсыктын жагдайлары"))
    circumstances_fields(doc, t)
    field(doc, t("Вид происшествия", "Окуянын түрү"), "{{ accident.event_type }}")
    _label(
        doc,
        t(
            "Характер полученных повреждений и состояние опьянения пострадавших:",
            "Жабыркагандардын алган жаракаттарынын мүнөзү жана мас абалы:",
        ),
    )
    loop_table(
        doc,
        [
            t("№", "№"),
            t("Фамилия, имя, отчество", "Аты-жөнү"),
            t("Характер повреждений", "Жаракаттын мүнөзү"),
            t("Орган, подвергшийся повреждению", "Жабыркаган дене мүчөсү"),
            t("Состояние опьянения (степень)", "Мас абалы (даражасы)"),
        ],
        [
            "{{ loop.index }}",
            "{{ v.name }}",
            "{{ v.injury_nature }}",
            "{{ v.body_part }}",
            "{{ v.intoxication }} ({{ v.intoxication_degree }})",
        ],
        "v in victims",
        "victims",
        weights=[0.8, 4, 4.5, 3.5, 3.5],
        size=VICTIM_PT,
    )
    _label(doc, t("Очевидцы несчастного случая:", "Кырсыктын күбөлөрү:"))
    witnesses_table(doc, t)

    heading(doc, t("5. Причины несчастного случая", "5. Кырсыктын себептери"))
    causes_table(doc, t)

    heading(
        doc,
        t(
            "6. Лица, допустившие нарушение требований охраны труда",
            "6. Эмгекти коргоо талаптарын бузган адамдар",
        ),
    )
    responsible_table(doc, t)

    heading(doc, t("7. Квалификация несчастного случая", "7. Кырсыктын квалификациясы"))
    work_related_fields(doc, t)

    heading(
        doc,
        t(
            "8. Мероприятия по устранению причин несчастного случая",
            "8. Кырсыктын себептерин жоюу боюнча иш-чаралар",
        ),
    )
    measures_table(doc, t)

    heading(doc, t("9. Прилагаемые материалы", "9. Тиркелген материалдар"))
    loop_table(
        doc,
        [t("№", "№"), t("Документ", "Документ")],
        [
            "{{ loop.index }}",
            t(
                "Акт формы Н-1 № {{ v.act_number }} ({{ v.name }})",
                "Н-1 формасындагы № {{ v.act_number }} акт ({{ v.name }})",
            ),
        ],
        "v in victims",
        "victims",
        weights=[1, 15],
    )
    para(
        doc,
        t(
            "Другие материалы (протоколы осмотра места и опросов, схемы, фотографии, "
            "медицинские заключения и др.):",
            "Башка материалдар (окуя болгон жерди кароонун жана сурамжылоонун протоколдору, "
            "схемалар, сүрөттөр, медициналык корутундулар ж.б.):",
        ),
        after=2,
        keep=True,
    )
    attachments_list(doc, t)
    for _ in range(4):
        para(doc, FILL, after=2)

    investigators_signatures(doc, t)
