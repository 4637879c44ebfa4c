"""What the register (services/register.py) is made of: its filters, its rows, its pages, and
the turning of result tuples into rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import String, type_coerce

from ..models import Case, CaseKind, Category, DiseaseFile, DiseaseForm, Outcome, Victim


@dataclass(frozen=True)
class Filters:
    """What the register is narrowed to; `kind` picks the accident or the disease register."""

    kind: CaseKind = CaseKind.accident
    category: Category | None = None  # an accident's
    unit: str | None = None
    event_type: str | None = None  # a rule-pack event type code (an accident's)
    outcome: Outcome | None = None
    q: str | None = None  # part of a victim's name

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """From query-string arguments; a value that is not one of ours is ignored."""

        def pick(enum, key):
            value = (args.get(key) or "").strip()
            return enum(value) if value in enum.__members__ else None

        def text(key, limit):
            value = " ".join((args.get(key) or "").split())[:limit]
            return value or None

        kind = pick(CaseKind, "kind") or CaseKind.accident
        disease = kind == CaseKind.occupational_disease
        return cls(
            kind=kind,
            category=None if disease else pick(Category, "category"),
            unit=text("unit", 300),
            event_type=None if disease else text("event_type", 10),
            outcome=pick(Outcome, "outcome"),
            q=text("q", 100),
        )

    def as_args(self) -> dict[str, str]:
        """The query-string arguments that give these filters back (links, exports)."""
        return {k: str(v) for k, v in asdict(self).items() if v not in (None, "")}


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One entry of the register: a victim of a case (read by doc_templates.context_register)."""

    case_id: int
    victim_id: int
    number: str  # the case's, seq/year
    kind: CaseKind
    category: Category | None
    disease_form: DiseaseForm | None
    occurred_at: datetime  # naive UTC, as stored
    victim_name: str
    birth_year: int
    service_total_years: Decimal | None
    occupation: str
    unit: str | None
    event_type_code: str | None
    icd10: str | None  # the final diagnosis once the pathology centre made it, else the first
    diagnosis: str | None
    circumstances: str
    act_number: str | None  # None until the act is approved
    act_approved_at: datetime | None
    outcome: Outcome | None
    days_lost: int | None
    measures: tuple[str, ...]


@dataclass
class Page:
    """Some cases' rows; the cursors are case ids to read on from (None: no more that way)."""

    rows: list[RegisterRow]
    next: int | None
    prev: int | None


def _stored(column):
    """An enum column as the stored name: build_rows looks the member up in a dict, which is
    several times cheaper than the column type's conversion of every value."""
    return type_coerce(column, String)


def _members(enum) -> dict:
    return {None: None, **{m.value: m for m in enum}}


_KIND, _CATEGORY = _members(CaseKind), _members(Category)
_FORM, _OUTCOME = _members(DiseaseForm), _members(Outcome)

# the columns of a row, in the order build_rows unpacks them
COLUMNS = (
    Case.id,
    Victim.id,
    Case.year,
    Case.seq,
    _stored(Case.kind),
    _stored(Case.category),
    _stored(DiseaseFile.form),
    Case.occurred_at,
    Victim.full_name,
    Victim.birth_date,
    Victim.service_total_years,
    Victim.occupation,
    Case.structural_unit,
    Case.event_type_code,
    DiseaseFile.final_icd10,
    DiseaseFile.final_diagnosis,
    DiseaseFile.preliminary_icd10,
    DiseaseFile.preliminary_diagnosis,
    Case.circumstances,
    Case.act_approved_at,
    _stored(Victim.outcome),
    Victim.days_lost,
)


def build_rows(
    raw: Sequence, victims: Mapping[int, list[int]], measures: Mapping[int, list[str]]
) -> list[RegisterRow]:
    """Result tuples (COLUMNS) -> rows. `victims` are the live victim ids of each case (to
    number one act per victim), `measures` the live measures' texts."""
    rows = []
    # positional unpacking: an export turns every row of the year into a RegisterRow, and
    # attribute lookups by name on each result row cost about twice as much
    for (
        case_id,
        victim_id,
        year,
        seq,
        kind,
        category,
        disease_form,
        occurred_at,
        full_name,
        birth_date,
        service_total_years,
        occupation,
        unit,
        event_type_code,
        final_icd10,
        final_diagnosis,
        preliminary_icd10,
        preliminary_diagnosis,
        circumstances,
        act_approved_at,
        outcome,
        days_lost,
    ) in raw:
        number = f"{seq}/{year}"
        act = None
        if act_approved_at is not None:
            # one act per victim: "7/2025", or "7/2025-2" for the second victim of a group case
            case_victims = victims.get(case_id, ())
            act = number
            if len(case_victims) > 1 and victim_id in case_victims:
                act = f"{number}-{case_victims.index(victim_id) + 1}"
        rows.append(
            RegisterRow(
                case_id,
                victim_id,
                number,
                _KIND[kind],
                _CATEGORY[category],
                _FORM[disease_form],
                occurred_at,
                full_name,
                birth_date.year,
                service_total_years,
                occupation,
                unit,
                event_type_code,
                final_icd10 or preliminary_icd10,
                final_diagnosis or preliminary_diagnosis,
                circumstances,
                act,
                act_approved_at,
                _OUTCOME[outcome],
                days_lost,
                tuple(measures.get(case_id, ())),
            )
        )
    return rows
