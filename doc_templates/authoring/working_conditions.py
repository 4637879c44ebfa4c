"""Template builder: working_conditions (the sanitary body's sanitary-hygienic description of
the working conditions of a worker suspected of an occupational disease)."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH

from ..layout import field, heading, para, text, title
from .common import employer_fields
from .disease_common import factors_table, route_table, service_fields


def build_working_conditions(doc, t):
    title(
        doc,
        t(
            "САНИТАРНО-ГИГИЕНИЧЕСКАЯ ХАРАКТЕРИСТИКА УСЛОВИЙ ТРУДА",
            "ЭМГЕК ШАРТТАРЫНЫН САНИТАРДЫК-ГИГИЕНАЛЫК МҮНӨЗДӨМӨСҮ",
        ),
        size=14,
    )
    title(
        doc,
        t(
            "работника при подозрении у него профессионального заболевания",
            "кызматкерде кесиптик оору шектелген учурда",
        ),
        after=6,
    )
    para(
        doc,
        t(
            "№ {{ case_number }} от {{ conditions.date }}",
            "№ {{ case_number }}, датасы: {{ conditions.date }}",
        ),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=6,
    )
    field(
        doc,
        t(
            "Составлена (орган санитарно-эпидемиологического надзора)",
            "Түзгөн (санитардык-эпидемиологиялык көзөмөл органы)",
        ),
        "{{ disease.sanitary_body }}",
    )

    heading(doc, t("1. Работодатель", "1. Иш берүүчү"))
    employer_fields(doc, t)
    field(doc, t("Структурное подразделение", "Түзүмдүк бөлүм"), "{{ worker.unit }}")
    heading(doc, t("2. Работник", "2. Кызматкер"))
    field(doc, t("Фамилия, имя, отчество", "Аты-жөнү"), "{{ worker.name }}")
    field(doc, t("Дата рождения", "Туулган күнү"), "{{ worker.birth_date }}")
    field(doc, t("Профессия (должность)", "Кесиби (кызматы)"), "{{ worker.occupation }}")
    service_fields(doc, t)
    heading(doc, t("3. Предварительный диагноз", "3. Алдын ала диагноз"))
    field(
        doc,
        t("Диагноз (код по МКБ-10)", "Диагноз (ЭОК-10 боюнча коду)"),
        "{{ disease.preliminary }}",
    )
    field(
        doc,
        t("Дата и медицинская организация", "Датасы жана саламаттык сактоо уюму"),
        "{{ disease.preliminary_date }}, {{ disease.health_organisation }}",
    )
    field(doc, t("Форма заболевания", "Оорунун формасы"), "{{ disease.form }}")

    heading(doc, t("4. Профессиональный маршрут работника", "4. Кызматкердин кесиптик маршруту"))
    route_table(doc, t)
    heading(doc, t("5. Рабочее место и выполняемая работа", "5. Жумуш орду жана аткарылган жумуш"))
    field(doc, t("Рабочее место", "Жумуш орду"), "{{ work.place }}")
    field(doc, t("Выполняемая работа", "Аткарылган жумуш"), "{{ work.performed }}")
    heading(
        doc,
        t(
            "6. Вредные производственные факторы на рабочем месте",
            "6. Жумуш орундагы зыяндуу өндүрүштүк факторлор",
        ),
    )
    factors_table(doc, t)
    heading(doc, t("7. Средства индивидуальной защиты", "7. Жекече коргонуу каражаттары"))
    text(doc, "{{ conditions.ppe }}")
    heading(doc, t("8. Класс условий труда", "8. Эмгек шарттарынын классы"))
    para(doc, "{{ conditions.class }}")
    heading(doc, t("9. Заключение", "9. Корутунду"))
    text(doc, "{{ conditions.summary }}")
    field(doc, t("Дата составления", "Түзүлгөн күнү"), "{{ conditions.date }}")

    para(
        doc,
        t(
            "Представитель органа санитарно-эпидемиологического надзора   "
            "________________ (подпись)   ________________ (Ф.И.О.)",
            "Санитардык-эпидемиологиялык көзөмөл органынын өкүлү   "
            "________________ (колу)   ________________ (аты-жөнү)",
        ),
        before=18,
    )
    para(doc, t("М.П.", "М.О."), before=4, after=8)
    para(doc, t("С характеристикой ознакомлены:", "Мүнөздөмө менен тааныштык:"), bold=True)
    para(
        doc,
        t(
            "Работодатель   ________________ (подпись)   ________________ (Ф.И.О.)",
            "Иш берүүчү   ________________ (колу)   ________________ (аты-жөнү)",
        ),
        before=6,
    )
    para(
        doc,
        t(
            "Работник   ________________ (подпись)   {{ worker.name }}",
            "Кызматкер   ________________ (колу)   {{ worker.name }}",
        ),
        before=6,
    )
