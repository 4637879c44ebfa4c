"""Webhook signatures: HMAC-SHA256 over the timestamp and the body, with a replay window.

The sender puts ``X-Incidents-Signature: t=<unix seconds>,v1=<hex>`` on the request, where
``hex = HMAC-SHA256(secret, "<t>." + body)``. A receiver recomputes it over the raw body, compares
in constant time, refuses a timestamp outside the replay window (default five minutes), and
remembers the ``X-Incidents-Delivery`` ids it has accepted so a captured request replayed inside
the window is refused too. This module is all a receiver in Python needs (README: "Webhooks")."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SIGNATURE_HEADER = "X-Incidents-Signature"
DELIVERY_HEADER = "X-Incidents-Delivery"
EVENT_HEADER = "X-Incidents-Event"
TOLERANCE_SECONDS = 300


class SignatureError(ValueError):
    """Why a webhook request is refused (forged, stale or malformed)."""


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The signature header value for `body` sent at `timestamp` (now by default)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={_mac(secret, timestamp, body)}"


def verify(
    secret: str,
    body: bytes,
    header: str | None,
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> int:
    """Check a signature header; the signed timestamp, or SignatureError saying what is wrong."""
    if not header:
        raise SignatureError("no signature")
    pairs = [p.strip().split("=", 1) for p in header.split(",") if "=" in p]
    try:
        timestamp = int(next(v for k, v in pairs if k == "t"))
    except (StopIteration, ValueError):
        raise SignatureError("no timestamp in the signature") from None
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise SignatureError("the timestamp is outside the replay window")
    expected = _mac(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, v) for k, v in pairs if k == "v1"):
        raise SignatureError("the signature does not match")
    return timestamp
