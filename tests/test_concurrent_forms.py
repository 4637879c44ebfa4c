"""Two people sending the same form at the same moment (issue 17): for every state-changing HTML
form route, two logged-in clients open the form (or the case page) and send it from two threads
released together by a barrier, on the real database. Then:

- neither answer is a server error;
- an action that may happen once (a transition, a removal, a signature, an answer, an edit
  guarded by the version it was opened at) happened at most once, and something did happen;
- the rows a route adds are as many as the answers that said "saved": nothing half-written;
- whoever lost is told why in their language (Kyrgyz here), on the page or as a message.

The routes come from the URL map: an HTML POST route that is neither raced here nor listed in
NOT_RACED, with the reason, fails test_every_form_route_is_raced."""

from __future__ import annotations

import html
import io
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.pofile import read_po

from incidents.audit_verify import verify_and_record
from incidents.auth import issue_token
from incidents.extensions import db
from incidents.models import Case, Job, JobStatus, Role
from incidents.services import cases as case_service
from incidents.services import evidence as evidence_service
from incidents.services import invitations as invitation_service
from incidents.services import protocols as protocol_service
from incidents.services import retention, tracks
from incidents.views.password import make_token
from tests import access_fixtures as fx
from tests import disease_factories, factories
from tests.conftest import IsolatedClient
from tests.html_forms import first_form_in_main
from tests.test_insurer_packages import built, notified_case

LANGUAGE = "ky"  # every user's own language: what a refusal must be written in
PO = Path(__file__).parent.parent / "incidents" / "translations" / LANGUAGE / "LC_MESSAGES"

# HTML POST routes that are not raced, and why
NOT_RACED = {
    "auth.logout": "writes nothing to the database: it only clears the session cookie",
}


def _when(hours: float) -> str:
    return factories.ago(hours).strftime("%Y-%m-%dT%H:%M")


def _build(app) -> SimpleNamespace:
    """An accident under investigation with a row of everything a route acts on (one per
    route that uses a row up), a drafted act, a case handed to the insurer, a disease."""
    app.config["SOFFICE_BINARY"] = ""  # the package's PDF copies take seconds; not raced here
    app.config["DOCUMENT_LANGUAGES"] = ("ru",)
    w = factories.make_world()
    admin = factories.make_user(Role.admin, None, "admin@example.kg")
    people = {
        "specialist": w.specialist,
        "head": w.head,
        "member": w.member,
        "insurer": w.insurer,
        "union": w.union,
        "admin": admin,
    }
    for user in (*people.values(), w.stranger):
        user.language = LANGUAGE
    db.session.commit()

    case = factories.make_case(w)
    factories.advance_to(case, w, "investigating")
    factories.add_findings(case, w.specialist)
    for name in ("Нурлан", "Азамат"):
        case_service.add_child(case, w.specialist, "witnesses", {"full_name": name}, None)
    photos = [
        evidence_service.upload(case, w.specialist, kind="photo", name=f"{n}.jpg", data=fx.photo())
        for n in ("a", "b")
    ]
    track = {"kind": "technical_investigation", "authority": "Госпромнадзор"}
    opened = tracks.open_track(case, w.specialist, {**track, "opened_at": factories.ago(3)})
    scene = {"inspected_on": factories.local(1), "place": "Цех", "inspected_by": "Комиссия"}
    scenes = [protocol_service.save_scene(case, w.specialist, scene) for _ in range(2)]
    interview = {
        "interviewee_kind": "witness",
        "place": "Цех",
        "started_at": factories.local(1),
        "interviewer": "Председатель",
        "full_name": "Нурлан",
        "statement": "Видел падение.",
    }
    interviews = [protocol_service.save_interview(case, w.specialist, interview) for _ in range(3)]
    gone, _token = invitation_service.invite(case, w.specialist, "gone@example.kg", "victim")
    _inv, union_token = invitation_service.invite(
        case, w.specialist, w.union.email, "union_inspector"
    )
    _inv, new_token = invitation_service.invite(
        case, w.specialist, "new.person@example.kg", "victim"
    )
    hold = retention.place_hold(case, w.specialist, {"kind": "court", "reference": "№ 2-117"})
    db.session.commit()

    drafted = factories.make_case(w)
    factories.advance_to(drafted, w, "investigating")
    drafted.commission[0].user_id = w.member.id
    factories.advance_to(drafted, w, "act_drafted")
    db.session.commit()
    handed = notified_case(w, db)
    package = built(handed)
    disease = disease_factories.make_disease_case(w)
    disease_factories.advance_disease_to(disease, w, "investigating")
    job = Job(name="build_package", args="[]", status=JobStatus.failed, last_error="boom")
    policy = factories.make_policy(w.employer, w.insurer_org, "ГО-2026-99")
    db.session.add(job)
    db.session.commit()
    ids = {
        "case": case.id,
        "victim": case.victims[0].id,
        "witness": case.witnesses[0].id,
        "witness2": case.witnesses[1].id,
        "notice": case.notices[0].id,
        "photo": photos[1].id,
        "track": opened.id,
        "scene": scenes[0].id,
        "scene2": scenes[1].id,
        "interview": interviews[0].id,
        "interview2": interviews[1].id,
        "interview3": interviews[2].id,
        "invitation": gone.id,
        "union_token": union_token,
        "new_token": new_token,
        "hold": hold.id,
        "drafted": drafted.id,
        "uid": package.uid,
        "disease": disease.id,
        "job": job.id,
        "policy": policy.id,
        "reset_token": make_token(w.stranger),
        "insurer_org": w.insurer_org.id,
    }
    return SimpleNamespace(app=app, w=w, people=people, ids=ids, clients={})


