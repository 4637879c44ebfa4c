"""The shared case room: people granted one case, their invitations, and signatures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .org import User
from .timeutil import utcnow


class CaseParticipant(db.Model):
    """A person granted one case (by an invitation): they see it and nothing else."""

    __tablename__ = "case_participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[str] = mapped_column(String(24))  # a Role value
    commission_member_id: Mapped[int | None] = mapped_column(ForeignKey("commission_member.id"))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Invitation(db.Model):
    """A single-use, expiring link that grants one case in one role. Only its hash is kept."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(24))  # a Role value
    commission_member_id: Mapped[int | None] = mapped_column(ForeignKey("commission_member.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revoked_at: Mapped[datetime | None]


class Signature(db.Model):
    """A commission member's signature on the exact files of one drafted version of the acts."""

    __tablename__ = "signature"
    __table_args__ = (UniqueConstraint("case_id", "round", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    round: Mapped[int]
    member_id: Mapped[int] = mapped_column(ForeignKey("commission_member.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # SHA-256 of each act file signed, sorted and joined: what exactly was signed
    documents_sha256: Mapped[str] = mapped_column(Text)
    dissent: Mapped[str | None] = mapped_column(Text)
    voided_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
