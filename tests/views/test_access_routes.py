"""The access matrix over every route and every identity: who gets in, who is refused and how,
and that a refusal neither writes nor gives a case away.

The data (tests/access_fixtures.py), built once for the module: case A, the employer's light
accident handed to its insurer (documents, victim, witness, photo, protocols, comment, track,
legal hold, signed act, built package, an invitation accepted then revoked, one pending); case
B, an accident with its act drafted (protocols are written and the act signed then); case D, an
occupational disease. The specialist and head see all three; the member sits on A's and B's
commissions; the insurer sees A, read-only, since its package was sent; the state inspector
sees no light accident and no disease unless invited; the union inspector, the other
organisation's specialist, the person whose invitation was revoked and the admin see none.

Outcome classes: 200/201/204, a redirect back (302/303) or a refusal of the input (400/409/422)
are "allowed" (past every access check); 403 "forbidden"; 404 "not-found"; LOGIN the redirect
to the login page (HTML); 401 the API without a token.

A case the identity may not see does not exist for them: on a route under a case (its page,
documents, evidence, protocols, ..., HTML and API) they get the 404 an id no case has, where
the row names a refusal. A row's 403 is for those who see the case but may not do this (the
insurer reads A and edits nothing), and for a token without the route's scope."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from incidents import openapi
from incidents.auth import role_scopes
from tests import access_fixtures as fx
from tests import factories
from tests.access_fixtures import IDENTITIES, UNKNOWN_ID

LOGIN = fx.LOGIN
LOGGED_IN = IDENTITIES[1:]
EMPLOYER = ("specialist", "head")
GROUPS = {"employer": EMPLOYER, "editors": (*EMPLOYER, "member"), "viewers": ()}
GROUPS["viewers"] = (*GROUPS["editors"], "insurer")  # editors of A and B, viewers of A
SEES = {"A": GROUPS["viewers"], "B": GROUPS["editors"], "D": GROUPS["employer"]}
REFUSED = {401, 403, 404, LOGIN}
SKIPPED_ENDPOINTS = {"static", "bootstrap.static"}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
A, B, D = "A", "B", "D"
LIST, FILE = A + B + D, "<a file>"


def E(default, **given) -> dict:
    """The outcome per logged-in identity: `default`, but for those named (directly or by a
    group; later names win). Anonymous: LOGIN (HTML) or 401 (API) unless the row says."""
    out = dict.fromkeys(LOGGED_IN, default)
    for name, outcome in given.items():
        out.update(dict.fromkeys(GROUPS.get(name, (name,)), outcome))
    return out


def _all(outcome) -> dict:
    """The same outcome for everybody, anonymous too: a public route."""
    return {**E(outcome), "anonymous": outcome}


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # {placeholders}: ids of tests/access_fixtures.py; fresh_* make a new row each
    expect: dict
    shows: str | None = None  # an allowed GET shows: FILE, a text, or of the cases A, B, D
    # named here the number of each that SEES (or `reveals`) lets the identity see
    body: dict | None = None
    writes: tuple = ()  # who changes data with this request (it succeeds for them)
    reveals: dict = field(default_factory=dict)  # who sees a case here though SEES says no
    unknown: dict = field(default_factory=dict)  # the outcome for an unknown id, if not 404
    fresh_client: bool = False

    @property
    def api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def under_case(self) -> str | None:
        """The case whose page, or a route under it, the path names (not a package's)."""
        names = (("B", "{B}"), ("D", "{D} {d_doc}"), ("A", "{A} {doc}"))
        return next((k for k, n in names if any(p in self.path for p in n.split())), None)

    @property
    def case(self) -> str | None:
        """The case whose rows the path names (its documents and package count)."""
        names = (("B", "{B}"), ("D", "{D} {d_doc}"), ("A", "{A} {doc} {uid}"))
        return next((k for k, n in names if any(p in self.path for p in n.split())), None)

    def __str__(self):
        return f"{self.method} {self.path}"


def _both(path, expect, **kw) -> list[Row]:
    return [Row("GET", path, expect, **kw), Row("POST", path, expect, **kw)]


def _used_up(path) -> Row:
    """A removal that succeeds for the case's editors (on a row made for each request)."""
    return Row("POST", path, E(403, editors=302), writes=GROUPS["editors"], unknown=STALE_CLICK)


# An editor asking to remove or close a row the case does not have (a second click on a stale
# page) is sent back to the case page with "No such entry in this case.": they see every row
# of the case anyway, so it reveals nothing; the insurer is refused before any lookup.
STALE_CLICK = {"specialist": 302, "head": 302, "member": 302, "insurer": 403}
NOT_FIRST = {"member": 403, "insurer": 403}  # refused before the row is looked up
REVOKE = {**STALE_CLICK, "member": 403}
VIEW_A, EDIT_A, EDIT_B = E(403, viewers=200), E(403, editors=200), E(403, editors=200)
EMPLOYER_ONLY, INSURER_ONLY = E(403, employer=200), E(403, insurer=200)
ADMIN_ONLY = E(403, admin=200)
ANY_EMPLOYER = E(403, employer=200, stranger=200)  # a specialist or head of any employer
PACKAGE = E(404, employer=200, insurer=200)  # a package not yours does not exist
STATISTICS = E(200, member=403, union=403, revoked=403, admin=403)  # staff of an organisation
PW = {"password": factories.PASSWORD}
PENDING = {**E(403), "anonymous": 200}  # the link is for a new account, not a logged-in one

ROWS = [
    # -- lists: everybody logged in, each seeing only their own cases ---------------------------
    Row("GET", "/", E(200), shows=LIST),
    Row("GET", "/board", E(200), shows=LIST),
    *_both("/cases/new", ANY_EMPLOYER),
    *_both("/cases/new-disease", ANY_EMPLOYER),
    # -- a case page and its files: whoever may see the case ----------------------------------
    Row("GET", "/cases/{A}", VIEW_A, shows=A),
    Row("GET", "/cases/{B}", EDIT_B, shows=B),
    Row("GET", "/cases/{D}", EMPLOYER_ONLY, shows=D),
    Row("GET", "/documents/{doc}", VIEW_A, shows=FILE),
    Row("GET", "/documents/{d_doc}", EMPLOYER_ONLY, shows=FILE),
    Row("GET", "/cases/{A}/evidence", E(403, viewers=302)),  # to the card on the case page
    Row("GET", "/cases/{A}/evidence/{evidence}", VIEW_A, shows=FILE),
    Row("GET", "/cases/{A}/evidence/{evidence}/thumb", VIEW_A, shows=FILE),
    Row("GET", "/cases/{A}/tracks/{track}/file", VIEW_A, shows=FILE),
    # -- editing forms (an empty POST is shown again with its errors): the case's editors -----
    *_both("/cases/{A}/edit", EDIT_A, shows=A),
    *_both("/cases/{A}/witnesses/new", EDIT_A, shows=A),
    *_both("/cases/{A}/witnesses/{witness}/edit", EDIT_A, shows=A),
    *_both("/cases/{A}/victims/{victim}/outcome", EDIT_A, shows=A),
    *_both("/cases/{A}/notices/{notice}", EDIT_A, shows=A),
    *_both("/cases/{A}/tracks/new", EDIT_A, shows=A),
    *_both("/cases/{D}/disease/conditions", EMPLOYER_ONLY, shows=D),
    Row("GET", "/cases/{A}/findings", EDIT_A, shows=A),
    Row("POST", "/cases/{A}/findings", E(403, editors=409)),  # valid empty: A is past that stage
    # -- actions (refused by the stage or the input, so nothing changes unless `writes`) ------
    Row("POST", "/cases/{A}/victims/{victim}/remove", E(403, editors=302), unknown=STALE_CLICK),
    Row("POST", "/cases/{A}/fire/close", E(403, employer=303)),  # the member may not close
    Row("POST", "/cases/{A}/comments", E(403, editors=303)),  # the insurer only reads
    Row("POST", "/cases/{A}/evidence", E(403, editors=400)),
    _used_up("/cases/{A}/evidence/{fresh_evidence}/remove"),
    _used_up("/cases/{A}/tracks/{fresh_track}/close"),
    Row("POST", "/cases/{A}/sign", E(403, viewers=303), body=PW),  # "not while insurer_notified"
    Row("POST", "/cases/{B}/sign", E(403, member=303), body=PW),  # only a member signs (once)
    *_both("/cases/{A}/invitations", EMPLOYER_ONLY, shows=A),
    # revoked already: a flash, no change
    Row("POST", "/cases/{A}/invitations/{invitation}/revoke", E(403, employer=302), unknown=REVOKE),
    *_both("/cases/{A}/holds/new", EMPLOYER_ONLY, shows=A),
    *_both("/cases/{A}/holds/{hold}/lift", EMPLOYER_ONLY, shows=A, unknown=NOT_FIRST),
    # -- protocols: written while the commission investigates (B), not after (A) --------------
    *_both("/cases/{B}/protocols/scene/new", EDIT_B, shows=B),
    *_both("/cases/{B}/protocols/scene/{b_scene}", EDIT_B, shows=B),
    *_both("/cases/{B}/protocols/interview/new", EDIT_B, shows=B),
    *_both("/cases/{B}/protocols/interview/{b_interview}", EDIT_B, shows=B),
    *_both("/cases/{A}/protocols/scene/{scene}", E(403)),
    *_both("/cases/{A}/protocols/interview/{interview}", E(403)),
    Row("POST", "/cases/{A}/protocols/interview/{interview}/confirm", E(403, editors=409)),
    Row("POST", "/cases/{B}/protocols/interview/{b_confirmed}/confirm", E(403, editors=409)),
    Row("POST", "/cases/{A}/protocols/scene/{scene}/remove", E(403, editors=409)),
    Row("POST", "/cases/{B}/protocols/interview/{b_confirmed}/remove", E(403, editors=409)),
    # -- the register of an employer: its own staff; the inspector of its region sees the
    # cases visible_cases gives (no light accident); statistics count without naming a case
    Row("GET", "/register", E(403, employer=200, stranger=200, inspector=200), shows=A + B),
    Row("GET", "/register?org={org}", E(403, employer=200, inspector=200), shows=A + B),
    Row("GET", "/register/export.csv?org={org}", E(403, employer=200, inspector=200), shows=A + B),
    Row("GET", "/statistics", STATISTICS),
    Row("GET", "/statistics.xlsx", STATISTICS, shows=FILE),
    Row("GET", "/dashboard", STATISTICS),
    Row("GET", "/dashboard/{chart}.svg", STATISTICS, shows=FILE),
    # -- the insurer's inbox; the employer's staff follow their package's delivery ------------
    Row("GET", "/insurer/packages", INSURER_ONLY, shows=A),
    Row("GET", "/insurer/packages/{uid}", PACKAGE, shows=A),
    Row("GET", "/insurer/packages/{uid}/files/{file}", PACKAGE, shows=FILE),
    Row("GET", "/insurer/packages/{uid}/package.zip", PACKAGE, shows=FILE),
    Row("POST", "/insurer/packages/{uid}/answer", E(404, employer=403, insurer=303)),
    Row("GET", "/insurer/settings", INSURER_ONLY),
    Row("POST", "/insurer/settings", INSURER_ONLY, body={"webhook_url": "ftp://x"}),
    Row("POST", "/insurer/settings/secret", E(403, insurer=303), writes=("insurer",)),
    # -- the administrator (the outgoing mail names the case it invites to) -------------------
    Row("GET", "/admin/mail", ADMIN_ONLY, shows=A, reveals={"admin": A}),
    Row("GET", "/admin/mail/{mail}", ADMIN_ONLY, shows=A, reveals={"admin": A}),
    Row("GET", "/admin/jobs", ADMIN_ONLY),
    Row("POST", "/admin/jobs/{fresh_job}/retry", E(403, admin=303), writes=("admin",)),
    Row("GET", "/admin/audit", ADMIN_ONLY),  # ids and hashes, no case data
    Row("POST", "/admin/audit/verify", E(403, admin=303), writes=("admin",)),
    # -- an organisation's own profile: its specialist or head -------------------------------
    *_both("/organisation", ANY_EMPLOYER),
    Row("POST", "/organisation/policies", E(403, employer=422, stranger=422)),
    Row(
        "POST",
        "/organisation/policies/{fresh_policy}/remove",
        E(403, employer=303, stranger=404),
        writes=GROUPS["employer"],
    ),
    # -- public: logging in and out, the language, a reset or invitation link -----------------
    *_both("/login", {**E(302), "anonymous": 200}),
    Row("POST", "/logout", E(302), fresh_client=True),  # to the login page, logged out
    Row("POST", "/lang/ru", _all(302)),
    *_both("/password/forgot", _all(200)),
    *_both("/password/reset/{reset_token}", _all(200)),  # the mailed link is the credential
    *_both("/password/reset/not-a-token", _all(400)),
    *_both("/invitations/{revoked_token}", _all(409)),
    *_both("/invitations/{pending_token}", PENDING, shows=A, reveals={"anonymous": A}),
    *_both("/invitations/not-a-token", _all(400)),
    # -- API: bearer tokens; a token without a route's scope is refused before any lookup -----
    Row("GET", "/api/v1/cases", E(200), shows=LIST),
    Row("POST", "/api/v1/cases", E(403, employer=400, stranger=400)),
    Row("POST", "/api/v1/diseases", E(403, employer=400, stranger=400)),
    Row("GET", "/api/v1/cases/{A}", VIEW_A, shows=A),
    Row("GET", "/api/v1/cases/{D}", EMPLOYER_ONLY, shows=D),
    Row("PATCH", "/api/v1/cases/{A}", E(403, editors=409)),
    Row("PUT", "/api/v1/cases/{A}/findings", E(403, editors=409)),
    Row("POST", "/api/v1/cases/{A}/witnesses", E(403, editors=400)),
    Row("GET", "/api/v1/cases/{A}/witnesses/{witness}", VIEW_A, shows=fx.WITNESS),
    Row("PATCH", "/api/v1/cases/{A}/witnesses/{witness}", E(403, editors=409)),
    Row("DELETE", "/api/v1/cases/{A}/witnesses/{witness}", E(403, editors=409)),
    Row("PUT", "/api/v1/cases/{A}/victims/{victim}/outcome", E(403, editors=400)),
    Row("PUT", "/api/v1/cases/{A}/notices/{notice}", E(403, editors=400)),
    Row("POST", "/api/v1/cases/{A}/triggers/close", E(403, employer=409)),
    Row("PUT", "/api/v1/cases/{D}/disease/conditions", E(403, employer=400)),
    Row("GET", "/api/v1/cases/{A}/documents", VIEW_A, shows="{doc_name}"),
    Row("GET", "/api/v1/documents/{doc}", VIEW_A, shows=FILE),
    Row("GET", "/api/v1/packages", INSURER_ONLY, shows=A),
    Row("GET", "/api/v1/packages/{uid}", INSURER_ONLY, shows=A),
    Row("GET", "/api/v1/packages/{uid}/files/{file}", INSURER_ONLY, shows=FILE),
    Row("POST", "/api/v1/packages/{uid}/acknowledgement", E(403, insurer=400)),
    Row("GET", "/api/v1/openapi.json", _all(200)),
    Row("GET", "/api/v1/schemas/insurer-package-v1.json", _all(200)),
    Row("POST", "/api/v1/tokens", _all(400)),
    Row("DELETE", "/api/v1/tokens/current", E(204), writes=LOGGED_IN, fresh_client=True),
]


@pytest.fixture(scope="module")
def data(_schema, app_config, tmp_path_factory):
    """The app and its data for the whole module (the instance folder, where mails land, and
    the document store its own); the tables emptied at the end, as after any test."""
    with fx.module_app(app_config, tmp_path_factory, "access") as app:
        yield fx.build(app)


# -- what is checked of each request ----------------------------------------------------------


def _shown(data, row, who, response) -> list[str]:
    body, _headers = fx.text_of(response)
    if row.shows == FILE:
        ok = response.get_data() and response.mimetype not in ("text/html", "application/json")
        return [] if ok else [f"{who}: no file but {response.mimetype}"]
    if set(row.shows) <= set(SEES):
        keys = [k for k in row.shows if who in SEES[k] or k in row.reveals.get(who, "")]
        wanted = [data.numbers[k] for k in keys]
    else:
        wanted = [row.shows.format_map(data.ids)]
    return [f"{who}: the page does not show {w!r}" for w in wanted if not fx.mentions(body, w)]


def _check(data, row, who, url, expected, writes, before) -> tuple[list[str], dict | None]:
    """The problems of one request, and the state of the data after it (for a write method:
    that of `before`, or taken now, must not change unless `who` is among `writes`)."""
    if row.method != "GET" and before is None:
        before = fx.snapshot()
    response = fx.send(data, row, who, url)
    got = fx.outcome(response)
    problems = [] if got == expected else [f"{who}: expected {expected}, got {got}"]
    if got == 401 and not response.headers.get("WWW-Authenticate", "").startswith("Bearer"):
        problems.append(f"{who}: a 401 without a Bearer challenge")
    after = fx.snapshot() if before is not None else None
    if after is not None and after != before and who not in writes:
        problems.append(f"{who}: {got} but wrote {fx.changed_tables(before, after)}")
    refused = got in REFUSED
    # a refusal shows no case at all; anything else only the cases `who` may see
    seen = "" if refused else "".join(k for k in SEES if who in SEES[k]) + row.reveals.get(who, "")
    problems += fx.leaks(data, who, url, response, seen, refused)
    if not refused and got == expected and row.method == "GET" and row.shows:
        problems += _shown(data, row, who, response)
    response.close()  # a file sent from the store stays open until closed
    return problems, after


def _run(data, row, expected, writes=(), **ids) -> list[str]:
    """The row's request as every identity; the state after one is the state before the next,
    unless building the URL makes a fresh row."""
    problems, state = [], None
    fresh = [k for k in _PLACEHOLDER.findall(row.path) if k in fx.FRESH and k not in ids]
    for who in IDENTITIES:
        url = row.path.format_map(fx.Ids(data, **ids))  # may make a fresh row: a write
        before = None if fresh else state
        found, state = _check(data, row, who, url, expected(who, url), writes, before)
        problems += found
    return problems


# -- every route, every identity ---------------------------------------------------------------


def test_every_route_has_an_access_expectation(data):
    adapter = data.app.url_map.bind("localhost")
    samples = fx.Ids(data, **dict.fromkeys(fx.FRESH, 1))
    paths = [(urlsplit(r.path.format_map(samples)).path, r.method) for r in ROWS]
    covered = {(adapter.match(path, method)[0], method) for path, method in paths}
    missing = [
        f"route {rule.rule} [{method}] ({rule.endpoint}) has no access expectation"
        for rule in data.app.url_map.iter_rules()
        if rule.endpoint not in SKIPPED_ENDPOINTS
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
        if (rule.endpoint, method) not in covered
    ]
    assert not missing, "\n".join(missing)


def _expected(data, row, who, url):
    """The row's outcome for `who`: a refusal under a case `who` may not see is a 404."""
    outcome = row.expect.get(who, 401 if row.api else LOGIN)
    hidden = row.under_case is not None and who not in SEES[row.under_case]
    if outcome == 403 and hidden and not (row.api and _no_scope(data, row, who, url)):
        return 404
    return outcome


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_access(data, row):
    def expected(who, url):
        return _expected(data, row, who, url)

    problems = _run(data, row, expected, row.writes)
    assert not problems, f"{row}:\n" + "\n".join(problems)


# -- unknown ids: 404, and no refusal that tells which ids exist ---------------------------------

# a case, a document, an employer: looked up before access is decided; their ids count up, so
# being told one exists tells nothing (see test_a_stranger_learns_nothing_from_an_id)
FIRST_KEYS = ("A", "B", "D", "doc", "d_doc", "org")
NOT_IDS = ("revoked_token", "pending_token", "reset_token", "chart")  # rows of their own above
UNKNOWN = [(r, k) for r in ROWS for k in _PLACEHOLDER.findall(r.path) if k not in NOT_IDS]
UNKNOWN_NAMES = {"uid": str(uuid.uuid4()), "file": "documents/none.docx", "mail": "none.eml"}


def _no_scope(data, row, who, url) -> bool:
    """Whether `who`'s token lacks the scope the API route needs (refused before any lookup)."""
    adapter = data.app.url_map.bind("localhost")
    endpoint = adapter.match(urlsplit(url).path, row.method)[0]
    spec = openapi.spec_of(data.app.view_functions[endpoint])
    return bool(spec.scope) and spec.scope not in role_scopes(data.users[who].role)


def _expected_unknown(data, row, key, who, url):
    """404 for an unknown case or document. For an unknown row of a case (or package file,
    mail, job, policy): 404 for whoever may see the case or reach such rows; everybody else
    gets the very refusal an existing row gets, so it tells nothing about which ids exist."""
    if who == "anonymous":
        return 401 if row.api else LOGIN
    existing = _expected(data, row, who, url)
    if row.api and _no_scope(data, row, who, url):
        return existing
    if key in FIRST_KEYS:
        return 404
    if who in row.unknown:
        return row.unknown[who]
    sees = row.case is not None and who in SEES[row.case]
    return 404 if sees or existing not in REFUSED else existing


@pytest.mark.parametrize(("row", "key"), UNKNOWN, ids=[f"{r} {k}" for r, k in UNKNOWN])
def test_unknown_ids(data, row, key):
    def expected(who, url):
        return _expected_unknown(data, row, key, who, url)

    problems = _run(data, row, expected, **{key: UNKNOWN_NAMES.get(key, UNKNOWN_ID)})
    assert not problems, f"{row} with an unknown {key}:\n" + "\n".join(problems)


def test_a_stranger_learns_nothing_from_an_id(data):
    """Another organisation's case is answered exactly as an id no case has: the same 404,
    the same page, on its page, under it and in the API. A package's uid is random: another's
    package is as absent as one that never was."""
    stranger, ids = fx.client(data, "stranger"), data.ids
    for path in ("/cases/{}", "/cases/{}/edit", "/cases/{}/evidence", "/cases/{}/invitations"):
        answers = [stranger.get(path.format(i)) for i in (ids[A], ids[B], ids[D], UNKNOWN_ID)]
        assert [r.status_code for r in answers] == [404] * 4, path
        assert len({fx.page_text(r) for r in answers}) == 1, path
    documents = [stranger.get(f"/documents/{i}") for i in (ids["doc"], ids["d_doc"], UNKNOWN_ID)]
    assert [r.status_code for r in documents] == [404] * 3
    assert len({fx.page_text(r) for r in documents}) == 1
    theirs, never = (stranger.get(f"/insurer/packages/{uid}") for uid in (ids["uid"], uuid.uuid4()))
    assert theirs.status_code == never.status_code == 404
    assert fx.page_text(theirs) == fx.page_text(never)
    api, token = fx.api_client(data), fx.bearer(data, "stranger")
    for path in ("/api/v1/cases/{}", "/api/v1/cases/{}/documents"):
        answers = [
            api.get(path.format(i), headers=token)
            for i in (*(ids[k] for k in (A, B, D)), UNKNOWN_ID)
        ]
        assert {(r.status_code, r.get_data()) for r in answers} == {(404, answers[-1].get_data())}
    answers = [api.get(f"/api/v1/documents/{i}", headers=token) for i in (ids["doc"], UNKNOWN_ID)]
    assert {(r.status_code, r.get_data()) for r in answers} == {(404, answers[-1].get_data())}


def test_who_sees_the_case_but_may_not_act_is_still_refused_with_403(data):
    """The 404 is for a case one may not see; the insurer, who reads case A, is told 403 when
    it asks to change it, as the member is when asking to close it."""
    ids = data.ids
    assert fx.client(data, "insurer").get(f"/cases/{ids[A]}/edit").status_code == 403
    assert fx.client(data, "member").post(f"/cases/{ids[A]}/fire/close").status_code == 403


def test_the_api_never_reads_the_session(data):
    """A logged-in browser's cookie is no bearer token: without one the API answers 401."""
    r = fx.client(data, "specialist").get(f"/api/v1/cases/{data.ids['A']}")
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
