"""Routing: a case's category follows its victims, and the notices and the commission rules
follow the category. Escalation (a light case turning severe or fatal) re-routes the case."""

from __future__ import annotations

from datetime import datetime

from ..models import (
    Case,
    CaseNotice,
    CaseTransition,
    Category,
    CommissionRole,
    Outcome,
    Severity,
    User,
)
from ..models.timeutil import utcnow
from ..rules import for_case

RANK = {Category.light: 0, Category.severe: 1, Category.fatal: 2, Category.group: 3}


def has_death(case: Case) -> bool:
    return any(
        v.medical_severity == Severity.fatal or v.outcome == Outcome.died for v in case.victims
    )


def deaths(case: Case) -> int:
    return sum(
        1 for v in case.victims if v.medical_severity == Severity.fatal or v.outcome == Outcome.died
    )


def derived_category(case: Case) -> Category:
    """What the victims make of the case: two or more hurt at once is a group accident."""
    if len(case.victims) >= 2:
        return Category.group
    if has_death(case):
        return Category.fatal
    if any(v.medical_severity == Severity.severe for v in case.victims):
        return Category.severe
    return Category.light


def required_notices(case: Case):
    """The pack's notice rules that apply to the case as it is now."""
    return for_case(case).notices_for(
        case.category.value, death=has_death(case), hazardous_facility=case.hazardous_facility
    )


def ensure_notices(case: Case, base: datetime) -> list[CaseNotice]:
    """Add a notice row for every required addressee not yet on the case, due from `base`."""
    have = {n.addressee for n in case.notices}
    added = []
    for rule in required_notices(case):
        if rule.addressee not in have:
            notice = CaseNotice(
                addressee=rule.addressee, due_at=rule.due.add_to(base), created_at=base
            )
            case.notices.append(notice)
            added.append(notice)
    return added


def missing_notices(case: Case) -> list[str]:
    """Addressees that must be told and have no delivery record yet."""
    if case.is_disease:
        return []
    sent = {n.addressee for n in case.notices if n.sent_at is not None}
    return [r.addressee for r in required_notices(case) if r.addressee not in sent]


def commission_problems(case: Case) -> list[str]:
    """How the commission falls short of the pack's rule for the category (empty when fine)."""
    if case.is_disease:
        rule = for_case(case).disease_commission
    else:
        rule = (for_case(case).commission or {}).get(case.category.value)
    if rule is None:
        return []
    members = case.commission
    chair = next((m for m in members if m.role == CommissionRole.chair), None)
    problems = []
    if chair is not None and str(chair.represents) != rule.chair:  # an enum, or its value
        problems.append(f"chair:{rule.chair}")
    represented = {str(m.represents) for m in members}
    problems += [f"member:{who}" for who in rule.must_include if who not in represented]
    return problems


def reroute(case: Case, actor: User | None, now: datetime | None = None) -> list[CaseNotice]:
    """Raise the category when the victims call for it (logged as an escalation), and add the
    notices that become due; returns those notices. The category never drops by itself:
    lowering it is a deliberate edit of the case."""
    if case.is_disease:
        return []  # no category to follow; the disease's notices are the pack's deadlines
    now = now or utcnow()
    new = derived_category(case)
    escalated = RANK[new] > RANK[case.category]
    if escalated:
        old = case.category
        case.category = new
        case.escalated_at = now
        case.transitions.append(
            CaseTransition(
                # canonical "old>new"; the timeline shows the translated category labels
                trigger="escalate",
                from_state=case.status.value,
                to_state=case.status.value,
                actor=actor,
                comment=f"{old.value}>{new.value}",
                at=now,
            )
        )
    # notices required from the start are due from the report; ones that become required
    # later (escalation, a death, a hazardous facility) are due from that moment
    return ensure_notices(case, now if case.notices else case.reported_at)
