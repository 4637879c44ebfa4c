"""The legal clock per category, pauses, extensions, working days and the overdue flag."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from incidents.extensions import db as _db
from incidents.models import CaseNotice
from incidents.models.timeutil import utcnow
from incidents.rules import Duration, load
from incidents.services import cases, deadlines
from tests import factories

RULES = load("kr")


def _by_key(case, now):
    return {d.key: d for d in deadlines.compute(case, RULES, now)}


def _insurer_notice(case, **kw):
    """The case's insurer notice row (the report may have created it already)."""
    row = next((n for n in case.notices if n.addressee == "insurer"), None)
    if row is None:
        row = CaseNotice(addressee="insurer", created_at=case.reported_at)
        case.notices.append(row)
    row.due_at = case.reported_at + timedelta(hours=24)
    for name, value in kw.items():
        setattr(row, name, value)
    _db.session.flush()
    return row


def test_notice_is_due_24h_after_the_employer_learned(app, world, db):
    case = factories.make_case(
        world, reported_at=factories.local(0, 8, 0), occurred_at=factories.local(0, 7, 0)
    )
    _insurer_notice(case)
    d = _by_key(case, case.reported_at + timedelta(hours=23))["notice:insurer"]
    assert d.due_at == case.reported_at + timedelta(hours=24)
    assert d.state == "running" and not d.overdue
    late = _by_key(case, case.reported_at + timedelta(hours=25))["notice:insurer"]
    assert late.state == "overdue" and late.overdue
    assert deadlines.is_overdue(case, RULES, case.reported_at + timedelta(hours=25))


@pytest.mark.parametrize(
    ("category", "days"), [("light", 3), ("severe", 15), ("fatal", 15), ("group", 15)]
)
def test_investigation_deadline_per_category(app, world, db, category, days):
    # the clock fields as the commission order sets them (the severe path's commission rules
    # are the workflow's business, not the clock's)
    case = factories.make_case(world, category=category)
    case.commission_formed_at = case.investigation_started_at = utcnow()
    d = _by_key(case, utcnow())["investigation"]
    assert d.started_at == case.commission_formed_at
    assert d.due_at == case.commission_formed_at + timedelta(days=days)


def test_investigation_clock_starts_with_the_commission_order(app, world, db):
    case = factories.make_case(world)
    factories.advance_to(case, world, "commission_formed")
    d = _by_key(case, utcnow())["investigation"]
    assert d.started_at == case.commission_formed_at
    assert d.due_at == case.commission_formed_at + timedelta(days=3)


def test_extension_and_suspension_move_the_investigation_deadline(app, world, db):
    case = factories.make_case(world)
    factories.advance_to(case, world, "investigating")
    start = case.investigation_started_at
    cases.advance(case, world.specialist, "extend_deadline", comment="экспертиза", days=10)
    assert _by_key(case, utcnow())["investigation"].due_at == start + timedelta(days=13)
    cases.advance(case, world.specialist, "suspend", comment="Ждём полицию")
    later = case.suspended_at + timedelta(days=30)
    paused = _by_key(case, later)["investigation"]
    assert paused.state == "paused" and not paused.overdue
    case.suspended_at -= timedelta(days=2)  # suspended two days in all
    cases.advance(case, world.specialist, "resume")
    assert _by_key(case, utcnow())["investigation"].due_at >= start + timedelta(days=15)


def test_met_deadline_stops_the_clock(app, world, db):
    case = factories.make_case(world)
    _insurer_notice(case, sent_at=case.reported_at + timedelta(hours=2))
    d = _by_key(case, utcnow() + timedelta(days=90))["notice:insurer"]
    assert d.state == "met" and d.met_at == case.reported_at + timedelta(hours=2)
    assert not d.overdue


def test_late_notice_is_met_late(app, world, db):
    case = factories.make_case(
        world, occurred_at=factories.local(5), reported_at=factories.local(4)
    )
    _insurer_notice(case, sent_at=case.reported_at + timedelta(days=3))
    assert _by_key(case, utcnow())["notice:insurer"].state == "met_late"


def test_cancelled_case_runs_no_clock(app, world, db):
    case = factories.make_case(
        world, occurred_at=factories.local(5), reported_at=factories.local(4)
    )
    cases.advance(case, world.head, "cancel", comment="Ошибка")
    assert deadlines.compute(case, RULES, utcnow()) == []


def test_working_days_skip_the_weekend():
    friday = datetime(2026, 11, 27, 15, 0)
    assert Duration.parse("3wd").add_to(friday) == datetime(2026, 12, 2, 15, 0)
    assert Duration.parse("24h").add_to(friday) == datetime(2026, 11, 28, 15, 0)
    with pytest.raises(ValueError):
        Duration.parse("3 weeks")


def test_every_rule_has_a_basis_in_both_document_languages():
    for rule in (*RULES.deadlines, *RULES.notices):
        assert rule.basis["ru"] and rule.basis["ky"] and rule.basis["en"]
    for rule in RULES.deadlines:
        assert set(rule.duration) == {"light", "severe", "fatal", "group"}
