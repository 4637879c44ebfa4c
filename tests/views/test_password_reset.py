"""Forgot password: a person asks for a link by e-mail (a real mail through an SMTP server on
loopback), follows it and sets a new password. The link works once, expires, cannot be forged,
is never sent to a disabled account, and the form neither reveals accounts nor floods a
mailbox."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from incidents.models import LoginThrottle, Role
from incidents.models.timeutil import utcnow
from incidents.views.password import SALT
from tests import factories
from tests.smtp import free_port, smtp_server

EMAIL = "aigul@example.kg"
NEW_PASSWORD = "жаңы сырсөз 2026"
LINK = re.compile(r"https?://\S+/password/reset/([A-Za-z0-9_.\-]+)")
CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*?value=")[^"]+')


@pytest.fixture
def smtp(app):
    with smtp_server() as server:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
        yield server


@pytest.fixture
def person(db):
    user = factories.make_user(Role.specialist, factories.make_org(), EMAIL, name="Айгүл")
    db.session.commit()
    return user


def tr(lang, text, **kw):
    with force_locale(lang):
        return _(text, **kw)


def _ask(client, email=EMAIL, **headers):
    return client.post("/password/forgot", data={"email": email}, headers=headers)


def _answer(response) -> tuple[int, str]:
    """What the visitor learns from a page: its status and text, less the CSRF token of the
    language switch (signed with the current second)."""
    text, tokens = CSRF_VALUE.subn(r"\1", response.text)
    assert tokens, "no CSRF token found: is the pattern still right?"
    return response.status_code, text


def _body(message) -> str:
    return message.msg.get_body(preferencelist=("plain",)).get_content()


def _link_path(message) -> str:
    return urlsplit(LINK.search(_body(message)).group(0)).path


def _token(message) -> str:
    return LINK.search(_body(message)).group(1)


def _set(client, path, password=NEW_PASSWORD, repeat=None, **headers):
    data = {"password": password, "password2": password if repeat is None else repeat}
    return client.post(path, data=data, headers=headers)


def _login(client, password, email=EMAIL):
    return client.post("/login", data={"email": email, "password": password})


def test_round_trip_from_the_login_page_to_the_new_password(app, db, person, smtp, client):
    assert 'href="/password/forgot"' in client.get("/login").text
    assert client.get("/password/forgot").status_code == 200
    r = _ask(client, "  Aigul@Example.KG ")  # typed as people type it
    assert r.status_code == 200
    sent = tr(
        "ru",
        "If an account with this e-mail address exists, a link to set a new password has been "
        "sent to it.",
    )
    assert sent in r.text
    [mail] = smtp.messages
    assert mail.rcpt == [EMAIL] and mail.msg["To"] == EMAIL
    assert mail.msg["Subject"] == tr("ru", "Password reset")
    path = _link_path(mail)

    page = client.get(path)
    assert page.status_code == 200 and 'name="password2"' in page.text
    r = _set(client, path)
    assert r.status_code == 302 and r.headers["Location"] == "/login"
    flash = tr("ru", "Your password has been changed. Log in with the new one.")
    assert flash in client.get("/login").text

    r = _login(app.test_client(), factories.PASSWORD)
    assert r.status_code == 200 and tr("ru", "Wrong e-mail or password.") in r.text
    assert _login(app.test_client(), NEW_PASSWORD).status_code == 302


def test_unknown_address_gets_the_same_answer_and_no_mail(app, db, person, smtp, client):
    known = _ask(client)
    unknown = _ask(client, "nobody@example.kg")
    assert _answer(unknown) == _answer(known)
    assert [m.rcpt for m in smtp.messages] == [[EMAIL]]


def test_a_mail_server_that_is_down_reveals_nothing(app, db, person, client):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens
    known = _ask(client)
    assert _answer(known) == _answer(_ask(client, "nobody@example.kg"))
    assert known.status_code == 200


def test_the_link_works_once(app, db, person, smtp, client):
    _ask(client)
    path = _link_path(smtp.messages[0])
    assert _set(client, path).status_code == 302
    used = tr("ru", "This link has already been used: the password was changed since.")
    for r in (client.get(path), _set(client, path, password="другой пароль 99")):
        assert r.status_code == 410 and used in r.text
    assert _login(app.test_client(), NEW_PASSWORD).status_code == 302


def test_a_newer_link_does_not_revive_an_older_one(app, db, person, smtp, client):
    _ask(client)
    _ask(client)
    first, second = (_link_path(m) for m in smtp.messages)
    assert _set(client, second).status_code == 302
    assert client.get(first).status_code == 410  # the password it was issued for is gone


def _signed_ago(app, token: str, hours: float) -> str:
    """The same link as if it had been mailed `hours` ago (signed with the app's secret)."""

    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - hours * 3600)

    payload = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=SALT).loads(token)
    earlier = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=SALT, signer=Earlier)
    return "/password/reset/" + earlier.dumps(payload)


def test_the_link_expires_after_the_configured_hours(app, db, person, smtp, client):
    assert app.config["PASSWORD_RESET_HOURS"] == 2  # the default
    _ask(client)
    token = _token(smtp.messages[0])
    expired = tr("ru", "This password reset link has expired. Ask for a new one.")
    r = client.get(_signed_ago(app, token, 2.1))
    assert r.status_code == 410 and expired in r.text
    assert 'href="/password/forgot"' in r.text  # a way to ask for a new one
    hour_old = _signed_ago(app, token, 1)
    assert client.get(hour_old).status_code == 200
    app.config["PASSWORD_RESET_HOURS"] = 0.5
    assert client.get(hour_old).status_code == 410
    assert _set(client, hour_old).status_code == 410
    assert _login(app.test_client(), factories.PASSWORD).status_code == 302  # unchanged


