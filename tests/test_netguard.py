"""Webhooks go to public addresses only: an insurer's user cannot make the service POST into
its own network (SSRF) — not by a literal address in the form, not by a name that resolves to
one at delivery time — unless the operator allows that host."""

from __future__ import annotations

import socket

import pytest

from incidents import netguard
from incidents.models import DeliveryChannel, DeliveryStatus
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
    strict.config["WEBHOOK_ALLOWED_HOSTS"] = "10.0.0.5, hooks.internal"
    netguard.check_literal("http://10.0.0.5/in")
    netguard.check_resolved("http://hooks.internal/in")  # allowed: not even resolved


def test_a_name_that_resolves_inside_is_refused_at_delivery(strict):
    host = socket.gethostname()  # this machine's name: /etc/hosts says a loopback address
    with pytest.raises(netguard.Refused, match="not a public address"):
        netguard.check_resolved(f"http://{host}:8080/hook")
    with pytest.raises(netguard.Refused, match="only http"):
        netguard.check_resolved("file:///etc/passwd")


def test_the_delivery_never_reaches_a_loopback_receiver_unless_allowed(strict, world, db):
    strict.config["SOFFICE_BINARY"] = ""
    receiver = Receiver(SECRET, fail=0)
    try:
        world.insurer_org.webhook_url, world.insurer_org.webhook_secret = receiver.url, SECRET
        db.session.commit()
        package = built(notified_case(world, db))
        [hook] = [d for d in package.deliveries if d.channel == DeliveryChannel.webhook]
        db.session.refresh(hook)
        assert hook.status == DeliveryStatus.failed
        assert all("not a public address" in a.error for a in hook.attempts)
        assert receiver.calls == 0
    finally:
        receiver.close()
