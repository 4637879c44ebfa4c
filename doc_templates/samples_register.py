"""The sample register: the sample cases of samples.py (and of samples_disease.py) as the rows
the register service reads, so the `register` template renders without a database.

The accident register of the sample employer holds the light case 7/2025 and, as case 8/2025
ten days later, the group accident of `sample_group_case()` (two victims, the second died);
the disease register holds the weaver's case 3/2025."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from .context_register import build_register_context, register_entry
from .sample_rules import SampleRules
from .samples import NOW, sample_case, sample_group_case
from .samples_disease import sample_disease_case

GROUP_CASE_NUMBER = "8/2025"


def _rows(case, *, kind="accident", number=None, later=timedelta()):
    """One row per victim of a sample case, numbered as the service numbers acts."""
    number = number or case.number
    victims = list(case.victims)
    disease = getattr(case, "disease", None) if kind != "accident" else None
    approved = case.act_approved_at + later if case.act_approved_at else None
    for index, v in enumerate(victims, 1):
        yield SimpleNamespace(
            number=number,
            kind=kind,
            category=case.category,
            disease_form=disease.form if disease else None,
            occurred_at=case.occurred_at + later,
            victim_name=v.full_name,
            birth_year=v.birth_date.year,
            service_total_years=v.service_total_years,
            occupation=v.occupation,
            unit=case.structural_unit,
            event_type_code=getattr(case, "event_type_code", None),
            icd10=disease.final_icd10 if disease else None,
            diagnosis=disease.final_diagnosis if disease else None,
            circumstances=case.circumstances,
            act_number=number if len(victims) == 1 else f"{number}-{index}",
            act_approved_at=approved,
            outcome=getattr(v, "outcome", None),
            measures=tuple(m.action for m in case.measures),
        )


def sample_register_rows(kind: str = "accident") -> list[SimpleNamespace]:
    if kind == "occupational_disease":
        return list(_rows(sample_disease_case(), kind=kind))
    light = list(_rows(sample_case()))
    group = list(_rows(sample_group_case(), number=GROUP_CASE_NUMBER, later=timedelta(days=10)))
    return light + group


def sample_register_context(language: str, *, rules=None, kind: str = "accident") -> dict:
    """The context of the `register` template for the sample employer's 2025."""
    rules = rules or SampleRules()
    case = sample_disease_case() if kind == "occupational_disease" else sample_case()
    entries = [register_entry(r, language, rules) for r in sample_register_rows(kind)]
    return build_register_context(case.organisation, 2025, kind, entries, language, now=NOW)
