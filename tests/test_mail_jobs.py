"""Every mail is a background job queued in the request's transaction: a rollback sends nothing,
a mail server that is down fails the job (retried with back-off, shown at /admin/jobs), never
the request, and the HTML form and the API queue the same mails for the same step."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from incidents import jobs
from incidents.mail import queue_mail
from incidents.models import Job, JobStatus, Role, User
from incidents.models.timeutil import utcnow
from incidents.services import signing

from . import factories
from .smtp import free_port, smtp_server
from .test_insurer_packages import built, notified_case


@pytest.fixture
def smtp(app):
    with smtp_server() as server:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
        yield server


def _mail_jobs(db) -> list[Job]:
    return db.session.scalars(db.select(Job).where(Job.name == "send_mail").order_by(Job.id)).all()


# -- (1) a rollback sends nothing -----------------------------------------------------------


def test_a_request_that_fails_after_queueing_a_mail_sends_nothing(app, db, world, client_for, smtp):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error page answers

    @app.post("/_test/mail-then-fail")
    def _mail_then_fail():
        queue_mail([world.head.email], "Не должно уйти", "Тело")
        db.session.flush()  # the job row is written in this transaction...
        raise RuntimeError("a bug after the mail was queued")  # ...which then rolls back

    assert client_for(world.specialist).post("/_test/mail-then-fail").status_code == 500
    assert _mail_jobs(db) == []
    assert jobs.run_due() == 0
    assert smtp.messages == []


# -- (2) the mail server is down ------------------------------------------------------------


def test_with_the_mail_server_down_the_request_succeeds_and_the_job_retries(
    app, db, world, client_for
):
    admin = factories.make_user(Role.admin, None, "admin@example.kg")
    db.session.commit()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), JOB_BACKOFF_SECONDS=60)

    r = client_for(world.specialist).post(
        "/password/forgot", data={"email": world.head.email}
    )  # any form that mails: the password reset of another account
    assert r.status_code == 200
    [job] = _mail_jobs(db)
    assert job.status == JobStatus.queued and json.loads(job.args)[0] == [world.head.email]

    assert jobs.run_due() == 1  # the server is down: the attempt fails...
    db.session.refresh(job)
    assert job.status == JobStatus.queued and job.attempts == 1  # ...and waits its back-off
    assert "ConnectionRefusedError" in job.last_error
    assert job.run_at > utcnow() + timedelta(seconds=30)
    assert jobs.run_due() == 0  # not due yet
    page = client_for(admin).get("/admin/jobs").text
    assert "send_mail" in page and "ConnectionRefusedError" in page
    link = _reset_link(job)
    assert world.head.email in page and link not in page  # the admin never sees the link

    with smtp_server() as server:  # the server is back, the back-off has passed
        app.config["MAIL_PORT"] = server.port
        db.session.execute(update(Job).values(run_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        assert jobs.run_due() == 1
        [mail] = server.messages
    db.session.refresh(job)
    assert job.status == JobStatus.done and job.attempts == 2
    assert mail.rcpt == [world.head.email] and link in mail.msg.get_content()
    assert link not in job.args  # sent: the database keeps no usable link
    assert json.loads(job.args) == [[world.head.email], mail.msg["Subject"], ""]


def _reset_link(job: Job) -> str:
    [link] = re.findall(r"https?://\S+/password/reset/\S+", json.loads(job.args)[2])
    return link


def test_a_mail_failed_for_good_is_run_again_from_admin_jobs(app, db, world, client_for):
    admin = factories.make_user(Role.admin, None, "admin@example.kg")
    db.session.commit()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), JOB_BACKOFF_SECONDS=0)
    assert client_for(world.head).post("/password/forgot", data={"email": world.head.email})
    assert jobs.run_due() == app.config["JOB_MAX_ATTEMPTS"]  # every attempt, then failed
    [job] = _mail_jobs(db)
    assert job.status == JobStatus.failed
    admin_client = client_for(admin)
    page = admin_client.get("/admin/jobs").text
    assert f'data-job="{job.id}"' in page  # among the failed, with its "Run again" button

    with smtp_server() as server:
        app.config["MAIL_PORT"] = server.port
        r = admin_client.post(f"/admin/jobs/{job.id}/retry")
        assert r.status_code == 303
        assert jobs.run_due() == 1
        assert [m.rcpt for m in server.messages] == [[world.head.email]]
    db.session.refresh(job)
    assert job.status == JobStatus.done


# -- (3) the form and the API queue the same mails ------------------------------------------


def _ready_to_draft(db, world):
    """A light case under investigation with its findings; the chair's account is world.member
    (in Kyrgyz), the second member's world.inspector."""
    case = factories.make_case(world)
    factories.advance_to(case, world, "investigating")
    chair, second, _third = case.commission
    chair.user_id, second.user_id = world.member.id, world.inspector.id
    world.member.language = "ky"
    factories.add_findings(case, world.specialist)
    db.session.commit()
    return case


