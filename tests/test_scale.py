"""Scale: the load-data generator (`flask demo scale`) makes consistent cases, the case list
and the API page through them by keyset exactly once each, and the overdue filter computed
in SQL from the stored clock gives the answers the Python clock gives."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

import workflows
from incidents import demo_scale
from incidents.extensions import db as _db
from incidents.models import (
    AuditEvent,
    Case,
    CaseKind,
    CaseStatus,
    Category,
    GeneratedDocument,
    Outcome,
    Role,
    User,
)
from incidents.models.timeutil import utcnow
from incidents.permissions import visible_cases
from incidents.rules import for_case
from incidents.services import deadlines, derived, documents, routing

from . import factories
from .test_api import Api

N = 300


@pytest.fixture
def generated(app, db):
    """N cases over three years across four employers."""
    result = demo_scale.generate(N, 4, years=3, seed=11, password=factories.PASSWORD)
    db.session.expire_all()
    return result


def _cases():
    return list(_db.session.execute(_db.select(Case).order_by(Case.id)).scalars())


def _user(role: Role, **where) -> User:
    query = _db.select(User).where(User.role == role, User.email.like("scale%"))
    for key, value in where.items():
        query = query.where(getattr(User, key) == value)
    return _db.session.execute(query.order_by(User.id)).scalars().first()


def _legal_steps() -> set[tuple[str, str, str]]:
    steps = set()
    for flow in (workflows.accident, workflows.disease):
        for t in flow.TRANSITIONS:
            sources = t["source"] if isinstance(t["source"], list) else [t["source"]]
            steps |= {(t["trigger"], str(s), str(t["dest"])) for s in sources}
    return steps


def test_the_generated_cases_are_consistent(app, generated):
    cases = _cases()
    assert len(cases) == generated.cases == N
    assert generated.rows > N * 10
    legal = _legal_steps()
    numbers = Counter((c.organisation_id, c.year, c.seq) for c in cases)
    assert max(numbers.values()) == 1  # a number is unique within its employer's year
    for (org, year), seqs in _group_seqs(cases).items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), (org, year)  # no gap
    for case in cases:
        history = case.transitions
        state = "suspected" if case.is_disease else "reported"
        for step in history:  # every step legal, none skipped, in time order
            assert (step.trigger, state, step.to_state) in legal, (case.id, step.trigger)
            assert step.from_state == state
            state = step.to_state
        assert case.status.value == state, case.id
        assert [s.at for s in history] == sorted(s.at for s in history)
        assert case.victims, case.id
        if case.is_disease:
            assert case.category is None and case.disease is not None
        else:
            # the category follows the victims, as routing derives it
            assert case.category == routing.derived_category(case), case.id
            assert len(case.victims) <= 3
        if case.status == CaseStatus.closed:
            assert case.closed_at == history[-1].at
            assert all(v.outcome is not None for v in case.victims)
            assert all(n.sent_at is not None for n in case.notices)
        # the derived columns as the ORM listener would have them
        assert case.next_due_at == derived.next_due_at(case), case.id
        assert case.search_text == derived.search_text(case), case.id


def _group_seqs(cases) -> dict:
    groups: dict[tuple[int, int], list[int]] = {}
    for c in cases:
        groups.setdefault((c.organisation_id, c.year), []).append(c.seq)
    return groups


def test_what_the_generated_data_looks_like(app, generated):
    cases = _cases()
    now = utcnow()
    old = [c for c in cases if c.reported_at < now - timedelta(days=365)]
    recent = [c for c in cases if c.reported_at > now - timedelta(days=30)]
    assert sum(c.status == CaseStatus.closed for c in old) / len(old) > 0.9
    assert {c.status for c in recent} - {CaseStatus.closed}  # this month's are still open
    categories = Counter(c.category for c in cases if not c.is_disease)
    assert categories[Category.light] > N / 2  # mostly light
    assert {c.kind for c in cases} == {CaseKind.accident, CaseKind.occupational_disease}
    assert any(v.outcome == Outcome.died for c in cases for v in c.victims)
    codes = {c.event_type_code for c in cases} - {None}
    assert codes <= {code.code for code in for_case(cases[0]).event_types}
    # documents: metadata only, both languages, the approved acts frozen; no file exists
    docs = _db.session.execute(_db.select(GeneratedDocument)).scalars().all()
    assert {d.language for d in docs} == {"ru", "ky"}
    assert all(re.fullmatch(r"[0-9a-f]{64}", d.sha256) for d in docs)
    approved = [d for d in docs if d.kind == "act_n1" and d.frozen]
    assert approved and all(d.version == 2 for d in approved)
    assert not documents.store_path(docs[0].sha256).exists()
    # bulk inserts bypass the ORM, hence the audit log (as the command's help says)
    ids = [c.id for c in cases]
    audited = _db.select(AuditEvent.id).where(AuditEvent.case_id.in_(ids)).limit(1)
    assert _db.session.execute(audited).first() is None


def _page_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-case-id="(\d+)"', html)]


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def _visible_ids(user) -> list[int]:
    query = _db.select(Case.id).where(visible_cases(user)).order_by(Case.id.desc())
    return list(_db.session.execute(query).scalars())


def _busiest() -> int:
    return Counter(c.organisation_id for c in _cases()).most_common(1)[0][0]


def _busy_inspector() -> User:
    """The inspector of the busiest employer's region (sees its serious cases)."""
    region = next(c.organisation.region for c in _cases() if c.organisation_id == _busiest())
    return _user(Role.inspector, name=f"Инспектор {region}")


