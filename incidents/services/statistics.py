"""Injury statistics for a period and a set of organisations (Law on Labour Protection art. 4,
11): accidents and occupational diseases apart, each with its cases by category (a disease's
form), event type, main cause, diagnosis, unit and month, its victims, deaths and days of
incapacity, and the three rates the state asks for.

Which cases count
  A case counts when the Bishkek date of `occurred_at` falls in the period, it is not
  cancelled, and it was not declared unrelated to work: an accident with
  `work_related is False`, or a disease whose commission concluded `connected_to_work is
  False`. An undecided case (None) counts: the register includes a case from its report.
  Removed victim and cause rows (`removed_at` set) never count.

Whose cases (`scope_for`)
  - the employer's specialist or head: their own organisation;
  - the state labour inspector: every employer of the inspectorate's region, or one of them.
    The inspector investigates only the serious cases, but the statistics count every case of
    those employers, light ones included: the frequency rate is meaningless without them, and
    only totals are shown (no case is listed or linked);
  - the insurer: the employers it insures during the period (a policy overlapping it) and
    any employer whose case of the period was handed to it — but only the cases handed to it
    count, as the insurer sees no other case. Its rates therefore lag behind cases still
    being investigated.
  Nobody else has statistics.

The rates
  frequency Кч = cases × 1000 / headcount; severity Кт = days lost by the victims who did not
  die / the number of those victims whose days lost are recorded (each victim of a group
  accident is one injury, as form 7-травматизм counts them; a death is counted by the
  fatality rate instead); fatality = deaths × 1000 / headcount. The headcount is the sum of
  the organisations' `headcount`; a rate is None when the headcount is unknown (or zero).

Everything is aggregated in SQL (GROUP BY); no case is loaded into Python. With an index on
case_file (organisation_id, occurred_at) one organisation-year reads only its own rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import String, and_, case, exists, func, literal_column, or_, type_coerce, union_all

from ..extensions import db
from ..models import (
    Case,
    CaseKind,
    CaseStatus,
    Category,
    Cause,
    DiseaseFile,
    InsurerPackage,
    Organisation,
    OrgKind,
    Outcome,
    Policy,
    Role,
    User,
    Victim,
)
from ..models.timeutil import local_to_utc
from .local_sql import local_month

# the cases an insurer has (the same rule as permissions.visible_cases)
_SENT_TO_INSURER = (CaseStatus.insurer_notified, CaseStatus.closed)
# the breakdowns of each kind of case, in the order the page shows them
BREAKDOWNS = {
    CaseKind.accident: ("category", "event_type", "cause", "unit", "month"),
    CaseKind.occupational_disease: ("category", "diagnosis", "unit", "month"),
}


@dataclass(frozen=True)
class Period:
    """From one Bishkek date to another, both included."""

    start: date
    end: date

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[start, end) in naive UTC, as `occurred_at` is stored."""
        first = local_to_utc(datetime.combine(self.start, time.min))
        after = local_to_utc(datetime.combine(self.end + timedelta(days=1), time.min))
        return first, after

    def months(self) -> list[str]:
        """Every 'YYYY-MM' of the period, so a month without cases shows as 0."""
        year, month, result = self.start.year, self.start.month, []
        while (year, month) <= (self.end.year, self.end.month):
            result.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return result


@dataclass(frozen=True)
class Scope:
    """Whose cases count: one organisation (an id), a tuple of ids or a SELECT of them; for
    an insurer (`insurer_id`) only the cases handed to it."""

    organisations: object
    insurer_id: int | None = None
    single: bool = False  # one organisation: the page offers no organisation selector

    def organisation_clause(self, column):
        if isinstance(self.organisations, int):
            return column == self.organisations
        return column.in_(self.organisations)


def _insured(insurer_id: int, period: Period):
    """The employers insured by the insurer during the period, or whose case of the period it
    received (a policy lapsed since). A package is made under a policy of its insurer, so only
    an employer that ever had one is asked about its cases of the period; asked of every
    employer about every package, this read all the packages per employer (5 s at 300,000)."""
    first, after = period.utc_bounds()
    policy = exists().where(
        Policy.employer_id == Organisation.id,
        Policy.insurer_id == insurer_id,
        Policy.removed_at.is_(None),
        Policy.valid_from <= period.end,
        Policy.valid_to >= period.start,
    )
    ever_insured = exists().where(
        Policy.employer_id == Organisation.id, Policy.insurer_id == insurer_id
    )
    sent = exists().where(
        Case.organisation_id == Organisation.id,
        Case.occurred_at >= first,
        Case.occurred_at < after,
        InsurerPackage.case_id == Case.id,
        InsurerPackage.insurer_id == insurer_id,
    )
    return db.select(Organisation.id).where(or_(policy, and_(ever_insured, sent)))


