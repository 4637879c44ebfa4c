"""The accident case workflow: the transition table, who may fire what, and the effects.

One machine per process, built with model=None: it holds no per-case data, and each trigger is
fired against the ORM instance passed in. Guards are about data completeness (the answer is
"fill in X"); who may fire a trigger is the separate TRIGGER_ROLES table (the answer is 403).
Documents issued by a transition are listed in DOCUMENTS, and issued by the service layer that
fires the trigger, inside the same transaction."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from transitions import Machine

from incidents.models import (
    CaseStatus,
    CaseTransition,
    CommissionRole,
    DocumentKind,
    Role,
)
from incidents.models.timeutil import utcnow
from incidents.rules import for_case
from incidents.services import routing, signing

from . import guards
from .guards import Guard
from .insurance import HAS_POLICY

S = CaseStatus


def _commission_reason(case):
    """The commission's make-up meets the pack's rule for the category (who chairs, who sits)."""
    return LazyString(_commission_reason_now, case)  # read in the locale of whoever shows it


def _commission_reason_now(case) -> str:
    from flask_babel import get_locale

    rule = (for_case(case).commission or {}).get(case.category.value)
    lang = str(get_locale() or "ru")
    basis = (rule.basis.get(lang) or rule.basis["ru"]) if rule else ""
    return _("The commission does not meet the rule for this category: %(basis)s", basis=basis)


HAS_VICTIM = Guard(
    "has_victim", lambda c: len(c.victims) > 0, _l("Add at least one victim to the case.")
)
HAS_CHAIR = Guard(
    "has_chair",
    lambda c: sum(1 for m in c.commission if m.role == CommissionRole.chair) == 1,
    _l("The commission needs exactly one chair."),
)
ENOUGH_MEMBERS = Guard(
    "enough_members",
    lambda c: len(c.commission) >= for_case(c).min_commission_members,
    _l("The commission needs a chair and at least three members in all."),
)
NO_SITE_SAFETY_MEMBER = Guard(
    "no_site_safety_member",
    lambda c: not any(m.responsible_for_site_safety for m in c.commission),
    _l("Nobody directly responsible for safety at the accident site may sit on the commission."),
)
NOTICES_SENT = Guard(
    "notices_sent",
    lambda c: not routing.missing_notices(c),
    _l("Record how and when every required notice was sent."),
)
COMMISSION_RULES = Guard(
    "commission_rules", lambda c: not routing.commission_problems(c), _commission_reason
)
SEVERITY_KNOWN = Guard(
    "severity_known",
    lambda c: all(v.medical_severity is not None for v in c.victims),
    _l("Every victim needs a medical severity from the health organisation's conclusion."),
)
HAS_EVENT_TYPE = Guard(
    "has_event_type", lambda c: bool(c.event_type_code), _l("Choose the event type.")
)
WORK_RELATED_DECIDED = Guard(
    "work_related_decided",
    lambda c: c.work_related is not None and bool((c.work_related_ground or "").strip()),
    _l("Record whether the accident is work-related, with its ground."),
)
HAS_CAUSES = Guard(
    "has_causes",
    lambda c: any(x.is_main for x in c.causes),
    _l("Record the causes, at least one of them the main cause."),
)
HAS_RESPONSIBLE = Guard(
    "has_responsible",
    lambda c: len(c.responsible) > 0,
    _l("Name the persons responsible for the violations."),
)
HAS_MEASURES = Guard(
    "has_measures", lambda c: len(c.measures) > 0, _l("Plan at least one preventive measure.")
)
NOT_EXTENDED = Guard(
    "not_extended",
    lambda c: c.extension_days == 0,
    _l("The investigation deadline can be extended only once."),
)


OUTCOME_KNOWN = Guard(
    "outcome_known",
    lambda c: all(v.outcome is not None for v in c.victims),
    _l("Record every victim's outcome before closing the case."),
)


def _all_signed(case) -> bool:
    """Every live commission member who has an account (user_id set) has a non-void signature
    in the current signing round. Members without an account sign the printed act on paper (it
    has their signature rows), so they do not block the approval."""
    return signing.all_signed(case)


ALL_SIGNED = Guard(
    "all_signed",
    _all_signed,
    _l("Every commission member with an account must sign this version of the act first."),
)

# the accident's states (the disease's first three are not among them)
STATES = [
    S.reported,
    S.notified,
    S.commission_formed,
    S.investigating,
    S.suspended,
    S.act_drafted,
    S.act_approved,
    S.insurer_notified,
    S.closed,
    S.cancelled,
]
_OPEN = [S.reported, S.notified, S.commission_formed, S.investigating, S.suspended, S.act_drafted]

TRANSITIONS = [
    {
        "trigger": "notify",
        "source": S.reported,
        "dest": S.notified,
        "conditions": [HAS_VICTIM, NOTICES_SENT],
    },
    {
        "trigger": "form_commission",
        "source": S.notified,
        "dest": S.commission_formed,
        "conditions": [HAS_CHAIR, ENOUGH_MEMBERS, NO_SITE_SAFETY_MEMBER, COMMISSION_RULES],
    },
    {
        # after an escalation, or any change of members: a new order with the new make-up
        "trigger": "reform_commission",
        "source": [S.commission_formed, S.investigating],
        "dest": S.commission_formed,
        "conditions": [HAS_CHAIR, ENOUGH_MEMBERS, NO_SITE_SAFETY_MEMBER, COMMISSION_RULES],
    },
    {
        "trigger": "start_investigation",
        "source": S.commission_formed,
        "dest": S.investigating,
        "conditions": [NOTICES_SENT, COMMISSION_RULES],
    },
    {
        "trigger": "extend_deadline",
        "source": S.investigating,
        "dest": S.investigating,
        "conditions": [NOT_EXTENDED],
    },
    {"trigger": "suspend", "source": S.investigating, "dest": S.suspended},
    {"trigger": "resume", "source": S.suspended, "dest": S.investigating},
    {
        "trigger": "draft_act",
        "source": S.investigating,
        "dest": S.act_drafted,
        "conditions": [
            HAS_VICTIM,
            NOTICES_SENT,
            COMMISSION_RULES,
            SEVERITY_KNOWN,
            HAS_EVENT_TYPE,
            WORK_RELATED_DECIDED,
            HAS_CAUSES,
            HAS_RESPONSIBLE,
            HAS_MEASURES,
        ],
    },
    {
        "trigger": "approve_act",
        "source": S.act_drafted,
        "dest": S.act_approved,
        "conditions": [ALL_SIGNED],
    },
    {
        "trigger": "notify_insurer",
        "source": S.act_approved,
        "dest": S.insurer_notified,
        "conditions": [HAS_POLICY],
    },
    {
        "trigger": "close",
        "source": S.insurer_notified,
        "dest": S.closed,
        "conditions": [OUTCOME_KNOWN],
    },
    {
        "trigger": "reopen",
        "source": [S.act_approved, S.insurer_notified, S.closed],
        "dest": S.investigating,
    },
    {"trigger": "cancel", "source": _OPEN, "dest": S.cancelled},
]

TRIGGERS = tuple(dict.fromkeys(t["trigger"] for t in TRANSITIONS))

_EMPLOYER = {Role.specialist, Role.head}
_CHAIR = {Role.specialist, Role.head, Role.inspector}
# Who may fire which trigger. Checked before firing; a miss is a 403, not a guard.
TRIGGER_ROLES: dict[str, set[Role]] = {
    "notify": _EMPLOYER,
    "form_commission": _CHAIR,
    "reform_commission": _CHAIR,
    "start_investigation": _CHAIR,
    "extend_deadline": _CHAIR,
    "suspend": _CHAIR,
    "resume": _CHAIR,
    "draft_act": _CHAIR,
    "approve_act": {Role.head},
    "notify_insurer": _EMPLOYER,
    "close": _EMPLOYER,
    "reopen": {Role.head, Role.inspector, Role.union_inspector},
    "cancel": {Role.head},
}

# Triggers whose form must carry a reason (kept in the transition log).
REASON_REQUIRED = {"extend_deadline", "suspend", "reopen", "cancel"}

# Documents each trigger issues, rendered in every document language. The notices are issued
# when their addressees become required (on report and on escalation), not by a trigger.
# The investigation act is for severe, fatal and group cases only (see documents_for).
ACTS = (DocumentKind.act_n1, DocumentKind.investigation_act)
DOCUMENTS: dict[str, tuple[DocumentKind, ...]] = {
    "form_commission": (DocumentKind.commission_order,),
    "reform_commission": (DocumentKind.commission_order,),
    "draft_act": ACTS,
    "approve_act": ACTS,
    "notify_insurer": (DocumentKind.insurer_notice,),
    "close": (DocumentKind.closure_summary,),
}


def documents_for(trigger: str, case) -> tuple[DocumentKind, ...]:
    kinds = DOCUMENTS.get(trigger, ())
    if case.category.value == "light":
        kinds = tuple(k for k in kinds if k != DocumentKind.investigation_act)
    return kinds


# Stages in which the case data may still change (act data is frozen on approval).
EDITABLE = {S.reported, S.notified, S.commission_formed, S.investigating, S.act_drafted}


# -- effects: pure changes to the case, inside the caller's transaction ---------------------


def _stamp(attr):
    def effect(event):
        setattr(event.model, attr, event.kwargs.get("now") or utcnow())

    effect.__name__ = f"stamp_{attr}"
    return effect


def _on_form_commission(event):
    case = event.model
    now = event.kwargs.get("now") or utcnow()
    case.commission_formed_at = now
    case.investigation_started_at = now
    case.commission_order_number = event.kwargs.get("order_number") or case.number


def _on_reform_commission(event):
    """A new order; the investigation clock keeps counting from the first one."""
    case = event.model
    case.commission_order_number = event.kwargs.get("order_number") or case.commission_order_number


def _on_extend(event):
    case = event.model
    case.extension_days = int(event.kwargs["days"])
    case.extension_reason = event.kwargs.get("comment")


def _on_resume(event):
    case = event.model
    now = event.kwargs.get("now") or utcnow()
    if case.suspended_at is not None:
        case.paused_seconds += int((now - case.suspended_at).total_seconds())
    case.suspended_at = None


def _on_reopen(event):
    case = event.model
    case.investigation_started_at = event.kwargs.get("now") or utcnow()
    case.investigation_ended_at = None
    case.act_approved_at = None
    case.insurer_notified_at = None
    case.closed_at = None


def _on_cancel(event):
    event.model.cancel_reason = event.kwargs.get("comment")


_EFFECTS = {
    "notify": [_stamp("notified_at")],
    "form_commission": [_on_form_commission],
    "reform_commission": [_on_reform_commission],
    "extend_deadline": [_on_extend],
    "suspend": [_stamp("suspended_at")],
    "resume": [_on_resume],
    "draft_act": [_stamp("investigation_ended_at")],
    "approve_act": [_stamp("act_approved_at")],
    "notify_insurer": [_stamp("insurer_notified_at")],
    "close": [_stamp("closed_at")],
    "reopen": [_on_reopen],
    "cancel": [_on_cancel],
}


def _record(event):
    """Audit row for every fired trigger; the case version moves with it."""
    case = event.model
    actor = event.kwargs.get("actor")
    case.transitions.append(
        CaseTransition(
            trigger=event.event.name,
            from_state=str(event.transition.source),
            to_state=str(event.transition.dest),
            actor=actor,
            comment=event.kwargs.get("comment"),
            at=event.kwargs.get("now") or utcnow(),
        )
    )
    case.touch()


MACHINE_CONFIG = dict(
    states=STATES,
    transitions=[{**t, "after": _EFFECTS.get(t["trigger"], [])} for t in TRANSITIONS],
    auto_transitions=False,
    send_event=True,
    model_attribute="status",
)

machine = Machine(model=None, initial=None, after_state_change=[_record], **MACHINE_CONFIG)


def fire(case, trigger: str, **kwargs) -> bool:
    """Fire a trigger against a case. False when a guard blocks; MachineError from a wrong state."""
    return machine.events[trigger].trigger(case, **kwargs)


def available(case) -> list[str]:
    """Triggers defined from the case's current state, in table order."""
    return guards.available(machine, TRIGGERS, case)


def blockers(case, trigger: str) -> list:
    """The reasons (lazy strings) why the guards of `trigger` fail now; empty when it can fire."""
    return guards.blockers(machine, case, trigger)


def may_fire(role: Role, trigger: str) -> bool:
    return role in TRIGGER_ROLES.get(trigger, ())
