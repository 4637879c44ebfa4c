"""State machines of the investigation process: one per kind of case, with the same interface
(TRIGGERS, TRIGGER_ROLES, REASON_REQUIRED, ACTS, EDITABLE, fire, available, blockers,
documents_for, may_fire)."""


def for_case(case):
    """The workflow module of the case's kind."""
    from incidents.models import CaseKind

    from . import accident, disease

    return disease if case.kind == CaseKind.occupational_disease else accident


def all_triggers() -> tuple[str, ...]:
    from . import accident, disease

    return tuple(dict.fromkeys((*accident.TRIGGERS, *disease.TRIGGERS)))
