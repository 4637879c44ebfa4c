"""The JSON API v1: token auth, the whole light-accident flow, and its refusals."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import update

from incidents.extensions import db
from incidents.models import ApiToken, Case
from incidents.models.timeutil import LOCAL_TZ, utcnow
from incidents.services import cases as case_service

from . import factories

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# -- helpers --------------------------------------------------------------------------------


def jsonable(data: dict) -> dict:
    """Builder data as a client would send it: Bishkek wall-clock times, ISO dates."""
    out = {}
    for key, value in data.items():
        if isinstance(value, datetime):
            value = value.strftime("%Y-%m-%dT%H:%M")
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[key] = value
    return out


def token_for(client, user) -> str:
    r = client.post("/api/v1/tokens", json={"email": user.email, "password": factories.PASSWORD})
    assert r.status_code == 201, r.text
    return r.json["token"]


class Api:
    """A client speaking for one user through a bearer token."""

    def __init__(self, client, user, lang=None):
        self.client, self.token, self.lang = client, token_for(client, user), lang

    def __call__(self, method, url, json=None, **headers):
        headers.setdefault("Authorization", f"Bearer {self.token}")
        if self.lang:
            headers.setdefault("Accept-Language", self.lang)
        return self.client.open(f"/api/v1{url}", method=method, json=json, headers=headers)

    def ok(self, method, url, json=None, status=200):
        r = self(method, url, json)
        assert r.status_code == status, (url, r.text)
        return r.json

    def fire(self, case_id, trigger, status=200, **body):
        r = self("POST", f"/cases/{case_id}/triggers/{trigger}", body)
        assert r.status_code == status, (trigger, r.text)
        return r.json


def new_case_body(**kw) -> dict:
    victim = kw.pop("victim", {})
    return {
        **jsonable(factories.case_data(**kw)),
        "victim": jsonable(factories.victim_data(**victim)),
    }


def committed_case(world, status="reported") -> Case:
    case = factories.make_case(world)
    factories.advance_to(case, world, status)
    db.session.commit()
    return case


def status_of(case_id) -> str:
    db.session.expire_all()
    return db.session.get(Case, case_id).status.value


def docx_text(data: bytes) -> str:
    try:
        from doc_templates import docx_text as dump
    except ImportError:  # pragma: no cover - the helper is someone else's, keep a fallback
        from io import BytesIO

        import docx

        doc = docx.Document(BytesIO(data))
        cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in doc.paragraphs] + cells)
    return dump(data)


def translated(lang: str, message: str) -> str:
    with force_locale(lang):
        return gettext(message)


# -- the whole flow -------------------------------------------------------------------------


def test_light_accident_from_report_to_closed(app, world, client):
    api, head = Api(client, world.specialist), Api(client, world.head)

    occurred = factories.ago(3)
    r = api("POST", "/cases", new_case_body(occurred_at=occurred))
    assert r.status_code == 201, r.text
    case = r.json
    cid = case["id"]
    assert r.headers["Location"].endswith(f"/api/v1/cases/{cid}")
    assert case["status"] == "reported" and case["category"] == "light"
    # sent as Bishkek wall-clock time (UTC+6), returned in UTC
    assert case["occurred_at"] == (occurred - timedelta(hours=6)).isoformat() + "Z"
    # a light case: the insurer must be told, and notify waits for that record
    assert [n["addressee"] for n in case["notices"]] == ["insurer"]
    assert case["triggers"]["allowed"] == [] and "notify" in case["triggers"]["blocked"]
    assert "cancel" not in case["triggers"]["allowed"]  # the head's, not the specialist's
    sent = (datetime.now(LOCAL_TZ) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    case = api.ok(
        "PUT",
        f"/cases/{cid}/notices/{case['notices'][0]['id']}",
        {
            "method": "email",
            "recipient": "claims@insurer.kg",
            "sent_at": sent,
        },
    )
    assert case["notices"][0]["sent_at"].endswith("Z")
    assert case["triggers"]["allowed"] == ["notify"]
    victim = case["victims"][0]
    assert victim["full_name"] == "Талант Асанов"
    assert victim["birth_date"] == "1990-05-17"

    for name, position, role in factories.MEMBERS:
        api.ok(
            "POST",
            f"/cases/{cid}/commission",
            {
                "full_name": name,
                "position": position,
                "organisation_name": "ОсОО «Ала-Тоо»",
                "role": role.value,
                "responsible_for_site_safety": False,
            },
            status=201,
        )
    case = api.fire(cid, "notify")
    assert case["status"] == "notified"
    assert {(d["kind"], d["addressee"]) for d in case["documents"]} == {("notice", "insurer")}
    notice_clock = next(d for d in case["deadlines"] if d["key"] == "notice:insurer")
    assert notice_clock["met_at"].endswith("Z")

    case = api.fire(cid, "form_commission", order_number="17-к")
    assert case["commission_order_number"] == "17-к"
    assert len(case["commission"]) == 3
    assert [m["role"] for m in case["commission"]].count("chair") == 1
    case = api.fire(cid, "start_investigation")
    assert case["status"] == "investigating"
    assert set(case["triggers"]["blocked"]["draft_act"])  # the findings are still missing

    api.ok("PATCH", f"/cases/{cid}/victims/{victim['id']}", {"medical_severity": "light"})
    case = api.ok(
        "PUT",
        f"/cases/{cid}/findings",
        {
            "event_type_code": "02",
            "equipment": "Леса ЛСП-40",
            "workplace_assessment": "класс 3.1",
            "work_related": True,
            "work_related_ground": "В рабочее время при исполнении обязанностей",
        },
    )
    assert case["findings"]["work_related"] is True
    assert case["victims"][0]["medical_severity"] == "light"
    assert case["victims"][0]["full_name"] == "Талант Асанов"  # PATCH kept the other fields
    api.ok(
        "POST",
        f"/cases/{cid}/causes",
        {"code": "09", "is_main": True, "description": "Доска настила не закреплена"},
        status=201,
    )
    api.ok(
        "POST",
        f"/cases/{cid}/responsible",
        {"full_name": "Кубат Эсенов", "position": "Мастер участка", "violated_norms": "п. 6.2.18"},
        status=201,
    )
    case = api.ok(
        "POST",
        f"/cases/{cid}/measures",
        {
            "action": "Внеплановый инструктаж",
            "due_date": (date.today() + timedelta(days=7)).isoformat(),
            "owner": "Айгүл Токтосунова",
        },
        status=201,
    )
    assert case["causes"][0]["is_main"] is True
    assert "draft_act" in case["triggers"]["allowed"]

    case = api.fire(cid, "draft_act")
    assert case["status"] == "act_drafted"
    assert "approve_act" not in case["triggers"]["allowed"]
    case = head.fire(cid, "approve_act")
    assert case["status"] == "act_approved"
    assert all(d["frozen"] for d in case["documents"] if d["kind"] == "act_n1" and d["current"])
    api.fire(cid, "notify_insurer")
    case = api.ok(
        "PUT",
        f"/cases/{cid}/victims/{victim['id']}/outcome",
        {"outcome": "recovered", "days_lost": 12},
    )
    assert case["victims"][0]["outcome"] == "recovered"
    case = api.fire(cid, "close")
    assert case["status"] == "closed"
    assert [h["trigger"] for h in case["history"]] == [
        "notify",
        "form_commission",
        "start_investigation",
        "draft_act",
        "approve_act",
        "notify_insurer",
        "close",
    ]

    documents = api.ok("GET", f"/cases/{cid}/documents")["items"]
    kinds = {(d["kind"], d["language"]) for d in documents}
    for kind in ("notice", "commission_order", "act_n1", "insurer_notice", "closure_summary"):
        assert {(kind, "ru"), (kind, "ky")} <= kinds
    texts = {}
    for doc in documents:
        with client.get(doc["download_url"], headers={"Authorization": f"Bearer {api.token}"}) as r:
            assert r.status_code == 200, doc
            assert r.mimetype == DOCX
            assert doc["filename"] in r.headers["Content-Disposition"]
            data = r.get_data()
        assert hashlib.sha256(data).hexdigest() == doc["sha256"]
        assert len(data) == doc["size"]
        if doc["kind"] == "act_n1" and doc["current"]:
            texts[doc["language"]] = docx_text(data)
    assert set(texts) == {"ru", "ky"}
    for text in texts.values():
        assert "Талант Асанов" in text
        assert "{{" not in text and "{%" not in text

    listed = api.ok("GET", "/cases?status=closed")
    assert [c["id"] for c in listed["items"]] == [cid]


# -- refusals change nothing ----------------------------------------------------------------


def test_blocked_trigger_is_409_with_reasons_and_changes_nothing(app, world, client):
    case = committed_case(world, "notified")
    api = Api(client, world.specialist)
    version = api.ok("GET", f"/cases/{case.id}")["version"]
    body = api.fire(case.id, "form_commission", status=409)
    assert body["error"]
    assert len(body["reasons"]) >= 2  # no chair, too few members
    assert all(isinstance(r, str) and r for r in body["reasons"])
    after = api.ok("GET", f"/cases/{case.id}")
    assert after["status"] == "notified" and after["version"] == version
    assert {d["kind"] for d in after["documents"]} == {"notice"}


def test_role_denial_is_403_and_changes_nothing(app, world, client):
    case = committed_case(world, "act_drafted")
    api = Api(client, world.specialist)
    assert "error" in api.fire(case.id, "approve_act", status=403)
    assert status_of(case.id) == "act_drafted"
    # wrong state: 409, also unchanged
    api.fire(case.id, "close", status=409)
    assert status_of(case.id) == "act_drafted"
    # a reason is required: 400 naming the field
    head = Api(client, world.head)
    body = head.fire(case.id, "cancel", status=400)
    assert "comment" in body["fields"]
    assert status_of(case.id) == "act_drafted"


def test_other_organisation_gets_404_everywhere(app, world, client):
    case = committed_case(world, "notified")
    doc_id = case.documents[0].id
    for user in (world.stranger, world.stranger_head):
        api = Api(client, user)
        assert api("GET", f"/cases/{case.id}").status_code == 404
        assert api("GET", f"/cases/{case.id}/documents").status_code == 404
        assert api("GET", f"/documents/{doc_id}").status_code == 404
        assert api("POST", f"/cases/{case.id}/triggers/cancel", {"comment": "x"}).status_code == 404
        assert api("PATCH", f"/cases/{case.id}", {"place": "x"}).status_code == 404
        assert api("POST", f"/cases/{case.id}/witnesses", {"full_name": "X"}).status_code == 404
        r = api("GET", f"/cases/{case.id}")
        assert r.is_json and r.json["error"]
        assert api.ok("GET", "/cases")["items"] == []
    assert status_of(case.id) == "notified"
    # the insurer sees the case only once it was sent to them
    assert Api(client, world.insurer)("GET", f"/cases/{case.id}").status_code == 404


def test_unknown_ids_are_404_json(app, world, client):
    case = committed_case(world)
    api = Api(client, world.specialist)
    for url in (
        "/cases/999999",
        "/documents/999999",
        f"/cases/{case.id}/triggers/explode",
        f"/cases/{case.id}/witnesses/999999",
    ):
        r = api("GET" if "triggers" not in url else "POST", url)
        assert r.status_code == 404, url
        assert r.json["error"]
    assert api("POST", f"/cases/{case.id}/nonsense", {}).status_code == 404


# -- authentication -------------------------------------------------------------------------


def test_tokens(app, world, client, client_for):
    r = client.post("/api/v1/tokens", json={"email": world.specialist.email, "password": "nope"})
    assert r.status_code == 401 and r.json["error"]
    r = client.post("/api/v1/tokens", data="[1]", content_type="application/json")
    assert r.status_code == 400
    r = client.post("/api/v1/tokens", json={"email": world.specialist.email})
    assert r.status_code == 400 and "password" in r.json["fields"]
    r = client.post(
        "/api/v1/tokens", json={"email": " Specialist@Example.kg ", "password": factories.PASSWORD}
    )
    assert r.status_code == 201
    assert r.json["expires_at"].endswith("Z")
    token = r.json["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/cases", headers=auth).status_code == 200

    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": f"Basic {token}"}):
        r = client.get("/api/v1/cases", headers=headers)
        assert r.status_code == 401
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
        assert r.json["error"]

    # a logged-in browser session is not enough
    browser = client_for(world.specialist)
    assert browser.get("/api/v1/cases").status_code == 401

    # expired
    row = db.session.execute(db.select(ApiToken)).scalars().first()
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get("/api/v1/cases", headers=auth).status_code == 401
    row.expires_at = utcnow() + timedelta(days=1)
    db.session.commit()

    assert client.delete("/api/v1/tokens/current", headers=auth).status_code == 204
    r = client.get("/api/v1/cases", headers=auth)
    assert r.status_code == 401 and "Bearer" in r.headers["WWW-Authenticate"]


def test_api_needs_no_csrf_token(app, world, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        api = Api(client, world.specialist)
        assert api("POST", "/cases", new_case_body()).status_code == 201
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# -- validation -----------------------------------------------------------------------------


def test_validation_errors_name_the_field(app, world, client):
    api = Api(client, world.specialist)
    r = api(
        "POST",
        "/cases",
        new_case_body(
            occurred_at=factories.local(1, 12, 0),
            reported_at=factories.local(1, 11, 0),
            category="bogus",
            victim={"full_name": "", "birth_date": date.today() + timedelta(days=3)},
        ),
    )
    assert r.status_code == 400, r.text
    fields = r.json["fields"]
    assert r.json["error"]
    assert {"reported_at", "category", "victim.full_name", "victim.birth_date"} <= set(fields)
    assert "occurred_at" not in fields
    assert db.session.execute(db.select(Case)).first() is None

    r = api("POST", "/cases", new_case_body(occurred_at=factories.local(-2)))
    assert r.status_code == 400
    assert "occurred_at" in r.json["fields"]

    r = api("POST", "/cases", {**new_case_body(), "colour": "red"})
    assert r.status_code == 400 and "colour" in r.json["fields"]
    r = api("POST", "/cases", [new_case_body()])
    assert r.status_code == 400 and r.json["error"]
    r = api("POST", "/cases", {k: v for k, v in new_case_body().items() if k != "victim"})
    assert r.status_code == 400 and "victim.full_name" in r.json["fields"]


@pytest.mark.parametrize("lang", ["ru", "ky", "en"])
def test_messages_follow_accept_language(app, world, client, lang):
    api = Api(client, world.specialist, lang=lang)
    r = api("POST", "/cases", new_case_body(occurred_at=factories.local(-2)))
    assert r.status_code == 400
    message = r.json["fields"]["occurred_at"][0]
    source = "This date is in the future."
    assert message == translated(lang, source)
    assert r.json["error"] == translated(lang, "The request could not be understood.")
    if lang == "en":
        assert message == source
    else:
        assert message != source  # really translated, not the English msgid
        assert any("а" <= ch.lower() <= "я" or ch in "өүң" for ch in message)
    # rule-pack texts come in the request language too
    case = committed_case(world, "notified")
    notice = next(
        d for d in api.ok("GET", f"/cases/{case.id}")["deadlines"] if d["key"] == "notice:insurer"
    )
    assert (
        notice["title"]
        == {
            "ru": "Страховщик (Закон № 194)",
            "ky": "Камсыздандыруучу (№ 194 Мыйзам)",
            "en": "Insurer (Law No. 194)",
        }[lang]
    )


# -- editing --------------------------------------------------------------------------------


def test_version_conflict_is_409(app, world, client):
    case = committed_case(world)
    api = Api(client, world.specialist)
    version = api.ok("GET", f"/cases/{case.id}")["version"]
    body = api.ok("PATCH", f"/cases/{case.id}", {"place": "Цех № 3", "version": version})
    assert body["place"] == "Цех № 3" and body["version"] > version
    assert body["circumstances"] == factories.case_data()["circumstances"]
    r = api("PATCH", f"/cases/{case.id}", {"place": "Цех № 4", "version": version})
    assert r.status_code == 409 and r.json["error"]
    r = api("POST", f"/cases/{case.id}/triggers/notify", {"version": version})
    assert r.status_code == 409
    assert api.ok("GET", f"/cases/{case.id}")["place"] == "Цех № 3"
    assert status_of(case.id) == "reported"
    r = api("PATCH", f"/cases/{case.id}", {"place": "Цех № 4", "version": "old"})
    assert r.status_code == 400 and "version" in r.json["fields"]


def test_datetimes_round_trip(app, world, client):
    """A time sent back exactly as the API returned it (UTC, "Z") keeps its meaning."""
    case = committed_case(world)
    api = Api(client, world.specialist)
    body = api.ok("GET", f"/cases/{case.id}")
    again = api.ok("PATCH", f"/cases/{case.id}", {"occurred_at": body["occurred_at"]})
    assert again["occurred_at"] == body["occurred_at"]


def test_children_are_removed_softly(app, world, client):
    case = committed_case(world)
    api = Api(client, world.specialist)
    body = api.ok("POST", f"/cases/{case.id}/witnesses", {"full_name": "Нурлан"}, status=201)
    wid = body["witnesses"][0]["id"]
    assert api.ok("GET", f"/cases/{case.id}/witnesses/{wid}")["full_name"] == "Нурлан"
    body = api.ok("PATCH", f"/cases/{case.id}/witnesses/{wid}", {"position": "Сварщик"})
    assert body["witnesses"][0] == {
        "id": wid,
        "full_name": "Нурлан",
        "position": "Сварщик",
        "contact": None,
    }
    body = api.ok("DELETE", f"/cases/{case.id}/witnesses/{wid}")
    assert body["witnesses"] == []
    assert api("DELETE", f"/cases/{case.id}/witnesses/{wid}").status_code == 404
    vid = body["victims"][0]["id"]
    r = api("DELETE", f"/cases/{case.id}/victims/{vid}")
    assert r.status_code == 400 and r.json["error"]  # the last victim stays
    from incidents.models import Witness

    assert db.session.get(Witness, wid).removed_at is not None


def test_list_filters_and_paging(app, world, client):
    for _ in range(3):
        factories.make_case(world)
    factories.make_case(world, category="severe")
    db.session.commit()
    api = Api(client, world.specialist)
    page = api.ok("GET", "/cases?per_page=2&page=2")
    assert page["total"] == 4 and page["pages"] == 2 and len(page["items"]) == 2
    assert api.ok("GET", "/cases?per_page=5000")["per_page"] == 100
    severe = api.ok("GET", "/cases?category=severe")["items"]
    assert [c["category"] for c in severe] == ["severe"]
    assert api("GET", "/cases?status=nope").status_code == 400
    assert api("GET", "/cases?page=0").status_code == 400


def test_concurrent_save_is_409(app, world, client, monkeypatch):
    """The row changed under this request after it loaded the case (as when another request
    commits first): the version check of the UPDATE fails with StaleDataError, the request
    answers 409 and everything it did is rolled back."""
    case = committed_case(world)
    api = Api(client, world.specialist)
    real = case_service.can_edit_case

    def meanwhile(user, loaded):
        # behind the ORM's back, so its UPDATE ... WHERE version = <loaded> matches no row
        db.session.execute(
            update(Case).where(Case.id == loaded.id).values(version=Case.version + 1),
            execution_options={"synchronize_session": False},
        )
        return real(user, loaded)

    monkeypatch.setattr(case_service, "can_edit_case", meanwhile)
    r = api("PATCH", f"/cases/{case.id}", {"place": "A"})
    assert r.status_code == 409, r.text
    stale = "Someone else saved this case at the same moment. Reload and try again."
    assert r.json["error"] == translated("ru", stale)  # no Accept-Language: the default locale
    monkeypatch.undo()
    body = api.ok("GET", f"/cases/{case.id}")
    assert body["place"] == factories.case_data()["place"]
