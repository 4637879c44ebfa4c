"""The legal clock's arithmetic: working days with public holidays, months, extension,
suspension, the late-reported track and the notices owed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from incidents.extensions import db
from incidents.models import CaseNotice
from incidents.rules import Calendar, Duration, load
from incidents.services import deadlines
from tests import factories

KR = load("kr")


# -- Duration and calendar arithmetic (no database) ---------------------------------------


@pytest.mark.parametrize(
    ("duration", "start", "country", "extra", "end"),
    [
        # Thu 20 Mar 2025: Fri 21 is Nooruz, then the weekend
        ("3wd", datetime(2025, 3, 20, 9), "KG", 0, datetime(2025, 3, 26, 9)),
        ("3wd", datetime(2025, 3, 20, 9), None, 0, datetime(2025, 3, 25, 9)),
        ("1wd", datetime(2025, 3, 20, 9), "KG", 0, datetime(2025, 3, 24, 9)),
        # over a plain weekend
        ("3wd", datetime(2026, 11, 27, 15), "KG", 0, datetime(2026, 12, 2, 15)),
        ("1wd", datetime(2026, 11, 27, 15), "KG", 0, datetime(2026, 11, 30, 15)),
        # Mon 31 Aug 2026: Independence Day
        ("2wd", datetime(2026, 8, 28, 10), "KG", 0, datetime(2026, 9, 2, 10)),
        # Fri 20 Mar 2026: Orozo ait (Eid al-Fitr); Nooruz falls on Saturday that year
        ("1wd", datetime(2026, 3, 19, 10), "KG", 0, datetime(2026, 3, 23, 10)),
        # RU: New Year holidays 1-8 Jan and the day off moved to Fri 9 Jan 2026
        ("1wd", datetime(2025, 12, 31, 10), "RU", 0, datetime(2026, 1, 12, 10)),
        # KZ: Nauryz 21-23 Mar 2026 and the days moved to 24-25 Mar
        ("1wd", datetime(2026, 3, 20, 10), "KZ", 0, datetime(2026, 3, 26, 10)),
        # working days, then the extension in calendar days
        ("3wd", datetime(2026, 11, 27, 15), "KG", 2, datetime(2026, 12, 4, 15)),
        # months: the same day, clamped to the month's end
        ("1mo", datetime(2026, 3, 15, 8), None, 0, datetime(2026, 4, 15, 8)),
        ("1mo", datetime(2026, 1, 31, 8), None, 0, datetime(2026, 2, 28, 8)),
        ("1mo", datetime(2024, 1, 31, 8), None, 0, datetime(2024, 2, 29, 8)),
        ("1mo", datetime(2026, 12, 10, 8), None, 0, datetime(2027, 1, 10, 8)),
        ("12mo", datetime(2026, 5, 31, 8), None, 0, datetime(2027, 5, 31, 8)),
        ("1mo", datetime(2026, 1, 31, 8), None, 3, datetime(2026, 3, 3, 8)),
        # hours and calendar days ignore holidays
        ("24h", datetime(2025, 3, 20, 9), "KG", 0, datetime(2025, 3, 21, 9)),
        ("3d", datetime(2025, 3, 20, 9), "KG", 10, datetime(2025, 4, 2, 9)),
    ],
)
def test_duration_add_to(duration, start, country, extra, end):
    assert Duration.parse(duration).add_to(start, extra, country=country) == end


@pytest.mark.parametrize("text", ["3 weeks", "3m", "wd", "", "-1d", "1.5d"])
def test_bad_durations_are_refused(text):
    with pytest.raises(ValueError):
        Duration.parse(text)


@pytest.mark.parametrize(
    ("country", "day", "holiday"),
    [
        ("KG", date(2026, 3, 21), True),  # Nooruz
        ("KG", date(2026, 8, 31), True),  # Independence Day
        ("KG", date(2026, 1, 7), True),  # Christmas
        ("KG", date(2026, 11, 7), False),  # Days of History: a working day since 2025
        ("KG", date(2026, 3, 24), False),
        ("RU", date(2026, 6, 12), True),
        ("KZ", date(2026, 12, 16), True),
    ],
)
def test_public_holidays_come_from_the_jurisdiction(country, day, holiday):
    assert (Calendar(country).holiday(day) is not None) is holiday


def test_a_pack_counts_working_days_on_its_own_wall_clock():
    # 19 Mar 2025 20:00 UTC is Thu 20 Mar 02:00 in Bishkek: one working day later is Mon 24
    # 02:00 Bishkek (Nooruz and the weekend skipped), stored as Sun 23 Mar 20:00 UTC
    rule = KR.deadline("insurer_notice")
    start = datetime(2025, 3, 19, 20, 0)
    assert rule.duration["light"].add_to(start) == datetime(2025, 3, 25, 20, 0)  # Wed 26 local
    assert KR.calendar.add_working_days(start, 1) == datetime(2025, 3, 23, 20, 0)
    # a month is counted in Bishkek too: 31 Jan 02:00 local (30 Jan UTC) -> 28 Feb local
    assert KR.calendar.add_months(datetime(2026, 1, 30, 20, 0), 1) == datetime(2026, 2, 27, 20)


# -- the clock of a case ------------------------------------------------------------------


def _investigating(world, **kw):
    """A case whose investigation started `kw`-free: set the clock fields directly."""
    case = factories.make_case(world, **kw)
    case.investigation_started_at = case.reported_at + timedelta(hours=5)
    db.session.flush()
    return case


def _by_key(case, now):
    return {d.key: d for d in deadlines.compute(case, KR, now)}


@pytest.mark.parametrize(
    ("category", "extension", "paused_days", "suspended_days", "due_days", "state"),
    [
        ("light", 0, 0, None, 3, "running"),
        ("severe", 0, 0, None, 15, "running"),
        ("light", 10, 0, None, 13, "running"),  # extension adds calendar days
        ("light", 0, 2, None, 5, "running"),  # an earlier suspension of two days
        ("light", 5, 2, None, 10, "running"),
        ("light", 0, 0, 30, 33, "paused"),  # suspended now for 30 days: the clock stands
        ("light", 0, 2, 1, 6, "paused"),
    ],
)
def test_extension_and_suspension_move_the_investigation(
    app, world, category, extension, paused_days, suspended_days, due_days, state
):
    case = _investigating(world, category=category)
    start = case.investigation_started_at
    case.extension_days = extension
    case.paused_seconds = paused_days * 86400
    now = start + timedelta(days=1)
    if suspended_days is not None:
        case.suspended_at = start + timedelta(days=1)
        now = case.suspended_at + timedelta(days=suspended_days)
    d = _by_key(case, now)["investigation"]
    assert d.started_at == start
    assert d.due_at == start + timedelta(days=due_days)
    assert d.state == state and not d.overdue


def test_resumption_keeps_the_paused_time(app, world):
    case = _investigating(world)
    start = case.investigation_started_at
    case.suspended_at = start + timedelta(days=1)
    resumed = case.suspended_at + timedelta(days=4)
    # what the resume step does: bank the pause, clear the suspension
    case.paused_seconds += int((resumed - case.suspended_at).total_seconds())
    case.suspended_at = None
    d = _by_key(case, resumed + timedelta(days=2))["investigation"]
    assert d.due_at == start + timedelta(days=3 + 4)
    assert d.state == "running"
    late = _by_key(case, start + timedelta(days=8))["investigation"]
    assert late.state == "overdue"


@pytest.mark.parametrize(
    ("occurred_days", "reported_days", "late"),
    [(5, 2, True), (3.1, 2, True), (3, 2, False), (2.02, 2, False)],
)
def test_late_report_opens_the_one_month_track(app, world, occurred_days, reported_days, late):
    case = factories.make_case(
        world,
        occurred_at=factories.local(occurred_days, 8, 0),
        reported_at=factories.local(reported_days, 8, 0),
    )
    gap = deadlines.reported_late(case, KR)
    by_key = _by_key(case, case.reported_at + timedelta(days=1))
    if not late:
        assert gap is None
        assert "investigation" not in by_key  # no commission order yet: no clock
        return
    assert gap == case.reported_at - case.occurred_at
    d = by_key["investigation"]
    assert d.started_at == case.reported_at
    assert d.due_at == KR.calendar.add_months(case.reported_at, 1)
    assert d.due_at - d.started_at >= timedelta(days=28)
    assert d.rule.basis["en"].startswith("Case reported late")
    assert d.title == d.rule.title and d.basis == d.rule.basis and d.verified is False
    # the commission order does not restart the month; an extension still adds to it
    case.investigation_started_at = case.reported_at + timedelta(days=3)
    case.extension_days = 5
    d = _by_key(case, case.reported_at + timedelta(days=4))["investigation"]
    assert d.due_at == KR.calendar.add_months(case.reported_at, 1) + timedelta(days=5)


def _notice(case, addressee, **kw):
    """The case's notice row for the addressee (the report may have created it already)."""
    row = next((n for n in case.notices if n.addressee == addressee), None)
    if row is None:
        row = CaseNotice(addressee=addressee, due_at=kw["due_at"])
        case.notices.append(row)
    for name, value in kw.items():
        setattr(row, name, value)
    db.session.flush()
    return row


