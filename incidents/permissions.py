"""Who may see and do what, in one place. Views, the API and templates all ask here."""

from __future__ import annotations

from sqlalchemy import and_, exists, false, or_

import workflows

from .extensions import db
from .models import (
    Case,
    CaseParticipant,
    CaseStatus,
    Category,
    CommissionMember,
    GeneratedDocument,
    InsurerPackage,
    Organisation,
    OrgKind,
    Role,
    User,
)

# the employer's staff who see all of its cases; a commission member sees only the cases
# they sit on or were invited to
EMPLOYER_STAFF = {Role.specialist, Role.head}
EDITORS = {Role.specialist, Role.head}
# the roles a person may be invited to one case in; all but the victim may sit on the commission
INVITABLE_ROLES = (Role.member, Role.inspector, Role.union_inspector, Role.victim)
_COMMISSION_ROLES = {Role.member, Role.inspector, Role.union_inspector}
_SENT_TO_INSURER = (CaseStatus.insurer_notified, CaseStatus.closed)


def _sent_to(insurer_id: int):
    """The packages handed to one insurer (the insurer sees those cases, read-only)."""
    return db.select(InsurerPackage.id).where(InsurerPackage.insurer_id == insurer_id)


def _on_commission(user: User, case: Case) -> bool:
    return any(m.user_id == user.id for m in case.commission)


def _participations(user: User, case: Case) -> list[CaseParticipant]:
    """The user's active (not revoked) grants of this case by invitation."""
    if user.id is None or case.id is None:
        return []
    return list(
        db.session.execute(
            db.select(CaseParticipant).where(
                CaseParticipant.case_id == case.id,
                CaseParticipant.user_id == user.id,
                CaseParticipant.revoked_at.is_(None),
            )
        ).scalars()
    )


def _participates_clause(user: User):
    return exists().where(
        and_(
            CaseParticipant.case_id == Case.id,
            CaseParticipant.user_id == user.id,
            CaseParticipant.revoked_at.is_(None),
        )
    )


def can_view_case(user: User, case: Case) -> bool:
    if not user.is_authenticated:
        return False
    return _views_by_role(user, case) or bool(_participations(user, case))


def _views_by_role(user: User, case: Case) -> bool:
    """Access from who the user is (not from an invitation)."""
    if user.role in EMPLOYER_STAFF and user.organisation_id == case.organisation_id:
        return True
    if user.role == Role.insurer:
        return (
            user.organisation_id is not None
            and case.status in _SENT_TO_INSURER
            and db.session.scalar(
                _sent_to(user.organisation_id).where(InsurerPackage.case_id == case.id).limit(1)
            )
            is not None
        )
    if _inspects(user, case):
        return True
    return _on_commission(user, case)


def _area(user: User) -> str | None:
    return user.organisation.region if user.organisation is not None else None


def _inspects(user: User, case: Case) -> bool:
    """The state labour inspector investigates the severe, fatal and group accidents of the
    employers in the inspectorate's region (Law 167 art. 17). An occupational disease (no
    category) is the sanitary body's: the inspector sees it only by invitation."""
    return (
        user.role == Role.inspector
        and _area(user) is not None
        and _area(user) == case.organisation.region
        and case.category is not None
        and case.category != Category.light
    )


def visible_cases(user: User):
    """The same rule as can_view_case, as a WHERE clause for lists."""
    if not user.is_authenticated:
        return false()
    if user.role in EMPLOYER_STAFF and user.organisation_id is not None:
        return _employer_staff_sees(user)
    return or_(_visible_by_role(user), _participates_clause(user))


def _employer_staff_sees(user: User):
    """The employer's cases, and the few others the user sits on or was invited to. Those few
    are looked up first, so the clause is `organisation_id = X` (OR `id IN (…)`): an index on
    (organisation_id, id) serves a list page in any database, where an OR with EXISTS made
    it read the whole table (1,000,000 cases for an employer with 200)."""
    sits = db.select(CommissionMember.case_id).where(
        CommissionMember.user_id == user.id, CommissionMember.removed_at.is_(None)
    )
    invited = db.select(CaseParticipant.case_id).where(
        CaseParticipant.user_id == user.id, CaseParticipant.revoked_at.is_(None)
    )
    others = set(db.session.scalars(sits)) | set(db.session.scalars(invited))
    own = Case.organisation_id == user.organisation_id
    return or_(own, Case.id.in_(sorted(others))) if others else own