@pytest.fixture(scope="module")
def data(_schema, app_config, tmp_path_factory):
    with fx.module_app(app_config, tmp_path_factory, "concurrent") as app:
        yield _build(app)


# -- the races --------------------------------------------------------------------------------


def _version(d) -> dict:
    """The version of the case as the page showing the button carries it."""
    db.session.expire_all()
    return {"version": str(db.session.get(Case, d.ids["case"]).version)}


def _new_case(_d) -> dict:
    case = {f"case-{k}": v for k, v in _case_fields().items()}
    victim = {
        "victim-full_name": "Нурбек Сатыбалдиев",
        "victim-sex": "male",
        "victim-birth_date": "1991-02-03",
        "victim-person_category": "employee",
        "victim-occupation": "Слесарь-ремонтник",
    }
    return case | victim


def _case_fields() -> dict:
    return {
        "category": "light",
        "occurred_at": _when(4),
        "reported_at": _when(3),
        "place": "Цех № 3",
        "work_performed": "Замена ремня привода",
        "circumstances": "Рука попала под ремень привода.",
    }


def _new_disease(_d) -> dict:
    return {
        "case-form": "chronic",
        "case-occurred_at": _when(30),
        "case-reported_at": _when(20),
        "case-health_organisation": "ЦСМ № 7 г. Бишкек",
        "case-preliminary_diagnosis": "Нейросенсорная тугоухость",
        "case-preliminary_icd10": "H83.3",
        "case-place": "Ткацкий цех № 2",
        "case-work_performed": "Обслуживание ткацких станков",
        "case-circumstances": "Выявлено при периодическом медосмотре",
        "worker-full_name": "Гүлнара Ткачева",
        "worker-sex": "female",
        "worker-birth_date": "1975-03-08",
        "worker-person_category": "employee",
        "worker-occupation": "Ткачиха",
    }


def _upload(_d) -> dict:
    return {"evidence-kind": "photo", "evidence-file": (io.BytesIO(fx.photo()), "место.jpg")}


def _fixed(**body):
    return lambda _d: body


EMPLOYER = ("specialist", "head")
ANONYMOUS = ("anonymous", "anonymous")
PASSWORD = {"password": "Новый-пароль-2026", "password2": "Новый-пароль-2026"}


@dataclass(frozen=True)
class Race:
    url: str  # {placeholders}: the data set's ids
    who: tuple[str, str] = EMPLOYER  # the two people (the same one twice: two browser tabs)
    body: object = None  # what is posted: a callable of the data set
    form: str | None = None  # a page whose first form each person opens and sends back
    once: bool = False  # may happen at most once (the second must be refused)
    table: str | None = None  # the table each "saved" adds one row to

    def __str__(self):
        return self.url


