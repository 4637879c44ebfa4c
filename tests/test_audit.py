"""The audit chain: what gets recorded, that it verifies, and that tampering with it shows."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import text

from incidents.audit import GENESIS, HardDeleteRefused, chain_hash
from incidents.audit_verify import verify
from incidents.extensions import db as _db
from incidents.models import (
    ApiToken,
    AuditCheck,
    AuditEvent,
    CaseTransition,
    GeneratedDocument,
    Role,
)
from incidents.services import cases
from tests import factories


def _events(**where):
    query = _db.select(AuditEvent).order_by(AuditEvent.seq)
    for key, value in where.items():
        query = query.where(getattr(AuditEvent, key) == value)
    return _db.session.scalars(query).all()


def _verdict():
    with _db.engine.connect() as conn:
        return verify(conn)


@pytest.fixture
def drafted(app, world):
    case = factories.make_case(world)
    factories.advance_to(case, world, "act_drafted")
    _db.session.commit()
    return case


def test_a_case_s_life_is_in_the_chain(app, world, drafted, client_for):
    case = drafted
    events = _events(case_id=case.id)
    kinds = {e.kind for e in events}
    assert {"transition", "document", "change"} <= kinds
    transitions = [json.loads(e.content)["data"] for e in events if e.kind == "transition"]
    logged = _db.session.scalars(
        _db.select(CaseTransition.trigger).where(CaseTransition.case_id == case.id)
    ).all()
    assert [t["values"]["trigger"] for t in transitions] == logged
    assert all(t["values"]["to_state"] for t in transitions)
    # every generated document's SHA-256 is in the chain
    docs = _db.session.scalars(
        _db.select(GeneratedDocument).where(GeneratedDocument.case_id == case.id)
    ).all()
    issued = [json.loads(e.content)["data"] for e in events if e.kind == "document"]
    hashed = {d["values"]["sha256"] for d in issued if d["op"] == "insert"}
    assert {d.sha256 for d in docs} == hashed
    # a download is recorded with who and what
    doc = docs[0]
    r = client_for(world.specialist).get(f"/documents/{doc.id}")
    assert r.status_code == 200
    download = _events(kind="download")[-1]
    assert download.case_id == case.id and download.actor_id == world.specialist.id
    assert json.loads(download.content)["data"] == {
        "file": "document",
        "id": doc.id,
        "sha256": doc.sha256,
    }
    verdict = _verdict()
    assert verdict.ok, verdict.problem
    assert verdict.events == len(_events()) and verdict.last_seq == verdict.events


def test_an_edit_records_old_and_new_values_and_who(app, world):
    case = factories.make_case(world)
    _db.session.commit()
    old_place = case.place
    cases.update_case(case, world.specialist, factories.case_data(place="Цех № 2"), case.version)
    _db.session.commit()
    change = [e for e in _events(case_id=case.id) if '"table":"case_file"' in e.content][-1]
    data = json.loads(change.content)["data"]
    assert data["op"] == "update" and data["row"] == case.id
    assert data["values"]["place"] == [old_place, "Цех № 2"]
    assert change.actor_id is None  # a service call outside a request: the system
    assert _verdict().ok


def test_a_rolled_back_transaction_leaves_no_event(app, world):
    before = len(_events())
    factories.make_case(world)
    _db.session.flush()
    _db.session.rollback()
    _db.session.commit()
    assert len(_events()) == before


def test_secrets_never_enter_the_log(app, world):
    world.insurer_org.webhook_secret = "very-secret-signing-key"
    _db.session.commit()
    contents = " ".join(e.content for e in _events())
    assert "very-secret-signing-key" not in contents
    assert world.specialist.password_hash not in contents
    assert "[secret changed]" in contents


def test_case_data_is_never_hard_deleted(app, world):
    case = factories.make_case(world)
    _db.session.commit()
    _db.session.delete(case.victims[0])
    with pytest.raises(HardDeleteRefused):
        _db.session.flush()
    _db.session.rollback()
    assert case.victims[0].id


def test_the_command_and_the_admin_page_show_the_verdict(app, world, drafted, client_for):
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "audit chain OK" in result.output
    check = _db.session.scalars(_db.select(AuditCheck)).one()
    assert check.ok and check.events == len(_events())

    admin = factories.make_user(Role.admin, None, "admin@example.kg", language="ky")
    _db.session.commit()
    page = client_for(admin).get("/admin/audit")
    assert page.status_code == 200
    assert check.last_hash in page.text
    # the specialist may not see the log
    assert client_for(world.specialist).get("/admin/audit").status_code == 403

    # break a link: the command fails naming it, and the page says so after "verify now"
    victim = _events()[3]
    with _db.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_event SET content = :c WHERE seq = :s"),
            {"c": victim.content.replace('"op"', '"op" ', 1), "s": victim.seq},
        )
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"BROKEN at event {victim.seq}" in result.output
    r = client_for(admin).post("/admin/audit/verify")
    assert r.status_code == 303
    page = client_for(admin).get("/admin/audit").text
    assert f"{victim.seq}" in page and "text-danger" in page


def test_concurrent_commits_keep_one_unbroken_chain(app, world, drafted):
    """Four threads append at once; the head row serialises them (PostgreSQL row lock,
    SQLite write lock), so sequence numbers stay contiguous and every link holds."""
    case_id, user_id = drafted.id, world.specialist.id
    errors = []

    def work(n):
        from incidents.models import Case, User
        from incidents.services import comments

        with app.app_context():
            try:
                for i in range(5):
                    case = _db.session.get(Case, case_id)
                    user = _db.session.get(User, user_id)
                    comments.add(case, user, f"поток {n}, комментарий {i}")
                    _db.session.commit()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    verdict = _verdict()
    assert verdict.ok, verdict.problem
    seqs = [e.seq for e in _events()]
    assert seqs == list(range(1, len(seqs) + 1))
    assert sum('"table":"case_comment"' in e.content for e in _events()) == 20


def test_the_first_event_follows_the_genesis_hash(app, world):
    first = _events()[0]
    assert first.seq == 1 and first.prev_hash == GENESIS
    assert first.hash == chain_hash(GENESIS, first.content)


def test_accepting_an_invitation_is_in_the_chain(app, world):
    """The claim is a conditional Core UPDATE (two clicks, one winner) the ORM does not see;
    the service records it itself."""
    from incidents.services import invitations

    case = factories.make_case(world)
    guest = factories.make_user(Role.victim, None, "guest@example.kg")
    invitation, token = invitations.invite(case, world.specialist, guest.email, "victim")
    _db.session.commit()
    invitations.accept(token, guest)
    _db.session.commit()
    claim = [e for e in _events(case_id=case.id) if '"table":"invitation"' in e.content][-1]
    data = json.loads(claim.content)["data"]
    assert data["op"] == "update" and data["row"] == invitation.id
    assert data["values"]["accepted_by_id"] == [None, guest.id]
    assert _verdict().ok


def _events_after(seq: int) -> list[dict]:
    _db.session.expire_all()
    return [
        {**json.loads(e.content), "actor_id": e.actor_id}
        for e in _db.session.scalars(
            _db.select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq)
        )
    ]


def _last_seq() -> int:
    return _db.session.scalar(_db.select(_db.func.max(AuditEvent.seq))) or 0


def _document_of(case) -> GeneratedDocument:
    return _db.session.scalars(
        _db.select(GeneratedDocument).where(GeneratedDocument.case_id == case.id)
    ).first()


def test_the_api_names_the_token_s_user_as_the_forms_name_the_logged_in_one(
    app, world, client, client_for
):
    """A change, a step and a download through the API are recorded as the token's user's
    (and the token's), just as the same through the forms are the logged-in user's."""
    by_api, by_form = factories.make_case(world), factories.make_case(world)
    for case in (by_api, by_form):
        factories.advance_to(case, world, "commission_formed")
    _db.session.commit()
    r = client.post(
        "/api/v1/tokens", json={"email": world.specialist.email, "password": factories.PASSWORD}
    )
    token = r.get_json()["token"]
    token_id = _db.session.scalar(_db.select(_db.func.max(ApiToken.id)))
    auth = {"Authorization": f"Bearer {token}"}

    mark = _last_seq()
    api = f"/api/v1/cases/{by_api.id}"
    assert client.patch(api, json={"place": "Цех № 7"}, headers=auth).status_code == 200
    r = client.post(f"{api}/triggers/start_investigation", headers=auth)
    assert r.status_code == 200, r.text
    document = _document_of(by_api)
    with client.get(f"/api/v1/documents/{document.id}", headers=auth) as r:
        assert r.status_code == 200
    through_api = _events_after(mark)

    form = client_for(world.specialist)
    mark = _last_seq()
    page = f"/cases/{by_form.id}"
    assert form.post(
        f"{page}/witnesses/new", data={"full_name": "Алмаз Турдубеков"}
    ).status_code in (
        302,
        303,
    )
    assert form.post(f"{page}/fire/start_investigation").status_code == 303
    with form.get(f"/documents/{_document_of(by_form).id}") as r:
        assert r.status_code == 200
    through_form = _events_after(mark)

    for events, token_of in ((through_api, token_id), (through_form, None)):
        assert {"change", "transition", "download"} <= {e["kind"] for e in events}
        for e in events:
            assert e["actor"] == e["actor_id"] == world.specialist.id, e
            assert e.get("token") == token_of, e
    changed = [e["data"]["values"] for e in through_api if e["data"].get("table") == "case_file"]
    assert ["Цех № 7" in str(v.get("place")) for v in changed].count(True) == 1
    verdict = _verdict()
    assert verdict.ok, verdict.problem
