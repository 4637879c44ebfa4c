"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives.

The application sends every mail as a background job after the commit (incidents/mail.py) and
the tests run the jobs by hand (JOBS_BACKEND "manual"): reading `messages` inside an app first
runs the due jobs, as the job thread would have done by then."""

from __future__ import annotations

import socket
from contextlib import contextmanager
from email import message_from_bytes, policy
from types import SimpleNamespace

from aiosmtpd.controller import Controller
from flask import has_app_context

from incidents import jobs


class Capture:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook name
        msg = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append(SimpleNamespace(rcpt=list(envelope.rcpt_tos), msg=msg))
        return "250 OK"


class Mailbox:
    def __init__(self, port: int, received: list):
        self.port = port
        self._received = received

    @property
    def messages(self) -> list:
        """What the server has received once the due jobs have run."""
        if has_app_context():
            jobs.run_due()
        return self._received


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server():
    """Yields a Mailbox (port, messages); aiosmtpd 1.4 cannot take port=0, so a free port is
    picked."""
    port = free_port()
    handler = Capture()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield Mailbox(port, handler.messages)
    finally:
        controller.stop()
