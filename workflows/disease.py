"""The occupational-disease workflow (Law No. 167 art. 1; docs/procedure.md §4, modelled on
RF Decree 1206 and KZ practice — the KR procedure is unverified): the transition table, who may
fire what, the effects and the documents, in the style of workflows/accident.py.

suspected (the preliminary diagnosis registered) → working conditions described (by the
sanitary body) → final diagnosis (the occupational-pathology centre) → commission formed
(chaired by the sanitary body) → investigating → act drafted → act approved → insurer notified
→ closed, with suspend / resume, reopen and cancel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from transitions import Machine

from incidents.models import CaseStatus, DocumentKind, Role
from incidents.models.timeutil import utcnow

from . import accident, guards
from .guards import Guard
from .insurance import HAS_POLICY

S = CaseStatus


def _file(case):
    return case.disease


HAS_WORKER = Guard("has_worker", lambda c: len(c.victims) == 1, _l("Name the worker."))
CONDITIONS_DESCRIBED = Guard(
    "conditions_described",
    lambda c: bool(_file(c) and _file(c).sanitary_body and _file(c).conditions_class and c.factors),
    _l(
        "Enter the sanitary body, the class of working conditions and at least one measured "
        "harmful factor from its description."
    ),
)
FINAL_DIAGNOSIS = Guard(
    "final_diagnosis",
    lambda c: bool(
        _file(c)
        and _file(c).final_icd10
        and _file(c).final_diagnosis
        and _file(c).final_on
        and _file(c).pathology_centre
    ),
    _l(
        "Enter the final diagnosis with its ICD-10 code, its date and the occupational-pathology "
        "centre that made it."
    ),
)


def _commission_reason(case):
    """The commission meets the pack's rule for a disease (the sanitary body chairs; employer,
    health organisation, trade union and insurer sit on it)."""
    return LazyString(_commission_reason_now, case)


def _commission_reason_now(case) -> str:
    from flask_babel import get_locale
    from flask_babel import gettext as _

    from incidents.rules import for_case

    rule = for_case(case).disease_commission
    lang = str(get_locale() or "ru")
    basis = (rule.basis.get(lang) or rule.basis["ru"]) if rule else ""
    return _(
        "The commission does not meet the rule for an occupational disease: %(basis)s", basis=basis
    )


def _commission_ok(case) -> bool:
    from incidents.services import routing

    return not routing.commission_problems(case)


COMMISSION_RULES = Guard("disease_commission_rules", _commission_ok, _commission_reason)
CONNECTION_DECIDED = Guard(
    "connection_decided",
    lambda c: _file(c) is not None and _file(c).connected_to_work is not None,
    _l("Decide whether the disease is connected to the work."),
)
HAS_CAUSES = Guard(
    "has_disease_causes",
    lambda c: bool(_file(c) and (_file(c).conclusion_causes or "").strip()),
    _l("Describe the causes of the disease."),
)

STATES = [
    S.suspected,
    S.conditions_described,
    S.diagnosis_confirmed,
    S.commission_formed,
    S.investigating,
    S.suspended,
    S.act_drafted,
    S.act_approved,
    S.insurer_notified,
    S.closed,
    S.cancelled,
]
_OPEN = [
    S.suspected,
    S.conditions_described,
    S.diagnosis_confirmed,
    S.commission_formed,
    S.investigating,
    S.suspended,
    S.act_drafted,
]
_COMMISSION = [
    accident.HAS_CHAIR,
    accident.ENOUGH_MEMBERS,
    accident.NO_SITE_SAFETY_MEMBER,
    COMMISSION_RULES,
]

TRANSITIONS = [
    {
        "trigger": "describe_conditions",
        "source": S.suspected,
        "dest": S.conditions_described,
        "conditions": [HAS_WORKER, CONDITIONS_DESCRIBED],
    },
    {
        "trigger": "confirm_diagnosis",
        "source": S.conditions_described,
        "dest": S.diagnosis_confirmed,
        "conditions": [FINAL_DIAGNOSIS],
    },
    {
        "trigger": "form_commission",
        "source": S.diagnosis_confirmed,
        "dest": S.commission_formed,
        "conditions": _COMMISSION,
    },
    {
        "trigger": "reform_commission",
        "source": [S.commission_formed, S.investigating],
        "dest": S.commission_formed,
        "conditions": _COMMISSION,
    },
    {
        "trigger": "start_investigation",
        "source": S.commission_formed,
        "dest": S.investigating,
        "conditions": [COMMISSION_RULES],
    },
    {"trigger": "suspend", "source": S.investigating, "dest": S.suspended},
    {"trigger": "resume", "source": S.suspended, "dest": S.investigating},
    {
        "trigger": "draft_act",
        "source": S.investigating,
        "dest": S.act_drafted,
        "conditions": [
            HAS_WORKER,
            CONDITIONS_DESCRIBED,
            FINAL_DIAGNOSIS,
            COMMISSION_RULES,
            CONNECTION_DECIDED,
            HAS_CAUSES,
            accident.HAS_MEASURES,
        ],
    },
    {
        "trigger": "approve_act",
        "source": S.act_drafted,
        "dest": S.act_approved,
        "conditions": [accident.ALL_SIGNED],
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
        "conditions": [accident.OUTCOME_KNOWN],
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
# the employer's specialist records what the sanitary body and the pathology centre issued;
# the commission's work is the employer's and the chair's, as for an accident
TRIGGER_ROLES: dict[str, set[Role]] = {
    "describe_conditions": _EMPLOYER,
    "confirm_diagnosis": _EMPLOYER,
    **{t: accident.TRIGGER_ROLES[t] for t in TRIGGERS if t in accident.TRIGGER_ROLES},
}
REASON_REQUIRED = {"suspend", "reopen", "cancel"}

ACTS = (DocumentKind.disease_act,)
DOCUMENTS: dict[str, tuple[DocumentKind, ...]] = {
    "describe_conditions": (DocumentKind.working_conditions,),
    "draft_act": ACTS,
    "approve_act": ACTS,
    "notify_insurer": (DocumentKind.disease_insurer_notice,),
}
# issued when the notice of the preliminary diagnosis is registered (the case is reported)
ON_REPORT = (DocumentKind.disease_notice,)


# documents re-issued when the case's data changes while it stands at that stage
REISSUE_ON_CHANGE = {
    S.suspected: ON_REPORT,
    S.conditions_described: (DocumentKind.working_conditions,),
}


def documents_for(trigger: str, case) -> tuple[DocumentKind, ...]:
    return DOCUMENTS.get(trigger, ())


EDITABLE = {
    S.suspected,
    S.conditions_described,
    S.diagnosis_confirmed,
    S.commission_formed,
    S.investigating,
    S.act_drafted,
}


# -- effects --------------------------------------------------------------------------------


def _stamp_file(attr):
    def effect(event):
        setattr(event.model.disease, attr, event.kwargs.get("now") or utcnow())

    effect.__name__ = f"stamp_{attr}"
    return effect


def _on_reopen(event):
    accident._on_reopen(event)


_EFFECTS = {
    "describe_conditions": [_stamp_file("conditions_described_at")],
    "confirm_diagnosis": [_stamp_file("diagnosis_confirmed_at")],
    "form_commission": [accident._on_form_commission],
    "reform_commission": [accident._on_reform_commission],
    "suspend": [accident._stamp("suspended_at")],
    "resume": [accident._on_resume],
    "draft_act": [accident._stamp("investigation_ended_at")],
    "approve_act": [accident._stamp("act_approved_at")],
    "notify_insurer": [accident._stamp("insurer_notified_at")],
    "close": [accident._stamp("closed_at")],
    "reopen": [_on_reopen],
    "cancel": [accident._on_cancel],
}

MACHINE_CONFIG = dict(
    states=STATES,
    transitions=[{**t, "after": _EFFECTS.get(t["trigger"], [])} for t in TRANSITIONS],
    auto_transitions=False,
    send_event=True,
    model_attribute="status",
)

machine = Machine(model=None, initial=None, after_state_change=[accident._record], **MACHINE_CONFIG)


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
