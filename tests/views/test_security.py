"""CSRF on every form, hashed passwords, safe redirects."""

from __future__ import annotations

import re

from incidents import create_app
from incidents.config import TestingConfig
from incidents.extensions import db as _db
from tests import factories
from tests.conftest import IsolatedClient


def test_posts_without_a_csrf_token_are_refused(app_config, world, app):
    strict = create_app(TestingConfig, **app_config, WTF_CSRF_ENABLED=True)
    strict.test_client_class = IsolatedClient
    case = factories.make_case(world)
    _db.session.commit()
    c = strict.test_client()
    page = c.get("/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    login = {"email": world.specialist.email, "password": factories.PASSWORD}
    assert c.post("/login", data=login).status_code == 400
    assert c.post("/login", data={**login, "csrf_token": token}).status_code == 302
    assert c.post(f"/cases/{case.id}/fire/notify", data={}).status_code == 400
    page = c.get(f"/cases/{case.id}").text
    # every form on the page carries a token
    assert page.count("<form") == page.count('name="csrf_token"') > 2
    with strict.app_context():
        _db.engine.dispose()


def test_passwords_are_hashed_with_argon2(app, world):
    assert world.specialist.password_hash.startswith("$argon2")
    assert factories.PASSWORD not in world.specialist.password_hash


def test_wrong_password_and_inactive_user_cannot_log_in(app, world, client):
    r = client.post("/login", data={"email": world.specialist.email, "password": "wrong"})
    assert r.status_code == 200 and "/login" not in r.headers.get("Location", "")
    world.head.active = False
    _db.session.commit()
    r = client.post("/login", data={"email": world.head.email, "password": factories.PASSWORD})
    assert r.status_code == 200


def test_login_redirects_only_inside_the_site(app, world, client):
    r = client.post(
        "/login?next=https://evil.example/x",
        data={"email": world.specialist.email, "password": factories.PASSWORD},
    )
    assert r.status_code == 302 and r.headers["Location"] == "/"
