"""The data set of the route access matrix (tests/views/test_access_routes.py), built once per
module: the employer's cases with a row of every kind a route can name, a logged-in client and
an API token per identity; and the helpers that send a row's request and tell whether its
response wrote anything or gave a case away."""

from __future__ import annotations

import io
import json
import re
from contextlib import contextmanager
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

from PIL import Image
from sqlalchemy import delete

from incidents import create_app, jobs
from incidents.auth import issue_token
from incidents.config import TestingConfig
from incidents.extensions import db
from incidents.mail import mail_dir, send_mail
from incidents.models import Job, JobStatus, Role
from incidents.services import cases as case_service
from incidents.services import comments, evidence, protocols, retention, signing, tracks
from incidents.services import invitations as invitation_service
from incidents.services import packages as package_service
from incidents.views.charts import CHARTS
from incidents.views.password import make_token

from . import disease_factories, factories
from .conftest import IsolatedClient, _empty_tables

IDENTITIES = ("anonymous", "specialist", "head", "member", "inspector", "union", "insurer")
IDENTITIES += ("stranger", "revoked", "admin")
LOGIN = "login"  # the outcome "redirected to the login page"
FRESH = ("fresh_evidence", "fresh_track", "fresh_policy", "fresh_job")
UNKNOWN_ID = 999_999  # no row has it; within INTEGER, so every route looks it up

# What identifies each case: none of it may reach anyone who may not see that case.
VICTIM = "Эрмек Сыдыкбеков"
PLACE = "Склад готовой продукции, ряд 14"
CIRCUMSTANCES = "Работник упал со стремянки при снятии коробки с верхнего яруса."
WITNESS = "Азамат Жээнбеков"
COMMENT = "Стремянка без фиксатора, нужен акт списания."
PHOTO_NAME = "стремянка-ряд14.jpg"
PHOTO_NOTE = "Сломанный фиксатор стремянки"
SCENE_PLACE = "Склад, ряд 14, верхний ярус"
INTERVIEWEE = "Бермет Кадырова"
TRACK_NAME = "экспертиза-стремянки"
B_VICTIM = "Айбек Тилеков"
NEWCOMER = "newcomer@example.kg"
B_PLACE = "Цех сборки, линия 3"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def _scene() -> dict:
    when, who = factories.ago(2), "Жумабеков Н. А."
    return {"inspected_on": when, "place": SCENE_PLACE, "inspected_by": who, "guards": "Нет"}


def _interview() -> dict:
    data = {"interviewee_kind": "witness", "place": "Контора", "started_at": factories.ago(2)}
    return data | {"interviewer": "Жумабеков Н. А.", "full_name": INTERVIEWEE, "statement": "—"}


def _track() -> dict:
    kind, opened = "technical_investigation", factories.ago(3)
    return {"kind": kind, "authority": "Госпромнадзор", "reference": "ТР-7", "opened_at": opened}


def _accident(w, revoked):
    """Case A, driven to insurer_notified with every kind of row on the way."""
    case = factories.make_case(
        w,
        victim=factories.victim_data(full_name=VICTIM),
        place=PLACE,
        circumstances=CIRCUMSTANCES,
    )
    case_service.add_child(case, w.specialist, "witnesses", {"full_name": WITNESS}, None)
    evidence.upload(
        case, w.specialist, kind="photo", name=PHOTO_NAME, data=photo(), description=PHOTO_NOTE
    )
    tracks.open_track(case, w.specialist, _track(), (TRACK_NAME + ".pdf", PDF))
    factories.advance_to(case, w, "investigating")
    case.commission[1].user_id = w.member.id  # the member sits on this commission
    protocols.save_scene(case, w.specialist, _scene())
    protocols.save_interview(case, w.specialist, _interview())
    comments.add(case, w.specialist, COMMENT)
    retention.place_hold(case, w.specialist, {"kind": "court", "reference": "Суд № 5, дело 2-17"})
    # invited onto the third seat, accepted, then revoked: the access it gave has ended
    seat = case.commission[2]
    invitation, token = invitation_service.invite(
        case, w.specialist, revoked.email, "member", member_id=seat.id
    )
    invitation_service.accept(token, revoked)
    invitation_service.revoke(case, w.specialist, invitation.id)
    pending, pending_token = invitation_service.invite(
        case, w.specialist, NEWCOMER, "victim", name="Жаңы Адам"
    )
    factories.advance_to(case, w, "act_drafted")
    signing.sign(case, w.member, factories.PASSWORD)  # the signing round the approval needs
    factories.advance_to(case, w, "insurer_notified")
    db.session.commit()
    send_mail(  # the invitation mail, in the folder the administrator reads
        [pending.email], *invitation_service.render_mail(pending, pending_token, case, w.specialist)
    )
    return case, SimpleNamespace(
        revoked=invitation, revoked_token=token, pending=pending, pending_token=pending_token
    )


