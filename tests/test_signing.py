"""Signing the drafted act: every member with an account signs the exact files of one version
(password re-entered), optionally with a dissenting opinion; a change of the act voids the
round; the head approves only when every such signature is in."""

from __future__ import annotations

import hashlib

import pytest

from doc_templates import docx_text
from incidents.models import DocumentKind, Signature
from incidents.services import cases, documents, signing
from incidents.services.errors import Blocked, Forbidden, Invalid, WrongState
from workflows import accident

from .factories import PASSWORD, advance_to, make_case

DISSENT = "Не согласен с п. 9: доска была закреплена.\n\nОбоснование: протокол осмотра № 3."


@pytest.fixture
def drafted(db, world):
    """A light case with its act drafted; the chair's account is world.member, the second
    member's world.inspector; the third member has no account (signs on paper)."""
    case = make_case(world)
    advance_to(case, world, "investigating")
    chair, second, _third = case.commission
    chair.user_id = world.member.id
    second.user_id = world.inspector.id
    db.session.flush()
    advance_to(case, world, "act_drafted")
    db.session.commit()
    return case


def _signatures(db, case) -> list[Signature]:
    return list(
        db.session.execute(
            db.select(Signature).where(Signature.case_id == case.id).order_by(Signature.id)
        ).scalars()
    )


def _act_files(case) -> str:
    kinds = {k.value for k in accident.ACTS}
    return ",".join(sorted(d.sha256 for d in case.current_documents() if d.kind in kinds))


def _approve_blocked(case, world) -> bool:
    reason = str(accident.ALL_SIGNED.reason)
    return reason in [str(r) for r in accident.blockers(case, "approve_act")]


def test_drafting_opens_the_first_round(drafted):
    assert drafted.signing_round == 1
    assert signing.current_signatures(drafted) == []
    states = {row["member"].full_name: row["state"] for row in signing.board(drafted)}
    assert sorted(states.values()) == ["paper", "unsigned", "unsigned"]


def test_approval_waits_for_every_member_with_an_account(db, world, drafted):
    assert _approve_blocked(drafted, world)
    with pytest.raises(Blocked):
        cases.advance(drafted, world.head, "approve_act")
    db.session.rollback()

    signing.sign(drafted, world.member, PASSWORD)
    db.session.commit()
    assert _approve_blocked(drafted, world)
    assert [m.user_id for m in signing.missing_signers(drafted)] == [world.inspector.id]

    signing.sign(drafted, world.inspector, PASSWORD)
    db.session.commit()
    signed = [t for t in drafted.transitions if t.trigger == "sign"]
    assert [t.actor for t in signed] == [world.member, world.inspector]
    assert all(t.from_state == t.to_state == "act_drafted" for t in signed)
    # the third member has no account: they sign the printed act and do not block
    assert not _approve_blocked(drafted, world)
    cases.advance(drafted, world.head, "approve_act")
    db.session.commit()
    assert drafted.status.value == "act_approved"
    with pytest.raises(WrongState):  # the approved act is not signed any more
        signing.sign(drafted, world.member, PASSWORD)


def test_wrong_password_is_refused_and_changes_nothing(db, world, drafted):
    version = drafted.version
    with pytest.raises(Invalid) as refused:
        signing.sign(drafted, world.member, "not my password")
    assert refused.value.field == "password"
    db.session.rollback()
    assert _signatures(db, drafted) == []
    assert drafted.version == version


def test_signing_twice_is_refused(db, world, drafted):
    signing.sign(drafted, world.member, PASSWORD)
    db.session.commit()
    with pytest.raises(WrongState):
        signing.sign(drafted, world.member, PASSWORD)
    db.session.rollback()
    assert len(_signatures(db, drafted)) == 1


@pytest.mark.parametrize("who", ["specialist", "head", "union"])
def test_only_a_member_with_an_account_signs(db, world, drafted, who):
    with pytest.raises(Forbidden):
        signing.sign(drafted, getattr(world, who), PASSWORD)
    db.session.rollback()
    assert _signatures(db, drafted) == []


def test_a_removed_member_cannot_sign(db, world, drafted):
    drafted.commission[1].removed_at = drafted.updated_at
    db.session.flush()
    with pytest.raises(Forbidden):
        signing.sign(drafted, world.inspector, PASSWORD)


