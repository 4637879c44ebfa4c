"""The insurer channel (Law No. 194): policies, the hand-off packages, their deliveries, and
the background jobs that build and deliver them.

Nothing here is hard-deleted: a policy entered by mistake is marked ``removed_at``, a package
of a reopened case is marked ``superseded_at``, every delivery attempt is kept."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .enums import AnswerKind, DeliveryChannel, DeliveryStatus, JobStatus, PackageStatus, db_enum
from .org import Organisation, User
from .timeutil import to_local, utcnow


class Insured:
    """What a Case knows of its employer's insurance."""

    @property
    def policies(self) -> list:
        """The employer's live policies, newest first."""
        from .insurance import Policy

        return list(
            db.session.scalars(
                db.select(Policy)
                .where(Policy.employer_id == self.organisation_id, Policy.removed_at.is_(None))
                .order_by(Policy.valid_from.desc(), Policy.id.desc())
            )
        )

    @property
    def policy(self):
        """The employer's policy that covers the day of the accident (Bishkek time), if any."""
        day = to_local(self.occurred_at).date()
        return next((p for p in self.policies if p.covers(day)), None)


class Policy(db.Model):
    """An employer's liability policy with one insurer, valid from one day to another."""

    __tablename__ = "insurance_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    number: Mapped[str] = mapped_column(String(60))
    valid_from: Mapped[date]
    valid_to: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]

    employer: Mapped[Organisation] = relationship(foreign_keys=[employer_id])
    insurer: Mapped[Organisation] = relationship(foreign_keys=[insurer_id])

    def covers(self, day: date) -> bool:
        return self.removed_at is None and self.valid_from <= day <= self.valid_to


class InsurerPackage(db.Model):
    """What the insurer receives for one case: the JSON document, the acts and notices as DOCX
    and PDF, the attachments and a manifest of SHA-256 hashes. Built by a background job."""

    __tablename__ = "insurer_package"
    __table_args__ = (
        UniqueConstraint("case_id", "version"),
        # "was this case handed to this insurer?" in one lookup: the insurer's case list and
        # statistics ask it of every case they read (with an index on insurer_id alone SQLite
        # scanned all of the insurer's packages for each case: bench/run.py, 7 s at 20,000)
        Index("ix_insurer_package_insurer_id_case_id", "insurer_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)  # the public identifier
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    policy_id: Mapped[int] = mapped_column(ForeignKey("insurance_policy.id"))
    version: Mapped[int]
    status: Mapped[PackageStatus] = mapped_column(db_enum(PackageStatus))
    # why the package carries no PDF (LibreOffice absent or failed), in English for the log
    pdf_note: Mapped[str | None] = mapped_column(Text)
    manifest_sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ready_at: Mapped[datetime | None]
    superseded_at: Mapped[datetime | None]
    # the insurer's answer: acknowledged, or rejected with a reason
    answer: Mapped[AnswerKind | None] = mapped_column(db_enum(AnswerKind))
    answer_reason: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    case = relationship("Case")
    insurer: Mapped[Organisation] = relationship(foreign_keys=[insurer_id])
    policy: Mapped[Policy] = relationship()
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    files: Mapped[list[PackageFile]] = relationship(
        back_populates="package", order_by="PackageFile.id"
    )
    deliveries: Mapped[list[Delivery]] = relationship(
        back_populates="package", order_by="Delivery.id"
    )


class PackageFile(db.Model):
    """One file of a package, stored in the document store under its SHA-256."""

    __tablename__ = "package_file"
    __table_args__ = (UniqueConstraint("package_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("insurer_package.id"), index=True)
    name: Mapped[str] = mapped_column(String(250))  # the path inside the package
    role: Mapped[str] = mapped_column(String(20))  # data, document, pdf, attachment, manifest
    media_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    suffix: Mapped[str] = mapped_column(String(10))  # the store's file suffix
    size: Mapped[int]

    package: Mapped[InsurerPackage] = relationship(back_populates="files")


class Delivery(db.Model):
    """One channel's delivery of a package, with every attempt."""

    __tablename__ = "package_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("insurer_package.id"), index=True)
    channel: Mapped[DeliveryChannel] = mapped_column(db_enum(DeliveryChannel))
    target: Mapped[str | None] = mapped_column(String(500))  # an address or a URL
    status: Mapped[DeliveryStatus] = mapped_column(db_enum(DeliveryStatus))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]

    package: Mapped[InsurerPackage] = relationship(back_populates="deliveries")
    attempts: Mapped[list[DeliveryAttempt]] = relationship(order_by="DeliveryAttempt.id")


class DeliveryAttempt(db.Model):
    __tablename__ = "delivery_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("package_delivery.id"), index=True)
    number: Mapped[int]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    ok: Mapped[bool]
    http_status: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)


class Job(db.Model):
    """A background job. The row is the truth; Redis (RQ) or an in-process thread only carries
    its id, so a job is never silently lost: it ends done, or failed with its error."""

    __tablename__ = "background_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    args: Mapped[str] = mapped_column(Text, default="[]")  # JSON
    status: Mapped[JobStatus] = mapped_column(db_enum(JobStatus), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    run_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
