"""Template builder: act_n1."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH

from ..layout import (
    field,
    heading,
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


def build_act_n1(doc, t):
    right = 9.5
    para(doc, t("Форма Н-1", "Н-1 формасы"), align=WD_ALIGN_PARAGRAPH.RIGHT, size=10, after=6)
    para(doc, t("УТВЕРЖДАЮ", "БЕКИТЕМИН"), bold=True, indent_cm=right)
    para(doc, t("Руководитель работодателя", "Иш берүүчүнүн жетекчиси"), indent_cm=right)
    para(doc, "{{ employer.name }}", indent_cm=right)
    para(doc, "{{ approver.position }}", indent_cm=right)
    para(
        doc,
        t(
            "________________ (подпись)  {{ approver.name }}",
            "________________ (колу)  {{ approver.name }}",
        ),
        indent_cm=right,
        before=6,
    )
    para(doc, "{{ approved_date }}", indent_cm=right)
    para(doc, t("М.П.", "М.О."), indent_cm=right, after=12)

    title(doc, t("АКТ № {{ act_number }}", "№ {{ act_number }} АКТ"), size=14)
    title(doc, t("о несчастном случае на производстве", "өндүрүштөгү кырсык жөнүндө"), after=6)
    para(
        doc,
        t(
            "Дело № {{ case_number }}. Категория несчастного случая: {{ category }}.",
            "Кырсык боюнча иш № {{ case_number }}. Кырсыктын категориясы: {{ category }}.",
        ),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=6,
    )

    heading(doc, t("1. Дата и время несчастного случая", "1. Кырсыктын датасы жана убактысы"))
    field(
        doc,
        t("Дата и время (местное время)", "Датасы жана убактысы (жергиликтүү убакыт)"),
        "{{ accident.date }}, {{ accident.time }}",
    )
    field(
        doc,
        t("Время начала работы (смены)", "Жумуштун (сменанын) башталган убактысы"),
        "{{ shift_start }}",
    )
    field(
        doc,
        t(
            "Количество полных часов от начала работы",
            "Жумуш башталгандан бери өткөн толук сааттардын саны",
        ),
        "{{ hours_since_shift }}",
    )

    heading(
        doc, t("2. Работодатель и структурное подразделение", "2. Иш берүүчү жана түзүмдүк бөлүм")
    )
    employer_fields(doc, t, unit=True)

    heading(doc, t("3. Организация, направившая работника", "3. Кызматкерди жиберген уюм"))
    para(doc, "{{ sending_organisation }}")

    heading(
        doc,
        t(
            "4. Лица, проводившие расследование несчастного случая",
            "4. Кырсыкты териштирген адамдар",
        ),
    )
    commission_table(doc, t)
    field(
        doc,
        t("Период расследования", "Териштирүү жүргүзүлгөн мезгил"),
        "{{ investigation_period }}",
    )

    heading(doc, t("5. Сведения о пострадавшем", "5. Жабыркаган жөнүндө маалымат"))
    field(doc, t("Фамилия, имя, отчество", "Аты-жөнү"), "{{ victim.name }}")
    field(doc, t("Пол", "Жынысы"), "{{ victim.sex }}")
    field(
        doc,
        t("Дата рождения (полных лет)", "Туулган күнү (толук жашы)"),
        "{{ victim.birth_date }} ({{ victim.age }})",
    )
    field(doc, t("Профессиональный статус", "Кесиптик статусу"), "{{ victim.person_category }}")
    field(doc, t("Профессия (должность)", "Кесиби (кызматы)"), "{{ victim.occupation }}")
    field(
        doc,
        t(
            "Стаж работы, при выполнении которой произошёл несчастный случай",
            "Кырсык болгон жумуш боюнча эмгек стажы",
        ),
        "{{ victim.service_total }}",
    )
    field(
        doc,
        t("в том числе в данной организации", "анын ичинде ушул уюмда"),
        "{{ victim.service_employer }}",
    )

    heading(
        doc,
        t(
            "6. Сведения о проведении инструктажей и обучения по охране труда",
            "6. Эмгекти коргоо боюнча нускоо жана окутуу жөнүндө маалымат",
        ),
    )
    field(doc, t("Вводный инструктаж", "Киришүү нускоосу"), "{{ victim.induction_briefing_date }}")
    field(
        doc,
        t("Инструктаж на рабочем месте", "Жумуш орунундагы нускоо"),
        "{{ victim.workplace_briefing_type }}, {{ victim.workplace_briefing_date }}",
    )
    field(doc, t("Стажировка", "Стажировка"), "{{ victim.internship }}")
    field(
        doc,
        t(
            "Обучение по охране труда по профессии или виду работы",
            "Кесиби же жумуштун түрү боюнча эмгекти коргоого окутуу",
        ),
        "{{ victim.training_date }}",
    )
    field(
        doc,
        t("Проверка знаний по охране труда", "Эмгекти коргоо боюнча билимин текшерүү"),
        t(
            "{{ victim.knowledge_test_date }}, протокол № {{ victim.knowledge_test_protocol }}",
            "{{ victim.knowledge_test_date }}, протокол № {{ victim.knowledge_test_protocol }}",
        ),
    )

    heading(
        doc,
        t(
            "7. Краткая характеристика места (объекта), где произошёл несчастный случай",
            "7. Кырсык болгон жердин (объектинин) кыскача мүнөздөмөсү",
        ),
    )
    place_fields(doc, t)
    para(
        doc,
        t(
            "Подробное описание места — в протоколе осмотра места несчастного случая.",
            "Окуя болгон жердин толук сыпаттамасы кырсык болгон жерди кароонун "
            "протоколунда берилген.",
        ),
        size=10,
        after=2,
    )

    heading(doc, t("8. Обстоятельства несчастного случая", "8. Кырсыктын жагдайлары"))
    circumstances_fields(doc, t)
    field(doc, t("8.1. Вид происшествия", "8.1. Окуянын түрү"), "{{ accident.event_type }}")
    field(
        doc,
        t(
            "8.2. Характер полученных повреждений, орган, подвергшийся повреждению, "
            "медицинское заключение о тяжести повреждения здоровья",
            "8.2. Алынган жаракаттын мүнөзү, жабыркаган дене мүчөсү, ден соолукка "
            "келтирилген зыяндын оордугу жөнүндө медициналык корутунду",
        ),
        t(
            "{{ victim.injury_nature }}; {{ victim.body_part }}; степень тяжести: "
            "{{ victim.severity }}",
            "{{ victim.injury_nature }}; {{ victim.body_part }}; оордугу: {{ victim.severity }}",
        ),
    )
    field(
        doc,
        t(
            "8.3. Нахождение пострадавшего в состоянии алкогольного, наркотического или "
            "токсического опьянения",
            "8.3. Жабыркагандын алкоголдук, баңгизаттык же уулуу заттык мас абалында болушу",
        ),
        t(
            "{{ victim.intoxication }} (степень: {{ victim.intoxication_degree }})",
            "{{ victim.intoxication }} (даражасы: {{ victim.intoxication_degree }})",
        ),
    )
    para(
        doc,
        t("8.4. Очевидцы несчастного случая:", "8.4. Кырсыктын күбөлөрү:"),
        bold=True,
        before=2,
        after=3,
        keep=True,
    )
    witnesses_table(doc, t)

    heading(doc, t("9. Причины несчастного случая", "9. Кырсыктын себептери"))
    causes_table(doc, t)
    work_related_fields(doc, t)

    heading(
        doc,
        t(
            "10. Лица, допустившие нарушение требований охраны труда",
            "10. Эмгекти коргоо талаптарын бузган адамдар",
        ),
    )
    responsible_table(doc, t)

    heading(
        doc,
        t(
            "11. Мероприятия по устранению причин несчастного случая",
            "11. Кырсыктын себептерин жоюу боюнча иш-чаралар",
        ),
    )
    measures_table(doc, t)

    heading(doc, t("Прилагаемые материалы", "Тиркелген материалдар"))
    attachments_list(doc, t)
    investigators_signatures(doc, t)
