"""Template builder: disease_notice (the employer's registration of the health organisation's
notice of a preliminary diagnosis of an acute or chronic occupational disease)."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH

from ..layout import field, heading, para, title
from .common import employer_fields
from .disease_common import preliminary_fields, worker_fields


def build_disease_notice(doc, t):
    title(doc, t("РЕГИСТРАЦИЯ ИЗВЕЩЕНИЯ", "КАБАРЛАМАНЫ КАТТОО"), size=14)
    title(
        doc,
        t(
            "об установлении предварительного диагноза острого или хронического "
            "профессионального заболевания (отравления)",
            "катуу же өнөкөт кесиптик оорунун (уулануунун) алдын ала диагнозу коюлгандыгы жөнүндө",
        ),
        after=6,
    )
    para(
        doc,
        t(
            "Регистрационный № {{ case_number }}. Дата регистрации: {{ doc_date }}.",
            "Каттоо № {{ case_number }}. Катталган күнү: {{ doc_date }}.",
        ),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=6,
    )

    heading(doc, t("1. Работодатель", "1. Иш берүүчү"))
    employer_fields(doc, t)
    heading(doc, t("2. Работник", "2. Кызматкер"))
    worker_fields(doc, t)
    heading(doc, t("3. Предварительный диагноз", "3. Алдын ала диагноз"))
    preliminary_fields(doc, t)
    heading(doc, t("4. Получение извещения работодателем", "4. Кабарламаны иш берүүчүнүн алышы"))
    field(
        doc,
        t(
            "Дата и время получения (местное время)",
            "Алынган датасы жана убактысы (жергиликтүү убакыт)",
        ),
        "{{ disease.received_at }}",
    )
    field(
        doc,
        t(
            "Регистрационный номер в журнале учёта профессиональных заболеваний",
            "Кесиптик ооруларды каттоо журналындагы каттоо номери",
        ),
        "{{ case_number }}",
    )
    para(
        doc,
        t(
            "Извещение одновременно направляется в орган санитарно-эпидемиологического надзора, "
            "который составляет санитарно-гигиеническую характеристику условий труда работника.",
            "Кабарлама бир эле учурда санитардык-эпидемиологиялык көзөмөл органына жиберилет; "
            "ал орган кызматкердин эмгек шарттарынын санитардык-гигиеналык мүнөздөмөсүн түзөт.",
        ),
        size=10,
        before=6,
    )
    para(
        doc,
        t(
            "Извещение зарегистрировал   ________________ (должность)   "
            "________________ (подпись)   ________________ (Ф.И.О.)",
            "Кабарламаны каттаган   ________________ (кызматы)   "
            "________________ (колу)   ________________ (аты-жөнү)",
        ),
        before=18,
    )
