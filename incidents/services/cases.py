"""Case use cases: report, edit stage data, fire triggers. Flush, never commit."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from transitions import MachineError

import workflows
from workflows import accident, disease

from ..extensions import db
from ..models import (
    Case,
    CaseNotice,
    Category,
    Cause,
    CommissionMember,
    DocumentKind,
    Exposure,
    HarmfulFactor,
    Measure,
    MedicalExam,
    Organisation,
    ResponsiblePerson,
    User,
    Victim,
    Witness,
)
from ..models.timeutil import local_to_utc, to_local, utcnow
from ..permissions import can_edit_case, can_fire
from ..rules import for_case
from . import documents, notify, packages, routing, signing
from .errors import Blocked, Conflict, Forbidden, Invalid, WrongState

CHILDREN = {
    "victims": Victim,
    "witnesses": Witness,
    "commission": CommissionMember,
    "causes": Cause,
    "responsible": ResponsiblePerson,
    "measures": Measure,
    # an occupational disease
    "exposures": Exposure,
    "factors": HarmfulFactor,
    "exams": MedicalExam,
}
S = accident.S
# In which stages each part of the case may change. The commission is fixed by its order;
# findings belong to the investigation; everything freezes once the act is approved.
EDITABLE_IN = {
    "case": accident.EDITABLE,
    "victims": accident.EDITABLE,
    "witnesses": accident.EDITABLE,
    # after the order, a change of members needs a new order (reform_commission)
    "commission": {S.reported, S.notified, S.commission_formed, S.investigating},
    "notices": {*accident.EDITABLE, S.act_approved, S.insurer_notified},
    "findings": {S.commission_formed, S.investigating, S.act_drafted},
    "causes": {S.commission_formed, S.investigating, S.act_drafted},
    "responsible": {S.commission_formed, S.investigating, S.act_drafted},
    "measures": {S.commission_formed, S.investigating, S.act_drafted},
    # follow-up after approval: outcomes are learned later
    "outcome": {*accident.EDITABLE, S.act_approved, S.insurer_notified},
}
_D = disease.EDITABLE
_DISEASE_EDITABLE_IN = {
    "case": _D,
    "victims": _D,
    "commission": _D - {S.act_drafted},
    "responsible": {S.commission_formed, S.investigating, S.act_drafted},
    "measures": {S.commission_formed, S.investigating, S.act_drafted},
    "outcome": {*_D, S.act_approved, S.insurer_notified},
    # the disease's own parts (incidents/services/disease.py edits the file's sections)
    "preliminary": _D,
    "exposures": _D,
    "exams": _D,
    "conditions": _D,
    "factors": _D,
    "diagnosis": _D - {S.suspected},
    "conclusion": {S.commission_formed, S.investigating, S.act_drafted},
}


DISEASE_PARTS = tuple(_DISEASE_EDITABLE_IN)


def editable_in(case: Case, part: str) -> set:
    """The stages in which `part` of this kind of case may change (empty: not its part)."""
    table = _DISEASE_EDITABLE_IN if case.is_disease else EDITABLE_IN
    return table.get(part, set())


_LOCAL_TIMES = ("occurred_at", "reported_at", "shift_started_at")


def _to_utc(data: dict) -> dict:
    return {
        k: (local_to_utc(v) if k in _LOCAL_TIMES and v is not None else v) for k, v in data.items()
    }


def _check_edit(case: Case, actor: User, part: str, version: int | None) -> None:
    if not can_edit_case(actor, case):
        raise Forbidden(_("You may not change this case."))
    states = editable_in(case, part)
    if not states:
        raise Invalid(_("This kind of case has no such part."))
    if case.status not in states:
        raise WrongState(_("This part of the case cannot be changed at this stage."))
    if version is not None and version != case.version:
        raise Conflict(
            _(
                "Someone else saved this case while you were editing. Reload it to see their "
                "changes, then enter yours again."
            )
        )


def _reroute(case: Case, actor: User | None) -> None:
    """Follow the victims' data: raise the category, add and issue the notices it requires."""
    added = routing.reroute(case, actor)
    db.session.flush()
    if added:
        documents.issue(case, DocumentKind.notice, actor, addressees=[n.addressee for n in added])