def _drafted(w):
    """Case B, its act drafted and signed by the member: the stage where protocols are still
    written and the act is signed (case A is past both)."""
    case = factories.make_case(w, victim=factories.victim_data(full_name=B_VICTIM), place=B_PLACE)
    factories.advance_to(case, w, "investigating")
    case.commission[1].user_id = w.member.id
    protocols.save_scene(case, w.specialist, _scene())
    protocols.save_interview(case, w.specialist, _interview())
    confirmed = protocols.save_interview(case, w.specialist, _interview())
    protocols.confirm(case, w.specialist, confirmed)
    factories.advance_to(case, w, "act_drafted")
    signing.sign(case, w.member, factories.PASSWORD)
    db.session.commit()
    return case, confirmed


def _disease(w):
    """Case D: an occupational disease of the same employer, its conditions described."""
    case = disease_factories.make_disease_case(w)
    disease_factories.advance_disease_to(case, w, "conditions_described")
    db.session.commit()
    return case


def build(app) -> SimpleNamespace:
    """Everything the matrix names, committed."""
    app.config["SOFFICE_BINARY"] = ""  # the package's PDF copies take seconds; not tested here
    app.config["DOCUMENT_LANGUAGES"] = ("ru",)  # half the rendering; access is the same in ky
    w = factories.make_world()
    users = {
        "specialist": w.specialist,
        "head": w.head,
        "member": w.member,
        "inspector": w.inspector,
        "union": w.union,
        "insurer": w.insurer,
        "stranger": w.stranger,
        "revoked": factories.make_user(Role.member, None, "revoked@example.kg"),
        "admin": factories.make_user(Role.admin, None, "admin@example.kg"),
    }
    db.session.commit()
    folder = mail_dir()
    before = set(folder.glob("*.eml")) if folder.is_dir() else set()
    a, invited = _accident(w, users["revoked"])
    b, confirmed = _drafted(w)
    d = _disease(w)
    # the setup's steps queue their notification mails (signature requests, the approval) as
    # jobs: dropped, so the folder the administrator reads holds the one invitation mail
    db.session.execute(delete(Job).where(Job.name == "send_mail"))
    db.session.commit()
    jobs.run_due()  # builds the insurer package
    package = package_service.current(a)
    assert package is not None and package.answer is None, package and package.error
    [mail] = [m for m in set(folder.glob("*.eml")) - before if NEWCOMER in m.read_text()]
    tokens = {who: issue_token(user)[0] for who, user in users.items()}
    db.session.commit()
    [ev] = evidence.live(a)
    ids = {
        "A": a.id,
        "B": b.id,
        "D": d.id,
        "victim": a.victims[0].id,
        "witness": a.witnesses[0].id,
        "notice": a.notices[0].id,
        "evidence": ev.id,
        "scene": protocols.scene_protocols(a)[0].id,
        "interview": protocols.interview_protocols(a)[0].id,
        "b_scene": protocols.scene_protocols(b)[0].id,
        "b_interview": next(p.id for p in protocols.interview_protocols(b) if p is not confirmed),
        "b_confirmed": confirmed.id,
        "track": a.tracks[0].id,
        "hold": a.holds[0].id,
        "invitation": invited.revoked.id,
        "revoked_token": invited.revoked_token,
        "pending_token": invited.pending_token,
        "doc": a.current_documents()[0].id,
        "doc_name": a.current_documents()[0].filename,
        "d_doc": d.current_documents()[0].id,
        "uid": package.uid,
        "file": next(f.name for f in package.files if f.role == "document"),
        "mail": mail.name,
        "reset_token": make_token(w.specialist),
        "org": w.employer.id,
        "chart": CHARTS[0],
    }
    data = SimpleNamespace(
        app=app,
        w=w,
        users=users,
        tokens=tokens,
        ids=ids,
        numbers={"A": a.number, "B": b.number, "D": d.number},
        marks={"A": _marks(a, ev), "B": _marks(b), "D": _marks(d)},
        clients={},
    )
    for who in IDENTITIES:
        client(data, who)  # logged in now: a login is a write, not one of a route's
    return data