@pytest.mark.parametrize("role", [Role.specialist, Role.inspector])
def test_keyset_pages_cover_every_case_once_in_order(app, generated, client_for, role):
    per_page = app.config["CASES_PER_PAGE"] = 4
    # an employer's own cases; or the serious cases of the employers of a region
    specialist = role == Role.specialist
    user = _user(role, organisation_id=_busiest()) if specialist else _busy_inspector()
    expected = _visible_ids(user)
    assert len(expected) > 2 * per_page
    client = client_for(user)
    url, pages = "/", []
    while url:
        html = client.get(url).text
        pages.append(_page_ids(html))
        url = _link(html, "next")
    seen = [i for page in pages for i in page]
    assert seen == expected  # every case once, newest first
    for number, page in enumerate(pages):
        offset = _db.select(Case.id).where(visible_cases(user)).order_by(Case.id.desc())
        offset = offset.offset(number * per_page).limit(per_page)
        assert page == list(_db.session.execute(offset).scalars())  # as OFFSET would give
        old = client.get(f"/?page={number + 1}").text  # the old numbered links
        assert _page_ids(old) == page
    # and back: the "newer" links from the last page give the same pages
    html, back = client.get(f"/?after={pages[-2][-1]}").text, [pages[-1]]
    while url := _link(html, "prev"):
        html = client.get(url).text
        back.append(_page_ids(html))
    assert back[::-1] == pages
    assert f'data-total="{len(expected)}"' in client.get("/").text


def test_the_api_follows_next_links(app, generated, client):
    user = _user(Role.specialist)
    api = Api(client, user)
    expected = _visible_ids(user)
    body, seen = api.ok("GET", "/cases?per_page=9"), []
    while True:
        seen += [item["id"] for item in body["items"]]
        if body["next"] is None:
            break
        query = parse_qs(urlsplit(body["next"]).query)
        assert query == {"after": [str(seen[-1])], "per_page": ["9"]}
        body = api.ok("GET", body["next"].split("/api/v1", 1)[1])
    assert seen == expected
    old = api.ok("GET", "/cases?per_page=9&page=2")
    assert [i["id"] for i in old["items"]] == expected[9:18]
    assert old["total"] == len(expected) and old["page"] == 2
    assert api("GET", "/cases?page=2&after=5").status_code == 400
    assert api("GET", "/cases?after=0").status_code == 400