def _visible_by_role(user: User):
    on_commission = exists().where(
        and_(
            CommissionMember.case_id == Case.id,
            CommissionMember.user_id == user.id,
            CommissionMember.removed_at.is_(None),
        )
    )
    if user.role == Role.insurer:
        sent = exists(_sent_to(user.organisation_id).where(InsurerPackage.case_id == Case.id))
        return and_(sent, Case.status.in_(_SENT_TO_INSURER))
    if user.role == Role.inspector and _area(user) is not None:
        in_area = exists().where(
            and_(Organisation.id == Case.organisation_id, Organisation.region == _area(user))
        )
        return or_(and_(in_area, Case.category != Category.light), on_commission)
    return on_commission


def reads_internal_comments(user: User, case: Case) -> bool:
    """The commission's side of the case: the employer's staff, the inspector investigating
    it and whoever sits on its commission (also by invitation to a seat). Not the victim or
    their trusted person, nor anyone else invited without a seat, nor the insurer: they read
    only the comments written for everyone on the case."""
    return (
        user.is_authenticated
        and user.role not in (Role.insurer, Role.victim)
        and _views_by_role(user, case)
    )


def can_create_case(user: User) -> bool:
    return user.is_authenticated and user.role in EDITORS and user.organisation_id is not None


def can_edit_case(user: User, case: Case) -> bool:
    """May change the case data (not whether the stage still allows it: see services)."""
    if not can_view_case(user, case):
        return False
    if user.role in EDITORS and user.organisation_id == case.organisation_id:
        return True
    if _inspects(user, case):
        return True
    if user.role in _COMMISSION_ROLES and _on_commission(user, case):
        return True
    # invited onto the commission: a member, inspector or union inspector linked to a seat;
    # a victim (or trusted person) only views
    seats = {m.id for m in case.commission if m.user_id == user.id}
    return any(
        p.role in _COMMISSION_ROLES and p.commission_member_id in seats
        for p in _participations(user, case)
    )


def can_invite(user: User, case: Case) -> bool:
    """Invite people to the case and revoke them: the employer's specialist or head, or the
    user who sits in the commission's chair."""
    if not user.is_authenticated:
        return False
    if user.role in EDITORS and user.organisation_id == case.organisation_id:
        return True
    chair = case.chair
    return chair is not None and chair.user_id is not None and chair.user_id == user.id


def can_edit_organisation(user: User, organisation) -> bool:
    return (
        user.is_authenticated and user.role in EDITORS and user.organisation_id == organisation.id
    )


def can_fire(user: User, case: Case, trigger: str) -> bool:
    if not (can_view_case(user, case) and workflows.for_case(case).may_fire(user.role, trigger)):
        return False
    # a person who has the case only by invitation acts only where they may edit it
    return _views_by_role(user, case) or can_edit_case(user, case)


def can_download(user: User, document: GeneratedDocument) -> bool:
    return can_view_case(user, document.case)


def can_view_package(user: User, package: InsurerPackage) -> bool:
    """The insurer it was sent to, and the employer's staff who sent it (to follow delivery).
    No other insurer, even one that insured the employer before."""
    if not user.is_authenticated:
        return False
    if user.role == Role.insurer:
        return user.organisation_id == package.insurer_id
    return user.role in EMPLOYER_STAFF and can_view_case(user, package.case)


def can_answer_package(user: User, package: InsurerPackage) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.insurer
        and user.organisation_id == package.insurer_id
    )


def can_edit_channels(user: User) -> bool:
    """An insurer's own user keeps the insurer's mailbox and webhook."""
    return (
        user.is_authenticated
        and user.role == Role.insurer
        and user.organisation is not None
        and user.organisation.kind == OrgKind.insurer
    )


def can_place_hold(user: User, case: Case) -> bool:
    """Place or lift a legal hold: the employer's labour-protection specialist or head, or the
    state labour inspector who supervises the case (a court or prosecutor's demand reaches
    one of them)."""
    if not user.is_authenticated:
        return False
    if user.role in EDITORS and user.organisation_id == case.organisation_id:
        return True
    return _inspects(user, case)


def visible_registers(user: User):
    """The employers whose accident register the user may open, as a WHERE clause on
    Organisation: their own (the specialist and the head), or those of the inspectorate's
    region (the state labour inspector, who sees in it only the cases visible_cases gives)."""
    if not user.is_authenticated:
        return false()
    employer = Organisation.kind == OrgKind.employer
    if user.role in EMPLOYER_STAFF and user.organisation_id is not None:
        return and_(employer, Organisation.id == user.organisation_id)
    if user.role == Role.inspector and _area(user) is not None:
        return and_(employer, Organisation.region == _area(user))
    return false()


def can_view_register(user: User, organisation: Organisation) -> bool:
    """The same rule as visible_registers, for one employer."""
    if not user.is_authenticated or organisation.kind != OrgKind.employer:
        return False
    if user.role in EMPLOYER_STAFF:
        return user.organisation_id == organisation.id
    return (
        user.role == Role.inspector
        and _area(user) is not None
        and _area(user) == organisation.region
    )
