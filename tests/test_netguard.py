"""Webhooks go to public addresses only: an insurer's user cannot make the service POST into
its own network (SSRF) — not by a literal address in the form (in any spelling a resolver
accepts), not by a name that resolves to one at delivery time — unless the operator allows that
host. An address refused at delivery fails the delivery at once, without retries."""

from __future__ import annotations

import socket

import pytest

from incidents import netguard
from incidents.models import DeliveryChannel, DeliveryError, DeliveryStatus, Job, JobStatus
from tests.test_insurer_delivery import SECRET, Receiver
from tests.test_insurer_packages import built, notified_case

INSIDE = [
    "http://127.0.0.1:5432/",
    "http://10.0.0.5/in",
    "http://192.168.1.10/hook",
    "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata endpoint
    "http://[::1]:6379/",
    "http://[::ffff:127.0.0.1]/",
    "http://localhost:8080/",
    "http://admin.localhost/",
    "http://0.0.0.0/",
    # the spellings of 127.0.0.1 (and friends) that inet_aton and the resolver accept
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://0x7f.1:8080/",
    "http://LOCALHOST./",
    "http://127.0.0.1./",
    "http://0xa9.0xfe.0xa9.0xfe/",  # 169.254.169.254
    "http://012.0.0.5/",  # 10.0.0.5
    "http://[::ffff:7f00:1]/",
    "http://[::127.0.0.1]/",
    "http://[64:ff9b::a00:5]/",  # NAT64 of 10.0.0.5
]


@pytest.fixture
def strict(app):
    app.config["WEBHOOK_ALLOWED_HOSTS"] = ""
    return app


@pytest.mark.parametrize("url", INSIDE)
def test_the_settings_form_refuses_addresses_inside_the_network(strict, world, client_for, url):
    world.insurer.language = "ky"
    strict.extensions["sqlalchemy"].session.commit()
    r = client_for(world.insurer).post(
        "/insurer/settings", data={"notice_email": "", "webhook_url": url}
    )
    assert r.status_code == 200
    assert "кызматтын өз тармагында" in r.text  # the Kyrgyz message
    assert world.insurer_org.webhook_url is None


def test_a_public_name_is_accepted_and_an_allowed_host_too(strict, world, client_for):
    c = client_for(world.insurer)
    r = c.post("/insurer/settings", data={"webhook_url": "https://claims.ak-suu.kg/hook"})
    assert r.status_code == 303
    for public in ("http://8.8.8.8/", "http://134744072/", "http://0x8.0x8.0x8.0x8/"):
        netguard.check_literal(public)  # 8.8.8.8 in three spellings: public, so accepted
    strict.config["WEBHOOK_ALLOWED_HOSTS"] = "10.0.0.5, hooks.internal."
    netguard.check_literal("http://10.0.0.5/in")
    netguard.check_literal("http://HOOKS.internal/in")


def test_an_impossible_address_is_not_a_web_address(strict, world, client_for):
    world.insurer.language = "ru"
    strict.extensions["sqlalchemy"].session.commit()
    c = client_for(world.insurer)
    for url in (
        "http://256.0.0.1/",
        "http://1.2.3.4.5/x",
        "http://0x100000000/",
        "http://a:99999/",
    ):
        r = c.post("/insurer/settings", data={"notice_email": "", "webhook_url": url})
        assert r.status_code == 200, url
        assert "Введите правильный веб-адрес." in r.text, url
    assert world.insurer_org.webhook_url is None


def test_an_allowed_host_is_resolved_but_not_checked(strict, monkeypatch):
    monkeypatch.setattr(
        netguard, "lookup", lambda host, port: [(socket.AF_INET, ("10.0.0.7", port))]
    )
    strict.config["WEBHOOK_ALLOWED_HOSTS"] = "hooks.internal"
    assert netguard.resolve("http://hooks.internal/in") == [(socket.AF_INET, ("10.0.0.7", 80))]
    with pytest.raises(netguard.Refused, match="resolves to 10.0.0.7"):
        netguard.resolve("https://hooks.elsewhere/in")


def test_a_name_that_resolves_inside_is_refused_at_delivery(strict):
    host = socket.gethostname()  # this machine's name: /etc/hosts says a loopback address
    with pytest.raises(netguard.Refused, match="not a public address"):
        netguard.resolve(f"http://{host}:8080/hook")
    with pytest.raises(netguard.Refused, match="only http"):
        netguard.resolve("file:///etc/passwd")


def test_the_delivery_never_reaches_a_loopback_receiver_and_fails_at_once(strict, world, db):
    strict.config["SOFFICE_BINARY"] = ""
    receiver = Receiver(SECRET, fail=0)
    try:
        world.insurer_org.webhook_url, world.insurer_org.webhook_secret = receiver.url, SECRET
        db.session.commit()
        package = built(notified_case(world, db))
        [hook] = [d for d in package.deliveries if d.channel == DeliveryChannel.webhook]
        db.session.refresh(hook)
        assert hook.status == DeliveryStatus.failed
        # asking again gives the same answer: one attempt, not WEBHOOK_MAX_ATTEMPTS of them
        assert [(a.ok, a.error) for a in hook.attempts] == [
            (False, DeliveryError.address_not_allowed.value)
        ]
        job = db.session.scalar(db.select(Job).where(Job.name == "deliver_webhook"))
        assert job.status == JobStatus.failed and job.attempts == 1
        assert receiver.calls == 0
    finally:
        receiver.close()