CASE = "/cases/{case}"
RACES = [
    Race("/cases/new", body=_new_case, table="case_file"),
    Race("/cases/new-disease", body=_new_disease, table="disease_file"),
    Race(f"{CASE}/edit", form=f"{CASE}/edit", once=True),
    Race(f"{CASE}/findings", form=f"{CASE}/findings", once=True),
    Race(
        f"{CASE}/witnesses/new",
        form=f"{CASE}/witnesses/new",
        body=_fixed(full_name="Айбек Токтогулов"),
        once=True,
        table="witness",
    ),
    Race(
        f"{CASE}/witnesses/{{witness}}/edit", form=f"{CASE}/witnesses/{{witness}}/edit", once=True
    ),
    Race(f"{CASE}/witnesses/{{witness2}}/remove", body=_version, once=True),
    Race(
        f"{CASE}/victims/{{victim}}/outcome",
        form=f"{CASE}/victims/{{victim}}/outcome",
        body=_fixed(outcome="recovered"),
        once=True,
    ),
    Race(f"{CASE}/notices/{{notice}}", form=f"{CASE}/notices/{{notice}}", once=True),
    Race(
        f"{CASE}/fire/extend_deadline",
        body=lambda d: _version(d) | {"comment": "Ждём экспертизу", "days": "5"},
        once=True,
        table="case_transition",
    ),
    Race(
        "/cases/{disease}/disease/conditions",
        form="/cases/{disease}/disease/conditions",
        once=True,
    ),
    Race(
        f"{CASE}/tracks/new",
        body=_fixed(kind="technical_investigation", authority="Госпромнадзор", opened_at=_when(2)),
        table="parallel_track",
    ),
    Race(f"{CASE}/tracks/{{track}}/close"),  # closing a closed track changes nothing
    Race(
        f"{CASE}/holds/new",
        who=EMPLOYER,
        body=_fixed(kind="court", reference="№ 2-118"),
        table="legal_hold",
    ),
    Race(f"{CASE}/holds/{{hold}}/lift", body=_fixed(lift_reason="Дело закрыто судом"), once=True),
    Race(f"{CASE}/evidence", body=_upload, table="evidence"),
    Race(f"{CASE}/evidence/{{photo}}/remove", once=True),
    Race(f"{CASE}/comments", body=_fixed(body="Нужен акт списания."), table="case_comment"),
    Race(
        f"{CASE}/invitations",
        body=_fixed(email="twice@example.kg", role="victim", name="Эки Жолу"),
        # not once: inviting the same address again while a link is pending is allowed
        table="invitation",
    ),
    Race(f"{CASE}/invitations/{{invitation}}/revoke", once=True),
    Race("/invitations/{union_token}", who=("union", "union"), once=True),
    Race(
        "/invitations/{new_token}",
        who=ANONYMOUS,
        body=_fixed(name="Жаңы Адам", language="ky", **PASSWORD),
        once=True,
        table="user_account",
    ),  # fmt: skip
    Race(
        f"{CASE}/protocols/scene/new",
        form=f"{CASE}/protocols/scene/new",
        body=_fixed(inspected_on=_when(20), place="Склад", inspected_by="Комиссия"),
        table="scene_protocol",
    ),
    Race(f"{CASE}/protocols/scene/{{scene}}", form=f"{CASE}/protocols/scene/{{scene}}"),
    Race(
        f"{CASE}/protocols/interview/new",
        form=f"{CASE}/protocols/interview/new",
        body=_fixed(
            interviewee_kind="witness",
            place="Контора",
            started_at=_when(20),
            interviewer="Председатель",
            full_name="Азамат",
            statement="Видел.",
        ),
        table="interview_protocol",
    ),
    Race(
        f"{CASE}/protocols/interview/{{interview}}",
        form=f"{CASE}/protocols/interview/{{interview}}",
    ),
    Race(f"{CASE}/protocols/interview/{{interview2}}/confirm", once=True),
    Race(f"{CASE}/protocols/interview/{{interview3}}/remove", once=True),
    Race(f"{CASE}/protocols/scene/{{scene2}}/remove", once=True),
    Race(
        "/cases/{drafted}/sign",
        who=("member", "member"),
        body=_fixed(password=factories.PASSWORD),
        once=True,
        table="signature",
    ),
    Race(
        "/insurer/packages/{uid}/answer",
        who=("insurer", "insurer"),
        body=_fixed(answer="acknowledged"),
        once=True,
    ),
    Race("/insurer/settings", who=("insurer", "insurer"), form="/insurer/settings"),
    Race("/insurer/settings/secret", who=("insurer", "insurer")),
    Race("/organisation", form="/organisation"),
    Race(
        "/organisation/policies",
        body=lambda d: {
            "insurer_id": str(d.ids["insurer_org"]),
            "number": "ГО-2026-7",
            "valid_from": "2026-01-01",
            "valid_to": "2026-12-31",
        },
        table="insurance_policy",
    ),
    Race("/organisation/policies/{policy}/remove", once=True),
    Race("/admin/jobs/{job}/retry", who=("admin", "admin"), once=True),
    Race("/admin/audit/verify", who=("admin", "admin"), table="audit_check"),
    Race(
        "/login", who=ANONYMOUS, body=_fixed(email="member@example.kg", password=factories.PASSWORD)
    ),  # fmt: skip
    Race("/lang/ky"),
    Race("/password/forgot", who=ANONYMOUS, body=_fixed(email="stranger@example.kg")),
    Race("/password/reset/{reset_token}", who=ANONYMOUS, body=_fixed(**PASSWORD), once=True),
]


