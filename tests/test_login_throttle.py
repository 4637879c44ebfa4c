"""Repeated wrong passwords lock the e-mail address for a while, on the login page and on the
token endpoint, for known and unknown addresses alike (a lock reveals no account)."""

from __future__ import annotations

from datetime import timedelta

from incidents.models import LoginThrottle
from incidents.models.timeutil import utcnow
from tests import factories

RU_LOCKED = "Слишком много неудачных попыток"


def _login(client, email, password):
    return client.post("/login", data={"email": email, "password": password})


def test_five_wrong_passwords_lock_the_login_even_with_the_right_one(app, world, db, client):
    email = world.specialist.email
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        r = _login(client, email, "wrong password")
        assert r.status_code == 200 and "Неверный адрес" in r.text
    r = _login(client, email, factories.PASSWORD)
    assert r.status_code == 429 and RU_LOCKED in r.text  # the right password waits too
    assert client.get("/").status_code == 302  # not logged in
    # another address is not affected
    assert _login(client, world.head.email, factories.PASSWORD).status_code == 302
    # once the lock has passed, the right password works and the count starts again
    row = db.session.scalar(db.select(LoginThrottle).where(LoginThrottle.locked_until.is_not(None)))
    row.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _login(app.test_client(), email, factories.PASSWORD).status_code == 302
    db.session.refresh(row)
    assert (row.failures, row.locked_until) == (0, None)


def test_an_unknown_address_is_locked_the_same_way(app, world, db, client):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _login(client, "nobody@example.kg", "guess")
    assert RU_LOCKED in _login(client, "nobody@example.kg", "guess").text


def test_the_token_endpoint_counts_and_locks_too(app, world, db, client):
    body = {"email": world.insurer.email, "password": "wrong"}
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert client.post("/api/v1/tokens", json=body).status_code == 401
    r = client.post(
        "/api/v1/tokens",
        json={**body, "password": factories.PASSWORD},
        headers={"Accept-Language": "ky"},
    )
    assert r.status_code == 429
    assert 0 < int(r.headers["Retry-After"]) <= app.config["LOGIN_LOCK_MINUTES"] * 60
    assert r.get_json()["error"]


def test_failures_spread_over_time_do_not_lock(app, world, db, client):
    email = world.specialist.email
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        _login(client, email, "wrong password")
    row = db.session.scalar(db.select(LoginThrottle))
    row.first_failure_at -= timedelta(minutes=app.config["LOGIN_WINDOW_MINUTES"] + 1)
    db.session.commit()
    _login(client, email, "wrong password")  # a new window: one failure so far
    assert _login(client, email, factories.PASSWORD).status_code == 302
