"""The shared case room: people granted one case, their invitations, and signatures."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .enums import CommentVisibility, db_enum
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


class Evidence(db.Model):
    """A file the commission collected: a photo, a sketch, the medical conclusion, a PDF.
    Stored outside the web root under its SHA-256; the type is read from the content."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # photo, sketch, medical, other
    description: Mapped[str | None] = mapped_column(String(500))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    thumb_sha256: Mapped[str | None] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]

    uploaded_by: Mapped[User | None] = relationship()


class SceneProtocol(db.Model):
    """The protocol of the inspection of the accident scene (docs/procedure.md §5)."""

    __tablename__ = "scene_protocol"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    inspected_on: Mapped[datetime]  # start of the inspection (UTC)
    ended_at: Mapped[datetime | None]
    place: Mapped[str] = mapped_column(String(500))
    inspected_by: Mapped[str] = mapped_column(Text)
    present: Mapped[str | None] = mapped_column(Text)
    conditions: Mapped[str | None] = mapped_column(Text)
    workplace: Mapped[str | None] = mapped_column(Text)
    harmful_object: Mapped[str | None] = mapped_column(Text)  # part, tool or material
    guards: Mapped[str | None] = mapped_column(Text)  # guards and safety devices, their state
    ppe: Mapped[str | None] = mapped_column(Text)
    environment: Mapped[str | None] = mapped_column(Text)  # ventilation, lighting, temperature
    remarks: Mapped[str | None] = mapped_column(Text)
    photo_ids: Mapped[str | None] = mapped_column(String(500))  # evidence ids, comma-separated
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]


class InterviewProtocol(db.Model):
    """The protocol of an interview of the victim, a witness or an official."""

    __tablename__ = "interview_protocol"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    interviewee_kind: Mapped[str] = mapped_column(String(20))  # victim, witness, official
    place: Mapped[str] = mapped_column(String(500))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    interviewer: Mapped[str] = mapped_column(String(300))
    full_name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date | None]
    birth_place: Mapped[str | None] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(String(500))
    citizenship: Mapped[str | None] = mapped_column(String(100))
    occupation: Mapped[str | None] = mapped_column(String(200))
    service: Mapped[str | None] = mapped_column(String(200))
    others_present: Mapped[str | None] = mapped_column(Text)
    rights_explained: Mapped[bool] = mapped_column(default=False)
    statement: Mapped[str] = mapped_column(Text)
    questions_answers: Mapped[str | None] = mapped_column(Text)
    # the interviewee read the protocol and confirmed it
    confirmed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]


class Comment(db.Model):
    """A remark on the case by one of the people working on it."""

    __tablename__ = "case_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # the commission's internal remarks are the default, and what older comments became
    visibility: Mapped[CommentVisibility] = mapped_column(
        db_enum(CommentVisibility, 20),
        default=CommentVisibility.commission,
        server_default=CommentVisibility.commission.name,
    )

    author: Mapped[User] = relationship()