def _python_overdue(user, now) -> set[int]:
    """The old answer: the open visible cases whose computed clock says overdue."""
    visible = _db.session.execute(_db.select(Case).where(visible_cases(user))).scalars()
    return {
        c.id
        for c in visible
        if c.status not in (CaseStatus.closed, CaseStatus.cancelled)
        and deadlines.is_overdue(c, for_case(c), now)
    }


def _board_overdue(case_ids, now) -> set[int]:
    """The board's old answer: those with a clock in the "overdue" state (not paused)."""
    result = set()
    for case_id in case_ids:
        case = _db.session.get(Case, case_id)
        if any(d.state == "overdue" for d in deadlines.compute(case, for_case(case), now)):
            result.add(case_id)
    return result


def test_the_overdue_filter_in_sql_answers_as_the_python_clock(app, generated, world, client_for):
    """On the generated cases and hand-made ones (overdue, running, suspended after running
    out, suspended in time, closed while late), for the list, the API and the board."""
    factories.on_the_clock(world, 84)  # 12 hours overdue
    factories.on_the_clock(world, 24, category="severe")  # running
    late = factories.on_the_clock(world, 100)
    late.status, late.suspended_at = CaseStatus.suspended, utcnow() - timedelta(hours=2)
    waiting = factories.on_the_clock(world, 30)
    waiting.status, waiting.suspended_at = CaseStatus.suspended, utcnow() - timedelta(hours=1)
    closed = factories.on_the_clock(world, 200)
    closed.status = CaseStatus.closed
    _db.session.commit()
    app.config["CASES_PER_PAGE"] = 1000
    generated_overdue = set()
    specialists = _db.select(User).where(User.role == Role.specialist, User.email.like("scale%"))
    users = [world.specialist, *_db.session.execute(specialists).scalars(), _busy_inspector()]
    for user in users:
        now = utcnow()
        python = _python_overdue(user, now)
        client = client_for(user)
        assert set(_page_ids(client.get("/?overdue=1").text)) == python
        listed = Api(client, user).ok("GET", "/cases?overdue=1&per_page=100")
        assert {i["id"] for i in listed["items"]} == python and listed["next"] is None
        board = _page_ids(client.get("/board?overdue=1").text)
        assert set(board) == _board_overdue(python, now)
        if user is world.specialist:
            assert late.id in python and waiting.id not in python and closed.id not in python
            assert late.id not in board  # the board shows its late clock as paused
        else:
            generated_overdue |= python
    assert generated_overdue  # the generated data has late cases of its own


def test_the_search_folds_case_in_any_alphabet(app, world, client_for):
    factories.make_case(world, victim=factories.victim_data(full_name="Гүлзат Өмүрбекова"))
    other = factories.make_case(world, place="Склад № 3, ул. Ёлочная")
    _db.session.commit()
    client = client_for(world.specialist)
    assert len(_page_ids(client.get("/?q=ӨМҮРБЕК").text)) == 1
    assert _page_ids(client.get("/?q=елочная").text) == [other.id]  # ё as е
    assert _page_ids(client.get("/?q=50%25").text) == []  # % is a character, not a wildcard
    api = Api(client, world.specialist)
    assert [i["id"] for i in api.ok("GET", "/cases?q=%D0%81%D0%BB%D0%BE%D1%87")["items"]] == [
        other.id
    ]
    assert api("GET", "/cases?q=" + "я" * 101).status_code == 400


def test_the_command(app):
    """`flask demo scale` (a subcommand: `flask demo` alone still loads the demo)."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "scale", "40", "--orgs", "2", "--password", "pw-1"])
    assert result.exit_code == 0, result.output
    assert "40 cases" in result.output and "pw-1" in result.output
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(Case)) == 40
    help_text = runner.invoke(args=["demo", "scale", "--help"]).output
    assert "downloads" in help_text and "audit log" in help_text
