"""The tamper-evident audit log: an append-only chain of events, each hashed over the previous
event's hash and its own canonical content (see incidents/audit.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .timeutil import utcnow


class AuditEvent(db.Model):
    """One event. `content` is the canonical JSON that was hashed; `case_id`, `kind` and
    `actor_id` repeat parts of it as columns so the log can be searched; the verifier checks
    that they agree with the content."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(index=True)  # no FK: the log outlives rows
    case_id: Mapped[int | None] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(db.Model):
    """The chain's end (one row): the last sequence number and hash. Writers update it first,
    which serialises appends on every database (a row lock on PostgreSQL, the write lock on
    SQLite), and the verifier compares it with the last event, so a cut-off tail shows."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class AuditCheck(db.Model):
    """One run of the verifier, shown on the administrator's page."""

    __tablename__ = "audit_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    ok: Mapped[bool]
    events: Mapped[int] = mapped_column(BigInteger)
    last_seq: Mapped[int | None] = mapped_column(BigInteger)
    last_hash: Mapped[str | None] = mapped_column(String(64))
    broken_seq: Mapped[int | None] = mapped_column(BigInteger)
    problem: Mapped[str | None] = mapped_column(Text)
    seconds: Mapped[float | None]