def _after_change(case: Case, actor: User) -> None:
    """Re-route the case; the draft acts are regenerated whenever their data changes."""
    case.touch()
    db.session.flush()
    _reroute(case, actor)
    if case.is_disease:
        # the registration and the description follow their data until the case moves on
        for kind in disease.REISSUE_ON_CHANGE.get(case.status, ()):
            documents.issue(case, kind, actor)
    if case.status == S.act_drafted:
        for kind in workflows.for_case(case).documents_for("draft_act", case):
            documents.issue(case, kind, actor)
        signing.open_round(case, actor)  # a new version to sign: earlier signatures are void
        notify.queue(notify.signature_requested(case, actor, reissued=True))


def next_seq(organisation: Organisation, year: int) -> int:
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite ignores the callers' FOR UPDATE and reads outside a transaction until the
        # first write: write first, so the database lock is held before the number is read
        # (two reports at once took the same number and one of them failed)
        db.session.execute(
            db.update(Organisation)
            .where(Organisation.id == organisation.id)
            .values(id=organisation.id)
        )
    current = db.session.execute(
        db.select(db.func.max(Case.seq)).where(
            Case.organisation_id == organisation.id, Case.year == year
        )
    ).scalar()
    return (current or 0) + 1


def report(actor: User, data: dict, victim: dict) -> Case:
    """Record a new accident with its first victim."""
    if actor.organisation is None:
        raise Forbidden(_("Only an employer's staff can report an accident."))
    data = _to_utc(data)
    # lock the employer row so two reports at once cannot take the same number
    organisation = db.session.execute(
        db.select(Organisation).where(Organisation.id == actor.organisation_id).with_for_update()
    ).scalar_one()
    year = to_local(data["reported_at"] or utcnow()).year  # the register's year in Bishkek
    case = Case(
        organisation=organisation,
        year=year,
        seq=next_seq(organisation, year),
        category=Category(data.pop("category")),
        created_by=actor,
        **data,
    )
    case.victims_all.append(Victim(**victim))
    # what the victims already show counts from the start (no "escalation" at the report)
    if routing.RANK[routing.derived_category(case)] > routing.RANK[case.category]:
        case.category = routing.derived_category(case)
    db.session.add(case)
    db.session.flush()
    _reroute(case, actor)  # the notices due from the report, each with its document
    return case


def update_case(case: Case, actor: User, data: dict, version: int | None) -> None:
    _check_edit(case, actor, "case", version)
    data = _to_utc(data)
    data["category"] = Category(data["category"])
    for key, value in data.items():
        setattr(case, key, value)
    _after_change(case, actor)


def update_findings(case: Case, actor: User, data: dict, version: int | None) -> None:
    _check_edit(case, actor, "findings", version)
    for key, value in data.items():
        setattr(case, key, value)
    _after_change(case, actor)


def _child(case: Case, part: str, child_id: int):
    row = db.session.get(CHILDREN[part], child_id)
    if row is None or row.case_id != case.id or row.removed_at is not None:
        raise Invalid(_("No such entry in this case."))
    return row


def add_child(case: Case, actor: User, part: str, data: dict, version: int | None):
    _check_edit(case, actor, part, version)
    row = CHILDREN[part](**data)
    getattr(case, f"{part}_all").append(row)  # the collection cascades the new row
    _after_change(case, actor)
    return row


def update_child(case: Case, actor: User, part: str, child_id: int, data: dict, version):
    _check_edit(case, actor, part, version)
    row = _child(case, part, child_id)
    for key, value in data.items():
        setattr(row, key, value)
    _after_change(case, actor)
    return row


def remove_child(case: Case, actor: User, part: str, child_id: int, version: int | None):
    """Entries are marked removed, never deleted: the record of the investigation stays."""
    _check_edit(case, actor, part, version)
    row = _child(case, part, child_id)
    if part == "victims" and len(case.victims) == 1:
        raise Invalid(_("A case keeps at least one victim."))
    row.removed_at = utcnow()
    _after_change(case, actor)


