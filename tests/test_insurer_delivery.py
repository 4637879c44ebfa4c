"""Delivering a package: the signed webhook with retries, the e-mail through a real SMTP server,
a real Redis queue with a worker, and the insurer's system checking every file it receives.
The webhook never follows a redirect, connects to the very address it checked (by IP, with the
host name in the Host header and the TLS check), and never shows anyone what the receiver said."""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis

from incidents import jobs, netguard, webhooks
from incidents.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryChannel,
    DeliveryError,
    DeliveryStatus,
    Job,
    JobStatus,
    PackageStatus,
    Role,
)
from incidents.services import packages as package_service
from tests import factories
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


class Canned:
    """A loopback server that answers every request the same way (optionally over TLS) and
    keeps the Host header of every request it gets, whatever its method."""

    def __init__(self, status: int, headers: dict | None = None, body: bytes = b"", tls=None):
        self.hosts: list[str] = []
        canned = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                self.rfile.read(int(self.headers["Content-Length"] or 0))
                canned.hosts.append(self.headers["Host"])
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_HEAD = do_PUT = do_DELETE = do_POST  # a followed redirect may be any

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}/hooks/incidents"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def calls(self) -> int:
        return len(self.hosts)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def deliver(db, package, url: str) -> Delivery:
    """Send the package's webhook once more, to `url`, and run the job to its end."""
    delivery = Delivery(channel=DeliveryChannel.webhook, target=url, status=DeliveryStatus.pending)
    package.deliveries.append(delivery)
    db.session.flush()
    jobs.enqueue("deliver_webhook", delivery.id)
    db.session.commit()
    jobs.run_due()
    db.session.refresh(delivery)
    return delivery


@pytest.fixture
def ready(app, world, db):
    """A ready package of a notified case (its webhook sent only by `deliver`)."""
    app.config.update(SOFFICE_BINARY="", WEBHOOK_MAX_ATTEMPTS=2)
    world.insurer_org.webhook_secret = SECRET
    return built(notified_case(world, db))


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
    assert hook.attempts[-1].error == DeliveryError.connection_refused.value
    job = db.session.scalar(db.select(Job).where(Job.name == "deliver_webhook"))
    assert job.status == JobStatus.failed
    world.specialist.language = "en"
    db.session.commit()
    page = client_for(world.specialist).get(f"/insurer/packages/{package.uid}").text
    assert 'data-delivery="webhook"' in page and "connection refused" in page


def test_a_redirect_is_a_failed_attempt_and_never_followed(app, world, db, client_for, ready):
    inside = Canned(200)  # an internal service on loopback: it must never be reached
    redirector = Canned(302, {"Location": inside.url}, b"moved to the admin page")
    try:
        hook = deliver(db, ready, redirector.url)
        assert hook.status == DeliveryStatus.failed
        assert [(a.http_status, a.error) for a in hook.attempts] == [
            (302, DeliveryError.redirect_not_followed.value)
        ] * 2
        assert redirector.calls == 2 and inside.calls == 0
        world.insurer.language = "ky"
        db.session.commit()
        page = client_for(world.insurer).get(f"/insurer/packages/{ready.uid}").text
        assert "HTTP 302" in page and "кайра багыттоо аткарылган жок" in page
        assert "admin page" not in page
    finally:
        redirector.close()
        inside.close()


