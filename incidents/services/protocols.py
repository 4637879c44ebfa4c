"""Protocols of the investigation (docs/procedure.md §5): the scene inspection and the interviews.

Each save issues the protocol's DOCX in every document language as a new version of that
protocol (the older one superseded). A protocol's documents are GeneratedDocument rows of kind
``scene_protocol`` / ``interview_protocol`` whose ``addressee`` holds ``scene:<id>`` /
``interview:<id>``, so the versions of one protocol are told apart from another's."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from doc_templates.context import build_context

from .. import permissions
from ..extensions import db
from ..models import (
    Case,
    CaseStatus,
    Evidence,
    GeneratedDocument,
    InterviewProtocol,
    SceneProtocol,
    User,
)
from ..models.timeutil import local_to_utc, utcnow
from ..rules import for_case
from . import documents
from .errors import Forbidden, Invalid, WrongState
from .locking import lock

EDITABLE = {CaseStatus.commission_formed, CaseStatus.investigating, CaseStatus.act_drafted}
INTERVIEWEE_KINDS = ("victim", "witness", "official")
PHOTO_WIDTH_MM = 80

SCENE_FIELDS = (
    "inspected_on",
    "ended_at",
    "place",
    "inspected_by",
    "present",
    "conditions",
    "workplace",
    "harmful_object",
    "guards",
    "ppe",
    "environment",
    "remarks",
)
INTERVIEW_FIELDS = (
    "interviewee_kind",
    "place",
    "started_at",
    "ended_at",
    "interviewer",
    "full_name",
    "birth_date",
    "birth_place",
    "address",
    "citizenship",
    "occupation",
    "service",
    "others_present",
    "rights_explained",
    "statement",
    "questions_answers",
)
# entered as Bishkek wall-clock time, stored as naive UTC
_LOCAL_TIMES = {"inspected_on", "started_at", "ended_at"}

Protocol = SceneProtocol | InterviewProtocol


# -- reading ------------------------------------------------------------------------------


def kind_of(protocol: Protocol) -> str:
    return "scene_protocol" if isinstance(protocol, SceneProtocol) else "interview_protocol"


def document_key(protocol: Protocol) -> str:
    """The `addressee` value of this protocol's documents."""
    prefix = "scene" if isinstance(protocol, SceneProtocol) else "interview"
    return f"{prefix}:{protocol.id}"


def scene_protocols(case: Case) -> list[SceneProtocol]:
    query = (
        db.select(SceneProtocol)
        .where(SceneProtocol.case_id == case.id, SceneProtocol.removed_at.is_(None))
        .order_by(SceneProtocol.inspected_on, SceneProtocol.id)
    )
    return list(db.session.scalars(query))


def interview_protocols(case: Case) -> list[InterviewProtocol]:
    query = (
        db.select(InterviewProtocol)
        .where(InterviewProtocol.case_id == case.id, InterviewProtocol.removed_at.is_(None))
        .order_by(InterviewProtocol.started_at, InterviewProtocol.id)
    )
    return list(db.session.scalars(query))


def get_scene(case: Case, protocol_id: int) -> SceneProtocol | None:
    p = db.session.get(SceneProtocol, protocol_id)
    return p if p is not None and p.case_id == case.id and p.removed_at is None else None


def get_interview(case: Case, protocol_id: int) -> InterviewProtocol | None:
    p = db.session.get(InterviewProtocol, protocol_id)
    return p if p is not None and p.case_id == case.id and p.removed_at is None else None


def current_documents(case: Case, protocol: Protocol) -> list[GeneratedDocument]:
    key = document_key(protocol)
    docs = [d for d in case.documents if d.addressee == key and d.superseded_at is None]
    return sorted(docs, key=lambda d: d.language)


def photos(case: Case) -> list[Evidence]:
    """The case's images that were not removed: from the evidence service when it has them."""
    try:
        from . import evidence
    except ImportError:  # pragma: no cover - the evidence service is optional here
        evidence = None
    finder = getattr(evidence, "photos", None)
    if finder is not None:
        return list(finder(case))
    query = (
        db.select(Evidence)
        .where(
            Evidence.case_id == case.id,
            Evidence.removed_at.is_(None),
            Evidence.content_type.startswith("image/"),
        )
        .order_by(Evidence.uploaded_at, Evidence.id)
    )
    return list(db.session.scalars(query))


def _photo_ids(protocol: SceneProtocol) -> list[int]:
    return [int(x) for x in (protocol.photo_ids or "").split(",") if x.strip().isdigit()]


def chosen_photos(case: Case, protocol: SceneProtocol) -> list[Evidence]:
    """The protocol's photos still on the case, in the order chosen."""
    by_id = {e.id: e for e in photos(case)}
    return [by_id[i] for i in _photo_ids(protocol) if i in by_id]


def _image_bytes(ev: Evidence) -> bytes:
    suffix = Path(ev.filename).suffix.lower() or ".jpg"
    try:
        return documents.read_stored(ev.sha256, suffix)
    except FileNotFoundError:
        from . import evidence  # the evidence service imports this module's neighbours

        return evidence.read(ev)


# -- checks -------------------------------------------------------------------------------


def can_edit(user: User, case: Case) -> bool:
    return case.status in EDITABLE and permissions.can_edit_case(user, case)


def _check(case: Case, actor: User) -> None:
    if not permissions.can_edit_case(actor, case):
        raise Forbidden(_l("You do not have access to this."))
    if case.status not in EDITABLE:
        raise WrongState(
            _l("Protocols can be changed only while the commission is investigating the case.")
        )


