"""Author the first version of every .docx template with python-docx.

    python -m doc_templates.build            # writes doc_templates/{ru,ky}/<kind>.docx
    python -m doc_templates.build --out DIR  # somewhere else, e.g. to compare with the edited ones

Run it only for a fresh start: once committed, the .docx files are the source of truth and a
lawyer edits them in Word; running this again overwrites their edits. Each builder keeps the
Russian and Kyrgyz wording side by side (``t("ru", "ky")``) so a reviewer can compare them.

The page layout (fonts, margins, loop tables) is in layout.py; the rules for people editing the
templates are in README.md."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH

from . import KINDS, LANGUAGES, TEMPLATE_DIR
from .layout import (
    BODY_PT,
    field,
    heading,
    landscape_section,
    loop_table,
    new_document,
    para,
    text,
    title,
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


def _footer_text(t) -> str:
    return t("Дело о несчастном случае № {{ case_number }}", "Кырсык боюнча иш № {{ case_number }}")


def _employer_fields(doc, t, *, unit=False):
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


def build_notice(doc, t):
    title(doc, t("ИЗВЕЩЕНИЕ", "КАБАРЛАМА"), size=14)
    title(doc, t("о несчастном случае на производстве", "өндүрүштөгү кырсык жөнүндө"), after=6)
    field(doc, t("Дело", "Кырсык боюнча иш"), "№ {{ case_number }}")
    field(doc, t("Категория несчастного случая", "Кырсыктын категориясы"), "{{ category }}")

    heading(doc, t("1. Работодатель", "1. Иш берүүчү"))
    _employer_fields(doc, t, unit=True)
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
    para(
        doc,
        t(
            "Срок направления извещения: {{ deadline.basis }}.",
            "Кабарламаны жөнөтүү мөөнөтү: {{ deadline.basis }}.",
        ),
        size=10,
        before=8,
    )


def build_commission_order(doc, t):
    title(doc, "{{ employer.name }}")
    title(doc, t("ПРИКАЗ", "БУЙРУК"), size=14, after=4)
    para(
        doc,
        t("от {{ order_date }} № {{ order_number }}", "{{ order_date }} № {{ order_number }}"),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=8,
    )
    title(
        doc,
        t(
            "О создании комиссии по расследованию несчастного случая на производстве",
            "Өндүрүштөгү кырсыкты териштирүү боюнча комиссия түзүү жөнүндө",
        ),
        after=8,
    )
    text(
        doc,
        t(
            "В соответствии со статьёй 11 Закона Кыргызской Республики «Об охране труда» "
            "от 1 августа 2003 года № 167 и Трудовым кодексом Кыргызской Республики, в связи с "
            "несчастным случаем на производстве (дата и время: {{ accident.date }}, "
            "{{ accident.time }}; место: {{ accident.place }}; категория: {{ category }}; "
            "дело № {{ case_number }}), произошедшим со следующими работниками:",
            "«Эмгекти коргоо жөнүндө» Кыргыз Республикасынын 2003-жылдын 1-августундагы № 167 "
            "Мыйзамынын 11-беренесине жана Кыргыз Республикасынын Эмгек кодексине ылайык, "
            "төмөнкү кызматкерлер менен болгон өндүрүштөгү кырсыкка байланыштуу (датасы жана "
            "убактысы: {{ accident.date }}, {{ accident.time }}; окуя болгон жер: "
            "{{ accident.place }}; категориясы: {{ category }}; иш № {{ case_number }}):",
        ),
    )
    loop_table(
        doc,
        [
            t("№", "№"),
            t("Фамилия, имя, отчество", "Аты-жөнү"),
            t("Профессия (должность)", "Кесиби (кызматы)"),
        ],
        ["{{ loop.index }}", "{{ v.name }}", "{{ v.occupation }}"],
        "v in victims",
        "victims",
        weights=[1, 8, 7],
    )
    para(doc, t("ПРИКАЗЫВАЮ:", "БУЙРУК КЫЛАМ:"), bold=True, after=4)
    text(
        doc,
        t(
            "1. Создать комиссию по расследованию несчастного случая в следующем составе:",
            "1. Кырсыкты териштирүү боюнча комиссия төмөнкү курамда түзүлсүн:",
        ),
    )
    commission_table(doc, t)
    text(
        doc,
        t(
            "2. Комиссии провести расследование, начиная с {{ investigation_start }}. "
            "Срок окончания расследования: {{ deadline.due }} (включительно).",
            "2. Комиссия териштирүүнү жүргүзсүн. Териштирүүнүн башталышы: "
            "{{ investigation_start }}. Териштирүүнүн акыркы мөөнөтү: {{ deadline.due }} "
            "(ушул күндү кошо алганда).",
        ),
    )
    text(
        doc, t("Основание срока: {{ deadline.basis }}.", "Мөөнөттүн негизи: {{ deadline.basis }}.")
    )
    text(
        doc,
        t(
            "3. Председатель комиссии ({{ chair.name }}, {{ chair.position }}) по окончании "
            "расследования представляет акт по форме Н-1 и материалы расследования на утверждение.",
            "3. Комиссиянын төрагасы ({{ chair.name }}, {{ chair.position }}) териштирүү "
            "аяктагандан кийин Н-1 формасындагы актты жана териштирүүнүн материалдарын бекитүүгө "
            "берет.",
        ),
    )
    text(
        doc,
        t(
            "4. Контроль за исполнением настоящего приказа оставляю за собой.",
            "4. Ушул буйруктун аткарылышын көзөмөлдөөнү өзүмө калтырам.",
        ),
    )
    para(
        doc,
        t(
            "Руководитель   ________________ (подпись)   ________________ (Ф.И.О.)",
            "Жетекчи   ________________ (колу)   ________________ (аты-жөнү)",
        ),
        before=18,
    )
    para(doc, t("М.П.", "М.О."), before=4, after=12)
    para(doc, t("С приказом ознакомлены:", "Буйрук менен тааныштым:"), bold=True, after=4)
    signature_table(doc, t)


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
    _employer_fields(doc, t, unit=True)

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
    field(doc, t("Место", "Окуя болгон жер"), "{{ accident.place }}")
    field(
        doc,
        t(
            "Оборудование, использование которого привело к несчастному случаю",
            "Кырсыкка алып келген жабдуу",
        ),
        "{{ equipment }}",
    )
    field(
        doc,
        t(
            "Результаты оценки условий труда (аттестации рабочего места)",
            "Эмгек шарттарына баа берүүнүн (жумуш орунун аттестациялоонун) жыйынтыгы",
        ),
        "{{ workplace_assessment }}",
    )
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
    field(doc, t("Выполнявшаяся работа", "Аткарылып жаткан жумуш"), "{{ accident.work_performed }}")
    text(doc, "{{ accident.circumstances }}")
    field(
        doc, t("Оказанная первая помощь", "Көрсөтүлгөн биринчи жардам"), "{{ accident.first_aid }}"
    )
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
    loop_table(
        doc,
        [
            t("№", "№"),
            t("Фамилия, имя, отчество", "Аты-жөнү"),
            t("Должность", "Кызматы"),
            t("Контактные данные", "Байланыш маалыматтары"),
        ],
        ["{{ loop.index }}", "{{ w.name }}", "{{ w.position }}", "{{ w.contact }}"],
        "w in witnesses",
        "witnesses",
        weights=[1, 6, 5, 5],
    )

    heading(doc, t("9. Причины несчастного случая", "9. Кырсыктын себептери"))
    loop_table(
        doc,
        [
            t("№", "№"),
            t("Код", "Коду"),
            t("Причина", "Себеби"),
            t("Вид", "Түрү"),
            t("Описание", "Баяндамасы"),
            t("Нарушенные нормы", "Бузулган ченемдер"),
        ],
        [
            "{{ loop.index }}",
            "{{ c.code }}",
            "{{ c.title }}",
            "{{ c.kind }}",
            "{{ c.description }}",
            "{{ c.violated_norm }}",
        ],
        "c in causes",
        "causes",
        weights=[1, 1.3, 4, 2.5, 5, 4],
    )
    field(
        doc,
        t("Заключение комиссии", "Комиссиянын корутундусу"),
        t("несчастный случай {{ work_related }}", "кырсык {{ work_related }}"),
    )
    field(doc, t("Основание", "Негизи"), "{{ work_related_ground }}")

    heading(
        doc,
        t(
            "10. Лица, допустившие нарушение требований охраны труда",
            "10. Эмгекти коргоо талаптарын бузган адамдар",
        ),
    )
    loop_table(
        doc,
        [
            t("№", "№"),
            t("Фамилия, имя, отчество", "Аты-жөнү"),
            t("Должность", "Кызматы"),
            t("Нарушенные нормы", "Бузулган ченемдер"),
        ],
        ["{{ loop.index }}", "{{ p.name }}", "{{ p.position }}", "{{ p.violated_norms }}"],
        "p in responsible",
        "responsible",
        weights=[1, 5, 4, 7],
    )

    heading(
        doc,
        t(
            "11. Мероприятия по устранению причин несчастного случая",
            "11. Кырсыктын себептерин жоюу боюнча иш-чаралар",
        ),
    )
    loop_table(
        doc,
        [
            t("№", "№"),
            t("Мероприятие", "Иш-чара"),
            t("Срок", "Мөөнөтү"),
            t("Исполнитель", "Аткаруучу"),
        ],
        ["{{ loop.index }}", "{{ x.action }}", "{{ x.due_date }}", "{{ x.owner }}"],
        "x in measures",
        "measures",
        weights=[1, 9, 2.5, 4.5],
    )

    para(
        doc,
        t("Подписи лиц, проводивших расследование:", "Териштирүүнү жүргүзгөн адамдардын колдору:"),
        bold=True,
        before=8,
        after=4,
        keep=True,
    )
    signature_table(doc, t)
    field(doc, t("Дата составления акта", "Акт түзүлгөн күн"), "{{ act_date }}")


def build_insurer_notice(doc, t):
    para(doc, t("Страховщику:", "Камсыздандыруучуга:"), bold=True, indent_cm=9.5)
    para(doc, "{{ employer.insurer_name }}", indent_cm=9.5, after=12)
    title(doc, t("ИЗВЕЩЕНИЕ", "КАБАРЛАМА"), size=14)
    title(
        doc,
        t(
            "о несчастном случае на производстве (страховом случае)",
            "өндүрүштөгү кырсык (камсыздандыруу окуясы) жөнүндө",
        ),
    )
    para(
        doc,
        t(
            "по договору обязательного страхования гражданско-правовой ответственности "
            "работодателя за причинение вреда жизни и здоровью работника (Закон Кыргызской "
            "Республики от 5 августа 2008 года № 194)",
            "кызматкердин өмүрүнө жана ден соолугуна зыян келтиргендиги үчүн иш берүүчүнүн "
            "жарандык-укуктук жоопкерчилигин милдеттүү камсыздандыруу келишими боюнча (Кыргыз "
            "Республикасынын 2008-жылдын 5-августундагы № 194 Мыйзамы)",
        ),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        size=10,
        after=8,
    )

    heading(doc, t("1. Страховой полис", "1. Камсыздандыруу полиси"))
    para(doc, "№ {{ employer.policy_number }}")
    heading(doc, t("2. Страхователь (работодатель)", "2. Камсыздандырылуучу (иш берүүчү)"))
    _employer_fields(doc, t)
    heading(doc, t("3. Событие", "3. Окуя"))
    field(doc, t("Дело", "Кырсык боюнча иш"), "№ {{ case_number }}")
    field(
        doc,
        t("Дата и время (местное время)", "Датасы жана убактысы (жергиликтүү убакыт)"),
        "{{ accident.datetime }}",
    )
    field(doc, t("Вид происшествия", "Окуянын түрү"), "{{ accident.event_type }}")
    field(doc, t("Категория несчастного случая", "Кырсыктын категориясы"), "{{ category }}")
    field(doc, t("Место", "Окуя болгон жер"), "{{ accident.place }}")
    field(
        doc, t("Краткие обстоятельства", "Кыскача жагдайлары"), "{{ accident.circumstances_short }}"
    )
    heading(doc, t("4. Пострадавшие", "4. Жабыркагандар"))
    loop_table(
        doc,
        [
            t("№", "№"),
            t("Фамилия, имя, отчество", "Аты-жөнү"),
            t("Дата рождения", "Туулган күнү"),
            t("Профессия (должность)", "Кесиби (кызматы)"),
            t(
                "Тяжесть повреждения (мед. заключение)",
                "Жаракаттын оордугу (медициналык корутунду)",
            ),
            t("Исход", "Натыйжасы"),
            t("Акт Н-1 №", "Н-1 акты №"),
        ],
        [
            "{{ loop.index }}",
            "{{ v.name }}",
            "{{ v.birth_date }}",
            "{{ v.occupation }}",
            "{{ v.severity }}",
            "{{ v.outcome }}",
            "{{ v.act_number }}",
        ],
        "v in victims",
        "victims",
        weights=[1, 4.5, 2.5, 3.5, 3, 3, 2],
    )
    heading(
        doc,
        t(
            "5. Акт о несчастном случае на производстве (форма Н-1)",
            "5. Өндүрүштөгү кырсык жөнүндө акт (Н-1 формасы)",
        ),
    )
    field(doc, t("Дата составления", "Түзүлгөн күнү"), "{{ act_date }}")
    field(doc, t("Дата утверждения", "Бекитилген күнү"), "{{ approved_date }}")
    para(doc, t("Копия акта прилагается.", "Актынын көчүрмөсү тиркелет."))
    heading(doc, t("6. Заключение МСЭК", "6. МСЭКтин корутундусу"))
    field(
        doc,
        t(
            "Группа инвалидности, процент утраты профессиональной трудоспособности",
            "Майыптык тобу, кесиптик эмгекке жөндөмдүүлүктү жоготуунун пайызы",
        ),
        "{{ disability }}",
    )
    heading(doc, t("7. При смертельном исходе", "7. Өлүм менен аяктаган учурда"))
    field(
        doc,
        t("Свидетельство о смерти, выгодоприобретатели", "Өлүм жөнүндө күбөлүк, пайда алуучулар"),
        "{{ beneficiaries }}",
    )
    para(
        doc,
        t(
            "Приложения: 1. Копия акта по форме Н-1. 2. Медицинское заключение о тяжести "
            "повреждения здоровья.",
            "Тиркемелер: 1. Н-1 формасындагы актынын көчүрмөсү. 2. Ден соолукка "
            "келтирилген зыяндын оордугу жөнүндө медициналык корутунду.",
        ),
        before=8,
    )
    field(doc, t("Срок направления", "Жөнөтүү мөөнөтү"), "{{ deadline.basis }}")
    field(doc, t("Направить не позднее", "Акыркы мөөнөтү"), "{{ deadline.due }}")
    field(doc, t("Дата и время направления", "Жөнөтүлгөн датасы жана убактысы"), "{{ sent_at }}")
    para(
        doc,
        t(
            "Руководитель   ________________ (подпись)   ________________ (Ф.И.О.)",
            "Жетекчи   ________________ (колу)   ________________ (аты-жөнү)",
        ),
        before=18,
    )
    para(doc, t("М.П.", "М.О."), before=4, after=12)
    para(
        doc,
        t(
            "Извещение получено страховщиком: ________________ (Ф.И.О., подпись)  "
            "«____» ______________ 20____",
            "Кабарламаны камсыздандыруучу алды: ________________ (аты-жөнү, колу)  "
            "«____» ______________ 20____",
        ),
    )


def build_closure_summary(doc, t):
    title(doc, "{{ employer.name }}", after=6)
    title(doc, t("ИТОГОВАЯ СПРАВКА", "ЖЫЙЫНТЫК МААЛЫМАТ"), size=14)
    title(
        doc,
        t(
            "о закрытии дела о несчастном случае на производстве № {{ case_number }}",
            "өндүрүштөгү кырсык боюнча № {{ case_number }} иштин жабылышы жөнүндө",
        ),
        after=8,
    )
    field(doc, t("Категория несчастного случая", "Кырсыктын категориясы"), "{{ category }}")
    field(
        doc,
        t("Дата и время несчастного случая", "Кырсыктын датасы жана убактысы"),
        "{{ accident.datetime }}",
    )
    field(doc, t("Место", "Окуя болгон жер"), "{{ accident.place }}")
    field(doc, t("Вид происшествия", "Окуянын түрү"), "{{ accident.event_type }}")
    field(
        doc,
        t("Акт по форме Н-1 утверждён", "Н-1 формасындагы акт бекитилген күн"),
        "{{ act_date }}",
    )

    heading(
        doc,
        t(
            "1. Пострадавшие и последствия несчастного случая",
            "1. Жабыркагандар жана кырсыктын кесепеттери",
        ),
    )
    loop_table(
        doc,
        [
            t("№", "№"),
            t("Фамилия, имя, отчество", "Аты-жөнү"),
            t("Акт Н-1 №", "Н-1 акты №"),
            t("Исход", "Натыйжасы"),
            t("Дней нетрудоспособности", "Эмгекке жарамсыз күндөрдүн саны"),
        ],
        [
            "{{ loop.index }}",
            "{{ v.name }}",
            "{{ v.act_number }}",
            "{{ v.outcome }}",
            "{{ v.days_lost }}",
        ],
        "v in victims",
        "victims",
        weights=[1, 6, 2.5, 4, 3],
    )
    heading(doc, t("2. Выполнение мероприятий", "2. Иш-чаралардын аткарылышы"))
    loop_table(
        doc,
        [
            t("№", "№"),
            t("Мероприятие", "Иш-чара"),
            t("Срок", "Мөөнөтү"),
            t("Исполнитель", "Аткаруучу"),
            t("Отметка о выполнении", "Аткарылышы"),
            t("Дата выполнения", "Аткарылган күнү"),
        ],
        [
            "{{ loop.index }}",
            "{{ x.action }}",
            "{{ x.due_date }}",
            "{{ x.owner }}",
            "{{ x.done }}",
            "{{ x.done_date }}",
        ],
        "x in measures",
        "measures",
        weights=[1, 6, 2.5, 3.5, 3, 2.5],
    )
    field(doc, t("Дело закрыто", "Иш жабылган күн"), "{{ closed_date }}")
    para(
        doc,
        t(
            "Специалист по охране труда   ________________ (подпись)   ________________ (Ф.И.О.)",
            "Эмгекти коргоо боюнча адис   ________________ (колу)   ________________ (аты-жөнү)",
        ),
        before=18,
    )

    landscape_section(doc)
    heading(
        doc,
        t(
            "3. Запись в журнале регистрации несчастных случаев на производстве",
            "3. Өндүрүштөгү кырсыктарды каттоо журналына жазуу",
        ),
    )
    loop_table(
        doc,
        [
            t("№", "№"),
            t("Дата и время несчастного случая", "Кырсыктын датасы жана убактысы"),
            t(
                "Пострадавший: Ф.И.О., год рождения, стаж работы",
                "Жабыркаган: аты-жөнү, туулган жылы, эмгек стажы",
            ),
            t("Профессия (должность)", "Кесиби (кызматы)"),
            t("Структурное подразделение", "Түзүмдүк бөлүм"),
            t("Вид происшествия", "Окуянын түрү"),
            t("Краткие обстоятельства", "Кыскача жагдайлары"),
            t("№ и дата акта Н-1", "Н-1 актынын № жана датасы"),
            t("Исход", "Натыйжасы"),
            t("Принятые меры", "Көрүлгөн чаралар"),
        ],
        [
            "{{ r.number }}",
            "{{ r.datetime }}",
            "{{ r.victim }}",
            "{{ r.occupation }}",
            "{{ r.unit }}",
            "{{ r.event_type }}",
            "{{ r.circumstances }}",
            "{{ r.act }}",
            "{{ r.outcome }}",
            "{{ r.measures }}",
        ],
        "r in register",
        "register",
        weights=[1.3, 2, 3, 2.2, 2.2, 2.5, 4, 2.2, 2, 3.5],
        width_cm=25.2,
        size=9,
    )


BUILDERS = {
    "notice": build_notice,
    "commission_order": build_commission_order,
    "act_n1": build_act_n1,
    "insurer_notice": build_insurer_notice,
    "closure_summary": build_closure_summary,
}
assert tuple(BUILDERS) == KINDS


def build(kind: str, language: str):
    def t(ru: str, ky: str) -> str:
        return ru if language == "ru" else ky

    doc = new_document(language, _footer_text(t))
    BUILDERS[kind](doc, t)
    return doc


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=TEMPLATE_DIR,
        help="folder to write <lang>/<kind>.docx into (default: the package)",
    )
    parser.add_argument("kinds", nargs="*", metavar="KIND", help=f"default: all of {KINDS}")
    args = parser.parse_args(argv)
    unknown = set(args.kinds) - set(KINDS)
    if unknown:
        parser.error(f"unknown kinds: {sorted(unknown)}")
    for language in LANGUAGES:
        (args.out / language).mkdir(parents=True, exist_ok=True)
        for kind in args.kinds or KINDS:
            path = args.out / language / f"{kind}.docx"
            build(kind, language).save(path)
            print(path)


if __name__ == "__main__":
    main()
