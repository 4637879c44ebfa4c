"""The deadline board: every open case the user may see, most urgent first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from .. import permissions
from ..extensions import db
from ..models import Case, CaseKind, CaseStatus, Category
from ..models.timeutil import utcnow
from ..rules import for_case
from ..services import case_list, deadlines
from ..services.deadlines import Deadline

bp = Blueprint("board", __name__)

SERIOUS = (Category.severe, Category.fatal, Category.group)
_CLOSED = (CaseStatus.closed, CaseStatus.cancelled)


@bp.before_request
@login_required
def _require_login():
    """The board needs a logged-in user."""


@dataclass
class Row:
    case: Case
    next: Deadline | None  # the running deadline that runs out first
    overdue: list[Deadline] = field(default_factory=list)  # oldest first

    def urgency(self) -> tuple[int, datetime, int]:
        if self.overdue:
            return (0, self.overdue[0].due_at, self.case.id)
        if self.next is not None:
            return (1, self.next.due_at, self.case.id)
        return (2, datetime.max, self.case.id)


def _row(case: Case, now: datetime) -> Row:
    computed = deadlines.compute(case, for_case(case), now)
    running = sorted((d for d in computed if d.state == "running"), key=lambda d: d.due_at)
    overdue = sorted((d for d in computed if d.state == "overdue"), key=lambda d: d.due_at)
    return Row(case, running[0] if running else None, overdue)


@bp.get("/board")
def index():
    category = request.args.get("category") or None
    overdue_only = request.args.get("overdue") == "1"
    serious_only = request.args.get("serious") == "1"
    # every open case's clock is computed below, from its notices, transitions and file
    query = (
        db.select(Case)
        .where(permissions.visible_cases(current_user), Case.status.not_in(_CLOSED))
        .options(
            selectinload(Case.organisation),
            selectinload(Case.notices),
            selectinload(Case.transitions),
            selectinload(Case.disease),
        )
    )
    if category in Category.__members__:
        query = query.where(Case.category == Category(category))
    elif category == CaseKind.occupational_disease.value:
        query = query.where(Case.kind == CaseKind.occupational_disease)
    else:
        category = None
    if serious_only:
        query = query.where(Case.category.in_(SERIOUS))
    now = utcnow()
    if overdue_only:
        # the stored clock narrows the cases to those past a deadline in SQL; the rows below
        # then drop those whose only late clock is paused (the board shows it as paused)
        query = query.where(case_list.overdue_clause(now))
    rows = [_row(c, now) for c in db.session.execute(query).scalars()]
    if overdue_only:
        rows = [r for r in rows if r.overdue]
    rows.sort(key=Row.urgency)
    return render_template(
        "board/index.html",
        rows=rows,
        filters={"category": category, "overdue": overdue_only, "serious": serious_only},
        categories=list(Category),
    )