def test_forged_and_tampered_links_are_refused(app, db, person, smtp, client):
    _ask(client)
    token = _token(smtp.messages[0])
    payload = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=SALT).loads(token)
    body, signature = token.rsplit(".", 1)
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    forged = [
        body + "." + flipped,  # signature changed
        URLSafeTimedSerializer("another secret", salt=SALT).dumps(payload),
        URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="other").dumps(payload),
        "not-a-token",
        "x" * 600,
    ]
    invalid = tr("ru", "This password reset link is not valid.")
    for bad in forged:
        r = client.get(f"/password/reset/{bad}")
        assert r.status_code == 400 and invalid in r.text, bad
        assert _set(client, f"/password/reset/{bad}").status_code == 400
    assert _login(app.test_client(), factories.PASSWORD).status_code == 302


def test_form_errors_speak_the_users_language(app, db, person, smtp, client):
    person.language = "ky"
    db.session.commit()
    _ask(client, **{"Accept-Language": "ru"})
    path = _link_path(smtp.messages[0])
    page = client.get(path, headers={"Accept-Language": "ru"})
    assert '<html lang="ky">' in page.text
    r = _set(client, path, repeat="башка сырсөз 2026", **{"Accept-Language": "ru"})
    assert r.status_code == 200 and "Сырсөздөр дал келбейт." in r.text
    assert tr("ky", "The two passwords differ.") == "Сырсөздөр дал келбейт."
    r = _set(client, path, password="кыска")
    assert tr("ky", "Use at least %(min)d characters.", min=8) in r.text
    assert _login(app.test_client(), factories.PASSWORD).status_code == 302  # unchanged


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("ky", "Шилтеме бир гана жолу жана"),
        ("ru", "Ссылка действует однократно и до"),
    ],
)
def test_the_mail_is_in_the_users_language(app, db, person, smtp, client, language, sentence):
    person.language = language
    db.session.commit()
    _ask(client, **{"Accept-Language": "en"})  # the visitor's browser does not decide
    [mail] = smtp.messages
    assert sentence in _body(mail)
    assert mail.msg["Subject"] == tr(language, "Password reset")


def test_one_address_gets_a_limited_number_of_mails(app, db, person, smtp, client):
    limit = app.config["LOGIN_MAX_FAILURES"]
    answers = {_answer(_ask(client)) for _ in range(limit + 2)}
    assert len(answers) == 1  # over the limit the page says the same
    assert len(smtp.messages) == limit
    # the limit is the address's own: the login and other addresses are not affected
    assert _login(app.test_client(), factories.PASSWORD).status_code == 302
    other = factories.make_user(Role.head, None, "other@example.kg")
    db.session.commit()
    _ask(client, other.email)
    assert smtp.messages[-1].rcpt == [other.email]
    # once the lock has passed, a mail goes out again
    for row in db.session.scalars(db.select(LoginThrottle)):
        row.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    _ask(client)
    assert smtp.messages[-1].rcpt == [EMAIL] and len(smtp.messages) == limit + 2


def test_a_locked_login_can_still_reset_and_the_reset_unlocks_it(app, db, person, smtp, client):
    for _attempt in range(app.config["LOGIN_MAX_FAILURES"]):
        _login(app.test_client(), "wrong guess")
    assert _login(app.test_client(), factories.PASSWORD).status_code == 429
    _ask(client)
    assert _set(client, _link_path(smtp.messages[0])).status_code == 302
    assert _login(app.test_client(), NEW_PASSWORD).status_code == 302


def test_disabled_accounts_get_no_mail_and_their_links_die(app, db, person, smtp, client):
    _ask(client)
    path = _link_path(smtp.messages[0])
    person.active = False
    db.session.commit()
    assert client.get(path).status_code == 400
    assert _set(client, path).status_code == 400
    unknown = _ask(client, "nobody@example.kg")
    disabled = _ask(client)
    assert _answer(disabled) == _answer(unknown)
    assert len(smtp.messages) == 1  # only the mail sent while the account was active


def test_the_forms_work_with_csrf_on(app_config, app, db, person, smtp):
    from incidents import create_app
    from incidents.config import TestingConfig
    from tests.conftest import IsolatedClient

    strict = create_app(TestingConfig, **app_config, WTF_CSRF_ENABLED=True)
    strict.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    strict.test_client_class = IsolatedClient
    token_re = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
    c = strict.test_client()
    csrf = token_re.search(c.get("/password/forgot").text).group(1)
    assert c.post("/password/forgot", data={"email": EMAIL}).status_code == 400
    assert c.post("/password/forgot", data={"email": EMAIL, "csrf_token": csrf}).status_code == 200
    path = _link_path(smtp.messages[0])
    assert token_re.search(c.get(path).text)
    data = {"password": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert c.post(path, data=data).status_code == 400
    assert c.post(path, data={**data, "csrf_token": csrf}).status_code == 302
    with strict.app_context():
        db.engine.dispose()
