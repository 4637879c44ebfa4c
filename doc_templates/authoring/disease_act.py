"""Template builder: disease_act (the act on the case of an occupational disease, docs/procedure.md
§5): the worker, the examinations, the conditions, the factors over their limits, the
diagnoses, the conclusion, the responsible persons, the measures, the commission's signatures
(chair first) and the five copies."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH

from ..layout import field, heading, loop_table, para, text, title
from .common import (
    commission_table,
    employer_fields,
    measures_table,
    responsible_table,
    signature_table,
)
from .disease_common import factors_table, final_fields, preliminary_fields, service_fields


def _approval(doc, t):
    right = 9.5
    para(doc, t("УТВЕРЖДАЮ", "БЕКИТЕМИН"), bold=True, indent_cm=right)
    para(
        doc,
        t(
            "Руководитель органа санитарно-эпидемиологического надзора",
            "Санитардык-эпидемиологиялык көзөмөл органынын жетекчиси",
        ),
        indent_cm=right,
    )
    para(doc, "{{ disease.sanitary_body }}", indent_cm=right)
    para(
        doc,
        t(
            "________________ (подпись)  ________________ (Ф.И.О.)",
            "________________ (колу)  ________________ (аты-жөнү)",
        ),
        indent_cm=right,
        before=6,
    )
    para(doc, "{{ approved_date }}", indent_cm=right)
    para(doc, t("М.П.", "М.О."), indent_cm=right, after=12)


def _exams_table(doc, t):
    loop_table(
        doc,
        [
            t("№", "№"),
            t("Вид медицинского осмотра", "Медициналык кароонун түрү"),
            t("Дата", "Датасы"),
            t("Медицинская организация", "Саламаттык сактоо уюму"),
            t("Результат (заключение)", "Жыйынтыгы (корутундусу)"),
        ],
        [
            "{{ loop.index }}",
            "{{ x.kind }}",
            "{{ x.date }}",
            "{{ x.organisation }}",
            "{{ x.result }}",
        ],
        "x in exams",
        "exams",
        weights=[1, 4, 2.5, 4.5, 6],
    )


def _distribution(doc, t):
    para(
        doc,
        t(
            "Акт составлен в пяти экземплярах и направлен:",
            "Акт беш нускада түзүлүп, төмөнкүлөргө жөнөтүлдү:",
        ),
        bold=True,
        before=8,
        after=3,
        keep=True,
    )
    loop_table(
        doc,
        [
            t("Экз. №", "Нуска №"),
            t("Получатель", "Алуучу"),
            t("Наименование (Ф.И.О.)", "Аталышы (аты-жөнү)"),
        ],
        ["{{ d.no }}", "{{ d.addressee }}", "{{ d.name }}"],
        "d in distribution",
        "distribution",
        weights=[1.5, 7, 8],
    )


def build_disease_act(doc, t):
    _approval(doc, t)
    title(doc, t("АКТ № {{ act_number }}", "№ {{ act_number }} АКТ"), size=14)
    title(
        doc,
        t("о случае профессионального заболевания", "кесиптик оорунун учуру жөнүндө"),
        after=6,
    )
    para(
        doc,
        t(
            "Дело № {{ case_number }}. Форма заболевания: {{ disease.form }}.",
            "Кесиптик оору боюнча иш № {{ case_number }}. Оорунун формасы: {{ disease.form }}.",
        ),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=6,
    )

    heading(doc, t("1. Дата составления акта", "1. Акт түзүлгөн күн"))
    para(doc, "{{ act_date }}")
    heading(doc, t("2. Сведения о работнике", "2. Кызматкер жөнүндө маалымат"))
    field(doc, t("Фамилия, имя, отчество", "Аты-жөнү"), "{{ worker.name }}")
    field(doc, t("Год рождения", "Туулган жылы"), "{{ worker.birth_year }}")
    field(doc, t("Профессия (должность)", "Кесиби (кызматы)"), "{{ worker.occupation }}")
    heading(
        doc, t("3. Работодатель и структурное подразделение", "3. Иш берүүчү жана түзүмдүк бөлүм")
    )
    employer_fields(doc, t)
    field(doc, t("Структурное подразделение", "Түзүмдүк бөлүм"), "{{ worker.unit }}")
    heading(doc, t("4. Стаж работы", "4. Эмгек стажы"))
    service_fields(doc, t)
    heading(doc, t("5. Медицинские осмотры", "5. Медициналык кароолор"))
    _exams_table(doc, t)
    heading(
        doc,
        t(
            "6. Обстоятельства и условия возникновения профессионального заболевания",
            "6. Кесиптик оорунун пайда болушунун жагдайлары жана шарттары",
        ),
    )
    field(doc, t("Рабочее место", "Жумуш орду"), "{{ work.place }}")
    field(doc, t("Выполняемая работа", "Аткарылган жумуш"), "{{ work.performed }}")
    text(doc, "{{ work.circumstances }}")
    field(
        doc,
        t(
            "Санитарно-гигиеническая характеристика условий труда (дата, орган)",
            "Эмгек шарттарынын санитардык-гигиеналык мүнөздөмөсү (датасы, түзгөн орган)",
        ),
        "{{ conditions.date }}, {{ disease.sanitary_body }}",
    )
    field(doc, t("Класс условий труда", "Эмгек шарттарынын классы"), "{{ conditions.class }}")
    field(
        doc,
        t("Средства индивидуальной защиты", "Жекече коргонуу каражаттары"),
        "{{ conditions.ppe }}",
    )
    heading(
        doc,
        t(
            "7. Вредные производственные факторы и превышение гигиенических нормативов",
            "7. Зыяндуу өндүрүштүк факторлор жана гигиеналык ченемдерден ашып кетүү",
        ),
    )
    factors_table(doc, t)
    para(doc, t("Превышение нормативов:", "Ченемдерден ашып кетүү:"), bold=True, after=2)
    para(doc, "{%p for x in factors_over %}")
    para(doc, "▲ {{ x }}", indent_cm=0.5, after=2)
    para(doc, "{%p endfor %}")
    para(doc, "{%p if not factors_over %}")
    para(doc, t("не установлено", "аныкталган жок"), indent_cm=0.5, after=2)
    para(doc, "{%p endif %}")
    heading(doc, t("8. Диагноз", "8. Диагноз"))
    preliminary_fields(doc, t)
    final_fields(doc, t)
    heading(
        doc,
        t(
            "9. Заключение комиссии о связи заболевания с работой и его причинах",
            "9. Оорунун жумуш менен байланышы жана анын себептери жөнүндө комиссиянын корутундусу",
        ),
    )
    field(
        doc,
        t("Связь заболевания с работой", "Оорунун жумуш менен байланышы"),
        "{{ conclusion.connected }}",
    )
    field(doc, t("Причины заболевания", "Оорунун себептери"), "{{ conclusion.causes }}")
    heading(
        doc,
        t(
            "10. Лица, допустившие нарушение санитарных норм и правил",
            "10. Санитардык ченемдерди жана эрежелерди бузган адамдар",
        ),
    )
    responsible_table(doc, t)
    heading(
        doc,
        t(
            "11. Мероприятия по предупреждению профессиональных заболеваний",
            "11. Кесиптик оорулардын алдын алуу боюнча иш-чаралар",
        ),
    )
    measures_table(doc, t)
    heading(doc, t("12. Комиссия", "12. Комиссия"))
    commission_table(doc, t)

    para(
        doc,
        t("Подписи членов комиссии:", "Комиссия мүчөлөрүнүн колдору:"),
        bold=True,
        before=8,
        after=4,
        keep=True,
    )
    signature_table(doc, t)
    _distribution(doc, t)
