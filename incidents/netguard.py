"""Where the service may send a webhook: not into its own network.

An insurer's user types the webhook address, so without a check the service could be made to
POST to its own database port, a cloud metadata endpoint or an internal admin page (SSRF).
The address must be http(s), and every address its host resolves to must be public — unless
the operator allows the host (WEBHOOK_ALLOWED_HOSTS) or private networks as a whole
(WEBHOOK_ALLOW_PRIVATE, for a service and insurers on one closed network).

The form checks what it can without DNS (the scheme, literal IPs, localhost); the delivery
resolves the host and checks every address right before it connects."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app


class Refused(Exception):
    """The address may not be called; the message says why (in English, for the log)."""


def _allowed_host(host: str) -> bool:
    config = current_app.config
    allowed = config.get("WEBHOOK_ALLOWED_HOSTS") or ()
    if isinstance(allowed, str):
        allowed = [h.strip() for h in allowed.split(",")]
    return config.get("WEBHOOK_ALLOW_PRIVATE") or host.lower() in {h.lower() for h in allowed}


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def host_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise Refused("only http(s) addresses with a host name")
    return parts.hostname


def check_literal(url: str) -> None:
    """The checks that need no DNS: for the form."""
    host = host_of(url)
    if _allowed_host(host):
        return
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(
        ".localhost"
    ):
        raise Refused(f"{host} is this machine")
    try:
        if not _public(host):
            raise Refused(f"{host} is not a public address")
    except ValueError:
        return  # a name: resolved at delivery


def check_resolved(url: str) -> None:
    """Every address the host resolves to must be public (or the host allowed)."""
    host = host_of(url)
    if _allowed_host(host):
        return
    check_literal(url)
    port = urlsplit(url).port or (443 if url.lower().startswith("https") else 80)
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise Refused(f"{host} cannot be resolved: {exc}") from exc
    for info in infos:
        address = info[4][0]
        if not _public(address):
            raise Refused(f"{host} resolves to {address}, which is not a public address")
