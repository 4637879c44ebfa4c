"""Where the service may send a webhook (not into its own network), and the one way it does.

An insurer's user types the webhook address, so without a check the service could be made to
POST to its own database port, a cloud metadata endpoint or an internal admin page (SSRF).
The address must be http(s), and every address its host resolves to must be public — unless
the operator allows the host (WEBHOOK_ALLOWED_HOSTS) or private networks as a whole
(WEBHOOK_ALLOW_PRIVATE, for a service and insurers on one closed network).

The form checks what it can without DNS: the scheme, localhost, and literal addresses in every
spelling a resolver accepts (`2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1`, a trailing dot).
`post` resolves the host once, checks every address, and connects to one of those very
addresses — the Host header and the TLS certificate check still use the name — so a name cannot
answer the check with a public address and the connection with an inside one (DNS rebinding).
It never follows a redirect and never reads the answer's body: only the status goes back."""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
from urllib.parse import urlsplit

from flask import current_app

_LOCAL_NAMES = ("localhost", "localhost.localdomain")
# IPv6 prefixes that carry an IPv4 address a gateway or the kernel may connect to instead
_EMBEDS_IPV4 = (ipaddress.ip_network("::/96"), ipaddress.ip_network("64:ff9b::/96"))
_IPV4_PART = {
    16: re.compile(r"0[xX]([0-9a-fA-F]*)"),
    8: re.compile(r"0([0-7]+)"),
    10: re.compile(r"(0|[1-9][0-9]*)"),
}


class Refused(Exception):
    """The address may not be called; the message says why (in English, for the log)."""


class Invalid(Refused):
    """Not a web address at all: no http(s) scheme, a bad port, an impossible IP address."""


class Unresolved(OSError):
    """The host name has no address (now): worth another attempt later, unlike `Refused`."""


def _name(host: str) -> str:
    """The host as a resolver reads it: case and a trailing dot do not matter."""
    return host.lower().rstrip(".")


def _allowed_host(host: str) -> bool:
    config = current_app.config
    allowed = config.get("WEBHOOK_ALLOWED_HOSTS") or ()
    if isinstance(allowed, str):
        allowed = allowed.split(",")
    return bool(config.get("WEBHOOK_ALLOW_PRIVATE")) or _name(host) in {
        _name(h.strip()) for h in allowed if h.strip()
    }


def _ipv4_part(part: str) -> int | None:
    for base, pattern in _IPV4_PART.items():
        match = pattern.fullmatch(part)
        if match:
            return int(match.group(1) or "0", base)
    return None


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The address of a host written the way inet_aton reads it (1 to 4 decimal, octal or hex
    numbers, the last filling the remaining bytes); None for a name. A host ending in a number
    is an address or nothing: no top-level domain is a number."""
    parts = host.split(".")
    numbers = [_ipv4_part(p) for p in parts]
    if numbers[-1] is None:
        return None
    if len(parts) > 4 or None in numbers:
        raise Invalid(f"{host} is not a valid address")
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        raise Invalid(f"{host} is not a valid address")
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def _literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return _legacy_ipv4(host)


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return _public(ip.ipv4_mapped)
        if ip.sixtofour:
            return _public(ip.sixtofour) and ip.is_global
        if any(ip in net for net in _EMBEDS_IPV4):
            return _public(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return ip.is_global and not ip.is_multicast


def host_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise Invalid("only http(s) addresses with a host name")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError as exc:
        raise Invalid("the port is not a number from 1 to 65535") from exc
    return parts.hostname


def check_literal(url: str) -> None:
    """The checks that need no DNS: for the form (and again before every delivery)."""
    host = host_of(url)
    if _allowed_host(host):
        return
    name = _name(host)
    if name in _LOCAL_NAMES or name.endswith(".localhost"):
        raise Refused(f"{host} is this machine")
    ip = _literal(name)
    if ip is not None and not _public(ip):
        raise Refused(f"{host} is not a public address")


def lookup(host: str, port: int) -> list[tuple]:
    """Every (family, socket address) of the host: the one DNS lookup of a delivery."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [(family, sockaddr) for family, _type, _proto, _name, sockaddr in infos]


def _port(url: str) -> int:
    parts = urlsplit(url)
    return parts.port or (443 if parts.scheme.lower() == "https" else 80)


def resolve(url: str) -> list[tuple]:
    """Resolve the host once and check every address; the addresses to connect to."""
    check_literal(url)
    host = host_of(url)
    try:
        addresses = lookup(host, _port(url))
    except socket.gaierror as exc:
        raise Unresolved(f"{host} cannot be resolved: {exc}") from exc
    if not addresses:
        raise Unresolved(f"{host} has no address")
    if not _allowed_host(host):
        for _family, sockaddr in addresses:
            if not _public(ipaddress.ip_address(sockaddr[0].split("%", 1)[0])):
                raise Refused(f"{host} resolves to {sockaddr[0]}, which is not a public address")
    return addresses


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to an address checked beforehand, whatever the host name says now."""

    def __init__(self, host: str, port: int, addresses: list[tuple], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses

    def connect(self) -> None:
        error: OSError | None = None
        for family, sockaddr in self.addresses:
            sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            sock.settimeout(self.timeout)
            try:
                sock.connect(sockaddr)
            except OSError as exc:
                sock.close()
                error = exc
                continue
            self.sock = sock
            return
        raise error or OSError("no address to connect to")


class _PinnedHTTPS(_PinnedHTTP):
    """The same over TLS: the certificate is checked against the host name (SNI included)."""

    default_port = http.client.HTTPS_PORT

    def connect(self) -> None:
        super().connect()
        self.sock = ssl.create_default_context().wrap_socket(self.sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST to an allowed address and return the answer's status; a redirect is returned as
    its 3xx status, never followed, and the body of the answer is never read.

    Raises `Refused` for an address that may not be called, and OSError (`Unresolved`,
    ConnectionRefusedError, TimeoutError, ssl.SSLError, …) or http.client.HTTPException when
    no answer came."""
    addresses = resolve(url)
    parts = urlsplit(url)
    pinned = _PinnedHTTPS if parts.scheme.lower() == "https" else _PinnedHTTP
    connection = pinned(parts.hostname, _port(url), addresses, timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()
