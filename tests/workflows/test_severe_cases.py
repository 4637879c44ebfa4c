"""Severe, fatal and group accidents: notices per addressee, the inspector-led commission,
escalation of a light case, one act per victim plus the investigation act."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale

import doc_templates
from incidents.models import CaseStatus, CommissionRole, Represents
from incidents.models.timeutil import utcnow
from incidents.rules import for_case
from incidents.services import cases, deadlines, documents, routing
from incidents.services.errors import Blocked
from tests import factories
from workflows import accident

SEVERE_COMMISSION = [
    (
        "Эрмек Сыдыков",
        "Государственный инспектор труда",
        CommissionRole.chair,
        Represents.state_inspector,
    ),
    (
        "Жылдыз Мамытова",
        "Технический инспектор профсоюза",
        CommissionRole.member,
        Represents.trade_union,
    ),
    ("Айгүл Токтосунова", "Специалист по охране труда", CommissionRole.member, Represents.employer),
]


def add_members(case, actor, members):
    for name, position, role, represents in members:
        cases.add_child(
            case,
            actor,
            "commission",
            {
                "full_name": name,
                "position": position,
                "organisation_name": "—",
                "role": role,
                "represents": represents,
                "responsible_for_site_safety": False,
            },
            None,
        )


def en(reasons):
    with force_locale("en"):
        return [str(r) for r in reasons]


def _addressees(case):
    return sorted(n.addressee for n in case.notices)


def test_group_accident_with_a_death(app, world, db):
    case = factories.make_case(
        world, victim=factories.victim_data(full_name="Погибший Айбек", medical_severity="fatal")
    )
    assert case.category.value == "fatal"
    for name, severity in [("Второй Нурлан", "severe"), ("Третий Бакыт", "light")]:
        cases.add_child(
            case,
            world.specialist,
            "victims",
            factories.victim_data(full_name=name, medical_severity=severity),
            None,
        )
    assert case.category.value == "group" and routing.deaths(case) == 1
    assert _addressees(case) == ["insurer", "prosecutor", "state_inspector", "trade_union"]
    for notice in case.notices:  # all known at the report: due a day after it
        assert notice.due_at == case.reported_at + timedelta(hours=24)
    notice_docs = {
        (d.addressee, d.language) for d in case.current_documents() if d.kind == "notice"
    }
    assert notice_docs == {(a, lang) for a in _addressees(case) for lang in ("ru", "ky")}

    with pytest.raises(Blocked) as err:
        cases.advance(case, world.specialist, "notify")
    assert en(err.value.reasons) == ["Record how and when every required notice was sent."]
    factories.send_notices(case, world.specialist)
    cases.advance(case, world.specialist, "notify")

    # an employer-chaired commission does not do for a group accident
    factories.add_commission(case, world.specialist)
    with pytest.raises(Blocked) as err:
        cases.advance(case, world.specialist, "form_commission")
    reasons = en(err.value.reasons)
    assert len(reasons) == 1 and "state labour inspector chairs" in reasons[0]
    for member in list(case.commission):
        cases.remove_child(case, world.specialist, "commission", member.id, None)
    add_members(case, world.specialist, SEVERE_COMMISSION)
    cases.advance(case, world.inspector, "form_commission")  # the inspector sees and acts
    cases.advance(case, world.inspector, "start_investigation")
    investigation = next(
        d for d in deadlines.compute(case, for_case(case), utcnow()) if d.key == "investigation"
    )
    assert investigation.due_at == case.investigation_started_at + timedelta(days=15)

    factories.add_findings(case, world.specialist)
    cases.advance(case, world.inspector, "draft_act")
    db.session.commit()
    current = case.current_documents()
    acts = [d for d in current if d.kind == "act_n1"]
    assert len(acts) == 6  # three victims, two languages
    inv = [d for d in current if d.kind == "investigation_act"]
    assert sorted(d.language for d in inv) == ["ky", "ru"]
    text = doc_templates.docx_text(documents.read(next(d for d in inv if d.language == "ru")))
    for name in ("Погибший Айбек", "Второй Нурлан", "Третий Бакыт"):
        assert name in text


def test_light_case_escalates_to_fatal_on_day_two(app, world, db):
    case = factories.make_case(world, occurred_at=factories.ago(30), reported_at=factories.ago(29))
    assert _addressees(case) == ["insurer"]
    factories.advance_to(case, world, "investigating")
    light_due = case.investigation_started_at + timedelta(days=3)
    victim = case.victims[0]

    cases.update_child(
        case, world.specialist, "victims", victim.id, {"medical_severity": "fatal"}, None
    )
    db.session.commit()
    assert case.category.value == "fatal" and case.escalated_at is not None
    log = case.transitions[-1]
    assert (log.trigger, log.comment) == ("escalate", "light>fatal")
    assert _addressees(case) == ["insurer", "prosecutor", "state_inspector", "trade_union"]
    new = [n for n in case.notices if n.addressee != "insurer"]
    assert all(n.due_at == case.escalated_at + timedelta(hours=24) for n in new)
    assert {d.addressee for d in case.current_documents() if d.kind == "notice"} == {
        "insurer",
        "prosecutor",
        "state_inspector",
        "trade_union",
    }
    investigation = next(
        d for d in deadlines.compute(case, for_case(case), utcnow()) if d.key == "investigation"
    )
    assert investigation.due_at == light_due + timedelta(days=12)  # 15 days now, same start

    factories.add_findings(case, world.specialist)
    reasons = en(accident.blockers(case, "draft_act"))
    assert "Record how and when every required notice was sent." in reasons
    assert any("state labour inspector chairs" in r for r in reasons)
    factories.send_notices(case, world.specialist)
    for member in list(case.commission):
        cases.remove_child(case, world.specialist, "commission", member.id, None)
    add_members(case, world.specialist, SEVERE_COMMISSION)
    assert "reform_commission" in accident.available(case)
    cases.advance(case, world.specialist, "reform_commission", order_number="15-к")
    assert case.status == CaseStatus.commission_formed
    cases.advance(case, world.inspector, "start_investigation")
    cases.advance(case, world.inspector, "draft_act")
    orders = [d for d in case.documents if d.kind == "commission_order" and d.language == "ru"]
    assert [d.version for d in orders] == [1, 2] and not orders[0].current


def test_category_never_drops_by_itself(app, world, db):
    case = factories.make_case(world, category="severe")
    assert routing.derived_category(case).value == "light"
    cases.update_child(
        case, world.specialist, "victims", case.victims[0].id, {"injury_nature": "уточнено"}, None
    )
    assert case.category.value == "severe"


def test_hazardous_facility_adds_the_industrial_safety_notice(app, world, db):
    case = factories.make_case(world)
    data = factories.case_data(hazardous_facility=True)
    cases.update_case(case, world.specialist, data, None)
    assert "industrial_safety" in _addressees(case)


def test_inspector_sees_serious_cases_in_the_region_only(app, world, db, client_for):
    light = factories.make_case(world, place="Объект-Альфа")
    severe = factories.make_case(world, category="severe", place="Объект-Бета")
    elsewhere = factories.make_case(
        world, actor=world.stranger, category="fatal", place="Объект-Гамма"
    )
    db.session.commit()
    inspector = client_for(world.inspector)
    assert inspector.get(f"/cases/{severe.id}").status_code == 200
    assert inspector.get(f"/cases/{light.id}").status_code == 404
    assert inspector.get(f"/cases/{elsewhere.id}").status_code == 404
    listing = inspector.get("/").text
    assert "Объект-Бета" in listing
    assert "Объект-Альфа" not in listing and "Объект-Гамма" not in listing


def test_a_fatal_report_starts_fatal_without_an_escalation(app, world, db):
    case = factories.make_case(world, victim=factories.victim_data(medical_severity="fatal"))
    assert case.category.value == "fatal" and case.escalated_at is None
    assert not any(t.trigger == "escalate" for t in case.transitions)
    assert "prosecutor" in _addressees(case)
