"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import socket
from contextlib import contextmanager
from email import message_from_bytes, policy
from types import SimpleNamespace

from aiosmtpd.controller import Controller


class Capture:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook name
        msg = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append(SimpleNamespace(rcpt=list(envelope.rcpt_tos), msg=msg))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server():
    """Yields (port, messages); aiosmtpd 1.4 cannot take port=0, so a free port is picked."""
    port = free_port()
    handler = Capture()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SimpleNamespace(port=port, messages=handler.messages)
    finally:
        controller.stop()
