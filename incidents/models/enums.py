"""Canonical enum values stored in the database. Labels are translated at display time
(see incidents/labels.py); names equal values so the stored VARCHAR reads as the name."""

from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    specialist = "specialist"  # employer's labour-protection specialist
    head = "head"  # employer's head: approves the act
    member = "member"  # employer staff on a commission
    inspector = "inspector"  # state labour inspector
    union_inspector = "union_inspector"  # trade-union technical inspector
    victim = "victim"  # victim or trusted person
    insurer = "insurer"


class OrgKind(StrEnum):
    employer = "employer"
    insurer = "insurer"
    inspectorate = "inspectorate"
    trade_union = "trade_union"


class CaseKind(StrEnum):
    accident = "accident"
    occupational_disease = "occupational_disease"  # Law No. 167 art. 1


class DiseaseForm(StrEnum):
    acute = "acute"
    chronic = "chronic"


class ExamKind(StrEnum):
    preliminary = "preliminary"  # on hiring
    periodic = "periodic"
    extraordinary = "extraordinary"


class Category(StrEnum):
    light = "light"
    severe = "severe"
    fatal = "fatal"
    group = "group"


class CaseStatus(StrEnum):
    # an occupational disease: preliminary diagnosis, working conditions, final diagnosis
    suspected = "suspected"
    conditions_described = "conditions_described"
    diagnosis_confirmed = "diagnosis_confirmed"
    # an accident
    reported = "reported"
    notified = "notified"
    commission_formed = "commission_formed"
    investigating = "investigating"
    suspended = "suspended"
    act_drafted = "act_drafted"
    act_approved = "act_approved"
    insurer_notified = "insurer_notified"
    closed = "closed"
    cancelled = "cancelled"


class Sex(StrEnum):
    male = "male"
    female = "female"


class Severity(StrEnum):
    light = "light"
    severe = "severe"
    fatal = "fatal"


class Outcome(StrEnum):
    under_treatment = "under_treatment"
    recovered = "recovered"
    transferred = "transferred"
    disability = "disability"
    died = "died"


class Intoxication(StrEnum):
    none = "none"
    alcohol = "alcohol"
    narcotic = "narcotic"
    toxic = "toxic"


class BriefingType(StrEnum):
    primary = "primary"
    repeated = "repeated"
    unscheduled = "unscheduled"
    targeted = "targeted"


class CommissionRole(StrEnum):
    chair = "chair"
    member = "member"


class Represents(StrEnum):
    """Whom a commission member represents: the commission rules of the pack count these."""

    employer = "employer"
    state_inspector = "state_inspector"
    trade_union = "trade_union"
    victim = "victim"  # the victim or a trusted person (Law art. 6)
    # an occupational-disease commission (docs/procedure.md §4.4)
    sanitary_body = "sanitary_body"
    health_organisation = "health_organisation"
    insurer = "insurer"
    other = "other"


class NoticeMethod(StrEnum):
    email = "email"
    courier = "courier"
    fax = "fax"
    phone = "phone"
    in_person = "in_person"
    post = "post"


class TrackKind(StrEnum):
    technical_investigation = "technical_investigation"  # hazardous facility, Law No. 160
    criminal_referral = "criminal_referral"


class CommentVisibility(StrEnum):
    """Who reads a comment: the commission and the employer's staff only, or also the people
    invited to follow the case (the victim or their trusted person)."""

    commission = "commission"
    everyone = "everyone"


class DocumentKind(StrEnum):
    notice = "notice"
    commission_order = "commission_order"
    act_n1 = "act_n1"
    investigation_act = "investigation_act"
    insurer_notice = "insurer_notice"
    closure_summary = "closure_summary"
    dissent = "dissent"
    scene_protocol = "scene_protocol"
    interview_protocol = "interview_protocol"
    # an occupational disease
    disease_notice = "disease_notice"  # registration of the preliminary-diagnosis notice
    working_conditions = "working_conditions"  # the sanitary body's description
    disease_act = "disease_act"
    disease_insurer_notice = "disease_insurer_notice"


def db_enum(cls, length: int = 24):
    """A portable VARCHAR column type for a StrEnum (stores the member name)."""
    from sqlalchemy import Enum

    return Enum(cls, native_enum=False, length=length, validate_strings=True)


class PackageStatus(StrEnum):
    building = "building"
    ready = "ready"
    failed = "failed"


class AnswerKind(StrEnum):
    acknowledged = "acknowledged"
    rejected = "rejected"


class DeliveryChannel(StrEnum):
    inbox = "inbox"
    email = "email"
    webhook = "webhook"


class DeliveryStatus(StrEnum):
    pending = "pending"
    delivered = "delivered"
    failed = "failed"


class DeliveryError(StrEnum):
    """Why an attempt failed: a fixed reason, never the receiver's answer or an exception's
    text (an answer from inside the network must not reach the insurer's page)."""

    http_error = "http_error"  # the receiver answered with a status outside 2xx
    redirect_not_followed = "redirect_not_followed"
    address_not_allowed = "address_not_allowed"
    host_not_found = "host_not_found"
    connection_refused = "connection_refused"
    timeout = "timeout"
    tls_failed = "tls_failed"
    connection_failed = "connection_failed"
    mail_not_sent = "mail_not_sent"


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class HoldKind(StrEnum):
    """Why a legal hold keeps a case from any disposal."""

    criminal_case = "criminal_case"
    court = "court"
    other = "other"
