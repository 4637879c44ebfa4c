"""Every response carries the security headers: no framing (clickjacking), no sniffing of
content types, no referrer to other sites, forms post only to the service itself."""

from __future__ import annotations

import pytest

PATHS = ["/login", "/", "/api/v1/openapi.json", "/api/v1/cases", "/no-such-page"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_has_the_headers(app, client, path):
    r = client.get(path)
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Referrer-Policy"] == "same-origin"
    csp = r.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "form-action 'self'" in csp


def test_the_session_cookie_is_http_only_and_same_site(app, world, client):
    r = client.post("/login", data={"email": world.head.email, "password": "correct horse battery"})
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the plain-http local start; INCIDENTS_SESSION_COOKIE_SECURE
    app.config["SESSION_COOKIE_SECURE"] = True
    r = app.test_client().post(
        "/login", data={"email": world.head.email, "password": "correct horse battery"}
    )
    assert "Secure" in r.headers["Set-Cookie"]