def test_a_signature_records_the_exact_act_files(db, world, drafted):
    signature = signing.sign(drafted, world.member, PASSWORD)
    db.session.commit()
    files = _act_files(drafted)
    assert signature.documents_sha256 == files
    shas = files.split(",")
    # a light case: Act N-1 in ru and ky (no investigation act)
    assert len(shas) == 2 and shas == sorted(shas)
    for sha in shas:
        assert hashlib.sha256(documents.read_stored(sha)).hexdigest() == sha
    assert signature.round == 1 and signature.user_id == world.member.id
    assert signature.member_id == drafted.commission[0].id


def test_a_dissent_is_issued_in_both_languages(db, world, drafted):
    signature = signing.sign(drafted, world.inspector, PASSWORD, dissent=f"  {DISSENT}  ")
    db.session.commit()
    assert signature.dissent == DISSENT
    member = drafted.commission[1]
    docs = [d for d in drafted.current_documents() if d.kind == DocumentKind.dissent.value]
    assert sorted(d.language for d in docs) == ["ky", "ru"]
    assert signing.dissent_documents(drafted, member) == docs
    assert signing.dissent_documents(drafted, drafted.commission[0]) == []
    for doc in docs:
        assert f"-m{member.id}-" in doc.filename and doc.version == 1
        text = docx_text(documents.read(doc))
        assert "Не согласен с п. 9: доска была закреплена." in text
        assert "Обоснование: протокол осмотра № 3." in text
        assert member.full_name in text and member.position in text
        assert drafted.number in text
        assert ("ОСОБОЕ МНЕНИЕ" if doc.language == "ru" else "ӨЗГӨЧӨ ПИКИР") in text
    states = {row["member"].id: row["state"] for row in signing.board(drafted)}
    assert states[member.id] == "dissent"
    assert states[drafted.commission[0].id] == "unsigned"


def test_a_change_of_the_act_voids_every_signature(db, world, drafted):
    signing.sign(drafted, world.member, PASSWORD)
    signing.sign(drafted, world.inspector, PASSWORD, dissent=DISSENT)
    db.session.commit()
    signed_files = _act_files(drafted)
    assert not _approve_blocked(drafted, world)

    cases.update_findings(drafted, world.specialist, {"equipment": "Леса ЛСП-60"}, None)
    db.session.commit()

    assert drafted.signing_round == 2
    old = _signatures(db, drafted)
    assert len(old) == 2 and all(s.voided_at is not None for s in old)
    assert signing.current_signatures(drafted) == []
    assert _approve_blocked(drafted, world)
    assert _act_files(drafted) != signed_files  # the acts were reissued
    # the dissent was about the old version: no longer current
    assert not [d for d in drafted.current_documents() if d.kind == DocumentKind.dissent.value]
    last = drafted.transitions[-1]
    assert (last.trigger, last.from_state, last.to_state) == (
        "signatures_voided",
        "act_drafted",
        "act_drafted",
    )
    assert last.actor == world.specialist and last.comment is None

    # a second change before anyone signed: a new round, but nothing to record as voided
    cases.update_findings(drafted, world.specialist, {"equipment": "Леса ЛСП-80"}, None)
    db.session.commit()
    assert drafted.signing_round == 3
    assert [t.trigger for t in drafted.transitions].count("signatures_voided") == 1

    first = signing.sign(drafted, world.member, PASSWORD)
    signing.sign(drafted, world.inspector, PASSWORD)
    db.session.commit()
    assert first.round == 3 and first.documents_sha256 == _act_files(drafted)
    cases.advance(drafted, world.head, "approve_act")
    db.session.commit()
    assert drafted.status.value == "act_approved"


def test_reopening_and_redrafting_starts_a_new_round(db, world, drafted):
    signing.sign(drafted, world.member, PASSWORD)
    signing.sign(drafted, world.inspector, PASSWORD)
    cases.advance(drafted, world.head, "approve_act")
    cases.advance(drafted, world.head, "reopen", comment="Новые обстоятельства")
    cases.advance(drafted, world.specialist, "draft_act")
    db.session.commit()
    assert drafted.signing_round == 2
    assert all(s.voided_at is not None for s in _signatures(db, drafted))
    assert _approve_blocked(drafted, world)


# -- over HTTP ---------------------------------------------------------------------------


def _reload(db, case):
    db.session.expire_all()
    return db.session.get(type(case), case.id)


