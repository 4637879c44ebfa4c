"""Delivering a package: the signed webhook with retries, the e-mail through a real SMTP server,
a real Redis queue with a worker, and the insurer's system checking every file it receives."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis

from incidents import jobs, webhooks
from incidents.models import DeliveryChannel, DeliveryStatus, Job, JobStatus, PackageStatus
from incidents.services import packages as package_service
from tests.conftest import need
from tests.smtp import smtp_server
from tests.test_insurer_packages import built, notified_case

SECRET = webhooks.new_secret()


class Receiver:
    """An insurer's endpoint on loopback: verifies the signature and the replay window,
    refuses a delivery it has already accepted, and fails on purpose the first `fail` times."""

    def __init__(self, secret: str, fail: int = 0):
        self.secret, self.fail = secret, fail
        self.calls, self.accepted, self.refused, self.seen = 0, [], [], set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = receiver.handle(body, self.headers)
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/incidents"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def handle(self, body: bytes, headers) -> int:
        self.calls += 1
        try:
            webhooks.verify(self.secret, body, headers.get(webhooks.SIGNATURE_HEADER))
        except webhooks.SignatureError as exc:
            self.refused.append(str(exc))
            return 401
        delivery = headers.get(webhooks.DELIVERY_HEADER)
        if delivery in self.seen:
            self.refused.append("replayed delivery")
            return 409
        if self.calls <= self.fail:
            return 503  # down for maintenance
        self.seen.add(delivery)
        self.accepted.append((body, dict(headers)))
        return 200

    def post(self, body: bytes, headers: dict) -> int:
        request = urllib.request.Request(  # noqa: S310 - our own loopback server
            self.url, data=body, method="POST", headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(world, db):
    r = Receiver(SECRET, fail=2)
    world.insurer_org.webhook_url, world.insurer_org.webhook_secret = r.url, SECRET
    db.session.commit()
    yield r
    r.close()


def _token(client, world, scopes=None) -> str:
    body = {"email": world.insurer.email, "password": "correct horse battery"}
    if scopes is not None:
        body["scopes"] = scopes
    r = client.post("/api/v1/tokens", json=body)
    assert r.status_code == 201, r.text
    return r.get_json()["token"]


def test_the_webhook_fails_twice_then_delivers_once_and_every_file_checks_out(
    app, world, db, client, receiver
):
    app.config["SOFFICE_BINARY"] = ""  # the PDFs are another test's subject
    case = notified_case(world, db)
    package = built(case)
    [hook] = [d for d in package.deliveries if d.channel == DeliveryChannel.webhook]
    db.session.refresh(hook)
    assert hook.status == DeliveryStatus.delivered
    assert [(a.number, a.ok, a.http_status) for a in hook.attempts] == [
        (1, False, 503),
        (2, False, 503),
        (3, True, 200),
    ]
    assert receiver.calls == 3 and len(receiver.accepted) == 1 and receiver.refused == []

    # the insurer's system: the payload carries the manifest; every file is fetched with a
    # token and checked against it
    body, headers = receiver.accepted[0]
    payload = json.loads(body)
    assert payload["package"]["uid"] == package.uid
    assert payload["data"]["victims"][0]["full_name"] == "Нурбек Үсөнбаев"
    manifest = {f["name"]: f for f in payload["manifest"]["files"]}
    token = _token(client, world, ["packages:read"])
    auth = {"Authorization": f"Bearer {token}"}
    for f in payload["files"]:
        r = client.get(f["url"].removeprefix(app.config["BASE_URL"]), headers=auth)
        assert r.status_code == 200, f["name"]
        digest = hashlib.sha256(r.data).hexdigest()
        if f["name"] != "manifest.json":
            assert digest == manifest[f["name"]]["sha256"], f["name"]
        else:
            assert digest == payload["package"]["manifest_sha256"]

    # forged, stale and replayed requests are refused by the receiver, clearly
    forged = dict(headers, **{webhooks.SIGNATURE_HEADER: webhooks.sign("whsec_wrong", body)})
    assert receiver.post(body, forged) == 401
    stale = dict(
        headers, **{webhooks.SIGNATURE_HEADER: webhooks.sign(SECRET, body, int(time.time()) - 900)}
    )
    assert receiver.post(body, stale) == 401
    tampered = body.replace(b"package.ready", b"package.READY")
    assert receiver.post(tampered, headers) == 401
    assert receiver.post(body, headers) == 409  # the same request again
    assert receiver.refused == [
        "the signature does not match",
        "the timestamp is outside the replay window",
        "the signature does not match",
        "replayed delivery",
    ]
    assert len(receiver.accepted) == 1


def test_a_webhook_that_never_answers_is_marked_failed_after_its_last_attempt(
    app, world, db, client_for
):
    app.config.update(SOFFICE_BINARY="", WEBHOOK_MAX_ATTEMPTS=3)
    dead = Receiver(SECRET)
    world.insurer_org.webhook_url, world.insurer_org.webhook_secret = dead.url, SECRET
    db.session.commit()
    dead.close()  # nobody listens on that port any more
    case = notified_case(world, db)
    package = built(case)
    [hook] = [d for d in package.deliveries if d.channel == DeliveryChannel.webhook]
    db.session.refresh(hook)
    assert hook.status == DeliveryStatus.failed
    assert [a.ok for a in hook.attempts] == [False, False, False]
    assert "Connection refused" in hook.attempts[-1].error
    job = db.session.scalar(db.select(Job).where(Job.name == "deliver_webhook"))
    assert job.status == JobStatus.failed
    page = client_for(world.specialist).get(f"/insurer/packages/{package.uid}").text
    assert 'data-delivery="webhook"' in page and "Connection refused" in page


def test_the_insurer_is_mailed_a_link_to_the_package(app, world, db):
    app.config["SOFFICE_BINARY"] = ""
    world.insurer_org.notice_email = "claims@ak-suu.kg"
    db.session.commit()
    with smtp_server() as smtp:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        case = notified_case(world, db)
        package = built(case)
    [mail] = smtp.messages
    assert mail.rcpt == ["claims@ak-suu.kg"]
    assert case.number in mail.msg["Subject"]
    body = mail.msg.get_body().get_content()
    assert f"/insurer/packages/{package.uid}" in body
    assert "ГО-2026-00417" in body
    assert "тастыктаңыз" in body  # the Kyrgyz half: "acknowledge it"
    [email] = [d for d in package.deliveries if d.channel == DeliveryChannel.email]
    assert email.status == DeliveryStatus.delivered and len(email.attempts) == 1


def test_a_job_goes_through_redis_and_a_worker_runs_it(app, world, db):
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        need(False, "Redis on 127.0.0.1:6379")
    app.config.update(
        SOFFICE_BINARY="", REDIS_URL="redis://127.0.0.1:6379/0", RQ_QUEUE=f"t-{uuid.uuid4().hex}"
    )
    transport = jobs.RQTransport(app)
    manual = app.extensions["incidents_jobs"]
    app.extensions["incidents_jobs"] = transport
    try:
        case = notified_case(world, db)  # the commit hands the build job to Redis
        assert transport.queue.count == 1
        [queued] = transport.queue.jobs
        assert queued.func_name == "incidents.jobs.run_one"
        package_id = package_service.current(case).id
        transport.work(burst=True)
        db.session.expire_all()
        package = package_service.current(case)
        assert package.id == package_id and package.status == PackageStatus.ready
        build = db.session.scalar(db.select(Job).where(Job.name == "build_package"))
        assert build.status == JobStatus.done and build.attempts == 1
        assert transport.queue.count == 0
    finally:
        app.extensions["incidents_jobs"] = manual
        transport.queue.empty()
        transport.queue.delete(delete_jobs=True)


def test_the_embedded_default_runs_jobs_in_a_thread_of_the_web_process(app, world, db):
    app.config.update(SOFFICE_BINARY="", JOB_POLL_SECONDS=0.2)
    manual = app.extensions["incidents_jobs"]
    thread = app.extensions["incidents_jobs"] = jobs.ThreadTransport(app)
    try:
        case = notified_case(world, db)  # the commit wakes the thread
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            db.session.expire_all()
            if package_service.current(case).status == PackageStatus.ready:
                break
            time.sleep(0.1)
        assert package_service.current(case).status == PackageStatus.ready
    finally:
        thread.stop()
        app.extensions["incidents_jobs"] = manual


def test_a_job_left_running_by_a_killed_process_runs_again(app, world, db):
    app.config["SOFFICE_BINARY"] = ""
    case = notified_case(world, db)
    job = db.session.scalar(db.select(Job).where(Job.name == "build_package"))
    job.status, job.attempts = JobStatus.running, 1  # the worker died mid-build
    job.started_at = job.created_at - timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 1)
    db.session.commit()
    assert jobs.run_due() == 0  # not queued: nobody takes it while it may still be running
    assert jobs.recover_stale() == 1
    assert jobs.run_due() >= 1
    db.session.expire_all()
    assert package_service.current(case).status == PackageStatus.ready
