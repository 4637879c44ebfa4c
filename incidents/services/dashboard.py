"""The open cases on the dashboard: how many wait at each stage, and how many are past a
legal deadline. Unlike the statistics these ignore the period: they are the work in hand now,
for the same organisations (`statistics.scope_for`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func

from ..extensions import db
from ..models import Case, CaseStatus
from .case_list import OPEN
from .statistics import Scope, insurer_clause


def open_by_stage(scope: Scope) -> dict[CaseStatus, int]:
    """The open cases of the scope (whatever their date) per status."""
    query = (
        db.select(Case.status, func.count())
        .where(
            scope.organisation_clause(Case.organisation_id),
            Case.status.in_(OPEN),  # not NOT IN: see case_list.OPEN
            *insurer_clause(scope),
        )
        .group_by(Case.status)
    )
    return {CaseStatus(status): n for status, n in db.session.execute(query)}


def open_by_overdue(scope: Scope, now: datetime) -> dict[str, int]:
    """The open cases of the scope: "overdue" (an unmet deadline past due), "on_time" (a
    deadline running) and "no_deadline" (none can run out: none started, all met, or paused
    by a suspension). One GROUP BY over the stored `Case.next_due_at`, which
    services/derived.py keeps equal to what `deadlines.is_overdue` computes."""
    bucket = case(
        (Case.next_due_at.is_(None), "no_deadline"),
        (Case.next_due_at < now, "overdue"),
        else_="on_time",
    )
    per_case = (
        db.select(bucket.label("bucket"))
        .where(
            scope.organisation_clause(Case.organisation_id),
            Case.status.in_(OPEN),  # not NOT IN: see case_list.OPEN
            *insurer_clause(scope),
        )
        .subquery()
    )
    result = {"overdue": 0, "on_time": 0, "no_deadline": 0}
    query = db.select(per_case.c.bucket, func.count()).group_by(per_case.c.bucket)
    result.update({bucket: n for bucket, n in db.session.execute(query)})
    return result
