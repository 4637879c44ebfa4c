"""Sending a ready package through the insurer's channels, and telling the employer the answer.

Each channel is a `Delivery` of the package with every attempt recorded. The e-mail and the
webhook are background jobs: an attempt that fails is recorded with its HTTP status and a fixed
reason (`DeliveryError`; the details go to the log only) and the job is retried with exponential
back-off (jobs.py); after the last attempt the delivery shows failed. An address the service may
not call fails at once: asking again gives the same answer.

The webhook POSTs the package (its JSON document, its manifest and a download address for every
file) signed with HMAC-SHA256 over the timestamp and the body (incidents/webhooks.py)."""

from __future__ import annotations

import http.client
import json
import ssl

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from .. import jobs, netguard, webhooks
from ..extensions import db
from ..mail import send_mail
from ..models import (
    Delivery,
    DeliveryAttempt,
    DeliveryError,
    DeliveryStatus,
    InsurerPackage,
)
from ..models.timeutil import to_local, utcnow
from .packages import file_named, read_file


class DeliveryFailed(RuntimeError):
    """One attempt failed; the job is retried. The message is the fixed reason."""


class DeliveryRefused(DeliveryFailed, jobs.GiveUp):
    """The address may not be called: the job fails now, without retries."""


def _base() -> str:
    return (current_app.config.get("BASE_URL") or "http://127.0.0.1:5000").rstrip("/")


def inbox_url(package: InsurerPackage) -> str:
    return f"{_base()}/insurer/packages/{package.uid}"


def file_url(package: InsurerPackage, name: str) -> str:
    return f"{_base()}/api/v1/packages/{package.uid}/files/{name}"


def _attempt(
    delivery: Delivery, ok: bool, http_status: int | None = None, error: DeliveryError | None = None
) -> None:
    delivery.attempts.append(
        DeliveryAttempt(
            number=len(delivery.attempts) + 1,
            at=utcnow(),
            ok=ok,
            http_status=http_status,
            error=error.value if error else None,
        )
    )
    if ok:
        delivery.status, delivery.delivered_at = DeliveryStatus.delivered, utcnow()


def give_up(delivery_id: int, error: str) -> None:
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is not None and delivery.status == DeliveryStatus.pending:
        delivery.status = DeliveryStatus.failed


def _load(delivery_id: int) -> Delivery | None:
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.pending:
        return None  # delivered already (a duplicate of the job) or given up
    return delivery


def _fail(
    delivery: Delivery,
    reason: DeliveryError,
    http_status: int | None = None,
    detail: object = None,
):
    """Record the failed attempt in its own commit (the job's retry must not erase it); the
    detail (an exception) goes to the operator's log, never into the row."""
    current_app.logger.warning(
        "delivery %s (%s) failed: %s%s",
        delivery.id,
        delivery.channel.value,
        reason.value,
        f" ({detail!r})" if detail is not None else "",
    )
    _attempt(delivery, False, http_status, reason)
    db.session.commit()
    refused = reason == DeliveryError.address_not_allowed
    raise (DeliveryRefused if refused else DeliveryFailed)(reason.value)


# -- e-mail ---------------------------------------------------------------------------------


def package_mail(package: InsurerPackage) -> tuple[str, str]:
    """(subject, body) in Russian and in Kyrgyz: the mailbox may be read by either."""
    case = package.case
    subjects, bodies = [], []
    for language in ("ru", "ky"):
        with force_locale(language):
            subjects.append(_("Case %(number)s: documents for the insurer", number=case.number))
            bodies += [
                _(
                    "%(employer)s has sent the act and the notices of accident case %(number)s "
                    "(accident of %(date)s, policy %(policy)s) for your decision on the "
                    "insurance payment.",
                    employer=case.organisation.name,
                    number=case.number,
                    date=to_local(case.occurred_at).strftime("%d.%m.%Y"),
                    policy=package.policy.number,
                ),
                _(
                    "Open the package, download the files and acknowledge it: %(url)s",
                    url=inbox_url(package),
                ),
                "",
            ]
    return " / ".join(dict.fromkeys(subjects)), "\n".join(bodies)


def deliver_email(delivery_id: int) -> None:
    delivery = _load(delivery_id)
    if delivery is None:
        return
    subject, body = package_mail(delivery.package)
    try:
        send_mail(
            [a.strip() for a in (delivery.target or "").split(",") if a.strip()], subject, body
        )
    except Exception as exc:  # noqa: BLE001 - SMTP errors of every kind are one failed attempt
        _fail(delivery, DeliveryError.mail_not_sent, detail=exc)
    _attempt(delivery, True)


# -- webhook --------------------------------------------------------------------------------


def webhook_body(delivery: Delivery) -> bytes:
    package = delivery.package
    payload = {
        "event": "package.ready",
        "delivery": delivery.id,
        "package": {
            "uid": package.uid,
            "version": package.version,
            "case_id": package.case_id,
            "case_number": package.case.number,
            "ready_at": package.ready_at.isoformat() + "Z" if package.ready_at else None,
            "manifest_sha256": package.manifest_sha256,
            "pdf_note": package.pdf_note,
        },
        "manifest": json.loads(read_file(file_named(package, "manifest.json"))),
        "data": json.loads(read_file(file_named(package, "package.json"))),
        "files": [
            {
                "name": f.name,
                "sha256": f.sha256,
                "size": f.size,
                "media_type": f.media_type,
                "url": file_url(package, f.name),
            }
            for f in package.files
        ],
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()


def deliver_webhook(delivery_id: int) -> None:
    delivery = _load(delivery_id)
    if delivery is None:
        return
    insurer = delivery.package.insurer
    body = webhook_body(delivery)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "incidents-webhook/1",
        webhooks.EVENT_HEADER: "package.ready",
        webhooks.DELIVERY_HEADER: str(delivery.id),
        webhooks.SIGNATURE_HEADER: webhooks.sign(insurer.webhook_secret, body),
    }
    timeout = current_app.config["WEBHOOK_TIMEOUT_SECONDS"]
    try:
        status = netguard.post(delivery.target, body, headers, timeout)
    except netguard.Refused as exc:
        _fail(delivery, DeliveryError.address_not_allowed, detail=exc)
    except (OSError, http.client.HTTPException) as exc:
        _fail(delivery, _reason(exc), detail=exc)
    if 300 <= status < 400:
        _fail(delivery, DeliveryError.redirect_not_followed, status)
    if not 200 <= status < 300:
        _fail(delivery, DeliveryError.http_error, status)
    _attempt(delivery, True, status)


def _reason(exc: Exception) -> DeliveryError:
    """The fixed reason of a webhook that got no answer."""
    if isinstance(exc, netguard.Unresolved):
        return DeliveryError.host_not_found
    if isinstance(exc, ConnectionRefusedError):
        return DeliveryError.connection_refused
    if isinstance(exc, TimeoutError):
        return DeliveryError.timeout
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return DeliveryError.tls_failed
    return DeliveryError.connection_failed