def test_the_sign_form(db, world, drafted, client_for):
    member = client_for(world.member)
    page = member.get(f"/cases/{drafted.id}").text
    assert 'id="signatures"' in page and 'id="sign-form"' in page
    assert page.count('data-state="unsigned"') == 2 and 'data-state="paper"' in page

    r = member.post(f"/cases/{drafted.id}/sign", data={"password": "wrong"})
    assert r.status_code == 303
    assert _signatures(db, drafted) == []

    r = member.post(f"/cases/{drafted.id}/sign", data={"password": PASSWORD, "dissent": DISSENT})
    assert r.status_code == 303 and r.headers["Location"].endswith("#signatures")
    case = _reload(db, drafted)
    [signature] = _signatures(db, case)
    assert signature.user_id == world.member.id and signature.dissent == DISSENT
    assert signature.documents_sha256 == _act_files(case)

    page = member.get(f"/cases/{case.id}").text
    assert 'id="sign-form"' not in page  # signed already
    assert 'data-state="dissent"' in page
    assert page.count("/documents/") >= 2  # the dissent files are linked from the card

    # a second signature by the same member is refused
    member.post(f"/cases/{case.id}/sign", data={"password": PASSWORD})
    assert len(_signatures(db, case)) == 1


def test_the_sign_form_is_for_members_only(db, world, drafted, client_for):
    specialist = client_for(world.specialist)
    page = specialist.get(f"/cases/{drafted.id}").text
    assert 'id="signatures"' in page and 'id="sign-form"' not in page
    r = specialist.post(f"/cases/{drafted.id}/sign", data={"password": PASSWORD})
    assert r.status_code == 403
    # another organisation's specialist does not see the case at all
    assert (
        client_for(world.stranger)
        .post(f"/cases/{drafted.id}/sign", data={"password": PASSWORD})
        .status_code
        == 404
    )
    assert _signatures(db, drafted) == []


LOCKED = "Слишком много неудачных попыток"  # the login page's words, in Russian


def test_wrong_signing_passwords_count_as_failed_logins(app, db, world, drafted, client_for):
    """Guessing the password on the signing form is guessing the login's: each wrong one is a
    failed login for the member's address, and once that is locked the act is not signed, with
    the right password either, and the login page is locked too."""
    member = client_for(world.member)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        r = member.post(
            f"/cases/{drafted.id}/sign", data={"password": "guess"}, follow_redirects=True
        )
        assert "Неверный пароль" in r.text
    r = member.post(f"/cases/{drafted.id}/sign", data={"password": PASSWORD}, follow_redirects=True)
    assert LOCKED in r.text
    assert _signatures(db, drafted) == []
    login = app.test_client().post(
        "/login", data={"email": world.member.email, "password": PASSWORD}
    )
    assert login.status_code == 429 and LOCKED in login.text
    # the other member of the commission signs as before
    inspector = client_for(world.inspector)
    inspector.post(f"/cases/{drafted.id}/sign", data={"password": PASSWORD})
    assert [s.user_id for s in _signatures(db, drafted)] == [world.inspector.id]


def test_a_right_signing_password_clears_the_count(app, db, world, drafted, client_for):
    """As at the login: failures short of the limit, then the right password, start again."""
    member = client_for(world.member)
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        member.post(f"/cases/{drafted.id}/sign", data={"password": "guess"})
    member.post(f"/cases/{drafted.id}/sign", data={"password": PASSWORD})
    assert len(_signatures(db, drafted)) == 1
    login = app.test_client().post("/login", data={"email": world.member.email, "password": "x"})
    assert login.status_code == 200 and LOCKED not in login.text


def test_the_edit_form_says_how_many_signatures_saving_voids(db, world, drafted, client_for):
    specialist = client_for(world.specialist)
    page = specialist.get(f"/cases/{drafted.id}/findings").text
    assert "data-voids-signatures" not in page
    signing.sign(drafted, world.member, PASSWORD)
    signing.sign(drafted, world.inspector, PASSWORD)
    db.session.commit()
    page = specialist.get(f"/cases/{drafted.id}/findings").text
    assert 'data-voids-signatures="2"' in page


def test_no_card_before_the_act_is_drafted(db, world, client_for):
    case = make_case(world)
    db.session.commit()
    page = client_for(world.specialist).get(f"/cases/{case.id}").text
    assert 'id="signatures"' not in page