# The organisations of a scope go to the database as a list of ids: the planner then reads each
# one's cases by the (organisation_id, occurred_at) index rather than scanning every case (seen
# on PostgreSQL with a sub-select). Beyond this many it stays a sub-select: SQLite takes at most
# 32,766 parameters.
_MAX_LISTED = 5000


def _listed(orgs):
    ids = db.session.scalars(orgs.limit(_MAX_LISTED + 1)).all()
    return tuple(ids) if len(ids) <= _MAX_LISTED else orgs


def scope_for(user: User, period: Period, organisation_id: int | None = None) -> Scope | None:
    """The user's scope, narrowed to one organisation when asked; None when the user has no
    statistics or the organisation is not theirs to see."""
    if not user.is_authenticated or user.organisation_id is None:
        return None
    if user.role in (Role.specialist, Role.head):
        if organisation_id not in (None, user.organisation_id):
            return None
        return Scope(user.organisation_id, single=True)
    if user.role == Role.inspector and user.organisation.region:
        orgs = db.select(Organisation.id).where(
            Organisation.kind == OrgKind.employer, Organisation.region == user.organisation.region
        )
        insurer_id = None
    elif user.role == Role.insurer:
        orgs, insurer_id = _insured(user.organisation_id, period), user.organisation_id
    else:
        return None
    if organisation_id is None:
        return Scope(_listed(orgs), insurer_id)
    if db.session.scalar(orgs.where(Organisation.id == organisation_id)) is None:
        return None
    return Scope(organisation_id, insurer_id)


def organisations(scope: Scope) -> list[tuple[int, str]]:
    """(id, name) of the scope's organisations, by name: the page's selector."""
    query = db.select(Organisation.id, Organisation.name).where(
        scope.organisation_clause(Organisation.id)
    )
    return [tuple(row) for row in db.session.execute(query.order_by(Organisation.name))]


@dataclass
class Figures:
    """One kind of case over the period."""

    kind: CaseKind
    headcount: int | None
    cases: int = 0
    victims: int = 0
    deaths: int = 0
    days_lost: int = 0
    injured: int = 0  # victims who did not die and whose days lost are recorded
    injured_days: int = 0
    # breakdown name -> [(key, cases)]; a key None is "not specified"
    by: dict[str, list[tuple[str | None, int]]] = field(default_factory=dict)

    @property
    def frequency(self) -> float | None:
        return self.cases * 1000 / self.headcount if self.headcount else None

    @property
    def severity(self) -> float | None:
        return self.injured_days / self.injured if self.injured else None

    @property
    def fatality(self) -> float | None:
        return self.deaths * 1000 / self.headcount if self.headcount else None


@dataclass
class Statistics:
    period: Period
    organisations: int  # how many organisations the scope holds
    without_headcount: int  # how many of them have no headcount recorded
    headcount: int | None
    accidents: Figures
    diseases: Figures

    def figures(self) -> list[Figures]:
        return [self.accidents, self.diseases]


def counted(scope: Scope, period: Period) -> list:
    """The WHERE clause of the cases that count (see the module docstring)."""
    first, after = period.utc_bounds()
    unrelated_disease = exists().where(
        DiseaseFile.case_id == Case.id, DiseaseFile.connected_to_work.is_(False)
    )
    conditions = [
        scope.organisation_clause(Case.organisation_id),
        Case.occurred_at >= first,
        Case.occurred_at < after,
        Case.status != CaseStatus.cancelled,
        Case.work_related.is_not(False),
        or_(Case.kind == CaseKind.accident, ~unrelated_disease),
    ]
    return conditions + insurer_clause(scope)


def insurer_clause(scope: Scope) -> list:
    """For an insurer: only the cases handed to it (the rule of permissions.visible_cases)."""
    if scope.insurer_id is None:
        return []
    handed = exists().where(
        InsurerPackage.case_id == Case.id, InsurerPackage.insurer_id == scope.insurer_id
    )
    # `status || ''`: the same test, but no index answers it. Offered (organisation_id, status,
    # id), SQLite took it over (organisation_id, occurred_at) and read every year of every
    # employer for one year's figures (2.5 s instead of 0.6 s at 300,000 cases).
    status = type_coerce(Case.status, String) + ""
    return [handed, status.in_([s.value for s in _SENT_TO_INSURER])]


def _keys() -> dict[str, object]:
    """The SQL expression of each breakdown, per case. A disease's own row is read only for a
    disease (a lookup by its unique case_id), never joined to every accident."""
    is_disease = Case.kind == CaseKind.occupational_disease

    def of_disease(column):
        return db.select(column).where(DiseaseFile.case_id == Case.id).scalar_subquery()

    main_cause = (
        db.select(func.min(Cause.code))
        .where(Cause.case_id == Case.id, Cause.is_main.is_(True), Cause.removed_at.is_(None))
        .scalar_subquery()
    )
    diagnosis = func.coalesce(DiseaseFile.final_icd10, DiseaseFile.preliminary_icd10)
    return {
        # an accident's category; a disease's form (acute, chronic)
        "category": case((is_disease, of_disease(DiseaseFile.form)), else_=Case.category),
        "event_type": Case.event_type_code,
        "cause": case((~is_disease, main_cause)),
        "diagnosis": case((is_disease, of_disease(diagnosis))),
        "unit": func.nullif(func.trim(Case.structural_unit), ""),
        "month": local_month(Case.occurred_at),
    }


