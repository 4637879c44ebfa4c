"""The columns a case derives from its own data, for the lists: `next_due_at` (the legal
clock, so "overdue" is one indexed comparison in SQL) and `search_text` (what the list's
search reads, folded to lower case in Python, since SQLite's lower() folds ASCII only).

One mechanism keeps them right: a `before_flush` listener recomputes both for every case
flushed with a change, and for the case of every changed row they read (a notice, a
transition, the disease file, a victim). Whatever makes the change — a service, the demo, a
test, a shell — flushes it, so no caller has to remember. Core statements bypass the ORM and
this listener: `refresh()` (`flask cases refresh-deadlines`) recomputes the stored values in
bulk after a migration, a rule-pack edit that moves due times, or generated load data.

What `next_due_at` holds: the moment `deadlines.is_overdue` turns true if nothing changes,
so `next_due_at < now` answers exactly what the Python clock answers:
  - the earliest due time of a deadline that is not met (notices included);
  - a clock paused by the suspension is left out (it cannot run out while the case waits),
    unless it had already run out when the case was suspended: then it stays overdue, at
    the due time it had then — as `deadlines.compute` counts a paused clock;
  - None when no clock can run out (none started, all met, a cancelled case)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlalchemy import bindparam, event, update
from sqlalchemy.orm import Session, selectinload

from ..extensions import db
from ..models import Case, CaseNotice, CaseTransition, DiseaseFile, Organisation, Victim
from ..models.timeutil import utcnow
from ..rules import RulePack, load
from . import deadlines

# rows whose change can move a case's derived columns (besides the case row itself)
_READ_BY_CASE = (CaseNotice, CaseTransition, DiseaseFile, Victim)
BATCH = 1000


def fold(value: str) -> str:
    """Text as the search compares it: lower case (any alphabet), ё as е, single spaces."""
    return " ".join(value.split()).casefold().replace("ё", "е")


def search_text(case: Case) -> str:
    parts = [case.number, *(v.full_name for v in case.victims)]
    parts += [case.structural_unit or "", case.place or ""]
    return fold(" ".join(p for p in parts if p))


def _rules(case: Case) -> RulePack:
    organisation = case.organisation
    if organisation is None and case.organisation_id is not None:
        organisation = db.session.get(Organisation, case.organisation_id)
    return load(getattr(organisation, "rule_pack", None) or "kr")


def next_due_at(case: Case, rules: RulePack | None = None) -> datetime | None:
    """See the module docstring."""
    if case.category is None and not case.is_disease:
        return None  # not yet a complete accident: no clock to count by
    rules = rules or _rules(case)
    suspended = case.suspended_at
    # a running clock's due time does not depend on `now`; a paused one's does, so count
    # them as they stood at the suspension
    due = [
        d.due_at
        for d in deadlines.compute(case, rules, suspended or utcnow())
        if not d.met and not (d.paused and d.due_at >= suspended)
    ]
    return min(due, default=None)


def recompute(case: Case) -> None:
    """Set both derived columns from the case's data (unchanged values write nothing)."""
    due, text = next_due_at(case), search_text(case)
    if case.next_due_at != due:
        case.next_due_at = due
    if case.search_text != text:
        case.search_text = text


def _changed_cases(session: Session) -> Iterator[Case]:
    seen: set[int] = set()
    for obj in (*session.new, *session.dirty):
        case = obj if isinstance(obj, Case) else None
        if isinstance(obj, _READ_BY_CASE):
            case = getattr(obj, "case", None)
            if case is None and obj.case_id is not None:
                case = session.get(Case, obj.case_id)
        if case is not None and id(case) not in seen and case not in session.deleted:
            seen.add(id(case))
            yield case


def _before_flush(session: Session, _flush_context, _instances) -> None:
    for case in list(_changed_cases(session)):
        recompute(case)


def install() -> None:
    """Listen on every ORM session (idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)


# -- in bulk ----------------------------------------------------------------------------------


def _batches(where, batch: int) -> Iterator[list[Case]]:
    """The cases matching `where` in id order, `batch` at a time with what the clock reads,
    the session emptied between batches (a whole country's cases never sit in memory)."""
    after = 0
    while True:
        rows = (
            db.session.execute(
                db.select(Case)
                .where(Case.id > after, *where)
                .order_by(Case.id)
                .limit(batch)
                .options(
                    selectinload(Case.notices),
                    selectinload(Case.transitions),
                    selectinload(Case.disease),
                    selectinload(Case.victims_all),
                    selectinload(Case.organisation),
                )
            )
            .scalars()
            .all()
        )
        if not rows:
            return
        yield rows
        after = rows[-1].id
        db.session.expunge_all()


def refresh(where: Iterable = (), batch: int = BATCH, progress=None) -> int:
    """Recompute the derived columns of the cases matching `where` (every case by default)
    and store the changed ones with Core UPDATEs; returns how many changed. Not an audited
    change and not a new version of the case: the columns repeat what the case already says.
    The caller commits; `progress(n)` is told of each batch read."""
    table = Case.__table__
    stmt = (
        update(table)
        .where(table.c.id == bindparam("case_id"))
        .values(next_due_at=bindparam("due"), search_text=bindparam("text"))
    )
    changed = 0
    for cases in _batches(tuple(where), batch):
        rows = []
        for case in cases:
            due, text = next_due_at(case), search_text(case)
            if (due, text) != (case.next_due_at, case.search_text):
                rows.append({"case_id": case.id, "due": due, "text": text})
        if rows:
            db.session.execute(stmt, rows)
            changed += len(rows)
        if progress is not None:
            progress(len(cases))
    return changed