def _check_unconfirmed(protocol: InterviewProtocol) -> None:
    if protocol.confirmed_at is not None:
        raise WrongState(
            _l("The interviewee has confirmed this protocol; it can no longer be changed.")
        )


def _apply(protocol: Protocol, data: dict, names: tuple[str, ...]) -> None:
    for name in names:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str):
            value = value.strip() or None
        if name in _LOCAL_TIMES and isinstance(value, datetime):
            value = local_to_utc(value)
        if name == "rights_explained":
            value = bool(value)
        setattr(protocol, name, value)


def _photo_value(case: Case, ids) -> str | None:
    if not ids:
        return None
    allowed = {e.id for e in photos(case)}
    chosen = []
    for i in ids:
        i = int(i)
        if i not in allowed:
            raise Invalid(_l("Choose a value from the list."), field="photo_ids")
        if i not in chosen:
            chosen.append(i)
    return ",".join(str(i) for i in chosen) or None


# -- saving -------------------------------------------------------------------------------


def save_scene(
    case: Case, actor: User, data: dict, protocol: SceneProtocol | None = None
) -> SceneProtocol:
    """Create (protocol None) or update a scene protocol and issue its documents."""
    _check(case, actor)
    if protocol is None:
        protocol = SceneProtocol(case_id=case.id, created_by_id=actor.id)
        db.session.add(protocol)
    _apply(protocol, data, SCENE_FIELDS)
    if "photo_ids" in data:
        protocol.photo_ids = _photo_value(case, data["photo_ids"])
    db.session.flush()
    issue_protocol(case, protocol, "scene_protocol", actor)
    return protocol


def save_interview(
    case: Case, actor: User, data: dict, protocol: InterviewProtocol | None = None
) -> InterviewProtocol:
    """Create (protocol None) or update an interview protocol and issue its documents."""
    _check(case, actor)
    if protocol is None:
        protocol = InterviewProtocol(case_id=case.id, created_by_id=actor.id)
        db.session.add(protocol)
    else:
        _check_unconfirmed(protocol)
    if data.get("interviewee_kind", "victim") not in INTERVIEWEE_KINDS:
        raise Invalid(_l("Choose a value from the list."), field="interviewee_kind")
    _apply(protocol, data, INTERVIEW_FIELDS)
    db.session.flush()
    issue_protocol(case, protocol, "interview_protocol", actor)
    return protocol


def confirm(case: Case, actor: User, protocol: InterviewProtocol) -> InterviewProtocol:
    """The interviewee read the protocol and confirmed it: it is locked and issued again (the
    document now says so)."""
    _check(case, actor)
    lock(protocol)  # confirmed once, even when two people press the button at once
    _check_unconfirmed(protocol)
    protocol.confirmed_at = utcnow()
    db.session.flush()
    issue_protocol(case, protocol, "interview_protocol", actor)
    return protocol


def remove(case: Case, actor: User, protocol: Protocol) -> Protocol:
    """Hide a protocol from the case (the row and its documents stay, superseded)."""
    _check(case, actor)
    lock(protocol)  # removed once, even when two people press the button at once
    if protocol.removed_at is not None:
        raise WrongState(_l("This protocol has already been removed."))
    if isinstance(protocol, InterviewProtocol):
        _check_unconfirmed(protocol)
    now = utcnow()
    protocol.removed_at = now
    for doc in current_documents(case, protocol):
        doc.superseded_at = now
    db.session.flush()
    return protocol


# -- documents ----------------------------------------------------------------------------


def _filename(case: Case, kind: str, protocol: Protocol, language: str, version: int) -> str:
    number = re.sub(r"[^0-9A-Za-z-]+", "-", case.number)
    return f"{kind}-{number}-p{protocol.id}-{language}-r{version}.docx"


def issue_protocol(
    case: Case, protocol: Protocol, kind: str, actor: User | None
) -> list[GeneratedDocument]:
    """Issue the protocol in every document language (documents.issue_document): a new version
    supersedes the earlier ones of the same protocol, unless it would say the same. Its current
    documents. Rendering errors propagate (the caller rolls back)."""
    if kind not in ("scene_protocol", "interview_protocol") or kind != kind_of(protocol):
        raise ValueError(f"{kind!r} is not the document of this protocol")
    rules = for_case(case)
    now = utcnow()
    key = document_key(protocol)
    chosen = chosen_photos(case, protocol) if kind == "scene_protocol" else []
    images = (
        {"photo_images": [(_image_bytes(e), PHOTO_WIDTH_MM) for e in chosen]} if chosen else None
    )
    issued = []
    for language in current_app.config["DOCUMENT_LANGUAGES"]:

        def build(at, language=language):
            return build_context(
                case, kind, language, rules=rules, now=at, protocol=protocol, photos=chosen
            )

        def name(version, language=language):
            return _filename(case, kind, protocol, language, version)

        doc, _new = documents.issue_document(
            case,
            kind,
            language,
            build,
            now=now,
            actor=actor,
            filename=name,
            addressee=key,
            images=images,
        )
        issued.append(doc)
    db.session.flush()
    return issued


def describe(protocol: Protocol) -> tuple[str, datetime | date | None]:
    """The person or place a protocol is about, and its date (for the case page)."""
    if isinstance(protocol, SceneProtocol):
        return protocol.place, protocol.inspected_on
    return protocol.full_name, protocol.started_at
