"""Who may see and do what, in one place. Views, the API and templates all ask here."""

from __future__ import annotations

from sqlalchemy import and_, exists, false, or_

from workflows import accident

from .models import Case, CaseStatus, CommissionMember, GeneratedDocument, Role, User

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
    return _on_commission(user, case)


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
        from .models import Organisation

        insured = exists().where(
            and_(
                Organisation.id == Case.organisation_id,
                Organisation.insurer_id == user.organisation_id,
            )
        )
        return and_(insured, Case.status.in_(_SENT_TO_INSURER))
    return on_commission


def can_create_case(user: User) -> bool:
    return user.is_authenticated and user.role in EDITORS and user.organisation_id is not None


def can_edit_case(user: User, case: Case) -> bool:
    """May change the case data (not whether the stage still allows it: see services)."""
    if not can_view_case(user, case):
        return False
    if user.role in EDITORS and user.organisation_id == case.organisation_id:
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
