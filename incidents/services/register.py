"""The register (журнал регистрации несчастных случаев, docs/procedure.md §5) of one employer for
one year, and its twin for occupational diseases: one row per live victim of every case that
happened in that year — by the Bishkek date of ``occurred_at`` — so a group accident has a row
per victim under the same case number. Cancelled cases are not registered.

The register is read in keyset batches of cases, by case id (the order the cases were
registered in): first the batch's case ids — one table, walked along the index
(organisation_id, id) from the last id read, so a deep batch costs what the first does — then
their rows by those ids, as plain columns (no ORM objects: the session's identity map stays
empty). An export of a whole country's year holds one batch in memory, never the result; the
register screen's pages are the same batches. A case never straddles two batches, so a group
accident's rows stay together.

Who may see what is the caller's business: `scope` is a WHERE clause on Case
(`permissions.visible_cases(user)`), None for everything."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from functools import cache

from sqlalchemy import ARRAY, Integer, any_, bindparam, exists, or_

from doc_templates.context_register import cell_maker

from ..extensions import db
from ..models import Case, CaseKind, CaseStatus, DiseaseFile, Measure, Organisation, Victim
from ..models.timeutil import local_to_utc, to_local, utcnow
from ..rules import load as load_rules
from .register_rows import COLUMNS, Filters, Page, RegisterRow, build_rows

__all__ = [
    "Filters",
    "Page",
    "RegisterRow",
    "count",
    "default_year",
    "lines",
    "page",
    "register_stream",
    "rows",
    "units",
    "year_bounds",
]

BATCH = 1000  # cases a streamed export reads at once (about as many rows)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The stored (naive UTC) moments a Bishkek calendar year starts and ends at."""
    return local_to_utc(datetime(year, 1, 1)), local_to_utc(datetime(year + 1, 1, 1))


def default_year(today: date | None = None) -> int:
    """This year in Bishkek: the register a user opens first."""
    return (today or to_local(utcnow()).date()).year


def _spellings(q: str) -> set[str]:
    """The search term as typed, in lower case and capitalised. SQLite folds the case of ASCII
    letters only, so "асанов" would not find "Асанов" there; PostgreSQL's ILIKE finds it
    either way and the extra spellings cost nothing."""
    return {q, q.lower(), q.capitalize(), q.title()}


def _case_conditions(org_id: int, year: int, filters: Filters, scope) -> list:
    start, end = year_bounds(year)
    conditions = [
        Case.organisation_id == org_id,
        Case.kind == filters.kind,
        Case.status != CaseStatus.cancelled,
        Case.occurred_at >= start,
        Case.occurred_at < end,
    ]
    if filters.category is not None:
        conditions.append(Case.category == filters.category)
    if filters.unit:
        conditions.append(Case.structural_unit == filters.unit)
    if filters.event_type:
        conditions.append(Case.event_type_code == filters.event_type)
    if scope is not None:
        conditions.append(scope)
    return conditions


def _victim_conditions(filters: Filters) -> list:
    conditions = [Victim.removed_at.is_(None)]
    if filters.outcome is not None:
        conditions.append(Victim.outcome == filters.outcome)
    if filters.q:
        names = (Victim.full_name.icontains(s, autoescape=True) for s in _spellings(filters.q))
        conditions.append(or_(*names))
    return conditions


def _cases(conditions: list, filters: Filters):
    """The ids of the register's cases. With a victim filter, those with a matching victim;
    without, every case (one whose victims were all removed just gives no row): PostgreSQL
    turns that test into a scan of the victims from the first, batch after batch."""
    cases = db.select(Case.id).where(*conditions)
    if filters.outcome is None and not filters.q:
        return cases
    return cases.where(exists().where(Victim.case_id == Case.id, *_victim_conditions(filters)))


def _case_ids(cases, limit: int, *, after: int | None = None, before: int | None = None):
    if before is not None:
        cases = cases.where(Case.id < before).order_by(Case.id.desc())
    else:
        if after is not None:
            cases = cases.where(Case.id > after)
        cases = cases.order_by(Case.id)
    return sorted(db.session.execute(cases.limit(limit)).scalars().all())


# A batch's case ids go to the database as one parameter: on PostgreSQL an array (`= ANY`), a
# list expanded when the statement runs elsewhere. An id list (not a range of ids) keeps
# PostgreSQL on the victim and measure indexes whatever it estimates about the tables' sizes;
# as an array, 1,000 ids are not rendered and parsed as 1,000 placeholders three times a batch
# (a quarter of a 100,000-row CSV export's time, bench/run.py).
_IDS = bindparam("ids", expanding=True)
_ID_ARRAY = bindparam("ids", type_=ARRAY(Integer))


def _in_batch(column, dialect: str):
    return column == any_(_ID_ARRAY) if dialect == "postgresql" else column.in_(_IDS)


@cache
def _victims(dialect: str):
    return (
        db.select(Victim.case_id, Victim.id)
        .where(_in_batch(Victim.case_id, dialect), Victim.removed_at.is_(None))
        .order_by(Victim.id)
    )


@cache
def _measures(dialect: str):
    return (
        db.select(Measure.case_id, Measure.action)
        .where(_in_batch(Measure.case_id, dialect), Measure.removed_at.is_(None))
        .order_by(Measure.id)
    )