@pytest.mark.parametrize(
    ("sent_after_h", "now_after_h", "state", "overdue"),
    [
        (None, 23, "running", False),
        (None, 25, "overdue", True),
        (3, 25, "met", False),
        (30, 40, "met_late", True),
    ],
)
def test_notice_deadlines(app, world, sent_after_h, now_after_h, state, overdue):
    case = factories.make_case(world)
    base = case.reported_at
    case.commission_formed_at = base + timedelta(hours=1)  # only the notice's clock runs
    sent = base + timedelta(hours=sent_after_h) if sent_after_h is not None else None
    _notice(case, "insurer", created_at=base, due_at=base + timedelta(hours=24), sent_at=sent)
    d = _by_key(case, base + timedelta(hours=now_after_h))["notice:insurer"]
    assert d.rule is KR.notice_rule("insurer")
    assert d.started_at == base and d.due_at == base + timedelta(hours=24)
    assert d.met_at == sent
    assert d.state == state and d.overdue is overdue
    assert d.rule.title["ky"] and d.rule.basis["en"] and d.verified is False
    running_late = state == "overdue"
    assert deadlines.is_overdue(case, KR, base + timedelta(hours=now_after_h)) is running_late


def test_one_deadline_per_notice_row(app, world):
    case = factories.make_case(world, category="fatal")
    base = case.reported_at
    for addressee in ("insurer", "state_inspector", "prosecutor", "retired_addressee"):
        _notice(case, addressee, created_at=base, due_at=base + timedelta(hours=24))
    keys = [d.key for d in deadlines.compute(case, KR, base)]
    notice_keys = [k for k in keys if k.startswith("notice:")]
    assert set(notice_keys) >= {
        "notice:insurer",
        "notice:state_inspector",
        "notice:prosecutor",
        "notice:retired_addressee",
    }
    assert keys[: len(notice_keys)] == notice_keys  # notices first
    assert "notice" not in keys  # the old pack-level notice rule is gone
    stand_in = _by_key(case, base)["notice:retired_addressee"]
    assert stand_in.rule.title == dict.fromkeys(("ru", "ky", "en"), "retired_addressee")


def test_find_returns_one_deadline_counted_like_compute(app, world):
    case = _investigating(world)
    case.extension_days = 4
    now = case.investigation_started_at
    found = deadlines.find(case, KR, "investigation", now)
    assert found == _by_key(case, now)["investigation"]
    assert found.due_at == case.investigation_started_at + timedelta(days=7)
    assert deadlines.find(case, KR, "act_to_victim", now) is None
