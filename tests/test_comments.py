"""Working together: comments on a case, and the e-mails to the people concerned (a signature
request when the act is drafted or reissued, its approval, a new comment), sent after the
commit through a real SMTP server on loopback, each in the recipient's language."""

from __future__ import annotations

import html
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from incidents.models import Comment, User
from incidents.services import comments as service
from incidents.services import invitations, notify, signing
from incidents.services.errors import Forbidden, Invalid

from . import factories
from .smtp import free_port, smtp_server


@pytest.fixture
def smtp(app):
    with smtp_server() as server:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
        yield server


@pytest.fixture
def investigating(db, world):
    """A light case under investigation; the chair's account is world.member (in Kyrgyz), the
    second member's world.inspector; the third member has no account."""
    case = factories.make_case(world)
    factories.advance_to(case, world, "investigating")
    chair, second, _third = case.commission
    chair.user_id = world.member.id
    second.user_id = world.inspector.id
    world.member.language = "ky"
    db.session.commit()
    return case


def tr(msgid, lang="ru", **kw) -> str:
    with force_locale(lang):
        return _(msgid, **kw)


def _body(message) -> str:
    return message.msg.get_body(preferencelist=("plain",)).get_content()


def _by_rcpt(smtp) -> dict[str, SimpleNamespace]:
    out = {}
    for m in smtp.messages:
        assert len(m.rcpt) == 1  # one mail per person, each in their language
        out[m.rcpt[0]] = m
    return out


def _comment(client, case, body):
    return client.post(f"/cases/{case.id}/comments", data={"body": body})


def _comments(db, case) -> list[Comment]:
    db.session.expire_all()
    return list(db.session.execute(db.select(Comment).where(Comment.case_id == case.id)).scalars())


def test_a_comment_reaches_the_commission_not_its_author(
    app, db, world, investigating, client_for, smtp
):
    spec = client_for(world.specialist)
    r = _comment(spec, investigating, "  Нужен протокол осмотра <до пятницы>.  ")
    assert r.status_code == 303 and r.location.endswith(f"/cases/{investigating.id}#comments")
    [comment] = _comments(db, investigating)
    assert comment.body == "Нужен протокол осмотра <до пятницы>."
    assert comment.author_id == world.specialist.id

    mails = _by_rcpt(smtp)
    assert set(mails) == {"member@example.kg", "inspector@example.kg"}
    assert "specialist@example.kg" not in mails
    to_member = mails["member@example.kg"]
    assert to_member.msg["Subject"] == tr(
        "Case %(number)s: a new comment", "ky", number=investigating.number
    )
    body = _body(to_member)
    assert comment.body in body and world.specialist.name in body
    url = notify.case_url(investigating, "comments")
    assert url.startswith(app.config["BASE_URL"].rstrip("/")) and url in body

    # the card shows it, escaped, with its author; the member's reply mails the specialist
    page = spec.get(f"/cases/{investigating.id}")
    assert 'id="comments"' in page.text
    assert html.escape(comment.body) in page.text and "<до пятницы>" not in page.text
    smtp.messages.clear()
    r = _comment(client_for(world.member), investigating, "Будет в четверг.")
    assert r.status_code == 303
    assert set(_by_rcpt(smtp)) == {"specialist@example.kg", "inspector@example.kg"}
    bodies = [c.body for c in _comments(db, investigating)]
    assert bodies == ["Нужен протокол осмотра <до пятницы>.", "Будет в четверг."]
    page = spec.get(f"/cases/{investigating.id}").text
    assert page.index("Нужен протокол") < page.index("Будет в четверг.")  # newest last