def _row_query(filters: Filters):
    dialect = db.session.get_bind().dialect.name
    return (
        db.select(*COLUMNS)
        .select_from(Victim)
        .join(Case, Case.id == Victim.case_id)
        .outerjoin(DiseaseFile, DiseaseFile.case_id == Case.id)
        .where(_in_batch(Victim.case_id, dialect), *_victim_conditions(filters))
        .order_by(Victim.case_id, Victim.id)
    )


def _rows_of(row_query, filters: Filters, case_ids: list[int]) -> list[RegisterRow]:
    """The (matching) live victims of a batch's cases, in order, with the live victims (to
    number one act per victim) and live measures of each case: two or three queries a batch,
    not two a row."""
    if not case_ids:
        return []
    connection = db.session.connection()
    dialect = connection.dialect.name
    ids = {"ids": case_ids}
    # Core, not the ORM: plain tuples, without the ORM's bookkeeping per row
    raw = connection.execute(row_query, ids).all()
    victims: dict[int, list[int]] = defaultdict(list)
    measures: dict[int, list[str]] = defaultdict(list)
    every_victim = filters.outcome is None and not filters.q
    # without a victim filter the rows hold every live victim already
    pairs = (
        ((r[0], r[1]) for r in raw) if every_victim else connection.execute(_victims(dialect), ids)
    )
    for case_id, victim_id in pairs:  # in victim id order either way
        victims[case_id].append(victim_id)
    for case_id, action in connection.execute(_measures(dialect), ids):
        measures[case_id].append(action)
    return build_rows(raw, victims, measures)


def rows(
    org_id: int, year: int, filters: Filters | None = None, scope=None, batch: int = BATCH
) -> Iterator[RegisterRow]:
    """Every row of the register, streamed in keyset batches of `batch` cases."""
    filters = filters or Filters()
    cases = _cases(_case_conditions(org_id, year, filters, scope), filters)
    row_query = _row_query(filters)
    after = None
    while True:
        ids = _case_ids(cases, batch, after=after)
        if not ids:
            return
        yield from _rows_of(row_query, filters, ids)
        if len(ids) < batch:
            return
        after = ids[-1]


def page(
    org_id: int,
    year: int,
    filters: Filters,
    scope=None,
    *,
    size: int = 50,
    after: int | None = None,
    before: int | None = None,
) -> Page:
    """The rows of `size` cases: the first ones, those after the case id `after`, or those
    before `before` (keyset: a deep page costs what the first does)."""
    conditions = _case_conditions(org_id, year, filters, scope)
    ids = _case_ids(_cases(conditions, filters), size + 1, after=after, before=before)
    more = len(ids) > size
    if before is not None:
        ids = ids[1:] if more else ids  # read backwards: the extra one is the oldest
        found = _rows_of(_row_query(filters), filters, ids)
        return Page(found, ids[-1] if ids else None, ids[0] if more else None)
    ids = ids[:size]
    prev = ids[0] if after is not None and ids else None
    return Page(_rows_of(_row_query(filters), filters, ids), ids[-1] if more else None, prev)


def count(org_id: int, year: int, filters: Filters, scope=None) -> int:
    """How many rows (victims) the register has with these filters."""
    stmt = (
        db.select(db.func.count())
        .select_from(Victim)
        .join(Case, Case.id == Victim.case_id)
        .where(*_case_conditions(org_id, year, filters, scope), *_victim_conditions(filters))
    )
    return db.session.scalar(stmt) or 0


def units(org_id: int, year: int, kind: CaseKind, scope=None, limit: int = 300) -> list[str]:
    """The structural units named in the year's cases (those in `scope`), for the filter."""
    conditions = _case_conditions(org_id, year, Filters(kind=kind), scope)
    stmt = (
        db.select(Case.structural_unit)
        .where(*conditions, Case.structural_unit.is_not(None))
        .distinct()
        .order_by(Case.structural_unit)
        .limit(limit)
    )
    return [u for u in db.session.scalars(stmt) if u.strip()]


def lines(
    org_id: int,
    rule_pack: str,
    year: int,
    lang: str,
    filters: Filters | None = None,
    scope=None,
) -> Iterator[list]:
    """The register as spreadsheet rows in `lang` ("ru" or "ky"), streamed (see
    doc_templates.context_register.register_cells for the cells). Plain values in, so a
    response streamed after the request's session closed holds no ORM object."""
    cells = cell_maker(lang, load_rules(rule_pack or "kr"))
    for row in rows(org_id, year, filters, scope):
        yield cells(row)


def register_stream(
    org_id: int, year: int, lang: str, kind: CaseKind = CaseKind.accident
) -> Iterator[list]:
    """The whole register of `org_id`'s `year` as spreadsheet rows, for the exporters of
    register_export and for the benchmark: ``write_csv(register_stream(…), file, columns)``."""
    organisation = db.session.get(Organisation, org_id)
    if organisation is None:
        raise LookupError(f"no organisation {org_id}")
    filters = replace(Filters(), kind=CaseKind(kind))
    return lines(org_id, organisation.rule_pack, year, lang, filters)
