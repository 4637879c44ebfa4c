"""Blocks shared by several documents."""

from __future__ import annotations

from collections.abc import Callable

from docx.enum.text import WD_ALIGN_PARAGRAPH

from ..layout import (
    BODY_PT,
    field,
    heading,
    loop_table,
    para,
    text,
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


# -- the findings: Act N-1 and the investigation act ---------------------------------------


def witnesses_table(doc, t):
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


def causes_table(doc, t):
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


def work_related_fields(doc, t):
    """The commission's conclusion: work-related or not, and on what grounds."""
    field(
        doc,
        t("Заключение комиссии", "Комиссиянын корутундусу"),
        t("несчастный случай {{ work_related }}", "кырсык {{ work_related }}"),
    )
    field(doc, t("Основание", "Негизи"), "{{ work_related_ground }}")


def responsible_table(doc, t):
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


def measures_table(doc, t):
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


def attachments_list(doc, t):
    """The case's materials, one numbered paragraph each; "нет" / "жок" when there are none."""
    para(doc, "{%p for a in attachments %}")
    para(doc, "{{ a.no }}. {{ a.title }}", after=2)
    para(doc, "{%p endfor %}")
    para(doc, "{%p if not attachments %}")
    para(doc, t("нет", "жок"), after=2)
    para(doc, "{%p endif %}")


def investigators_signatures(doc, t):
    """The commission's signature rows and the date the act was drawn up."""
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


def place_fields(doc, t):
    """The place, the equipment and the workplace assessment (act N-1 §7, the investigation
    act §3)."""
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


def circumstances_fields(doc, t):
    """The work being done, the circumstances and the first aid (act N-1 §8, the
    investigation act §4)."""
    field(doc, t("Выполнявшаяся работа", "Аткарылып жаткан жумуш"), "{{ accident.work_performed }}")
    text(doc, "{{ accident.circumstances }}")
    field(
        doc, t("Оказанная первая помощь", "Көрсөтүлгөн биринчи жардам"), "{{ accident.first_aid }}"
    )


def accident_and_victims(doc, t):
    """The accident a protocol belongs to and its victims (both protocols' headers)."""
    field(
        doc,
        t("Несчастный случай (дата и время)", "Кырсык (датасы жана убактысы)"),
        "{{ accident.datetime }}",
    )
    field(doc, t("Место несчастного случая", "Кырсык болгон жер"), "{{ accident.place }}")
    para(doc, t("Пострадавшие:", "Жабыркагандар:"), bold=True, after=2)
    para(doc, "{%p for v in victims %}")
    para(doc, "{{ loop.index }}. {{ v.name }}, {{ v.occupation }}", indent_cm=0.5)
    para(doc, "{%p endfor %}")


def law194_policy_and_employer(doc, t):
    """Both notices to the insurer: the Law No. 194 line under the title, sections 1 (the
    policy) and 2 (the insured employer)."""
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
    employer_fields(doc, t)
