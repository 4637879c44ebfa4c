"""Case.next_due_at follows every kind of change: each operation below (through the services,
as a person makes it, or straight on the rows, as a shell would) is committed, the case is
read back from the database, and its stored next_due_at is the value worked out by hand from
the rule pack (kr.toml): notices 24 h, the commission 24 h from the report, a light
investigation 3 days from the order, the act to the victim 3 days after it, the report of
the consequences 10 days after the outcome is known."""

from __future__ import annotations

from datetime import timedelta

import pytest

from incidents.extensions import db as _db
from incidents.models import Case, Outcome
from incidents.models.timeutil import utcnow
from incidents.services import cases, derived
from tests import disease_factories, factories

H, DAY = timedelta(hours=1), timedelta(days=1)


def _stored(case_id: int):
    """next_due_at as the database has it (not the object in memory)."""
    _db.session.expire_all()
    return _db.session.get(Case, case_id).next_due_at


def _advance(case, world, trigger, **kw):
    actor = world.head if trigger in ("approve_act", "cancel") else world.specialist
    cases.advance(case, actor, trigger, **kw)


# (what is done, the expected next_due_at from the case's own timestamps)
LIGHT_PATH = [
    ("report", lambda w, c: None, lambda c: c.reported_at + 24 * H),
    ("send the notices", lambda w, c: factories.send_notices(c, w.specialist), None),
    ("notify", lambda w, c: _advance(c, w, "notify"), lambda c: c.reported_at + 24 * H),
    (
        "form the commission",
        lambda w, c: (
            factories.add_commission(c, w.specialist),
            _advance(c, w, "form_commission"),
        ),
        lambda c: c.commission_formed_at + 3 * DAY,
    ),
    ("start", lambda w, c: _advance(c, w, "start_investigation"), None),
    (
        "extend by 5 days",
        lambda w, c: _advance(c, w, "extend_deadline", days=5, comment="Экспертиза"),
        lambda c: c.commission_formed_at + 8 * DAY,
    ),
    # the notices are all sent: the paused investigation is the only clock, and it waits
    ("suspend", lambda w, c: _advance(c, w, "suspend", comment="Ожидание СМЭ"), lambda c: None),
    (
        "resume two days later",
        lambda w, c: _advance(c, w, "resume", now=c.suspended_at + 2 * DAY),
        lambda c: c.commission_formed_at + 10 * DAY,
    ),
    (
        "draft the act",
        lambda w, c: (factories.add_findings(c, w.specialist), _advance(c, w, "draft_act")),
        lambda c: c.investigation_ended_at + 3 * DAY,  # the act to the victim
    ),
    # the insurer's 3 working days from the approval end after the act's 3 days
    ("approve", lambda w, c: _advance(c, w, "approve_act"), None),
    ("notify the insurer", lambda w, c: _advance(c, w, "notify_insurer"), lambda c: None),
    (
        "the outcome becomes known",
        lambda w, c: cases.record_outcome(
            c, w.specialist, c.victims[0].id, {"outcome": Outcome.recovered, "days_lost": 9}, None
        ),
        lambda c: c.outcome_known_at + 10 * DAY,
    ),
    ("close", lambda w, c: _advance(c, w, "close"), lambda c: None),
]


def test_a_light_accident_from_report_to_close(db, world):
    case = factories.make_case(world)
    expected = None
    for what, operation, due in LIGHT_PATH:
        operation(world, case)
        db.session.commit()
        expected = due(case) if due is not None else expected
        assert _stored(case.id) == expected, what
        case = db.session.get(Case, case.id)


def test_an_escalation_and_a_cancellation(db, world):
    case = factories.make_case(world)
    factories.advance_to(case, world, "investigating")
    db.session.commit()
    assert _stored(case.id) == case.commission_formed_at + 3 * DAY
    # the victim's injury turns out severe: two new notices are due a day from the escalation
    severe = {"medical_severity": "severe"}
    cases.update_child(case, world.specialist, "victims", case.victims[0].id, severe, None)
    db.session.commit()
    assert case.category.value == "severe" and case.escalated_at is not None
    assert _stored(case.id) == case.escalated_at + 24 * H
    case = db.session.get(Case, case.id)
    _advance(case, world, "cancel", comment="Ошибочная регистрация")
    db.session.commit()
    assert _stored(case.id) is None  # a cancelled case runs no clocks


def test_an_occupational_disease(db, world):
    case = disease_factories.make_disease_case(world)  # chronic: the conditions in 14 days
    db.session.commit()
    assert _stored(case.id) == case.reported_at + 14 * DAY
    disease_factories.advance_disease_to(case, world, "conditions_described")
    db.session.commit()
    assert _stored(case.id) is None  # the next clock starts with the end of the investigation


def test_changes_made_straight_on_the_rows_count_too(db, world):
    """Not through a service and without case.touch(): a notice's delivery alone, or a
    column of the case; the flush still recomputes."""
    case = factories.make_case(world, category="severe")
    db.session.commit()
    first = case.reported_at + 24 * H
    assert _stored(case.id) == first
    notices = db.session.get(Case, case.id).notices
    for notice in notices:
        notice.sent_at = notice.created_at + H
    db.session.commit()
    assert _stored(case.id) == first  # the commission's own 24 hours are left
    row = db.session.get(Case, case.id)
    row.commission_formed_at = row.investigation_started_at = row.reported_at + 5 * H
    db.session.commit()
    assert _stored(case.id) == row.reported_at + 5 * H + 15 * DAY  # severe: 15 days


@pytest.mark.parametrize(("suspended_after", "overdue_at_pause"), [(2, False), (3.5, True)])
def test_a_suspension_keeps_an_overdue_clock_overdue(db, world, suspended_after, overdue_at_pause):
    """A clock already past due when the case was suspended stays overdue while it waits
    (as deadlines.is_overdue says); one still running drops out until the case resumes."""
    case = factories.on_the_clock(world, 24 * 4)  # light: 3 days from an order 4 days ago
    db.session.commit()
    started = case.investigation_started_at
    case.status = cases.S.suspended
    case.suspended_at = started + suspended_after * DAY
    db.session.commit()
    expected = started + 3 * DAY if overdue_at_pause else None
    assert _stored(case.id) == expected
    assert (expected is not None and expected < utcnow()) is overdue_at_pause


def test_refresh_repairs_a_stale_column(app, db, world):
    """Core statements bypass the listener: `flask cases refresh-deadlines` puts it right."""
    case = factories.make_case(world)
    db.session.commit()
    right = case.reported_at + 24 * H
    db.session.execute(
        Case.__table__.update().values(next_due_at=None, search_text=None),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["cases", "refresh-deadlines"])
    assert result.exit_code == 0 and "1 of 1 case(s) changed." in result.output
    assert _stored(case.id) == right
    assert db.session.get(Case, case.id).search_text.startswith(f"{case.number} талант асанов")
    assert derived.refresh() == 0  # nothing left to change
