"""Invitations: the chair's side invites a person by e-mail to one case; the link (a real mail
through an SMTP server on loopback) creates the account, works once, expires, can be revoked,
and grants that case and nothing else."""

from __future__ import annotations

import html
import re
import secrets
from datetime import timedelta
from email import message_from_bytes, policy
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from incidents import jobs, permissions
from incidents.mail import mail_dir
from incidents.models import (
    Case,
    CaseParticipant,
    CommissionMember,
    CommissionRole,
    Invitation,
    Role,
    User,
)
from incidents.models.timeutil import utcnow
from incidents.services import invitations as service
from incidents.services.errors import Forbidden, Invalid, WrongState
from tests import factories
from tests.smtp import smtp_server

NEW_EMAIL = "Aigul.New@Example.kg"
LINK = re.compile(r"https?://\S+/invitations/[A-Za-z0-9_\-]+")


@pytest.fixture
def smtp(app):
    with smtp_server() as server:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
        yield server


@pytest.fixture
def scene(db, world):
    """Case A with a commission (chair, two members, no accounts) and case B, both of the
    employer."""
    a = factories.make_case(world)
    factories.add_commission(a, world.specialist)
    b = factories.make_case(world)
    db.session.commit()
    seat = next(m for m in a.commission if m.role == CommissionRole.member)
    return SimpleNamespace(w=world, a=a, b=b, seat=seat)


def _invite(client, case, email=NEW_EMAIL, role="member", member_id=None, name="Айгүл"):
    return client.post(
        f"/cases/{case.id}/invitations",
        data={
            "email": email,
            "name": name,
            "role": role,
            "member_id": str(member_id or ""),
        },
    )


def _link(message) -> str:
    body = message.msg.get_body(preferencelist=("plain",)).get_content()
    found = LINK.findall(body)
    assert len(found) == 1, body
    return found[0]


def _register(client, path, password=factories.PASSWORD):
    return client.post(
        path,
        data={"name": "Айгүл Жаңы", "password": password, "password2": password, "language": "ky"},
    )


def tr(msgid, **kw) -> str:
    """A message as the pages show it: in Russian (the default locale), HTML-escaped."""
    with force_locale("ru"):
        return html.escape(_(msgid, **kw))


def _counts(db):
    db.session.expire_all()
    return (
        db.session.query(User).count(),
        db.session.query(CaseParticipant).count(),
        db.session.query(Invitation).filter(Invitation.accepted_at.is_not(None)).count(),
    )


def _accepted_by_mail(app, db, scene, client_for, smtp):
    """The specialist invites a new person onto the member seat; they follow the link."""
    specialist = client_for(scene.w.specialist)
    r = _invite(specialist, scene.a, member_id=scene.seat.id)
    assert r.status_code == 302, r.text
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message.rcpt == [NEW_EMAIL.lower()]
    link = _link(message)
    assert link.startswith(app.config["BASE_URL"].rstrip("/") + "/invitations/")
    path = urlsplit(link).path

    visitor = app.test_client()
    page = visitor.get(path)
    assert page.status_code == 200
    assert NEW_EMAIL.lower() in page.text and 'name="password2"' in page.text
    r = _register(visitor, path)
    assert r.status_code == 302 and r.location.endswith(f"/cases/{scene.a.id}")
    db.session.expire_all()
    user = db.session.query(User).filter_by(email=NEW_EMAIL.lower()).one()
    return SimpleNamespace(
        specialist=specialist, visitor=visitor, path=path, user=user, message=message
    )


