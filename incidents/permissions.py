"""Who may see and do what, in one place. Views, the API and templates all ask here."""

from __future__ import annotations

from sqlalchemy import and_, exists, false, or_

from workflows import accident

from .models import (
    Case,
    CaseStatus,
    Category,
    CommissionMember,
    GeneratedDocument,
    Organisation,
    Role,
    User,
)

EMPLOYER_STAFF = {Role.specialist, Role.head, Role.member}
EDITORS = {Role.specialist, Role.head}
_SENT_TO_INSURER = (CaseStatus.insurer_notified, CaseStatus.closed)


def _on_commission(user: User, case: Case) -> bool:
    return any(m.user_id == user.id for m in case.commission)


def can_view_case(user: User, case: Case) -> bool:
    if not user.is_authenticated:
        return False
    if user.role in EMPLOYER_STAFF and user.organisation_id == case.organisation_id:
        return True
    if user.role == Role.insurer:
        return (
            user.organisation_id is not None
            and user.organisation_id == case.organisation.insurer_id
            and case.status in _SENT_TO_INSURER
        )
    if _inspects(user, case):
        return True
    return _on_commission(user, case)


def _area(user: User) -> str | None:
    return user.organisation.region if user.organisation is not None else None


def _inspects(user: User, case: Case) -> bool:
    """The state labour inspector investigates the severe, fatal and group accidents of the
    employers in the inspectorate's region (Law 167 art. 17)."""
    return (
        user.role == Role.inspector
        and _area(user) is not None
        and _area(user) == case.organisation.region
        and case.category != Category.light
    )


def visible_cases(user: User):
    """The same rule as can_view_case, as a WHERE clause for lists."""
    if not user.is_authenticated:
        return false()
    on_commission = exists().where(
        and_(
            CommissionMember.case_id == Case.id,
            CommissionMember.user_id == user.id,
            CommissionMember.removed_at.is_(None),
        )
    )
    if user.role in EMPLOYER_STAFF:
        return or_(Case.organisation_id == user.organisation_id, on_commission)
    if user.role == Role.insurer:
        insured = exists().where(
            and_(
                Organisation.id == Case.organisation_id,
                Organisation.insurer_id == user.organisation_id,
            )
        )
        return and_(insured, Case.status.in_(_SENT_TO_INSURER))
    if user.role == Role.inspector and _area(user) is not None:
        in_area = exists().where(
            and_(Organisation.id == Case.organisation_id, Organisation.region == _area(user))
        )
        return or_(and_(in_area, Case.category != Category.light), on_commission)
    return on_commission


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
    return user.role in {Role.inspector, Role.union_inspector, Role.member} and _on_commission(
        user, case
    )


def can_edit_organisation(user: User, organisation) -> bool:
    return (
        user.is_authenticated and user.role in EDITORS and user.organisation_id == organisation.id
    )


def can_fire(user: User, case: Case, trigger: str) -> bool:
    return can_view_case(user, case) and accident.may_fire(user.role, trigger)


def can_download(user: User, document: GeneratedDocument) -> bool:
    return can_view_case(user, document.case)
