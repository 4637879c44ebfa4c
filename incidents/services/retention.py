"""Retention and legal holds.

A closed (or cancelled) case's records are kept for the years of their retention class in the
case's rule pack (`[[retention]]`), counted from the closure; the case as a whole is kept as
long as its longest-kept document. Nothing is ever deleted by the service: a case past its
time is only listed for a disposal review, and a case under an active legal hold (a criminal
case, a court) is not listed at all — the hold blocks any disposal until it is lifted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from sqlalchemy import and_, or_

from ..extensions import db
from ..models import Case, CaseStatus, CaseTransition, GeneratedDocument, LegalHold, User
from ..models.enums import CaseKind
from ..models.timeutil import to_local, utcnow
from ..permissions import can_place_hold
from ..rules import RetentionClass, RulePack, for_case
from .errors import Forbidden, Invalid, WrongState
from .locking import lock

_ENDED = (CaseStatus.closed, CaseStatus.cancelled)
_DAY = timedelta(days=1)  # the local day of closure may be the next UTC day


@dataclass(frozen=True)
class Retention:
    """How long a case is kept: its longest class, and until when (None while it is open)."""

    rule: RetentionClass | None
    ended_at: datetime | None
    keep_until: date | None


def ended_at(case: Case) -> datetime | None:
    """When the case closed or was cancelled (the retention years run from then)."""
    if case.status not in _ENDED:
        return None
    if case.status == CaseStatus.closed and case.closed_at is not None:
        return case.closed_at
    return db.session.scalar(
        db.select(CaseTransition.at)
        .where(CaseTransition.case_id == case.id, CaseTransition.to_state == case.status.value)
        .order_by(CaseTransition.id.desc())
        .limit(1)
    )


def _kinds(case: Case) -> set[str]:
    kinds = set(
        db.session.scalars(
            db.select(GeneratedDocument.kind).where(GeneratedDocument.case_id == case.id).distinct()
        )
    )
    # a case without documents is still an accident (or disease) record of its kind
    return kinds or {"act_n1" if case.kind == CaseKind.accident else "disease_act"}


def for_document(rules: RulePack, kind: str) -> RetentionClass | None:
    return rules.retention_for(kind)


def of_case(case: Case, rules: RulePack | None = None) -> Retention:
    rules = rules or for_case(case)
    classes = [r for r in (rules.retention_for(k) for k in _kinds(case)) if r is not None]
    rule = max(classes, key=lambda r: r.years, default=None)
    end = ended_at(case)
    keep = None
    if rule is not None and end is not None:
        keep = to_local(end).date() + relativedelta(years=rule.years)
    return Retention(rule=rule, ended_at=end, keep_until=keep)


def document_keep_until(document: GeneratedDocument, end: datetime | None, rules) -> date | None:
    rule = rules.retention_for(document.kind)
    if rule is None or end is None:
        return None
    return to_local(end).date() + relativedelta(years=rule.years)


# -- legal holds ------------------------------------------------------------------------------


def active_holds(case: Case) -> list[LegalHold]:
    return [h for h in case.holds if h.active]


def place_hold(case: Case, actor: User, data: dict) -> LegalHold:
    if not can_place_hold(actor, case):
        raise Forbidden(_("You may not place a legal hold on this case."))
    hold = LegalHold(
        kind=data["kind"],
        reference=data["reference"].strip(),
        reason=(data.get("reason") or "").strip() or None,
        placed_by_id=actor.id,
    )
    case.holds.append(hold)
    db.session.flush()
    return hold


def lift_hold(case: Case, actor: User, hold_id: int, reason: str) -> LegalHold:
    if not can_place_hold(actor, case):
        raise Forbidden(_("You may not lift a legal hold on this case."))
    hold = next((h for h in case.holds if h.id == hold_id), None)
    if hold is None:
        raise Invalid(_("No such legal hold."))
    lock(hold)  # of two people lifting it at once, the second is told it is lifted
    if not hold.active:
        raise WrongState(_("This legal hold has already been lifted."))
    hold.lifted_at = utcnow()
    hold.lifted_by_id = actor.id
    hold.lift_reason = reason.strip()
    db.session.flush()
    return hold


# -- the disposal review ----------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    case: Case
    retention: Retention
    holds: list[LegalHold]


def due_for_review(as_of: date | None = None, organisation_id: int | None = None):
    """Ended cases whose keep-until date has passed by `as_of` (Bishkek day), streamed in id
    order: `(due, held)` lists. A held case is never due; it is returned apart so the report
    can say what the hold blocks."""
    as_of = as_of or to_local(utcnow()).date()
    # no case closed within the shortest class of any pack can be due: skip them in SQL
    latest_end = datetime.combine(as_of - relativedelta(years=_shortest()), datetime.min.time())
    query = (
        db.select(Case)
        .where(
            or_(
                and_(Case.status == CaseStatus.closed, Case.closed_at <= latest_end + _DAY),
                Case.status == CaseStatus.cancelled,
            )
        )
        .order_by(Case.id)
        .execution_options(yield_per=500)
    )
    if organisation_id is not None:
        query = query.where(Case.organisation_id == organisation_id)
    due, held = [], []
    for case in db.session.scalars(query):
        retention = of_case(case)
        if retention.keep_until is None or retention.keep_until > as_of:
            continue
        holds = active_holds(case)
        (held if holds else due).append(Due(case, retention, holds))
    return due, held


def _shortest() -> int:
    from ..rules import load, pack_names

    return min((r.years for name in pack_names() for r in load(name).retention), default=0)