def test_invited_person_creates_an_account_and_sees_that_case_only(
    app, db, scene, client_for, smtp
):
    got = _accepted_by_mail(app, db, scene, client_for, smtp)
    msg = got.message.msg
    body = msg.get_body(preferencelist=("plain",)).get_content()
    assert scene.a.number in msg["Subject"] and scene.a.number in body
    assert scene.w.specialist.name in body  # who invited
    with force_locale("ru"):  # the invitee has no account: the inviter's language
        assert _("Invitation to accident case %(number)s", number=scene.a.number) == msg["Subject"]

    user = got.user
    assert user.role == Role.member and user.organisation_id is None and user.language == "ky"
    assert user.password_hash != factories.PASSWORD
    assert got.visitor.get(f"/cases/{scene.a.id}").status_code == 200
    assert got.visitor.get(f"/cases/{scene.b.id}").status_code == 404
    # the list shows that case and no other
    visible = db.session.execute(db.select(Case.id).where(permissions.visible_cases(user)))
    assert set(visible.scalars()) == {scene.a.id}

    seat = db.session.get(CommissionMember, scene.seat.id)
    assert seat.user_id == user.id
    participant = db.session.query(CaseParticipant).one()
    assert (participant.case_id, participant.user_id, participant.role) == (
        scene.a.id,
        user.id,
        "member",
    )
    assert participant.commission_member_id == scene.seat.id
    invitation = db.session.query(Invitation).one()
    assert invitation.accepted_by_id == user.id and invitation.accepted_at is not None
    # only the hash of the token is stored
    token = got.path.rsplit("/", 1)[1]
    assert invitation.token_hash == service.digest(token) != token
    # a member linked to a seat edits like a commission member
    a = db.session.get(Case, scene.a.id)
    assert permissions.can_edit_case(user, a)
    assert not permissions.can_invite(user, a)

    # the case page shows the card to the specialist, with the person and a revoke button
    page = got.specialist.get(f"/cases/{scene.a.id}").text
    assert 'id="participants"' in page and NEW_EMAIL.lower() in page
    assert f"/invitations/{invitation.id}/revoke" in page


def test_the_link_works_once(app, db, scene, client_for, smtp):
    got = _accepted_by_mail(app, db, scene, client_for, smtp)
    before = _counts(db)
    again = app.test_client()
    assert again.get(got.path).status_code == 409
    r = _register(again, got.path, password="another long secret")
    assert r.status_code == 409 and "invitation-refused" in r.text
    # even for the very account it created, logged in
    assert got.visitor.post(got.path).status_code == 409
    assert _counts(db) == before


def test_expired_and_forged_links_are_refused(app, db, scene, client_for):
    invitation, token = service.invite(scene.a, scene.w.specialist, "late@example.kg", "inspector")
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    before = _counts(db)
    visitor = app.test_client()
    r = visitor.get(f"/invitations/{token}")
    assert r.status_code == 409 and "invitation-refused" in r.text
    assert _register(visitor, f"/invitations/{token}").status_code == 409
    forged = secrets.token_urlsafe(32)
    assert visitor.get(f"/invitations/{forged}").status_code == 400
    assert _register(visitor, f"/invitations/{forged}").status_code == 400
    assert _counts(db) == before
    with pytest.raises(WrongState):
        service.accept(token, scene.w.member)
    with pytest.raises(Invalid):
        service.accept(forged, scene.w.member)


