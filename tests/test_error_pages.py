"""The server error page in the user's language, even when the error left the database session
unusable (a failed flush must be rolled back before anything is read again)."""

from __future__ import annotations

from incidents.extensions import db
from incidents.models import User
from tests import factories


def test_the_500_page_survives_a_failed_flush(app, world):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error page answers

    @app.post("/_test/broken-flush")
    def _broken_flush():
        db.session.add(User(email=None, name=None))  # NOT NULL: a bug, not a race
        db.session.flush()

    world.specialist.language = "ky"
    db.session.commit()
    client = app.test_client()
    r = client.post(
        "/login", data={"email": world.specialist.email, "password": factories.PASSWORD}
    )
    assert r.status_code == 302
    r = client.post("/_test/broken-flush")
    assert r.status_code == 500
    assert "Биз тарапта ката кетти" in r.text, r.text[:500]  # ky, the user's language
