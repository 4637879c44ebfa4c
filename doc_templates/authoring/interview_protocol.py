"""Template builder: interview_protocol (an interview of the victim, a witness or an official)."""

from __future__ import annotations

from ..layout import field, heading, para, text, title
from .common import accident_and_victims


def build_interview_protocol(doc, t):
    title(doc, "{{ employer.name }}", after=6)
    title(doc, t("ПРОТОКОЛ ОПРОСА", "СУРАМЖЫЛООНУН ПРОТОКОЛУ"), size=14)
    title(
        doc,
        t(
            "по делу о несчастном случае на производстве № {{ case_number }}",
            "өндүрүштөгү кырсык боюнча иш № {{ case_number }}",
        ),
        after=8,
    )
    field(doc, t("Место составления", "Түзүлгөн жери"), "{{ interview.place }}")
    field(doc, t("Дата", "Датасы"), "{{ interview.date }}")
    field(doc, t("Опрос начат", "Сурамжылоо башталды"), "{{ interview.start }}")
    field(doc, t("Опрос окончен", "Сурамжылоо аяктады"), "{{ interview.end }}")
    field(doc, t("Опрос провёл", "Сурамжылоону жүргүзгөн"), "{{ interview.interviewer }}")
    accident_and_victims(doc, t)
    heading(doc, t("Сведения об опрашиваемом", "Сурамжыланган адам жөнүндө маалымат"))
    field(doc, t("Опрашиваемый", "Сурамжыланган адам"), "{{ interview.kind }}")
    field(doc, t("Фамилия, имя, отчество", "Аты-жөнү"), "{{ interview.full_name }}")
    field(doc, t("Дата рождения", "Туулган датасы"), "{{ interview.birth_date }}")
    field(doc, t("Место рождения", "Туулган жери"), "{{ interview.birth_place }}")
    field(doc, t("Адрес места жительства", "Жашаган дареги"), "{{ interview.address }}")
    field(doc, t("Гражданство", "Жарандыгы"), "{{ interview.citizenship }}")
    field(doc, t("Профессия, должность", "Кесиби, кызматы"), "{{ interview.occupation }}")
    field(doc, t("Стаж работы", "Иш стажы"), "{{ interview.service }}")
    field(
        doc,
        t("Другие присутствовавшие лица", "Катышкан башка адамдар"),
        "{{ interview.others_present }}",
    )
    field(
        doc,
        t(
            "Опрашиваемому разъяснены его права и обязанности",
            "Сурамжыланган адамга анын укуктары жана милдеттери түшүндүрүлдү",
        ),
        "{{ interview.rights_explained }}",
    )
    heading(doc, t("Объяснение по существу", "Маңызы боюнча түшүндүрмө"))
    para(doc, "{%p for line in interview.statement %}")
    text(doc, "{{ line }}")
    para(doc, "{%p endfor %}")
    heading(doc, t("Вопросы и ответы", "Суроолор жана жооптор"))
    para(doc, "{%p for line in interview.questions_answers %}")
    text(doc, "{{ line }}")
    para(doc, "{%p endfor %}")
    field(
        doc,
        t(
            "С протоколом ознакомлен(а), с моих слов записано верно",
            "Протокол менен тааныштым, менин сөзүмдөн туура жазылды",
        ),
        "{{ interview.confirmed }}",
    )
    para(
        doc,
        t(
            "Опрашиваемый   ________________ (подпись)   {{ interview.full_name }}",
            "Сурамжыланган адам   ________________ (колу)   {{ interview.full_name }}",
        ),
        before=18,
    )
    para(
        doc,
        t(
            "Опрос провёл   ________________ (подпись)   {{ interview.interviewer }}",
            "Сурамжылоону жүргүзгөн   ________________ (колу)   {{ interview.interviewer }}",
        ),
        before=12,
    )
    field(doc, t("Дата", "Датасы"), "{{ doc_date }}")