def _marks(case, ev=None) -> list[str]:
    """What a response must not carry to someone who may not see `case`: its number, the
    victim, the place, and each document's file name and SHA-256 (an ETag would give it)."""
    docs = case.documents
    values = [case.number, case.place, case.circumstances, case.victims[0].full_name]
    values += [d.filename for d in docs] + [d.sha256 for d in docs]
    if ev is not None:  # case A's own rows
        values += [WITNESS, COMMENT, PHOTO_NAME, PHOTO_NOTE, ev.sha256, INTERVIEWEE, TRACK_NAME]
        values += [SCENE_PLACE]
    return values


def teardown() -> None:
    db.session.rollback()
    db.session.remove()
    _empty_tables()
    db.engine.dispose()


@contextmanager
def module_app(app_config: dict, tmp_path_factory, name: str):
    """An app for a module's shared data, inside its app context: its own instance folder
    (where mails land) and document store; the tables emptied at the end, as after any test."""
    folder = tmp_path_factory.mktemp(name)
    app = create_app(
        TestingConfig,
        **{**app_config, "instance_path": str(folder), "DOCUMENT_STORE": str(folder / "store")},
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        try:
            yield app
        finally:
            teardown()


# -- clients --------------------------------------------------------------------------------


def client(data, who: str, fresh: bool = False) -> IsolatedClient:
    """A client logged in through the real form as `who` (anonymous: none), kept for the
    module unless `fresh` (a request that logs out must not spoil the kept one)."""
    if not fresh and who in data.clients:
        c = data.clients[who]
        with c.session_transaction() as session:
            session.pop("_flashes", None)  # a flash of the last request is not this one's
        return c
    c = data.app.test_client()
    if who != "anonymous":
        r = c.post("/login", data={"email": data.users[who].email, "password": factories.PASSWORD})
        assert r.status_code == 302, r.text
    if not fresh:
        data.clients[who] = c
    return c


def api_client(data) -> IsolatedClient:
    return data.clients.setdefault("api", data.app.test_client())


def bearer(data, who: str, fresh: bool = False) -> dict:
    if who == "anonymous":
        return {}
    token = data.tokens[who]
    if fresh:
        token = issue_token(data.users[who])[0]
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


# -- fresh rows for the requests that would use one up ------------------------------------


def fresh_evidence(data) -> int:
    a = _case(data, "A")
    ev = evidence.upload(a, data.w.specialist, kind="photo", name="x.jpg", data=photo())
    db.session.commit()
    return ev.id


def fresh_track(data) -> int:
    a = _case(data, "A")
    track = tracks.open_track(a, data.w.specialist, _track())
    db.session.commit()
    return track.id


def fresh_policy(data) -> int:
    policy = factories.make_policy(data.w.employer, data.w.insurer_org, "ГО-2026-99")
    db.session.commit()
    return policy.id


def fresh_job(data) -> int:
    job = Job(name="build_package", args="[]", status=JobStatus.failed, last_error="boom")
    db.session.add(job)
    db.session.commit()
    return job.id


def _case(data, key):
    from incidents.models import Case

    db.session.expire_all()
    return db.session.get(Case, data.ids[key])


# -- what a response wrote or showed ----------------------------------------------------------


def snapshot() -> dict[str, object]:
    """The row count of every table, and the head of the audit chain: every change the ORM
    writes, an update included, appends an audit event (incidents/audit.py), so an unchanged
    head and unchanged counts mean nothing was written. One query: it runs around each of
    hundreds of requests."""
    tables = db.metadata.sorted_tables
    head = db.metadata.tables["audit_head"]
    names = [t.name for t in tables] + ["audit_head.seq", "audit_head.hash"]
    values = [db.select(db.func.count()).select_from(t) for t in tables]
    values += [db.select(db.func.max(head.c.seq)), db.select(db.func.max(head.c.hash))]
    with db.engine.connect() as conn:
        row = conn.execute(db.select(*(v.scalar_subquery() for v in values))).one()
    return dict(zip(names, row, strict=True))


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]