def test_drafting_the_act_asks_the_linked_members_to_sign(
    db, world, investigating, client_for, smtp
):
    factories.add_findings(investigating, world.specialist)
    db.session.commit()
    spec = client_for(world.specialist)
    r = spec.post(
        f"/cases/{investigating.id}/fire/draft_act", data={"version": investigating.version}
    )
    assert r.status_code == 303
    db.session.expire_all()
    assert investigating.status.value == "act_drafted"
    mails = _by_rcpt(smtp)
    assert set(mails) == {"member@example.kg", "inspector@example.kg"}
    ky = mails["member@example.kg"]
    assert ky.msg["Subject"] == tr(
        "Case %(number)s: your signature is requested", "ky", number=investigating.number
    )
    assert notify.case_url(investigating, "signatures") in _body(ky)
    ru = mails["inspector@example.kg"]
    assert ru.msg["Subject"] == tr(
        "Case %(number)s: your signature is requested", number=investigating.number
    )


def test_a_changed_act_asks_for_signatures_again(db, world, investigating, client_for, smtp):
    factories.advance_to(investigating, world, "act_drafted")
    signing.sign(investigating, world.member, factories.PASSWORD)
    db.session.commit()
    before = investigating.signing_round
    smtp.messages.clear()  # the signature requests of drafting the act, sent in the setup

    assert investigating.causes, "add_findings records causes"
    cause = investigating.causes[0]
    r = client_for(world.specialist).post(
        f"/cases/{investigating.id}/causes/{cause.id}/remove",
        data={"version": investigating.version},
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert investigating.signing_round == before + 1
    mails = _by_rcpt(smtp)
    assert set(mails) == {"member@example.kg", "inspector@example.kg"}
    assert mails["inspector@example.kg"].msg["Subject"] == tr(
        "Case %(number)s: a new version of the act to sign", number=investigating.number
    )


def test_approval_is_mailed_to_the_members(db, world, investigating, client_for, smtp):
    factories.advance_to(investigating, world, "act_drafted")
    signing.sign(investigating, world.member, factories.PASSWORD)
    signing.sign(investigating, world.inspector, factories.PASSWORD)
    db.session.commit()
    smtp.messages.clear()  # the signature requests of drafting the act, sent in the setup
    head = client_for(world.head)
    r = head.post(
        f"/cases/{investigating.id}/fire/approve_act", data={"version": investigating.version}
    )
    assert r.status_code == 303
    db.session.expire_all()
    assert investigating.status.value == "act_approved"
    mails = _by_rcpt(smtp)
    assert set(mails) == {"member@example.kg", "inspector@example.kg"}
    assert mails["member@example.kg"].msg["Subject"] == tr(
        "Case %(number)s: the act was approved", "ky", number=investigating.number
    )


def test_the_insurer_and_a_stranger_cannot_comment(db, world, client_for, smtp):
    case = factories.make_case(world)
    factories.advance_to(case, world, "insurer_notified")
    db.session.commit()
    smtp.messages.clear()  # the setup's mails: the signature requests, the insurer's package
    insurer = client_for(world.insurer)
    page = insurer.get(f"/cases/{case.id}")
    assert page.status_code == 200  # the insurer reads the case...
    assert 'id="comment-form"' not in page.text
    assert _comment(insurer, case, "Вопрос страховщика.").status_code == 403  # ...read-only
    assert _comment(client_for(world.stranger), case, "Чужой.").status_code == 404
    assert _comments(db, case) == []
    assert smtp.messages == []
    with pytest.raises(Forbidden):
        service.add(case, world.insurer, "Вопрос.")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("   ", "This field is required."),
        ("я" * (service.BODY_MAX + 1), "Keep it to at most %(max)d characters."),
    ],
)
def test_an_empty_or_oversize_comment_is_refused(
    db, world, investigating, client_for, smtp, body, message
):
    spec = client_for(world.specialist)
    r = _comment(spec, investigating, body)
    assert r.status_code == 303
    page = spec.get(r.location)
    assert html.escape(tr(message, max=service.BODY_MAX)) in page.text
    assert _comments(db, investigating) == []
    assert smtp.messages == []
    with pytest.raises(Invalid):
        service.add(investigating, world.specialist, body)


def test_the_longest_comment_is_taken(db, world, investigating, client_for, smtp):
    body = "я" * service.BODY_MAX
    assert _comment(client_for(world.specialist), investigating, body).status_code == 303
    assert [c.body for c in _comments(db, investigating)] == [body]


