"""The case aggregate: an accident with its victims, witnesses, commission and findings.

Rows here are never hard-deleted: a cancelled case keeps everything, and child rows removed
in a form are marked ``removed_at`` so the investigation record stays complete."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .disease import DiseaseParts
from .enums import (
    BriefingType,
    CaseKind,
    CaseStatus,
    Category,
    CommissionRole,
    Intoxication,
    NoticeMethod,
    Outcome,
    Represents,
    Severity,
    Sex,
    TrackKind,
    db_enum,
)
from .insurance import Insured
from .org import Organisation, User
from .timeutil import utcnow

if TYPE_CHECKING:
    from .retention import LegalHold


def _live(rows):
    return [r for r in rows if r.removed_at is None]


class Case(DiseaseParts, Insured, db.Model):
    __tablename__ = "case_file"
    __table_args__ = (
        UniqueConstraint("organisation_id", "year", "seq"),
        # the lists, newest first (keyset on id), of one employer, with or without a status
        Index("ix_case_file_organisation_id_id", "organisation_id", "id"),
        Index("ix_case_file_organisation_id_status_id", "organisation_id", "status", "id"),
        # the register, the statistics and the dashboard: one employer's period
        Index("ix_case_file_organisation_id_occurred_at", "organisation_id", "occurred_at"),
        # the overdue filter: the open statuses, next_due_at < now
        Index("ix_case_file_status_next_due_at", "status", "next_due_at"),
        # the list's search (LIKE '%term%'): a trigram index on PostgreSQL; SQLite has none, so
        # its twin there is an empty partial index (WHERE 0), the same schema on both for Alembic
        Index(
            "ix_case_file_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
            sqlite_where=text("0"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    year: Mapped[int]
    seq: Mapped[int]
    kind: Mapped[CaseKind] = mapped_column(db_enum(CaseKind), default=CaseKind.accident)
    # an accident's category; None for an occupational disease (see disease.form)
    category: Mapped[Category | None] = mapped_column(db_enum(Category))
    status: Mapped[CaseStatus] = mapped_column(db_enum(CaseStatus))
    version: Mapped[int] = mapped_column(default=1)

    occurred_at: Mapped[datetime]
    reported_at: Mapped[datetime]  # when the employer learned of it: deadlines count from here
    place: Mapped[str] = mapped_column(String(500))
    work_performed: Mapped[str] = mapped_column(Text)
    circumstances: Mapped[str] = mapped_column(Text)
    first_aid: Mapped[str | None] = mapped_column(Text)
    structural_unit: Mapped[str | None] = mapped_column(String(300))
    shift_started_at: Mapped[datetime | None]
    # an "авария" at a hazardous production facility: a parallel technical investigation runs
    hazardous_facility: Mapped[bool] = mapped_column(default=False, server_default="0")
    escalated_at: Mapped[datetime | None]

    # findings of the commission (act N-1 sections 7-9)
    event_type_code: Mapped[str | None] = mapped_column(String(10))
    equipment: Mapped[str | None] = mapped_column(Text)
    workplace_assessment: Mapped[str | None] = mapped_column(String(300))
    work_related: Mapped[bool | None]
    work_related_ground: Mapped[str | None] = mapped_column(Text)

    # the legal clock
    notified_at: Mapped[datetime | None]
    commission_formed_at: Mapped[datetime | None]
    commission_order_number: Mapped[str | None] = mapped_column(String(40))
    # the order date, or the reopening date after a reopen
    investigation_started_at: Mapped[datetime | None]
    investigation_ended_at: Mapped[datetime | None]
    act_approved_at: Mapped[datetime | None]
    insurer_notified_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # when the last victim's outcome (recovered, disability, death …) became known
    outcome_known_at: Mapped[datetime | None]
    # signing: each drafted version of the acts opens a new round; a change voids the round
    signing_round: Mapped[int] = mapped_column(default=0, server_default="0")
    extension_days: Mapped[int] = mapped_column(default=0)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    suspended_at: Mapped[datetime | None]
    paused_seconds: Mapped[int] = mapped_column(default=0)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # derived, for the lists (incidents/services/derived.py recomputes them at every flush):
    # the moment the case is overdue from (None: it cannot become overdue as it stands), and
    # its number, victims, unit and place folded to lower case for the search
    next_due_at: Mapped[datetime | None]
    search_text: Mapped[str | None] = mapped_column(Text)

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship()
    victims_all: Mapped[list[Victim]] = relationship(
        back_populates="case", order_by="Victim.id", cascade="save-update, merge"
    )
    witnesses_all: Mapped[list[Witness]] = relationship(order_by="Witness.id")
    commission_all: Mapped[list[CommissionMember]] = relationship(order_by="CommissionMember.id")
    causes_all: Mapped[list[Cause]] = relationship(order_by="Cause.id")
    responsible_all: Mapped[list[ResponsiblePerson]] = relationship(order_by="ResponsiblePerson.id")
    measures_all: Mapped[list[Measure]] = relationship(order_by="Measure.id")
    notices: Mapped[list[CaseNotice]] = relationship(order_by="CaseNotice.id")
    tracks: Mapped[list[ParallelTrack]] = relationship(order_by="ParallelTrack.id")
    holds: Mapped[list[LegalHold]] = relationship(order_by="LegalHold.id")
    documents: Mapped[list[GeneratedDocument]] = relationship(
        back_populates="case", order_by="GeneratedDocument.id"
    )
    transitions: Mapped[list[CaseTransition]] = relationship(order_by="CaseTransition.id")
    # an occupational disease: its file, the occupational route, the factors, the examinations
    disease = relationship("DiseaseFile", uselist=False)
    exposures_all = relationship("Exposure", order_by="Exposure.id")
    factors_all = relationship("HarmfulFactor", order_by="HarmfulFactor.id")
    exams_all = relationship("MedicalExam", order_by="MedicalExam.id")

    __mapper_args__ = {"version_id_col": version}

    def __init__(self, **kwargs):
        # transitions needs a state before the first flush; a column default comes too late
        kwargs.setdefault("status", CaseStatus.reported)
        super().__init__(**kwargs)

    @property
    def number(self) -> str:
        return f"{self.seq}/{self.year}"

    @property
    def victims(self) -> list[Victim]:
        return _live(self.victims_all)

    @property
    def witnesses(self) -> list[Witness]:
        return _live(self.witnesses_all)

    @property
    def commission(self) -> list[CommissionMember]:
        return _live(self.commission_all)

    @property
    def causes(self) -> list[Cause]:
        return _live(self.causes_all)

    @property
    def responsible(self) -> list[ResponsiblePerson]:
        return _live(self.responsible_all)

    @property
    def measures(self) -> list[Measure]:
        return _live(self.measures_all)

    @property
    def chair(self) -> CommissionMember | None:
        return next((m for m in self.commission if m.role == CommissionRole.chair), None)

    def current_documents(self) -> list[GeneratedDocument]:
        return [d for d in self.documents if d.superseded_at is None]

    def touch(self) -> None:
        """Mark the case changed: bumps the version counter used for edit conflicts."""
        self.updated_at = utcnow()


class _ChildMixin:
    removed_at: Mapped[datetime | None]


class Victim(_ChildMixin, db.Model):
    __tablename__ = "victim"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    sex: Mapped[Sex] = mapped_column(db_enum(Sex))
    birth_date: Mapped[date]
    person_category: Mapped[str] = mapped_column(String(40))  # rule-pack code list (Law art. 2)
    occupation: Mapped[str] = mapped_column(String(200))
    service_total_years: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    service_employer_years: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    # act section 6: briefings and training
    induction_briefing_date: Mapped[date | None]
    workplace_briefing_type: Mapped[BriefingType | None] = mapped_column(db_enum(BriefingType))
    workplace_briefing_date: Mapped[date | None]
    internship: Mapped[str | None] = mapped_column(String(300))
    training_date: Mapped[date | None]
    knowledge_test_date: Mapped[date | None]
    knowledge_test_protocol: Mapped[str | None] = mapped_column(String(60))
    # act section 8
    injury_nature: Mapped[str | None] = mapped_column(String(300))
    body_part: Mapped[str | None] = mapped_column(String(200))
    medical_severity: Mapped[Severity | None] = mapped_column(db_enum(Severity))
    intoxication: Mapped[Intoxication] = mapped_column(
        db_enum(Intoxication), default=Intoxication.none
    )
    intoxication_degree: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[Outcome | None] = mapped_column(db_enum(Outcome))
    days_lost: Mapped[int | None]

    case: Mapped[Case] = relationship(back_populates="victims_all")

    def age_on(self, day: date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


class Witness(_ChildMixin, db.Model):
    __tablename__ = "witness"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(300))


class CommissionMember(_ChildMixin, db.Model):
    __tablename__ = "commission_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    full_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200))
    organisation_name: Mapped[str] = mapped_column(String(300))
    role: Mapped[CommissionRole] = mapped_column(db_enum(CommissionRole))
    represents: Mapped[Represents] = mapped_column(
        db_enum(Represents), default=Represents.employer, server_default="employer"
    )
    # nobody directly responsible for safety at the site may sit on the commission
    responsible_for_site_safety: Mapped[bool] = mapped_column(default=False)


class Cause(_ChildMixin, db.Model):
    __tablename__ = "cause"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    code: Mapped[str] = mapped_column(String(10))  # rule-pack cause code list
    is_main: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(Text)
    violated_norm: Mapped[str | None] = mapped_column(String(500))


class ResponsiblePerson(_ChildMixin, db.Model):
    __tablename__ = "responsible_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200))
    violated_norms: Mapped[str] = mapped_column(Text)


class Measure(_ChildMixin, db.Model):
    __tablename__ = "measure"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    action: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date]
    owner: Mapped[str] = mapped_column(String(200))
    done_at: Mapped[date | None]


class GeneratedDocument(db.Model):
    """One rendered file. Files are content-addressed (named by SHA-256) and never rewritten;
    a newer version marks the older one superseded."""

    __tablename__ = "generated_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    victim_id: Mapped[int | None] = mapped_column(ForeignKey("victim.id"))
    addressee: Mapped[str | None] = mapped_column(String(40))  # a notice's addressee
    kind: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(5))
    version: Mapped[int]
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    superseded_at: Mapped[datetime | None]
    frozen: Mapped[bool] = mapped_column(default=False)
    # the SHA-256 of what the document says (services/documents.fingerprint): a re-issue that
    # would say the same keeps this revision; None on rows issued before it was recorded
    fingerprint: Mapped[str | None] = mapped_column(String(64))

    case: Mapped[Case] = relationship(back_populates="documents")
    victim: Mapped[Victim | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def current(self) -> bool:
        return self.superseded_at is None


class CaseTransition(db.Model):
    """The audit row written for every fired trigger."""

    __tablename__ = "case_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    trigger: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    comment: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User | None] = relationship()


class CaseNotice(db.Model):
    """One addressee the rule pack says must be told, and the record of telling them."""

    __tablename__ = "case_notice"
    __table_args__ = (UniqueConstraint("case_id", "addressee"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    addressee: Mapped[str] = mapped_column(String(40))  # rule-pack notice code
    due_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    method: Mapped[NoticeMethod | None] = mapped_column(db_enum(NoticeMethod))
    recipient: Mapped[str | None] = mapped_column(String(300))  # who received it, where
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    acknowledged_at: Mapped[datetime | None]

    sent_by: Mapped[User | None] = relationship()

    @property
    def sent(self) -> bool:
        return self.sent_at is not None


class ParallelTrack(db.Model):
    """A track beside the labour investigation that does not block it: the technical
    investigation at a hazardous facility, or a criminal referral."""

    __tablename__ = "parallel_track"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    kind: Mapped[TrackKind] = mapped_column(db_enum(TrackKind, length=30))
    authority: Mapped[str] = mapped_column(String(300))
    reference: Mapped[str | None] = mapped_column(String(100))
    opened_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
    # the track's own act (e.g. the technical investigation act), stored like our documents
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_name: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReminderSent(db.Model):
    """A reminder mail that went out; the unique key makes the cron command idempotent."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("case_id", "deadline_key", "kind", "user_id", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    deadline_key: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(10))  # "before" or "overdue"
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
