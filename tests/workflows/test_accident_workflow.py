"""The accident machine: every edge, every guard with its reason, role denials, side paths."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale

from incidents.models import CaseStatus, CommissionRole, Role
from incidents.models.timeutil import to_local, utcnow
from incidents.services import cases
from incidents.services.errors import Blocked, Forbidden, Invalid, WrongState
from tests import factories
from workflows import accident
from workflows.diagram import diagram_markdown

S = CaseStatus


def en(reasons) -> list[str]:
    """Guard reasons are lazy strings; read them in the source language."""
    with force_locale("en"):
        return [str(r) for r in reasons]


EDGES = [
    (S.reported, "notify", S.notified),
    (S.reported, "cancel", S.cancelled),
    (S.notified, "form_commission", S.commission_formed),
    (S.notified, "cancel", S.cancelled),
    (S.commission_formed, "start_investigation", S.investigating),
    (S.commission_formed, "reform_commission", S.commission_formed),
    (S.investigating, "reform_commission", S.commission_formed),
    (S.commission_formed, "cancel", S.cancelled),
    (S.investigating, "extend_deadline", S.investigating),
    (S.investigating, "suspend", S.suspended),
    (S.investigating, "draft_act", S.act_drafted),
    (S.investigating, "cancel", S.cancelled),
    (S.suspended, "resume", S.investigating),
    (S.suspended, "cancel", S.cancelled),
    (S.act_drafted, "approve_act", S.act_approved),
    (S.act_drafted, "cancel", S.cancelled),
    (S.act_approved, "notify_insurer", S.insurer_notified),
    (S.act_approved, "reopen", S.investigating),
    (S.insurer_notified, "close", S.closed),
    (S.insurer_notified, "reopen", S.investigating),
    (S.closed, "reopen", S.investigating),
]


def test_edge_table_is_the_whole_machine():
    defined = {
        (S(src), trigger, S(t.dest))
        for trigger, event in accident.machine.events.items()
        for src, ts in event.transitions.items()
        for t in ts
    }
    assert defined == set(EDGES)
    assert not any(t.startswith("to_") for t in accident.machine.events)  # no auto transitions


def _actor(w, trigger):
    return w.head if trigger in ("approve_act", "cancel", "reopen") else w.specialist


def _case_at(w, status):
    case = factories.make_case(w)
    if status == S.suspended:
        factories.advance_to(case, w, "investigating")
        cases.advance(case, w.specialist, "suspend", comment="Ждём заключения экспертизы")
        return case
    factories.advance_to(case, w, status.value)
    return case


def _prepare(case, w, trigger):
    """Data the guards of `trigger` ask for."""
    prepare = dict(factories.PATH).get(trigger)
    if prepare:
        prepare(case, w.specialist)


@pytest.mark.parametrize(("source", "trigger", "dest"), EDGES, ids=lambda x: str(x))
def test_edge(app, world, db, source, trigger, dest):
    case = _case_at(world, source)
    _prepare(case, world, trigger)
    cases.advance(
        case,
        _actor(world, trigger),
        trigger,
        comment="причина",
        days=5 if "extend" in trigger else None,
    )
    db.session.commit()
    assert case.status == dest
    log = case.transitions[-1]
    assert (log.trigger, log.from_state, log.to_state) == (trigger, source.value, dest.value)
    assert log.actor_id == _actor(world, trigger).id


def test_wrong_state_is_refused_and_changes_nothing(app, world, db):
    case = factories.make_case(world)
    db.session.commit()
    with pytest.raises(WrongState):
        cases.advance(case, world.head, "approve_act")
    assert case.status == S.reported and case.transitions == []


@pytest.mark.parametrize(
    ("trigger", "role"),
    [
        ("approve_act", "specialist"),
        ("cancel", "specialist"),
        ("notify", "inspector"),
        ("notify", "member"),
        ("close", "union"),
        ("reopen", "specialist"),
    ],
)
def test_role_denials(app, world, db, trigger, role):
    case = factories.make_case(world)
    factories.add_commission(case, world.specialist)
    db.session.commit()
    assert not accident.may_fire(getattr(world, role).role, trigger)
    with pytest.raises(Forbidden):
        cases.advance(case, getattr(world, role), trigger, comment="x")
    assert case.status == S.reported


def test_stranger_cannot_fire_even_with_the_right_role(app, world, db):
    case = factories.make_case(world)
    db.session.commit()
    with pytest.raises(Forbidden):
        cases.advance(case, world.stranger, "notify")


GUARD_CASES = [
    # (trigger, how to break the data, expected reason)
    ("form_commission", lambda c, w: None, "The commission needs exactly one chair."),
    (
        "form_commission",
        lambda c, w: factories.add_commission(c, w.specialist, factories.MEMBERS[:2]),
        "The commission needs a chair and at least three members in all.",
    ),
    (
        "form_commission",
        lambda c, w: factories.add_commission(c, w.specialist, responsible_for_site_safety=True),
        "Nobody directly responsible for safety at the accident site may sit on the commission.",
    ),
    (
        "form_commission",
        lambda c, w: factories.add_commission(
            c, w.specialist, [(n, p, CommissionRole.chair) for n, p, _ in factories.MEMBERS]
        ),
        "The commission needs exactly one chair.",
    ),
]


@pytest.mark.parametrize(("trigger", "breaker", "reason"), GUARD_CASES)
def test_commission_guards(app, world, db, trigger, breaker, reason):
    case = factories.make_case(world)
    factories.send_notices(case, world.specialist)
    cases.advance(case, world.specialist, "notify")
    breaker(case, world)
    with pytest.raises(Blocked) as err:
        cases.advance(case, world.specialist, trigger)
    assert reason in en(err.value.reasons)
    assert case.status == S.notified


def test_draft_act_guards_list_every_missing_piece(app, world, db):
    case = factories.make_case(world)
    factories.advance_to(case, world, "investigating")
    reasons = en(accident.blockers(case, "draft_act"))
    assert reasons == [
        "Every victim needs a medical severity from the health organisation's conclusion.",
        "Choose the event type.",
        "Record whether the accident is work-related, with its ground.",
        "Record the causes, at least one of them the main cause.",
        "Name the persons responsible for the violations.",
        "Plan at least one preventive measure.",
    ]
    with pytest.raises(Blocked):
        cases.advance(case, world.specialist, "draft_act")
    assert case.status == S.investigating
    factories.add_findings(case, world.specialist)
    assert accident.blockers(case, "draft_act") == []


def test_guard_reasons_are_translated(app, world, db):
    case = factories.make_case(world)
    factories.advance_to(case, world, "investigating")
    with force_locale("ru"):
        ru = [str(r) for r in accident.blockers(case, "draft_act")]
    with force_locale("ky"):
        ky = [str(r) for r in accident.blockers(case, "draft_act")]
    assert ru[1] == "Выберите вид происшествия."
    assert ky[1] != ru[1] and ky[1] != "Choose the event type."


def test_main_cause_is_required(app, world, db):
    case = factories.make_case(world)
    factories.advance_to(case, world, "investigating")
    factories.add_findings(case, world.specialist)
    cause = case.causes[0]
    cases.update_child(case, world.specialist, "causes", cause.id, {"is_main": False}, None)
    assert en(accident.blockers(case, "draft_act")) == [
        "Record the causes, at least one of them the main cause."
    ]


def test_insurer_policy_and_outcome_guards(app, world, db):
    case = factories.make_case(world)
    factories.advance_to(case, world, "act_approved")
    start = world.policy.valid_from
    world.policy.valid_from = date(2090, 1, 1)  # the policy starts after the accident
    assert en(accident.blockers(case, "notify_insurer")) == [
        "No policy of the employer covers the accident date "
        f"{to_local(case.occurred_at):%d.%m.%Y}: policy No. ГО-2026-00417 is valid 01.01.2090 "
        f"to {world.policy.valid_to:%d.%m.%Y}. Add the policy in force on that day on the "
        "organisation profile."
    ]
    world.policy.removed_at = utcnow()
    assert en(accident.blockers(case, "notify_insurer")) == [
        "The employer has no insurance policy (Law No. 194). Add it on the organisation profile."
    ]
    world.policy.removed_at, world.policy.valid_from = None, start
    cases.advance(case, world.specialist, "notify_insurer")
    assert en(accident.blockers(case, "close")) == [
        "Record every victim's outcome before closing the case."
    ]


def test_extend_once_with_reason_and_limit(app, world, db):
    case = factories.make_case(world)
    factories.advance_to(case, world, "investigating")
    with pytest.raises(Invalid) as err:
        cases.advance(case, world.specialist, "extend_deadline", days=5)
    assert err.value.field == "comment"
    with pytest.raises(Invalid) as err:
        cases.advance(case, world.specialist, "extend_deadline", comment="экспертиза", days=16)
    assert err.value.field == "days"
    cases.advance(case, world.specialist, "extend_deadline", comment="экспертиза", days=10)
    assert (case.extension_days, case.extension_reason) == (10, "экспертиза")
    with pytest.raises(Blocked) as err:
        cases.advance(case, world.specialist, "extend_deadline", comment="ещё", days=3)
    assert en(err.value.reasons) == ["The investigation deadline can be extended only once."]
    assert case.extension_days == 10


def test_cancel_needs_a_reason_and_deletes_nothing(app, world, db):
    case = factories.make_case(world)
    factories.advance_to(case, world, "commission_formed")
    documents = len(case.documents)
    with pytest.raises(Invalid):
        cases.advance(case, world.head, "cancel", comment="  ")
    cases.advance(case, world.head, "cancel", comment="Сообщено ошибочно")
    db.session.commit()
    assert case.status == S.cancelled and case.cancel_reason == "Сообщено ошибочно"
    assert len(case.documents) == documents and len(case.commission) == 3
    assert accident.available(case) == []


def test_reopen_supersedes_the_acts_and_keeps_them(app, world, db):
    case = factories.make_case(world)
    factories.advance_to(case, world, "closed")
    acts = [d for d in case.documents if d.kind == "act_n1"]
    approved = [d for d in acts if d.current]
    assert len(approved) == 2 and all(d.frozen and d.version == 2 for d in approved)
    cases.advance(case, world.head, "reopen", comment="Новые обстоятельства")
    assert case.status == S.investigating and case.closed_at is None
    assert all(not d.current for d in acts) and all(d.frozen for d in approved)
    cases.advance(case, world.specialist, "draft_act")
    current = [d for d in case.current_documents() if d.kind == "act_n1"]
    # draft (1), approved (2), redrafted after reopening (3); every version kept
    assert sorted(d.version for d in current) == [3, 3]
    assert len([d for d in case.documents if d.kind == "act_n1"]) == 6


def test_suspend_and_resume_record_the_pause(app, world, db):
    case = factories.make_case(world)
    factories.advance_to(case, world, "investigating")
    with pytest.raises(Invalid):
        cases.advance(case, world.specialist, "suspend")
    cases.advance(case, world.specialist, "suspend", comment="Экспертиза")
    assert case.suspended_at is not None
    case.suspended_at -= timedelta(hours=5)
    cases.advance(case, world.specialist, "resume")
    assert case.suspended_at is None and case.paused_seconds >= 5 * 3600


def test_every_trigger_has_roles_and_a_label():
    from incidents.labels import TRIGGER_LABELS

    assert (
        set(accident.TRIGGER_ROLES)
        == set(accident.TRIGGERS)
        == set(TRIGGER_LABELS)
        - {
            "escalate",  # the log's name for an escalation, not a trigger
            "sign",  # the signing log names, not triggers
            "signatures_voided",
            "describe_conditions",  # the occupational disease's own steps
            "confirm_diagnosis",
        }
    )
    assert all(isinstance(r, Role) for roles in accident.TRIGGER_ROLES.values() for r in roles)


def test_committed_diagram_is_current():
    committed = Path(accident.__file__).with_name("accident.md").read_text(encoding="utf-8")
    assert committed == diagram_markdown(), (
        "workflows/accident.md is stale: run `flask workflows diagram`"
    )