def _drafted(db, world):
    case = _ready_to_draft(db, world)
    factories.advance_to(case, world, "act_drafted")
    signing.sign(case, world.member, factories.PASSWORD)
    signing.sign(case, world.inspector, factories.PASSWORD)
    db.session.commit()
    return case


def _queued_since(db, first_id: int, case) -> list[tuple]:
    """The mails queued after job `first_id`, with the case's number and id made neutral."""
    out = []
    for job in _mail_jobs(db):
        if job.id <= first_id:
            continue
        to, subject, body = json.loads(job.args)
        subject = subject.replace(case.number, "N")
        body = re.sub(rf"/cases/{case.id}\b", "/cases/ID", body.replace(case.number, "N"))
        out.append((tuple(to), subject, body))
    return sorted(out)


def _last_job_id(db) -> int:
    return db.session.scalar(db.select(db.func.max(Job.id))) or 0


def _api(client, user):
    r = client.post("/api/v1/tokens", json={"email": user.email, "password": factories.PASSWORD})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.get_json()['token']}"}


@pytest.mark.parametrize(
    ("trigger", "make", "actor"),
    [("draft_act", _ready_to_draft, "specialist"), ("approve_act", _drafted, "head")],
)
def test_a_trigger_through_the_form_and_the_api_queues_the_same_mails(
    app, db, world, client_for, trigger, make, actor
):
    user: User = getattr(world, actor)
    by_form, by_api = make(db, world), make(db, world)

    first = _last_job_id(db)
    r = client_for(user).post(
        f"/cases/{by_form.id}/fire/{trigger}", data={"version": by_form.version}
    )
    assert r.status_code == 303
    form_mails = _queued_since(db, first, by_form)

    first = _last_job_id(db)
    client = app.test_client()
    r = client.post(
        f"/api/v1/cases/{by_api.id}/triggers/{trigger}",
        json={"version": by_api.version},
        headers=_api(client, user),
    )
    assert r.status_code == 200, r.text
    api_mails = _queued_since(db, first, by_api)

    assert form_mails and form_mails == api_mails
    expected = {world.member.email, world.inspector.email}
    assert {to for (to,), _s, _b in api_mails} == expected


def test_a_reissued_act_is_mailed_through_the_form_and_the_api_alike(app, db, world, client_for):
    """Removing a cause of a drafted act issues a new version to sign: both doors ask again."""
    by_form, by_api = _ready_to_draft(db, world), _ready_to_draft(db, world)
    for case in (by_form, by_api):
        factories.advance_to(case, world, "act_drafted")
    db.session.commit()

    first = _last_job_id(db)
    cause = by_form.causes[0]
    r = client_for(world.specialist).post(
        f"/cases/{by_form.id}/causes/{cause.id}/remove", data={"version": by_form.version}
    )
    assert r.status_code == 302
    form_mails = _queued_since(db, first, by_form)

    first = _last_job_id(db)
    client = app.test_client()
    cause = by_api.causes[0]
    r = client.delete(
        f"/api/v1/cases/{by_api.id}/causes/{cause.id}",
        json={"version": by_api.version},
        headers=_api(client, world.specialist),
    )
    assert r.status_code == 200, r.text
    api_mails = _queued_since(db, first, by_api)

    assert form_mails and form_mails == api_mails
    assert {to for (to,), _s, _b in api_mails} == {world.member.email, world.inspector.email}


@pytest.mark.parametrize("kind", ["acknowledged", "rejected"])
def test_the_insurers_answer_through_the_inbox_and_the_api_queues_the_same_mails(
    app, db, world, client_for, kind
):
    app.config["SOFFICE_BINARY"] = ""  # the DOCX files are enough for a package here
    by_form = built(notified_case(world, db))
    by_api = built(notified_case(world, db))
    answer = {"answer": kind, "reason": "Нет заключения МСЭК" if kind == "rejected" else None}

    first = _last_job_id(db)
    data = {k: v for k, v in answer.items() if v is not None}
    r = client_for(world.insurer).post(f"/insurer/packages/{by_form.uid}/answer", data=data)
    assert r.status_code == 303
    form_mails = _queued_since(db, first, by_form.case)

    first = _last_job_id(db)
    client = app.test_client()
    r = client.post(
        f"/api/v1/packages/{by_api.uid}/acknowledgement",
        json=answer,
        headers=_api(client, world.insurer),
    )
    assert r.status_code == 200, r.text
    api_mails = _queued_since(db, first, by_api.case)

    assert form_mails and form_mails == api_mails
    assert {to for (to,), _s, _b in api_mails} == {world.specialist.email, world.head.email}
