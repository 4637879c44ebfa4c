"""Template builder: dissent (a commission member's dissenting opinion on the drafted act)."""

from __future__ import annotations

from ..layout import (
    field,
    heading,
    para,
    text,
    title,
)


def build_dissent(doc, t):
    title(doc, "{{ employer.name }}", after=6)
    title(doc, t("ОСОБОЕ МНЕНИЕ", "ӨЗГӨЧӨ ПИКИР"), size=14)
    title(
        doc,
        t(
            "члена комиссии по расследованию {% if disease %}случая профессионального "
            "заболевания{% else %}несчастного случая на производстве{% endif %} "
            "(дело № {{ case_number }})",
            "{% if disease %}кесиптик оору учурун{% else %}өндүрүштөгү кырсыкты{% endif %} "
            "териштирүү боюнча комиссиянын мүчөсүнүн (иш № {{ case_number }})",
        ),
        after=8,
    )
    field(doc, t("Член комиссии", "Комиссиянын мүчөсү"), "{{ member.name }}")
    field(doc, t("Должность", "Кызматы"), "{{ member.position }}")
    field(doc, t("Организация", "Уюму"), "{{ member.organisation }}")
    field(doc, t("Роль в комиссии", "Комиссиядагы ролу"), "{{ member.role }}")
    field(
        doc,
        t(
            "{% if disease %}Дата и время предварительного диагноза{% else %}Дата и время "
            "несчастного случая{% endif %}",
            "{% if disease %}Алдын ала диагноз коюлган күн жана убакыт{% else %}Кырсыктын "
            "датасы жана убактысы{% endif %}",
        ),
        "{{ accident.datetime }}",
    )
    field(
        doc,
        t(
            "{% if disease %}Рабочее место{% else %}Место{% endif %}",
            "{% if disease %}Жумуш орду{% else %}Окуя болгон жер{% endif %}",
        ),
        "{{ accident.place }}",
    )
    field(
        doc,
        t(
            "{% if disease %}Форма заболевания{% else %}Категория несчастного случая{% endif %}",
            "{% if disease %}Оорунун түрү{% else %}Кырсыктын категориясы{% endif %}",
        ),
        "{{ category }}",
    )
    para(
        doc,
        t(
            "{% if disease %}Работник:{% else %}Пострадавшие:{% endif %}",
            "{% if disease %}Кызматкер:{% else %}Жабыркагандар:{% endif %}",
        ),
        bold=True,
        after=2,
    )
    para(doc, "{%p for v in victims %}")
    para(doc, "{{ loop.index }}. {{ v.name }}, {{ v.occupation }}", indent_cm=0.5)
    para(doc, "{%p endfor %}")
    field(
        doc,
        t("Акт (проект)", "Акт (долбоор)"),
        t("№ {{ act_number }} от {{ act_date }}", "№ {{ act_number }}, датасы: {{ act_date }}"),
    )
    text(
        doc,
        t(
            "Я, член комиссии, подписываю акт с особым мнением: с содержанием акта в части, "
            "изложенной ниже, не согласен. Особое мнение прилагается к акту и является его "
            "неотъемлемой частью.",
            "Мен, комиссиянын мүчөсү, актка өзгөчө пикир менен кол коём: актынын төмөндө "
            "көрсөтүлгөн бөлүгүнө макул эмесмин. Өзгөчө пикир актка тиркелет жана анын "
            "ажырагыс бөлүгү болуп саналат.",
        ),
    )
    heading(
        doc,
        t(
            "Пункты акта, с которыми член комиссии не согласен, и обоснование",
            "Комиссиянын мүчөсү макул болбогон актынын пункттары жана негиздеме",
        ),
    )
    para(doc, "{%p for point in points %}")
    text(doc, "{{ point }}")
    para(doc, "{%p endfor %}")
    para(
        doc,
        t(
            "Член комиссии   ________________ (подпись)   {{ member.name }}",
            "Комиссиянын мүчөсү   ________________ (колу)   {{ member.name }}",
        ),
        before=18,
    )
    field(doc, t("Дата", "Датасы"), "{{ doc_date }}")