def record_outcome(case: Case, actor: User, victim_id: int, data: dict, version):
    _check_edit(case, actor, "outcome", version)
    row = _child(case, "victims", victim_id)
    row.outcome = data["outcome"]
    row.days_lost = data["days_lost"]
    if all(v.outcome is not None for v in case.victims):
        case.outcome_known_at = case.outcome_known_at or utcnow()
    case.touch()
    db.session.flush()
    _reroute(case, actor)  # a death after the act still calls for its notices
    return row


def record_delivery(case: Case, actor: User, notice_id: int, data: dict, version) -> CaseNotice:
    """How, when and to whom a notice went; optionally when its receipt was acknowledged."""
    _check_edit(case, actor, "notices", version)
    notice = next((n for n in case.notices if n.id == notice_id), None)
    if notice is None:
        raise Invalid(_("No such entry in this case."))
    sent_at = local_to_utc(data["sent_at"])
    acknowledged = data.get("acknowledged_at")
    acknowledged_at = local_to_utc(acknowledged) if acknowledged else None
    if sent_at < case.reported_at:
        raise Invalid(
            _("A notice cannot go out before the accident was reported."), field="sent_at"
        )
    if acknowledged_at is not None and acknowledged_at < sent_at:
        raise Invalid(
            _("Receipt cannot be acknowledged before the notice was sent."),
            field="acknowledged_at",
        )
    notice.method = data["method"]
    notice.recipient = data["recipient"]
    notice.sent_at, notice.acknowledged_at, notice.sent_by = sent_at, acknowledged_at, actor
    case.touch()
    db.session.flush()
    # the notice on file shows who sent it, when and how
    documents.issue(case, DocumentKind.notice, actor, addressees=[notice.addressee])
    return notice


def advance(
    case: Case,
    actor: User,
    trigger: str,
    *,
    comment: str | None = None,
    days: int | None = None,
    order_number: str | None = None,
    version: int | None = None,
    now: datetime | None = None,
) -> None:
    """Fire `trigger` for `actor`, issue its documents and queue the mails the step calls for
    (notify.after_fire). Raises and changes nothing on refusal.

    `now` back-dates the step (demo data, records entered after the fact); screens and the
    API never pass it."""
    flow = workflows.for_case(case)
    if trigger not in flow.TRIGGERS or not can_fire(actor, case, trigger):
        raise Forbidden(_("You may not do this in this case."))
    if trigger not in flow.available(case):
        raise WrongState(_("This action is not available at this stage."))
    if version is not None and version != case.version:
        raise Conflict(_("The case changed since you opened it. Reload it and try again."))
    comment = (comment or "").strip() or None
    if trigger in flow.REASON_REQUIRED and not comment:
        raise Invalid(_("Give a reason."), field="comment")
    if trigger == "extend_deadline":
        limit = for_case(case).max_extension_days
        if days is None or not 1 <= days <= limit:
            raise Invalid(_("Extend by 1 to %(n)s days.", n=limit), field="days")
    reasons = flow.blockers(case, trigger)
    if reasons:
        raise Blocked(_("This action is blocked."), reasons=reasons)
    try:
        fired = flow.fire(
            case,
            trigger,
            actor=actor,
            comment=comment,
            days=days,
            order_number=order_number,
            now=now,
        )
    except MachineError as exc:  # raced with another request
        raise WrongState(_("This action is not available at this stage.")) from exc
    if not fired:
        raise Blocked(_("This action is blocked."), reasons=flow.blockers(case, trigger))
    if trigger == "reopen":
        for kind in flow.ACTS:
            documents.supersede(case, kind)
    for kind in flow.documents_for(trigger, case):
        documents.issue(case, kind, actor)
    if trigger == "notify_insurer":
        packages.create(case, actor)  # built and delivered by background jobs after the commit
    if trigger == "reopen":
        packages.supersede(case)
    if trigger == "draft_act":
        signing.open_round(case, actor)  # this version of the acts is the one to sign
    if trigger == "approve_act":
        # the version issued on approval carries the approval date and is never regenerated
        for kind in flow.ACTS:
            documents.freeze(case, kind)
    db.session.flush()
    if now is None:  # a back-dated step is a record of the past: nobody is to act on it now
        notify.queue(notify.after_fire(case, trigger, actor))  # sent after the commit
