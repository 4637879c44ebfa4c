"""The case list: the cases the user may see, filtered by status, category or kind and by the
legal clock, newest report first (on the cases blueprint)."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user
from sqlalchemy.orm import selectinload

from .. import permissions
from ..extensions import db
from ..models import Case, CaseKind, CaseStatus, Category
from ..models.timeutil import utcnow
from ..rules import for_case
from ..services import deadlines
from .cases import bp


@bp.get("/")
def index():
    # the list shows victims and computes every case's clock from its notices: load them along
    query = (
        db.select(Case)
        .where(permissions.visible_cases(current_user))
        .options(
            selectinload(Case.notices),
            selectinload(Case.victims_all),
            selectinload(Case.disease),
        )
    )
    status = request.args.get("status") or None
    category = request.args.get("category") or None
    overdue = request.args.get("overdue") == "1"
    if status in CaseStatus.__members__:
        query = query.where(Case.status == CaseStatus(status))
    if category in Category.__members__:
        query = query.where(Case.category == Category(category))
    elif category == CaseKind.occupational_disease.value:  # the other kind of case
        query = query.where(Case.kind == CaseKind.occupational_disease)
    query = query.order_by(Case.reported_at.desc(), Case.id.desc())
    page = request.args.get("page", 1, type=int)
    per_page = current_app.config["CASES_PER_PAGE"]
    now = utcnow()
    if overdue:
        # the legal clock is computed, not stored: filter the open cases in Python
        open_cases = (
            db.session.execute(
                query.where(Case.status.not_in([CaseStatus.closed, CaseStatus.cancelled]))
            )
            .scalars()
            .all()
        )
        matching = [c for c in open_cases if deadlines.is_overdue(c, for_case(c), now)]
        total = len(matching)
        items = matching[(page - 1) * per_page : page * per_page]
    else:
        pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
        items, total = pagination.items, pagination.total
    pages = max(1, -(-total // per_page))
    return render_template(
        "cases/index.html",
        cases=items,
        total=total,
        page=page,
        pages=pages,
        overdue_ids={c.id for c in items if deadlines.is_overdue(c, for_case(c), now)},
        filters={"status": status, "category": category, "overdue": overdue},
        statuses=list(CaseStatus),
        categories=list(Category),
    )