def test_revoking_ends_access_at_once(app, db, scene, client_for, smtp):
    got = _accepted_by_mail(app, db, scene, client_for, smtp)
    assert got.visitor.get(f"/cases/{scene.a.id}").status_code == 200
    invitation = db.session.query(Invitation).one()
    r = got.specialist.post(f"/cases/{scene.a.id}/invitations/{invitation.id}/revoke")
    assert r.status_code == 302
    assert got.visitor.get(f"/cases/{scene.a.id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).revoked_at is not None
    assert db.session.query(CaseParticipant).one().revoked_at is not None
    assert db.session.get(CommissionMember, scene.seat.id).user_id is None  # the seat is free
    visible = db.session.execute(db.select(Case.id).where(permissions.visible_cases(got.user)))
    assert list(visible.scalars()) == []


def test_revoking_a_pending_invitation_kills_the_link(app, db, scene, client_for):
    invitation, token = service.invite(scene.a, scene.w.specialist, "x@example.kg", "victim")
    db.session.commit()
    r = client_for(scene.w.head).post(f"/cases/{scene.a.id}/invitations/{invitation.id}/revoke")
    assert r.status_code == 302
    assert app.test_client().get(f"/invitations/{token}").status_code == 409


def test_who_may_invite(app, db, scene, client_for, smtp):
    # another organisation's specialist, and the employer's member not on this commission:
    # neither sees the case
    assert _invite(client_for(scene.w.stranger), scene.a).status_code == 404
    assert _invite(client_for(scene.w.member), scene.a).status_code == 404
    assert client_for(scene.w.member).get(f"/cases/{scene.a.id}/invitations").status_code == 404
    inv, _token = service.invite(scene.a, scene.w.specialist, "y@example.kg", "victim")
    db.session.commit()
    r = client_for(scene.w.stranger).post(f"/cases/{scene.a.id}/invitations/{inv.id}/revoke")
    assert r.status_code == 404
    with pytest.raises(Forbidden):
        service.invite(scene.a, scene.w.stranger, "z@example.kg", "victim")
    assert smtp.messages == []
    assert db.session.query(Invitation).count() == 1

    # the user who sits in the chair may
    chair = db.session.get(Case, scene.a.id).chair
    chair.user_id = scene.w.union.id
    db.session.commit()
    assert _invite(client_for(scene.w.union), scene.a, email="w@example.kg").status_code == 302
    assert [m.rcpt for m in smtp.messages] == [["w@example.kg"]]


def test_invite_form_errors_are_shown(app, db, scene, client_for, smtp):
    c = client_for(scene.w.specialist)
    r = _invite(c, scene.a, email="not an address", role="insurer")
    assert r.status_code == 200
    assert tr("Enter a valid e-mail address.") in r.text
    assert tr("Choose a value from the list.") in r.text
    r = _invite(c, scene.a, role="victim", member_id=scene.seat.id)
    assert tr("A victim or trusted person is invited without a commission seat.") in r.text
    other_case_seat = factories.make_case(scene.w)
    factories.add_commission(other_case_seat, scene.w.specialist)
    db.session.commit()
    r = _invite(c, scene.a, member_id=other_case_seat.commission[0].id)
    assert r.status_code == 200 and tr("Choose a value from the list.") in r.text
    assert smtp.messages == [] and db.session.query(Invitation).count() == 0


def test_existing_user_logged_in_with_another_email_is_refused(app, db, scene, client_for):
    w = scene.w
    invitation, token = service.invite(scene.a, w.specialist, w.union.email, "union_inspector")
    db.session.commit()
    before = _counts(db)
    r = client_for(w.inspector).get(f"/invitations/{token}")
    assert r.status_code == 403 and w.union.email in r.text
    assert client_for(w.inspector).post(f"/invitations/{token}").status_code == 403
    assert _counts(db) == before
    with pytest.raises(Forbidden):
        service.accept(token, w.inspector)

    # not logged in: asked to log in (with the way back), no account form
    r = app.test_client().get(f"/invitations/{token}")
    assert r.status_code == 200 and 'name="password2"' not in r.text
    assert f"/login?next=/invitations/{token}" in r.text.replace("%2F", "/")
    assert _counts(db) == before

    # logged in as the invited address: a page to confirm (GET changes nothing), then accept
    union = client_for(w.union)
    assert union.get(f"/cases/{scene.a.id}").status_code == 404
    assert union.get(f"/invitations/{token}").status_code == 200
    assert _counts(db) == before
    r = union.post(f"/invitations/{token}")
    assert r.status_code == 302
    assert union.get(f"/cases/{scene.a.id}").status_code == 200
    assert union.get(f"/cases/{scene.b.id}").status_code == 404
    # not linked to a seat: views, does not edit
    db.session.expire_all()
    union_user = db.session.get(User, w.union.id)
    assert not permissions.can_edit_case(union_user, db.session.get(Case, scene.a.id))


def test_victim_participant_views_only(app, db, scene, client_for):
    invitation, token = service.invite(scene.a, scene.w.specialist, "victim@example.kg", "victim")
    db.session.commit()
    visitor = app.test_client()
    assert _register(visitor, f"/invitations/{token}").status_code == 302
    page = visitor.get(f"/cases/{scene.a.id}")
    assert page.status_code == 200 and 'id="participants"' not in page.text
    assert visitor.get(f"/cases/{scene.a.id}/edit").status_code == 403
    db.session.expire_all()
    user = db.session.query(User).filter_by(email="victim@example.kg").one()
    a = db.session.get(Case, scene.a.id)
    assert user.role == Role.victim and not permissions.can_edit_case(user, a)
    assert not any(permissions.can_fire(user, a, t) for t in ("notify", "reopen", "cancel"))


def test_account_form_validation(app, db, scene):
    invitation, token = service.invite(scene.a, scene.w.specialist, "v@example.kg", "victim")
    db.session.commit()
    c = app.test_client()
    r = c.post(
        f"/invitations/{token}",
        data={"name": " ", "password": "short", "password2": "other", "language": "xx"},
    )
    assert r.status_code == 200
    for text in (
        tr("This field is required."),
        tr("Use at least %(min)d characters.", min=8),
        tr("The two passwords differ."),
        tr("Choose a value from the list."),
    ):
        assert text in r.text, text
    assert db.session.query(User).filter_by(email="v@example.kg").count() == 0


def test_without_smtp_the_mail_lands_in_the_instance_folder(app, db, scene, client_for):
    app.config["MAIL_SERVER"] = None
    folder = mail_dir()
    before = set(folder.glob("*.eml")) if folder.exists() else set()
    assert _invite(client_for(scene.w.specialist), scene.a, email="file@example.kg").status_code
    assert not set(folder.glob("*.eml")) - before  # a job, not run yet: no file
    assert jobs.run_due() == 1  # the mail job writes the file
    new = set(folder.glob("*.eml")) - before
    assert len(new) == 1
    msg = message_from_bytes(new.pop().read_bytes(), policy=policy.default)
    assert msg["To"] == "file@example.kg"
    assert LINK.search(msg.get_body(preferencelist=("plain",)).get_content())


def test_mail_in_the_language_of_an_existing_invitee(app, db, scene, client_for, smtp):
    scene.w.union.language = "ky"
    db.session.commit()
    r = _invite(client_for(scene.w.specialist), scene.a, email=scene.w.union.email, role="victim")
    assert r.status_code == 302
    with force_locale("ky"):
        subject = _("Invitation to accident case %(number)s", number=scene.a.number)
    assert [m.msg["Subject"] for m in smtp.messages] == [subject]


def test_the_forms_work_with_csrf_on(app_config, app, db, scene):
    from incidents import create_app
    from incidents.config import TestingConfig
    from tests.conftest import IsolatedClient

    strict = create_app(TestingConfig, **app_config, WTF_CSRF_ENABLED=True)
    strict.test_client_class = IsolatedClient
    token_re = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
    c = strict.test_client()
    csrf = token_re.search(c.get("/login").text).group(1)
    login = {"email": scene.w.specialist.email, "password": factories.PASSWORD}
    assert c.post("/login", data={**login, "csrf_token": csrf}).status_code == 302
    page = c.get(f"/cases/{scene.a.id}").text
    assert page.count("<form") == page.count('name="csrf_token"')
    data = {"email": "csrf@example.kg", "role": "victim", "member_id": ""}
    assert c.post(f"/cases/{scene.a.id}/invitations", data=data).status_code == 400
    r = c.post(f"/cases/{scene.a.id}/invitations", data={**data, "csrf_token": csrf})
    assert r.status_code == 302
    with strict.app_context():
        db.engine.dispose()
