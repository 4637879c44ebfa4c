"""The insurer's answer (acknowledged, or rejected with a reason), once; who may see a package
and who may answer it; the employer told and the answer on the case."""

from __future__ import annotations

import threading
import time
from email import message_from_bytes, policy

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import text

from incidents import jobs
from incidents.audit_verify import verify
from incidents.mail import mail_dir
from incidents.models import AnswerKind, InsurerPackage, OrgKind, Role
from tests import factories
from tests.test_insurer_packages import built, notified_case


@pytest.fixture
def package(app, world, db):
    app.config["SOFFICE_BINARY"] = ""
    return built(notified_case(world, db))


class Api:
    def __init__(self, client, user, scopes=None):
        body = {"email": user.email, "password": factories.PASSWORD}
        if scopes is not None:
            body["scopes"] = scopes
        r = client.post("/api/v1/tokens", json=body)
        assert r.status_code == 201, r.text
        self.client, self.auth = client, {"Authorization": f"Bearer {r.get_json()['token']}"}

    def __call__(self, method, path, **kw):
        return self.client.open(f"/api/v1{path}", method=method, headers=self.auth, **kw)


def _mails() -> list:
    """The mails written to the folder once the due jobs (every mail is one) have run."""
    jobs.run_due()
    return [
        message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted(mail_dir().glob("*.eml"))
    ]


def test_the_insurer_acknowledges_in_the_inbox_and_the_employer_is_told(
    app, world, db, package, client_for
):
    insurer = client_for(world.insurer)
    inbox = insurer.get("/insurer/packages").text
    assert f'data-package="{package.uid}"' in inbox
    before = len(_mails())
    r = insurer.post(f"/insurer/packages/{package.uid}/answer", data={"answer": "acknowledged"})
    assert r.status_code == 303
    db.session.refresh(package)
    assert package.answer == AnswerKind.acknowledged and package.answered_by_id == world.insurer.id
    new = _mails()[before:]
    [told] = [m for m in new if m["To"] == world.specialist.email]
    assert package.case.number in told["Subject"]
    assert "подтвердил получение" in told.get_body().get_content()  # in the specialist's Russian
    page = client_for(world.specialist).get(f"/cases/{package.case_id}").text
    assert 'data-answer="acknowledged"' in page and 'data-event="answer"' in page
    # answered packages leave the "waiting" tab
    assert f'data-package="{package.uid}"' not in insurer.get("/insurer/packages").text
    assert f'data-package="{package.uid}"' in insurer.get("/insurer/packages?state=answered").text


def test_an_answer_is_given_once_and_a_rejection_needs_a_reason(app, world, db, client, package):
    api = Api(client, world.insurer)
    path = f"/packages/{package.uid}/acknowledgement"
    r = api("POST", path, json={"answer": "rejected"})
    assert r.status_code == 400 and "reason" in r.get_json()["fields"]
    r = api("POST", path, json={"answer": "rejected", "reason": "Нет заключения МСЭК"})
    assert r.status_code == 200 and r.get_json()["answer"]["answer"] == "rejected"
    db.session.refresh(package)
    answered_at = package.answered_at
    r = api("POST", path, json={"answer": "acknowledged"})
    assert r.status_code == 409 and r.get_json()["error"]
    db.session.refresh(package)
    assert (package.answer, package.answered_at) == (AnswerKind.rejected, answered_at)


def test_who_sees_and_who_answers_a_package(app, world, db, client, client_for, package):
    other_insurer = factories.make_org("ЗАО «Башка Камсыздандыруу»", kind=OrgKind.insurer)
    rival = factories.make_user(Role.insurer, other_insurer, "rival@example.kg")
    db.session.commit()
    uid = package.uid
    # another insurer: the package does not exist for them, on every page and endpoint
    assert client_for(rival).get(f"/insurer/packages/{uid}").status_code == 404
    rival_api = Api(client, rival)
    assert rival_api("GET", f"/packages/{uid}").status_code == 404
    assert rival_api("GET", f"/packages/{uid}/files/manifest.json").status_code == 404
    r = rival_api("POST", f"/packages/{uid}/acknowledgement", json={"answer": "acknowledged"})
    assert r.status_code == 404
    assert rival_api("GET", "/packages").get_json()["total"] == 0
    # another employer's staff: nothing either
    assert client_for(world.stranger).get(f"/insurer/packages/{uid}").status_code == 404
    # the employer follows the delivery but does not answer for the insurer
    specialist = client_for(world.specialist)
    assert specialist.get(f"/insurer/packages/{uid}").status_code == 200
    r = specialist.post(f"/insurer/packages/{uid}/answer", data={"answer": "acknowledged"})
    assert r.status_code == 403
    assert specialist.get("/insurer/packages").status_code == 403
    # a token without the packages:ack scope reads but cannot answer
    reader = Api(client, world.insurer, scopes=["packages:read"])
    assert reader("GET", f"/packages/{uid}").status_code == 200
    r = reader("POST", f"/packages/{uid}/acknowledgement", json={"answer": "acknowledged"})
    assert r.status_code == 403 and "packages:ack" in r.get_json()["error"]
    db.session.refresh(package)
    assert package.answer is None  # nothing changed by any refusal


