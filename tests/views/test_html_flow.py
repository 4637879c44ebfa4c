"""A light accident from the first report to the closed case, through the HTML forms only,
with every document downloaded and read back in Russian and Kyrgyz."""

from __future__ import annotations

import re

import doc_templates
from incidents.models import Case
from tests import factories

N1_SECTIONS = {
    "ru": [
        "1. Дата и время несчастного случая",
        "2.",
        "3.",
        "4.",
        "5.",
        "6.",
        "7.",
        "8.",
        "9.",
        "10.",
        "11.",
    ],
    "ky": [
        "1. Кырсыктын датасы жана убактысы",
        "2.",
        "3.",
        "4.",
        "5.",
        "6.",
        "7.",
        "8.",
        "9.",
        "10.",
        "11.",
    ],
}


def _post(client, url, data, expect=302):
    r = client.post(url, data=data)
    assert r.status_code == expect, (
        url,
        r.status_code,
        re.findall(r"invalid-feedback[^>]*>([^<]+)", r.text),
        r.text[-3000:],
    )
    return r


def _fire(client, case_id, trigger, **data):
    r = client.post(f"/cases/{case_id}/fire/{trigger}", data=data)
    assert r.status_code == 303, r.text
    page = client.get(f"/cases/{case_id}").text
    return page


def _status(page):
    return re.search(r'data-status="([a-z_]+)"', page).group(1)