def _grouped(per_case, name: str):
    """The cases of one breakdown per kind and key: (name, kind, key, cases)."""
    kinds = [k for k, names in BREAKDOWNS.items() if name in names]
    key = per_case.c[name]
    return (
        db.select(
            literal_column(f"'{name}'").label("name"),
            per_case.c.kind,
            type_coerce(key, String).label("key"),
            func.count().label("n"),
        )
        .where(per_case.c.kind.in_(kinds))
        .group_by(per_case.c.kind, key)
    )


def _victims(scope: Scope, period: Period) -> list:
    """The victims of the counted cases per kind and grade: died; injured (survived, days lost
    recorded); other (survived, days not yet known): (kind, grade, victims, days). A statement
    of its own: joined to the CTE of `_aggregate`, both SQLite (a Bloom filter) and PostgreSQL
    (a merge join) read every victim of the country."""
    died = Victim.outcome == Outcome.died
    grade = case((died, "died"), (Victim.days_lost.is_not(None), "injured"), else_="other")
    query = (
        db.select(Case.kind, grade, func.count(), func.coalesce(func.sum(Victim.days_lost), 0))
        .join(Victim, and_(Victim.case_id == Case.id, Victim.removed_at.is_(None)))
        .where(*counted(scope, period))
        .group_by(Case.kind, grade)
    )
    return list(db.session.execute(query))


def _aggregate(scope: Scope, period: Period, names) -> list:
    """Every breakdown asked for in one statement, (name, kind, key, cases): the counted cases
    are read once into a CTE, then grouped once per breakdown."""
    keys = _keys()
    per_case = db.select(
        Case.id.label("id"), Case.kind.label("kind"), *(keys[n].label(n) for n in names)
    ).where(*counted(scope, period))
    per_case = per_case.cte("counted")
    if len(names) > 1:  # read several times: computed once
        per_case = per_case.prefix_with("MATERIALIZED")
    parts = [_grouped(per_case, n) for n in names]
    query = union_all(*parts) if len(parts) > 1 else parts[0]
    return list(db.session.execute(query))


def breakdown(scope: Scope, period: Period, name: str) -> dict[CaseKind, dict]:
    """{kind: {key: cases}} of one breakdown (a chart)."""
    result = {k: {} for k, names in BREAKDOWNS.items() if name in names}
    for _name, kind, key, n in _aggregate(scope, period, [name]):
        result[CaseKind(kind)][key] = n
    return result


def ordered(name: str, counts: dict, period: Period) -> list[tuple[str | None, int]]:
    if name == "month":
        return [(m, counts.get(m, 0)) for m in period.months()]
    if name == "category":
        order = [c.value for c in Category] + ["acute", "chronic"]
        return sorted(counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
    # the most frequent first; "not specified" last
    return sorted(counts.items(), key=lambda kv: (kv[0] is None, -kv[1], kv[0] or ""))


def headcount(scope: Scope) -> tuple[int | None, int, int]:
    """(summed headcount or None, organisations, organisations without a headcount)."""
    total, orgs, known = db.session.execute(
        db.select(
            func.sum(Organisation.headcount), func.count(), func.count(Organisation.headcount)
        ).where(scope.organisation_clause(Organisation.id))
    ).one()
    return (int(total) if total else None), orgs, orgs - known


def _count_victims(f: Figures, grade: str, n: int, days: int) -> None:
    f.victims += n
    f.days_lost += days
    if grade == "died":
        f.deaths += n
    elif grade == "injured":
        f.injured, f.injured_days = f.injured + n, f.injured_days + days


def compute(scope: Scope, period: Period) -> Statistics:
    total, orgs, unknown = headcount(scope)
    figures = {kind: Figures(kind, total) for kind in BREAKDOWNS}
    names = ("category", "event_type", "cause", "diagnosis", "unit", "month")
    counts = {(name, kind): {} for kind in BREAKDOWNS for name in BREAKDOWNS[kind]}
    for name, kind, key, n in _aggregate(scope, period, names):
        counts[(name, CaseKind(kind))][key] = n
    for kind, grade, n, days in _victims(scope, period):
        _count_victims(figures[CaseKind(kind)], grade, n, int(days))
    for (name, kind), found in counts.items():
        figures[kind].by[name] = ordered(name, found, period)
    for f in figures.values():
        f.cases = sum(n for _, n in f.by["category"])
    return Statistics(
        period,
        orgs,
        unknown,
        total,
        figures[CaseKind.accident],
        figures[CaseKind.occupational_disease],
    )
