"""The case list: the cases the user may see, filtered by status, category or kind, by the
legal clock and by a search term, newest first, a keyset page at a time (on the cases
blueprint; the query is services/case_list.py, shared with the API)."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user
from sqlalchemy.orm import selectinload

from .. import permissions
from ..models import Case, CaseKind, CaseStatus, Category
from ..models.timeutil import utcnow
from ..services import case_list
from .cases import bp
from .urlargs import number_arg


def _filters() -> case_list.Filters:
    status = request.args.get("status") or None
    category = request.args.get("category") or None
    return case_list.Filters(
        status=CaseStatus(status) if status in CaseStatus.__members__ else None,
        category=Category(category) if category in Category.__members__ else None,
        # the other kind of case is offered among the categories
        kind=CaseKind.occupational_disease
        if category == CaseKind.occupational_disease.value
        else None,
        overdue=request.args.get("overdue") == "1",
        q=" ".join(request.args.get("q", "").split())[:100] or None,
    )


@bp.get("/")
def index():
    filters = _filters()
    now = utcnow()
    query = case_list.select(permissions.visible_cases(current_user), filters, now)
    # the list shows the victims and, for a disease, its form
    loaded = query.options(selectinload(Case.victims_all), selectinload(Case.disease))
    page = case_list.page(
        loaded,
        current_app.config["CASES_PER_PAGE"],
        after=number_arg("after"),
        before=number_arg("before"),
        number=number_arg("page", 1),  # the old numbered links
    )
    total = case_list.count(query)
    args = {
        "status": filters.status.value if filters.status else None,
        "category": request.args.get("category") if (filters.category or filters.kind) else None,
        "overdue": "1" if filters.overdue else None,
        "q": filters.q,
    }
    return render_template(
        "cases/index.html",
        cases=page.items,
        page=page,
        total=total,
        total_capped=total > case_list.COUNT_LIMIT,
        count_limit=case_list.COUNT_LIMIT,
        args=args,
        overdue_ids={c.id for c in page.items if case_list.is_overdue(c, now)},
        filters={**args, "overdue": filters.overdue},
        statuses=list(CaseStatus),
        categories=list(Category),
    )
