"""Template builder: disease_insurer_notice (the notice to the insurer under Law No. 194 of an
occupational disease, with the act attached)."""

from __future__ import annotations

from ..layout import field, heading, para, title
from .common import law194_policy_and_employer
from .disease_common import final_fields, worker_fields


def build_disease_insurer_notice(doc, t):
    para(doc, t("Страховщику:", "Камсыздандыруучуга:"), bold=True, indent_cm=9.5)
    para(doc, "{{ employer.insurer_name }}", indent_cm=9.5, after=12)
    title(doc, t("ИЗВЕЩЕНИЕ", "КАБАРЛАМА"), size=14)
    title(
        doc,
        t(
            "о случае профессионального заболевания (страховом случае)",
            "кесиптик оорунун учуру (камсыздандыруу окуясы) жөнүндө",
        ),
    )
    law194_policy_and_employer(doc, t)
    heading(doc, t("3. Работник", "3. Кызматкер"))
    worker_fields(doc, t)
    field(
        doc,
        t(
            "Стаж работы в условиях воздействия вредных производственных факторов",
            "Зыяндуу өндүрүштүк факторлордун таасири астындагы эмгек стажы",
        ),
        "{{ worker.service_harmful }}",
    )
    heading(doc, t("4. Профессиональное заболевание", "4. Кесиптик оору"))
    field(doc, t("Дело", "Кесиптик оору боюнча иш"), "№ {{ case_number }}")
    field(doc, t("Форма заболевания", "Оорунун формасы"), "{{ disease.form }}")
    final_fields(doc, t)
    field(
        doc,
        t("Предварительный диагноз", "Алдын ала диагноз"),
        t(
            "{{ disease.preliminary }} (от {{ disease.preliminary_date }})",
            "{{ disease.preliminary }} (датасы: {{ disease.preliminary_date }})",
        ),
    )
    field(doc, t("Связь с работой", "Жумуш менен байланышы"), "{{ conclusion.connected }}")
    heading(
        doc,
        t(
            "5. Акт о случае профессионального заболевания",
            "5. Кесиптик оорунун учуру жөнүндө акт",
        ),
    )
    field(doc, t("Номер акта", "Актынын номери"), "№ {{ act_number }}")
    field(doc, t("Дата составления", "Түзүлгөн күнү"), "{{ act_date }}")
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
    para(
        doc,
        t(
            "Приложения: 1. Копия акта о случае профессионального заболевания. "
            "2. Медицинское заключение центра профессиональной патологии о заключительном "
            "диагнозе (код по МКБ-10: {{ disease.final_icd10 }}).",
            "Тиркемелер: 1. Кесиптик оорунун учуру жөнүндө актынын көчүрмөсү. "
            "2. Кесиптик патология борборунун акыркы диагноз жөнүндө медициналык корутундусу "
            "(ЭОК-10 боюнча коду: {{ disease.final_icd10 }}).",
        ),
        before=8,
    )
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