def test_what_the_receiver_said_is_shown_to_nobody(app, world, db, client_for, ready):
    leaky = Canned(500, body=b"postgres password=hunter2 in the stack trace")
    try:
        hook = deliver(db, ready, leaky.url)
    finally:
        leaky.close()
    assert [(a.http_status, a.error) for a in hook.attempts] == [
        (500, DeliveryError.http_error.value)
    ] * 2
    # rows written before the fix hold the answer itself: they are kept but never shown
    hook.attempts.append(
        DeliveryAttempt(number=3, ok=False, http_status=500, error="HTTP 500: hunter2 leaked")
    )
    db.session.add(
        Job(
            name="deliver_webhook",
            args=json.dumps([hook.id]),
            status=JobStatus.failed,
            attempts=6,
            max_attempts=6,
            last_error="incidents.services.deliveries.DeliveryFailed: HTTP 500: hunter2 leaked",
        )
    )
    admin = factories.make_user(Role.admin, None, "admin@example.kg")
    for user in (world.insurer, world.specialist, admin):
        user.language = "ru"
    db.session.commit()
    pages = [
        client_for(world.insurer).get(f"/insurer/packages/{ready.uid}").text,
        client_for(world.specialist).get(f"/insurer/packages/{ready.uid}").text,
        client_for(world.specialist).get(f"/cases/{ready.case_id}").text,
        client_for(admin).get("/admin/jobs").text,
    ]
    assert "HTTP 500 · " in pages[0] and "ответ с ошибкой" in pages[0]
    assert "DeliveryFailed: ответ с ошибкой" in pages[3]
    for page in pages:
        assert "hunter2" not in page and "postgres" not in page


def test_the_webhook_connects_to_the_address_it_checked(app, world, db, monkeypatch, ready):
    """The one DNS lookup is the one the check saw; the connection goes to that IP with the
    insurer's host name in the Host header (a name cannot rebind between check and connect)."""
    lookups = []

    def lookup(host, port):  # claims.ak-suu.kg "resolves" to the loopback receiver
        lookups.append((host, port))
        return [(socket.AF_INET, ("127.0.0.1", port))]

    monkeypatch.setattr(netguard, "lookup", lookup)
    app.config["WEBHOOK_ALLOWED_HOSTS"] = "claims.ak-suu.kg"
    receiver = Canned(204)
    try:
        hook = deliver(db, ready, f"http://claims.ak-suu.kg:{receiver.port}/hooks/incidents")
    finally:
        receiver.close()
    assert hook.status == DeliveryStatus.delivered
    assert receiver.hosts == [f"claims.ak-suu.kg:{receiver.port}"]
    assert lookups == [("claims.ak-suu.kg", receiver.port)]


def _certificate(tmp_path, name: str):
    """A self-signed certificate for `name` (and its key), made by the openssl command."""
    openssl = shutil.which("openssl")
    need(openssl is not None, "openssl")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    options = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    subprocess.run(  # noqa: S603 - a fixed command line
        [openssl, *options, "-keyout", key, "-out", cert, "-subj", f"/CN={name}"]
        + ["-addext", f"subjectAltName=DNS:{name}"],
        check=True,
        capture_output=True,
    )
    return key, cert


def test_https_checks_the_certificate_against_the_host_name(
    app, world, db, monkeypatch, tmp_path, ready
):
    key, cert = _certificate(tmp_path, "claims.ak-suu.kg")
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the test's certificate is trusted
    monkeypatch.setattr(
        netguard, "lookup", lambda host, port: [(socket.AF_INET, ("127.0.0.1", port))]
    )
    app.config["WEBHOOK_ALLOWED_HOSTS"] = "claims.ak-suu.kg, other.ak-suu.kg"
    names = []
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    tls.sni_callback = lambda sock, name, context: names.append(name)
    receiver = Canned(200, tls=tls)
    try:
        good = deliver(db, ready, f"https://claims.ak-suu.kg:{receiver.port}/hooks/incidents")
        wrong = deliver(db, ready, f"https://other.ak-suu.kg:{receiver.port}/hooks/incidents")
    finally:
        receiver.close()
    assert good.status == DeliveryStatus.delivered
    assert receiver.hosts == [f"claims.ak-suu.kg:{receiver.port}"]  # the other never got in
    assert wrong.status == DeliveryStatus.failed
    assert {a.error for a in wrong.attempts} == {DeliveryError.tls_failed.value}
    assert names == ["claims.ak-suu.kg"] + ["other.ak-suu.kg"] * 2  # SNI: the name, not the IP


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
