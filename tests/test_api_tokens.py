"""API tokens: their scopes (asked for, defaulted per role, never beyond the role) and expiry,
and the refusal of a token without the scope a request needs: 403, said clearly, nothing
written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext

from incidents.auth import SCOPES
from incidents.extensions import db
from incidents.models import ApiToken, Case, Role, Witness
from incidents.models.timeutil import utcnow

from . import factories
from .test_api import committed_case, new_case_body


def ask(client, user, lang=None, **body):
    headers = {"Accept-Language": lang} if lang else {}
    return client.post(
        "/api/v1/tokens",
        json={"email": user.email, "password": factories.PASSWORD, **body},
        headers=headers,
    )


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def tokens() -> list[ApiToken]:
    db.session.expire_all()
    return list(db.session.execute(db.select(ApiToken)).scalars())


def translated(lang: str, message: str, **kw) -> str:
    with force_locale(lang):
        return gettext(message, **kw)


# -- what a token gets ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "scopes"),
    [
        ("specialist", ["cases:read", "cases:write"]),
        ("inspector", ["cases:read", "cases:write"]),
        ("insurer", ["cases:read", "packages:read", "packages:ack"]),
    ],
)
def test_default_scopes_are_all_the_role_may_use(app, world, client, who, scopes):
    r = ask(client, getattr(world, who))
    assert r.status_code == 201, r.text
    assert r.json["scopes"] == scopes
    assert [t.scopes for t in tokens()] == [" ".join(scopes)]


def test_scopes_and_lifetime_asked_for(app, world, client):
    before = utcnow()
    r = ask(client, world.specialist, scopes=["cases:read", "cases:read"], expires_in_days=1)
    assert r.status_code == 201, r.text
    assert r.json["scopes"] == ["cases:read"]
    (row,) = tokens()
    assert row.scopes == "cases:read"
    assert before + timedelta(days=1) <= row.expires_at <= utcnow() + timedelta(days=1)
    assert r.json["expires_at"] == row.expires_at.replace(microsecond=0).isoformat() + "Z"

    r = ask(client, world.specialist)
    longest = timedelta(days=app.config["API_TOKEN_DAYS"])
    assert tokens()[-1].expires_at >= before + longest


# -- what a token is refused ----------------------------------------------------------------


def test_read_only_token_cannot_write_and_nothing_is_written(app, world, client):
    case = committed_case(world, "notified")
    witness_count = db.session.execute(db.select(db.func.count(Witness.id))).scalar_one()
    token = ask(client, world.specialist, scopes=["cases:read"]).json["token"]
    version = client.get(f"/api/v1/cases/{case.id}", headers=bearer(token)).json["version"]

    attempts = [
        ("POST", "/cases", new_case_body()),
        ("PATCH", f"/cases/{case.id}", {"place": "Другое место"}),
        ("POST", f"/cases/{case.id}/witnesses", {"full_name": "Нурлан"}),
        ("POST", f"/cases/{case.id}/triggers/cancel", {"comment": "Ошибка"}),
        ("DELETE", f"/cases/{case.id}/victims/{case.victims[0].id}", None),
    ]
    for method, url, body in attempts:
        r = client.open(f"/api/v1{url}", method=method, json=body, headers=bearer(token))
        assert r.status_code == 403, (url, r.text)
        assert r.json["scope"] == "cases:write"
        assert "cases:write" in r.json["error"]
        challenge = r.headers["WWW-Authenticate"]
        assert 'error="insufficient_scope"' in challenge and 'scope="cases:write"' in challenge

    db.session.expire_all()
    assert db.session.execute(db.select(db.func.count(Case.id))).scalar_one() == 1
    assert db.session.execute(db.select(db.func.count(Witness.id))).scalar_one() == witness_count
    stored = db.session.get(Case, case.id)
    assert (stored.status.value, stored.version) == ("notified", version)
    assert stored.place == factories.case_data()["place"]
    assert all(v.removed_at is None for v in stored.victims)
    # and what it may do, it does
    assert client.get("/api/v1/cases", headers=bearer(token)).status_code == 200


def test_write_only_token_cannot_read(app, world, client):
    case = committed_case(world)
    token = ask(client, world.specialist, scopes=["cases:write"]).json["token"]
    for url in ("/cases", f"/cases/{case.id}", f"/cases/{case.id}/documents"):
        r = client.get(f"/api/v1{url}", headers=bearer(token))
        assert r.status_code == 403 and r.json["scope"] == "cases:read", url


def test_missing_scope_is_said_in_the_request_language(app, world, client):
    token = ask(client, world.specialist, scopes=["cases:read"]).json["token"]
    for lang in ("ru", "ky", "en"):
        r = client.post(
            "/api/v1/cases",
            json=new_case_body(),
            headers={**bearer(token), "Accept-Language": lang},
        )
        message = "This token lacks the scope %(scope)s needed here."
        assert r.json["error"] == translated(lang, message, scope="cases:write")


def test_any_token_may_revoke_itself(app, world, client):
    token = ask(client, world.insurer, scopes=["packages:read"]).json["token"]
    assert client.delete("/api/v1/tokens/current", headers=bearer(token)).status_code == 204
    assert client.get("/api/v1/cases", headers=bearer(token)).status_code == 401


def test_expired_token_is_401(app, world, client):
    token = ask(client, world.specialist, expires_in_days=1).json["token"]
    assert client.get("/api/v1/cases", headers=bearer(token)).status_code == 200
    (row,) = tokens()
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    r = client.get("/api/v1/cases", headers=bearer(token))
    assert r.status_code == 401
    assert 'error="invalid_token"' in r.headers["WWW-Authenticate"]
    assert r.json["error"]


def test_a_token_loses_the_scopes_its_users_new_role_may_not_use(app, world, client):
    token = ask(client, world.specialist).json["token"]
    world.specialist.role = Role.insurer
    db.session.commit()
    r = client.post("/api/v1/cases", json=new_case_body(), headers=bearer(token))
    assert r.status_code == 403 and r.json["scope"] == "cases:write"
    assert db.session.execute(db.select(Case)).first() is None


# -- what a token request is refused --------------------------------------------------------


@pytest.mark.parametrize("lang", ["ru", "ky", "en"])
def test_unknown_scope_is_400_naming_it(app, world, client, lang):
    r = ask(client, world.specialist, lang, scopes=["cases:read", "cases:delete"])
    assert r.status_code == 400, r.text
    message = "Unknown scope: %(unknown)s. The scopes are: %(known)s."
    expected = translated(lang, message, unknown="cases:delete", known=", ".join(SCOPES))
    assert r.json["fields"]["scopes"] == [expected]
    assert r.json["error"] == translated(lang, "The request could not be understood.")
    assert tokens() == []


@pytest.mark.parametrize(
    ("who", "scopes", "denied"),
    [
        ("insurer", ["cases:read", "cases:write"], "cases:write"),
        ("specialist", ["packages:ack"], "packages:ack"),
        ("head", ["cases:read", "packages:read"], "packages:read"),
    ],
)
def test_a_scope_beyond_the_role_is_403(app, world, client, who, scopes, denied):
    r = ask(client, getattr(world, who), scopes=scopes)
    assert r.status_code == 403, r.text
    assert denied in r.json["error"]
    assert "scopes" in r.json["fields"]
    assert tokens() == []


def test_wrong_password_is_checked_before_the_scopes(app, world, client):
    r = client.post(
        "/api/v1/tokens",
        json={"email": world.insurer.email, "password": "nope", "scopes": ["cases:write"]},
    )
    assert r.status_code == 401  # a stranger learns nothing about the account's role


@pytest.mark.parametrize(
    "body",
    [
        {"scopes": "cases:read"},
        {"scopes": []},
        {"scopes": [1]},
        {"expires_in_days": 0},
        {"expires_in_days": 31},
        {"expires_in_days": "7"},
        {"expires_in_days": True},
        {"expires_in_days": 1.5},
    ],
)
def test_malformed_token_requests_are_400(app, world, client, body):
    r = ask(client, world.specialist, **body)
    assert r.status_code == 400, r.text
    assert set(r.json["fields"]) == set(body)
    assert tokens() == []


def test_lifetime_is_capped_by_the_configuration(app, world, client):
    app.config["API_TOKEN_DAYS"] = 7
    assert ask(client, world.specialist, expires_in_days=8).status_code == 400
    assert ask(client, world.specialist, expires_in_days=7).status_code == 201