def test_a_mail_failure_does_not_lose_the_comment(app, db, world, investigating, client_for):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens
    r = _comment(client_for(world.specialist), investigating, "Сохранится без почты.")
    assert r.status_code == 303
    assert [c.body for c in _comments(db, investigating)] == ["Сохранится без почты."]


@pytest.fixture
def victim(app, db, world, investigating):
    """The victim's trusted person, invited to follow the case (no commission seat): their
    logged-in client and their user."""
    _invitation, token = invitations.invite(
        investigating, world.specialist, "victim@example.kg", "victim"
    )
    db.session.commit()
    client = app.test_client()
    password = factories.PASSWORD
    r = client.post(
        f"/invitations/{token}",
        data={"name": "Жакын адам", "password": password, "password2": password, "language": "ru"},
    )
    assert r.status_code == 302, r.text
    user = db.session.execute(db.select(User).where(User.email == "victim@example.kg")).scalar_one()
    return SimpleNamespace(client=client, user=user)


INTERNAL = "Мастер участка скрывает журнал инструктажей."
SHARED = "Протокол опроса готов, ознакомьтесь."


def test_a_victim_reads_and_is_mailed_only_the_comments_for_everyone(
    db, world, investigating, victim, client_for, smtp
):
    spec = client_for(world.specialist)
    assert _comment(spec, investigating, INTERNAL).status_code == 303  # the default: internal
    mails = _by_rcpt(smtp)
    assert set(mails) == {"member@example.kg", "inspector@example.kg"}  # not the victim
    smtp.messages.clear()
    r = spec.post(
        f"/cases/{investigating.id}/comments", data={"body": SHARED, "visibility": "everyone"}
    )
    assert r.status_code == 303
    assert set(_by_rcpt(smtp)) == {"member@example.kg", "inspector@example.kg", "victim@example.kg"}
    assert [c.visibility.value for c in _comments(db, investigating)] == ["commission", "everyone"]

    page = victim.client.get(f"/cases/{investigating.id}").text
    assert SHARED in page and INTERNAL not in page  # neither in the card nor the timeline
    assert "Мастер участка скрывает" not in page
    assert (
        'name="visibility"' in page and "<select" not in page.split('id="comment-form"')[1][:2000]
    )

    # a commission member reads both, each marked with who reads it
    page = client_for(world.member).get(f"/cases/{investigating.id}").text
    assert INTERNAL in page and SHARED in page
    assert html.escape(tr("Commission only", "ky")) in page
    assert html.escape(tr("Everyone on the case", "ky")) in page


def test_a_victim_writes_only_for_everyone(db, world, investigating, victim, smtp):
    r = victim.client.post(
        f"/cases/{investigating.id}/comments",
        data={"body": "Только для комиссии?", "visibility": "commission"},
    )
    assert r.status_code == 303
    assert _comments(db, investigating) == [] and smtp.messages == []
    with pytest.raises(Invalid):
        service.add(investigating, victim.user, "Только для комиссии?", "commission")

    r = victim.client.post(f"/cases/{investigating.id}/comments", data={"body": "Когда акт?"})
    assert r.status_code == 303
    [comment] = _comments(db, investigating)
    assert comment.visibility.value == "everyone"
    assert {"member@example.kg", "inspector@example.kg"} <= set(_by_rcpt(smtp))


def test_a_member_chooses_who_reads_the_comment(db, world, investigating, client_for, smtp):
    member = client_for(world.member)
    form = member.get(f"/cases/{investigating.id}").text.split('id="comment-form"')[1]
    assert 'name="visibility"' in form and 'value="everyone"' in form
    r = member.post(
        f"/cases/{investigating.id}/comments", data={"body": "Для всех.", "visibility": "everyone"}
    )
    assert r.status_code == 303
    r = member.post(
        f"/cases/{investigating.id}/comments", data={"body": "Неизвестно.", "visibility": "all"}
    )
    assert r.status_code == 303
    assert [(c.body, c.visibility.value) for c in _comments(db, investigating)] == [
        ("Для всех.", "everyone")
    ]