# -- the machinery ----------------------------------------------------------------------------


def _opened(client, url: str) -> dict:
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    fields = first_form_in_main(page.get_data(as_text=True))
    return {k: v for k, v in fields.items() if k != "csrf_token"}


def _client(d, who: str, n: int) -> IsolatedClient:
    """The n-th browser of `who`, logged in through the form (an anonymous one is new)."""
    if who == "anonymous":
        c = d.app.test_client()
        with c.session_transaction() as session:
            session["lang"] = LANGUAGE  # chosen with the language switch
        return c
    if (who, n) not in d.clients:
        c = d.app.test_client()
        r = c.post("/login", data={"email": d.people[who].email, "password": factories.PASSWORD})
        assert r.status_code == 302, r.text
        d.clients[who, n] = c
    c = d.clients[who, n]
    with c.session_transaction() as session:
        session.pop("_flashes", None)
        session.pop("lang", None)
    return c


def _count(table: str | None) -> int | None:
    if table is None:
        return None
    query = db.select(db.func.count()).select_from(db.metadata.tables[table])
    with db.engine.connect() as conn:
        return conn.execute(query).scalar_one()


def _messages(client, response) -> list[tuple[str, str]]:
    """(category, text) of what the answer tells: the messages it leaves for the next page,
    the alerts and field errors on the page, an error page's text, an API error."""
    with client.session_transaction() as session:
        found = [(c, str(m)) for c, m in session.pop("_flashes", [])]
    if response.is_json:
        return [*found, ("danger", str((response.get_json() or {}).get("error", "")))]
    text = response.get_data(as_text=True)
    found += re.findall(r'class="alert alert-(\w+)"[^>]*>([^<]*)<', text)
    found += [("danger", m) for m in re.findall(r"invalid-feedback[^>]*>([^<]+)<", text)]
    if response.status_code >= 400 and not response.location:  # error.html: under the title
        found += [("danger", m) for m in re.findall(r"</h1>\s*<p[^>]*>([^<]+)<", text)]
    return [(c, html.unescape(m).strip()) for c, m in found]


def _translated() -> list[re.Pattern]:
    """Every message of the user's catalog as a pattern (its %(name)s as any text)."""
    with open(PO / "messages.po", encoding="utf-8") as fh:
        catalog = read_po(fh)
    out = []
    for message in catalog:
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            if text and message.id:
                parts = re.split(r"%\(\w+\)[sd]", text)
                out.append(re.compile(".+?".join(re.escape(p) for p in parts), re.S))
    return out


TRANSLATED = _translated()


def _in_users_language(message: str) -> bool:
    return any(p.fullmatch(message) for p in TRANSLATED)