def mentions(text: str, mark: str) -> bool:
    """`mark` in `text`, a case number not as part of a longer one (1/2026 is not 11/2026)."""
    if re.fullmatch(r"\d+/\d{4}", mark):
        return re.search(rf"(?<![0-9]){re.escape(mark)}(?![0-9])", text) is not None
    return mark in text


def outcome(response):
    """LOGIN: the redirect a protected page gives (it names the page to come back to); the one
    after logging out is a plain 302. Otherwise the status."""
    location = urlsplit(response.location or "")
    if response.status_code == 302 and location.path == "/login" and "next=" in location.query:
        return LOGIN
    return response.status_code


def leaks(data, who, url, response, seen: str, refused: bool) -> list[str]:
    """What the response gives away of the cases other than those `seen` (keys of data.marks).
    What the URL itself says is not given away; a refusal carries no file either."""
    body, headers = text_of(response)
    found = []
    for key, marks in data.marks.items():
        for mark in marks if key not in seen else ():
            if mark in url or quote(mark) in url:
                continue
            if mentions(body, mark) or mentions(headers, mark) or quote(mark) in headers:
                found.append(f"{who}: {response.status_code} gives away case {key}: {mark!r}")
    files = (b"PK\x03\x04", b"\xff\xd8\xff", b"%PDF")  # DOCX or ZIP, JPEG, PDF
    if refused and any(magic in response.get_data() for magic in files):
        found.append(f"{who}: the refusal carries a file")
    return found


def text_of(response) -> tuple[str, str]:
    """The body as text (JSON with its \\u escapes undone: names are Cyrillic) and the headers."""
    if response.is_json:
        body = json.dumps(response.get_json(), ensure_ascii=False)
    else:
        body = response.get_data().decode("utf-8", "replace")
    return body, "\n".join(f"{k}: {v}" for k, v in response.headers.items())


def page_text(response) -> str:
    """The page but its form token and the path it was asked for (the language switch's)."""
    text = response.get_data(as_text=True).replace(response.request.path, "<path>")
    return re.sub(r'name="csrf_token" value="[^"]*"', "", text)


# -- requests -----------------------------------------------------------------------------------


class Ids(dict):
    """The placeholders of a path: the data set's ids, a new row for fresh_*, or overrides."""

    def __init__(self, data, **override):
        super().__init__(override)
        self.data = data

    def __missing__(self, key):
        if key.startswith("fresh_"):
            return globals()[key](self.data)
        return self.data.ids[key]


def send(data, row, who: str, url: str):
    """The row's request as `who`: a page through their logged-in client, an API call with
    their bearer token (through a cookie-less client: the API never reads the session)."""
    if row.api:
        body = (row.body or {}) if row.method in ("POST", "PUT", "PATCH") else None
        headers = bearer(data, who, row.fresh_client)
        return api_client(data).open(url, method=row.method, json=body, headers=headers)
    return client(data, who, row.fresh_client).open(url, method=row.method, data=row.body or {})
