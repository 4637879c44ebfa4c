"""Outgoing mail: SMTP when MAIL_SERVER is configured, otherwise .eml files in <instance>/mail/.

Every mail is a background job: `queue_mail` adds it in the caller's transaction (a rollback
sends nothing) and the "send_mail" job (incidents/job_table.py) sends it after the commit, retried
with back-off when the server fails and shown at /admin/jobs. Only that job calls `send_mail`.

Config keys (read with config.get, so all are optional):
MAIL_SERVER (None -> write files), MAIL_PORT (25), MAIL_USE_TLS (False: STARTTLS when True),
MAIL_USERNAME, MAIL_PASSWORD (login only when a user name is set),
MAIL_FROM ("incidents@localhost")."""

from __future__ import annotations

import os
import smtplib
import ssl
import tempfile
import uuid
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

from . import jobs

SMTP_TIMEOUT = 30  # seconds: a hung relay must not hang cron forever


def build_message(to: list[str], subject: str, body: str) -> EmailMessage:
    sender = current_app.config.get("MAIL_FROM") or "incidents@localhost"
    msg = EmailMessage(policy=policy.default)  # UTF-8 headers (RFC 2047) and body
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    msg.set_content(body, charset="utf-8")
    return msg


def queue_mail(to: list[str], subject: str, body: str) -> None:
    """Queue one message to every address in `to`, sent once the current transaction commits."""
    if to:
        jobs.enqueue("send_mail", list(to), subject, body)


def sent_args(to: list[str], subject: str, body: str) -> list:
    """What a sent mail's job keeps: the addresses and the subject, not the body (it may hold
    an invitation's or a password reset's single-use link)."""
    return [to, subject, ""]


def send_mail(to: list[str], subject: str, body: str) -> None:
    """Send one message to every address in `to` now. Raises on SMTP errors."""
    if not to:
        return
    msg = build_message(to, subject, body)
    config = current_app.config
    server = config.get("MAIL_SERVER")
    if not server:
        _write_file(msg)
        return
    with smtplib.SMTP(server, int(config.get("MAIL_PORT") or 25), timeout=SMTP_TIMEOUT) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(msg)


def mail_dir() -> Path:
    return Path(current_app.instance_path, "mail")


def _write_file(msg: EmailMessage) -> Path:
    """Write the message atomically: a reader of the folder never sees half a file."""
    folder = mail_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:12]}"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(msg.as_bytes(policy=policy.SMTP))
            fh.flush()
            os.fsync(fh.fileno())
        target = folder / f"{name}.eml"
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    current_app.logger.info("mail written to %s (MAIL_SERVER is not set)", target)
    return target