def _race(d, race: Race):
    """Both people open the page and send it at the same moment; their answers."""
    clients = [_client(d, who, n) for n, who in enumerate(race.who)]
    url = race.url.format_map(d.ids)
    bodies = []
    for c in clients:
        body = _opened(c, race.form.format_map(d.ids)) if race.form else {}
        bodies.append(body | (race.body(d) if race.body else {}))
    barrier, answers = threading.Barrier(2), [None, None]

    def send(i):
        barrier.wait()
        answers[i] = clients[i].post(url, data=bodies[i])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(a is not None for a in answers), "a request did not finish"
    return clients, answers


def _saved(response, messages) -> bool:
    refused = any(c in ("danger", "warning", "info") for c, _m in messages)
    return response.status_code < 400 and not refused


@pytest.mark.parametrize("race", RACES, ids=str)
def test_two_people_send_the_same_form_at_once(data, race):
    before = _count(race.table)
    clients, answers = _race(data, race)
    problems = [
        f"{who}: {r.status_code} {r.get_data(as_text=True)[:300]}"
        for who, r in zip(race.who, answers, strict=True)
        if r.status_code >= 500
    ]
    assert not problems, problems
    told = [_messages(c, r) for c, r in zip(clients, answers, strict=True)]
    saved = [_saved(r, m) for r, m in zip(answers, told, strict=True)]
    outcome = [(r.status_code, m) for r, m in zip(answers, told, strict=True)]
    assert any(saved), f"neither was saved: {outcome}"
    if race.once:
        assert saved.count(True) == 1, f"done twice: {outcome}"
    if race.table:
        assert _count(race.table) - before == saved.count(True), (race.table, outcome)
    for ok, (status, messages) in zip(saved, outcome, strict=True):
        if ok:
            continue
        assert status in (302, 303, 404, 409, 410), outcome
        why = [m for c, m in messages if c in ("danger", "warning", "info")]
        assert why, f"the one refused is not told why: {outcome}"
        assert all(_in_users_language(m) for m in why), f"not in {LANGUAGE}: {why}"


def test_every_form_route_is_raced(data):
    adapter = data.app.url_map.bind("localhost")
    raced = {adapter.match(r.url.format_map(data.ids), "POST")[0] for r in RACES}
    missing = [
        f"{rule.rule} ({rule.endpoint}) is not raced"
        for rule in data.app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.endpoint.startswith("api.")
        and rule.endpoint not in raced | NOT_RACED.keys()
    ]  # fmt: skip
    assert not missing, "\n".join(missing)


# -- the API: the same race answers 409 with a JSON error ---------------------------------------

API_RACES = [
    # (method, path, body): each may happen once; the version is the one both read. The step
    # last: the case is suspended after it
    ("POST", "/api/v1/cases/{case}/witnesses", {"full_name": "Бакыт Осмонов"}),
    ("PATCH", "/api/v1/cases/{case}/witnesses/{witness}", {"full_name": "Нурлан Асанов"}),
    ("POST", "/api/v1/cases/{case}/triggers/suspend", {"comment": "Ждём экспертизу"}),
]


@pytest.mark.parametrize(("method", "path", "body"), API_RACES, ids=[p for _m, p, _b in API_RACES])
def test_two_integrations_send_the_same_call_at_once(data, method, path, body):
    tokens = [issue_token(data.people[who])[0] for who in EMPLOYER]
    db.session.commit()
    url, body = path.format_map(data.ids), body | {"version": int(_version(data)["version"])}
    barrier, answers = threading.Barrier(2), [None, None]

    def send(i):
        headers = {"Authorization": f"Bearer {tokens[i]}", "Accept-Language": LANGUAGE}
        barrier.wait()
        answers[i] = data.app.test_client().open(url, method=method, json=body, headers=headers)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    statuses = sorted(a.status_code for a in answers)
    assert statuses[0] < 300 and statuses[1] == 409, [(a.status_code, a.text) for a in answers]
    refused = next(a for a in answers if a.status_code == 409)
    assert _in_users_language(refused.get_json()["error"]), refused.get_json()


def test_the_audit_chain_holds_after_the_races(data):
    """Whatever was refused left no event behind, and no event is missing from the chain."""
    verdict = verify_and_record(db.session)
    db.session.commit()
    assert verdict.ok, verdict
