"""The deadline board: open visible cases, most urgent first, overdue clocks in red."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from incidents.models import CaseStatus
from tests import factories


@pytest.fixture
def cases(db, world):
    """Two overdue light cases and a severe case still in time at the employer, a closed
    overdue case, and an overdue case at another employer."""
    late = factories.on_the_clock(world, 84)  # 12 hours overdue
    later = factories.on_the_clock(world, 108)  # 36 hours overdue: the most urgent
    running = factories.on_the_clock(world, 24, category="severe")
    closed = factories.on_the_clock(world, 200)
    closed.status = CaseStatus.closed
    elsewhere = factories.on_the_clock(world, 84, actor=world.stranger)
    db.session.commit()
    return SimpleNamespace(
        late=late, later=later, running=running, closed=closed, elsewhere=elsewhere
    )


def _rows(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-case-id="(\d+)"', html)]


def _row(html: str, case_id: int) -> str:
    return re.search(rf'<tr data-case-id="{case_id}"(.*?)</tr>', html, re.S).group(0)


def test_the_employer_sees_its_overdue_cases_first_and_in_red(client_for, world, cases):
    r = client_for(world.specialist).get("/board")
    assert r.status_code == 200
    assert _rows(r.text) == [cases.later.id, cases.late.id, cases.running.id]
    for case in (cases.later, cases.late):
        row = _row(r.text, case.id)
        assert 'class="table-danger"' in row
        assert 'class="deadline-overdue text-danger" data-deadline="investigation"' in row
    running = _row(r.text, cases.running.id)
    assert "table-danger" not in running and "deadline-overdue" not in running
    assert 'data-deadline="investigation"' in running  # the next running deadline
    assert f'href="/cases/{cases.running.id}"' in running


def test_a_stranger_sees_none_of_them(client_for, world, cases):
    r = client_for(world.stranger).get("/board")
    assert _rows(r.text) == [cases.elsewhere.id]
    r = client_for(world.insurer).get("/board")  # the insurer sees closed cases only
    assert _rows(r.text) == []


def test_the_board_needs_a_login(client, cases):
    r = client.get("/board")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_filters(client_for, world, cases):
    c = client_for(world.specialist)
    assert _rows(c.get("/board?overdue=1").text) == [cases.later.id, cases.late.id]
    assert _rows(c.get("/board?category=severe").text) == [cases.running.id]
    assert _rows(c.get("/board?category=light").text) == [cases.later.id, cases.late.id]
    assert _rows(c.get("/board?category=fatal").text) == []
    assert _rows(c.get("/board?serious=1").text) == [cases.running.id]
    assert _rows(c.get("/board?serious=1&overdue=1").text) == []
    assert _rows(c.get("/board?category=bogus").text) == [
        cases.later.id,
        cases.late.id,
        cases.running.id,
    ]


def test_an_inspector_sees_the_serious_cases_of_the_region(db, client_for, world, cases):
    """Needs permissions.visible_cases to let an inspector see every severe, fatal and group
    case of the inspectorate's region (being added to the permissions module)."""
    assert world.employer.region == world.inspector.organisation.region == "bishkek"
    assert world.other.region != "bishkek"
    rows = _rows(client_for(world.inspector).get("/board").text)
    assert cases.running.id in rows
    assert not {cases.late.id, cases.later.id, cases.elsewhere.id} & set(rows)