def test_the_insurer_lists_its_packages_through_the_api(app, world, db, client, package):
    api = Api(client, world.insurer)
    listed = api("GET", "/packages?state=open").get_json()
    assert [p["uid"] for p in listed["items"]] == [package.uid]
    detail = api("GET", f"/packages/{package.uid}").get_json()
    assert detail["policy_number"] == "ГО-2026-00417"
    assert {f["role"] for f in detail["files"]} >= {"document", "data", "manifest"}
    assert api("GET", "/packages?state=bogus").status_code == 400


def test_the_insurer_sets_its_channels(app, world, db, client_for):
    insurer = client_for(world.insurer)
    r = insurer.post("/insurer/settings", data={"notice_email": "x", "webhook_url": "ftp://a"})
    assert r.status_code == 200
    db.session.refresh(world.insurer_org)
    assert world.insurer_org.webhook_url is None
    r = insurer.post(
        "/insurer/settings",
        data={"notice_email": "claims@ak-suu.kg", "webhook_url": "https://claims.ak-suu.kg/hook"},
    )
    assert r.status_code == 303
    db.session.refresh(world.insurer_org)
    secret = world.insurer_org.webhook_secret
    assert secret.startswith("whsec_") and secret in insurer.get("/insurer/settings").text
    assert insurer.post("/insurer/settings/secret").status_code == 303
    db.session.refresh(world.insurer_org)
    assert world.insurer_org.webhook_secret != secret
    assert client_for(world.specialist).get("/insurer/settings").status_code == 403


def _hold_package_row(db, package_id: int):
    """A connection holding the package row's write lock (a row lock on PostgreSQL, the write
    lock on SQLite), so answers sent meanwhile all read the package unanswered and then queue
    for the same row: the race of three answers at once, every time."""
    conn = db.engine.connect()
    conn.execute(text("UPDATE insurer_package SET id = id WHERE id = :id"), {"id": package_id})
    return conn


def _wait_until_queued(db, conn, writers: int) -> None:
    if conn.dialect.name != "postgresql":
        time.sleep(2)  # SQLite shows no one waiting for its lock: give them time to get there
        return
    deadline = time.monotonic() + 30
    with db.engine.connect() as probe:
        while time.monotonic() < deadline:
            waiting = probe.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            )
            probe.rollback()  # a transaction sees one snapshot of the activity: take a new one
            if waiting >= writers:
                return
            time.sleep(0.05)
    raise AssertionError(f"{writers} answers never queued for the package")


def test_three_answers_at_once_record_exactly_one(app, world, db, client, client_for, package):
    """Acknowledged and rejected through the API, acknowledged on the insurer's page, all at
    the same moment: one answer is recorded whole (its own reason), the others are told it
    was already answered (409 in the asker's language, a message on the page), and the
    employer gets one letter."""
    uid, path = package.uid, f"/api/v1/packages/{package.uid}/acknowledgement"
    tokens = [Api(client, world.insurer).auth for _ in range(2)]
    page = client_for(world.insurer)
    before = len(_mails())
    calls = {
        "ky": lambda c: c.post(
            path, json={"answer": "acknowledged"}, headers={**tokens[0], "Accept-Language": "ky"}
        ),
        "ru": lambda c: c.post(
            path,
            json={"answer": "rejected", "reason": "Нет заключения МСЭК"},
            headers={**tokens[1], "Accept-Language": "ru"},
        ),
        "page": lambda c: c.post(
            f"/insurer/packages/{uid}/answer", data={"answer": "acknowledged"}
        ),
    }
    clients = {"ky": app.test_client(), "ru": app.test_client(), "page": page}
    results, errors = {}, []

    def answer(name):
        try:
            results[name] = calls[name](clients[name])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append((name, exc))

    lock = _hold_package_row(db, package.id)
    try:
        threads = [threading.Thread(target=answer, args=(name,)) for name in calls]
        for t in threads:
            t.start()
        _wait_until_queued(db, lock, len(threads))
    finally:
        lock.rollback()
        lock.close()
    for t in threads:
        t.join(60)
    assert not errors, errors

    assert results["page"].status_code == 303
    shown = page.get(f"/insurer/packages/{uid}").text  # with the flashed outcome
    with force_locale(world.insurer.language):
        recorded = gettext("Your answer is recorded and the employer is told.")
        refused = gettext("This package has already been answered.")
    assert (recorded in shown) != (refused in shown), shown
    won = [n for n in ("ky", "ru") if results[n].status_code == 200]
    won += ["page"] if recorded in shown else []
    assert len(won) == 1, {n: r.status_code for n, r in results.items()}
    db.session.expire_all()
    package = db.session.get(InsurerPackage, package.id)
    if "ru" in won:
        assert (package.answer, package.answer_reason) == (
            AnswerKind.rejected,
            "Нет заключения МСЭК",
        )
    else:
        assert (package.answer, package.answer_reason) == (AnswerKind.acknowledged, None)
    for lang in {"ky", "ru"} - set(won):
        assert results[lang].status_code == 409, results[lang].text
        with force_locale(lang):
            expected = gettext("This package has already been answered.")
        assert results[lang].get_json()["error"] == expected
    told = [m["To"] for m in _mails()[before:]]
    assert sorted(told) == sorted(set(told)) and world.specialist.email in told  # one each
    # the winner's claim (a Core UPDATE) is in the audit chain as the row now reads
    with db.engine.connect() as conn:
        verdict = verify(conn)
    assert verdict.ok, verdict.problem