def test_light_accident_through_the_browser_forms(app, world, db, client_for):
    spec = client_for(world.specialist)
    head = client_for(world.head)
    occurred = factories.ago(4).strftime("%Y-%m-%dT%H:%M")
    reported = factories.ago(3).strftime("%Y-%m-%dT%H:%M")
    r = _post(
        spec,
        "/cases/new",
        {
            "case-category": "light",
            "case-occurred_at": occurred,
            "case-reported_at": reported,
            "case-shift_started_at": factories.ago(6).strftime("%Y-%m-%dT%H:%M"),
            "case-place": "Цех № 3, пролёт Б",
            "case-structural_unit": "Механический цех",
            "case-work_performed": "Замена ремня привода станка",
            "case-circumstances": "Рука попала под ремень привода «Ак & Көк» <станок>.",
            "case-first_aid": "Жгут, вызов скорой",
            "victim-full_name": "Нурбек Сатыбалдиев",
            "victim-sex": "male",
            "victim-birth_date": "1991-02-03",
            "victim-person_category": "employee",
            "victim-occupation": "Слесарь-ремонтник",
            "victim-service_total_years": "7,5",
            "victim-service_employer_years": "3",
            "victim-induction_briefing_date": "2023-01-10",
            "victim-workplace_briefing_type": "repeated",
            "victim-workplace_briefing_date": "2026-10-01",
            "victim-training_date": "2023-01-20",
            "victim-knowledge_test_date": "2023-01-25",
            "victim-knowledge_test_protocol": "4-ОТ",
            "victim-injury_nature": "Ушиб кисти",
            "victim-body_part": "Правая кисть",
            "victim-intoxication": "none",
        },
    )
    case_id = int(r.headers["Location"].rsplit("/", 1)[1])
    case = db.session.get(Case, case_id)
    victim_id = case.victims[0].id

    notice = case.notices[0]
    assert notice.addressee == "insurer"  # a light case: the insurer only
    _post(
        spec,
        f"/cases/{case_id}/notices/{notice.id}",
        {
            "method": "email",
            "recipient": "claims@insurer.kg",
            "sent_at": factories.ago(2).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    page = _fire(spec, case_id, "notify")
    assert _status(page) == "notified"
    members = [
        ("Бакыт Осмонов", "Директор", "chair"),
        ("Айгүл Токтосунова", "Инженер ОТ", "member"),
        ("Жылдыз Мамытова", "Инспектор профсоюза", "member"),
    ]
    for name, position, role in members:
        _post(
            spec,
            f"/cases/{case_id}/commission/new",
            {
                "full_name": name,
                "position": position,
                "organisation_name": "ОсОО «Ак & Көк»",
                "role": role,
            },
        )
    _fire(spec, case_id, "form_commission", order_number="12-к")
    page = _fire(spec, case_id, "start_investigation")
    assert _status(page) == "investigating"
    # the act is blocked until the findings are in, and the page says why
    assert (
        "Для каждого пострадавшего укажите степень тяжести травмы" in page
    )  # ru, the user's language

    _post(
        spec,
        f"/cases/{case_id}/victims/{victim_id}/edit",
        {
            "full_name": "Нурбек Сатыбалдиев",
            "sex": "male",
            "birth_date": "03.02.1991",
            "person_category": "employee",
            "occupation": "Слесарь-ремонтник",
            "medical_severity": "light",
            "intoxication": "none",
            "injury_nature": "Ушиб кисти",
            "body_part": "Правая кисть",
        },
    )
    _post(
        spec,
        f"/cases/{case_id}/findings",
        {
            "event_type_code": "04",
            "equipment": "Токарный станок 16К20, ограждение ремня снято",
            "workplace_assessment": "класс 2",
            "work_related": "yes",
            "work_related_ground": "При исполнении трудовых обязанностей",
        },
    )
    _post(
        spec,
        f"/cases/{case_id}/causes/new",
        {
            "code": "03",
            "is_main": "y",
            "description": "Эксплуатация станка без ограждения",
            "violated_norm": "Правила ОТ при холодной обработке металлов, п. 2.1",
        },
    )
    _post(
        spec,
        f"/cases/{case_id}/responsible/new",
        {
            "full_name": "Самат Ибраев",
            "position": "Мастер цеха",
            "violated_norms": "Допустил работу без ограждения",
        },
    )
    _post(
        spec,
        f"/cases/{case_id}/measures/new",
        {
            "action": "Установить ограждение ремённой передачи",
            "due_date": "2030-01-15",
            "owner": "Главный механик",
        },
    )
    _post(spec, f"/cases/{case_id}/witnesses/new", {"full_name": "Алмаз Турдубеков"})
    page = _fire(spec, case_id, "draft_act")
    assert _status(page) == "act_drafted"
    page = _fire(head, case_id, "approve_act")
    assert _status(page) == "act_approved"
    _fire(spec, case_id, "notify_insurer")
    _post(
        spec,
        f"/cases/{case_id}/victims/{victim_id}/outcome",
        {"outcome": "recovered", "days_lost": "9"},
    )
    page = _fire(spec, case_id, "close")
    assert _status(page) == "closed"

    db.session.expire_all()
    case = db.session.get(Case, case_id)
    current = case.current_documents()
    kinds = sorted({(d.kind, d.language) for d in current})
    # what a light case issues without protocols or dissent (the investigation act is for
    # serious cases)
    light_kinds = ["notice", "commission_order", "act_n1", "insurer_notice", "closure_summary"]
    assert kinds == sorted((k, lang) for k in light_kinds for lang in ("ru", "ky"))
    for doc in current:
        r = spec.get(f"/documents/{doc.id}")
        assert r.status_code == 200
        assert r.headers["Content-Disposition"].endswith(".docx")
        text = doc_templates.docx_text(r.data)
        assert "{{" not in text and "{%" not in text and "}}" not in text, doc.filename
        assert "Ак & Көк" in text, doc.filename  # the employer's name, escaped exactly
        assert "Нурбек Сатыбалдиев" in text or doc.kind == "commission_order", doc.filename
        if doc.kind == "act_n1":
            for heading in N1_SECTIONS[doc.language]:
                assert heading in text, (doc.language, heading)
            for value in [
                "Цех № 3, пролёт Б",
                "Эксплуатация станка без ограждения",
                "Самат Ибраев",
                "Установить ограждение ремённой передачи",
                "Алмаз Турдубеков",
                "Слесарь-ремонтник",
                "4-ОТ",
            ]:
                assert value in text, (doc.language, value)
        if doc.kind == "notice":
            assert world.specialist.name in text  # who sent it
        if doc.kind == "act_n1":
            assert world.head.name in text  # who approved it
        if doc.kind == "commission_order":
            assert "Бакыт Осмонов" in text and "12-к" in text
    # Kyrgyz documents are in Kyrgyz
    ky_act = next(d for d in current if d.kind == "act_n1" and d.language == "ky")
    assert re.search("[ңүө]", doc_templates.docx_text(spec.get(f"/documents/{ky_act.id}").data))
