"""The API's case routes: the cases, their parts, the workflow and the documents (on the api
blueprint of api.py, which authenticates every request and checks the scope declared here)."""

from __future__ import annotations

from flask import abort, current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.orm import selectinload

import workflows
from forms.case import (
    FORMS,
    CaseForm,
    DeliveryForm,
    FindingsForm,
    OutcomeForm,
    TransitionForm,
    VictimForm,
)

from .. import audit, openapi, permissions
from ..extensions import db
from ..models import Case, CaseKind, CaseStatus, Category, GeneratedDocument
from ..models.timeutil import utcnow
from ..rules import for_case
from ..services import case_list
from ..services import cases as case_service
from ..services import documents as document_service
from . import api_json as js
from .api import bp
from .api_schemas import PART_COMPONENTS
from .files import send_stored

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_PER_PAGE = 100
READ, WRITE = "cases:read", "cases:write"
_FLAG = {"type": "boolean"}
_CHANGED = {200: "CaseDetail", 409: "Error"}


# -- helpers --------------------------------------------------------------------------------


def _load(case_id: int) -> Case:
    """The case, for a token whose user may see it; else 404, as the screens answer."""
    case = db.session.get(Case, case_id)
    if case is None or not permissions.can_view_case(g.api_user, case):
        abort(404)
    return case


def _case_json(case: Case, status: int = 200, **headers):
    return jsonify(js.case_detail(case, g.api_user, for_case(case), utcnow())), status, headers


def _part(part: str):
    if part not in FORMS:
        abort(404)
    return FORMS[part]


def _live_child(case: Case, part: str, child_id: int):
    row = next((r for r in getattr(case, part) if r.id == child_id), None)
    if row is None:
        abort(404)
    return row


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# -- cases ----------------------------------------------------------------------------------


@bp.get("/cases")
@openapi.operation(
    scope=READ,
    query={
        "status": {"type": "string", "enum": [s.value for s in CaseStatus]},
        "category": {"type": "string", "enum": [c.value for c in Category]},
        "kind": {"type": "string", "enum": [k.value for k in CaseKind]},
        "overdue": {**_FLAG, "description": "Only the open cases past a legal deadline."},
        "q": {
            "type": "string",
            "maxLength": 100,
            "description": "Part of the case number, a victim's name, the unit or the place.",
        },
        "after": {
            "type": "integer",
            "minimum": 1,
            "maximum": openapi.MAX_ID,
            "description": "The cases older than this case id: follow the `next` link.",
        },
        "page": {
            "type": "integer",
            "minimum": 1,
            "maximum": openapi.MAX_ID,
            "description": "Deprecated: numbered pages (OFFSET; slower the deeper). Use `next`.",
        },
        "per_page": {
            "type": "integer",
            "minimum": 1,
            "maximum": openapi.MAX_ID,
            "description": "Larger than 100 counts as 100.",
        },
    },
    responses={200: "CaseList"},
    tags=["cases"],
)
def list_cases():
    """List the cases the user may see, newest first, a page at a time.

    Follow the `next` link for the following page (null on the last): it costs the same
    however deep. The old `page` numbers still work and then also give `total` and `pages`."""
    filters = case_list.Filters(
        status=js.choice_arg("status", CaseStatus),
        category=js.choice_arg("category", Category),
        kind=js.choice_arg("kind", CaseKind),
        overdue=request.args.get("overdue") in ("1", "true"),
        q=_search_arg(),
    )
    after = js.page_arg("after", 0) or None
    number = js.page_arg("page", 0) or None
    if after is not None and number is not None:
        raise js.ApiError(
            400,
            _("The request could not be understood."),
            fields={"page": [_("Give either page or after, not both.")]},
        )
    per_page = min(js.page_arg("per_page", current_app.config["CASES_PER_PAGE"]), MAX_PER_PAGE)
    now = utcnow()
    query = case_list.select(permissions.visible_cases(g.api_user), filters, now)
    loaded = query.options(selectinload(Case.victims_all), selectinload(Case.organisation))
    page = case_list.page(loaded, per_page, after=after, number=number)
    args = {k: request.args[k] for k in _LIST_ARGS if request.args.get(k)}
    body = {
        "items": [
            js.case_summary(c, for_case(c), now, overdue=case_list.is_overdue(c, now))
            for c in page.items
        ],
        "per_page": per_page,
        "next": url_for(".list_cases", after=page.after, **args, _external=True)
        if page.after is not None
        else None,
    }
    if number is not None:  # the old numbered pages, with their counts
        total = db.session.scalar(
            db.select(func.count()).select_from(query.order_by(None).subquery())
        )
        body.update(page=number, total=total, pages=max(1, -(-total // per_page)))
    return jsonify(body)


_LIST_ARGS = ("status", "category", "kind", "overdue", "q", "per_page")  # kept by `next`


def _search_arg() -> str | None:
    raw = request.args.get("q") or ""
    if len(raw) > 100:
        raise js.ApiError(
            400,
            _("The request could not be understood."),
            fields={"q": [_("Keep it to at most %(max)d characters.", max=100)]},
        )
    return raw.strip() or None


@bp.post("/cases")
@openapi.operation(
    scope=WRITE,
    body=openapi.form(CaseForm, victim=VictimForm),
    responses={201: "CaseDetail", 409: "Error"},
    tags=["cases"],
)
def create_case():
    """Report an accident, with its first victim."""
    user = g.api_user
    if not permissions.can_create_case(user):
        abort(403)
    data, shape = dict(js.body()), {}
    victim_data = js.nested(data, "victim", shape)
    data.pop("victim", None)
    form, errors = js.validate(CaseForm, data)
    victim, victim_errors = js.validate(VictimForm, victim_data, "victim.")
    js.check({**errors, **victim_errors, **shape})  # all, so every error shows at once
    case = case_service.report(user, form.to_dict(), victim.to_dict())
    db.session.commit()
    location = url_for(".get_case", case_id=case.id, _external=True)
    return _case_json(case, 201, Location=location)


@bp.get("/cases/<int:case_id>")
@openapi.operation(scope=READ, responses={200: "CaseDetail"}, tags=["cases"])
def get_case(case_id: int):
    """One case: its data, parts, deadlines, notices, possible steps, documents and history."""
    return _case_json(_load(case_id))


@bp.patch("/cases/<int:case_id>")
@openapi.operation(
    scope=WRITE, body=openapi.form(CaseForm, partial=True), responses=_CHANGED, tags=["cases"]
)
def update_case(case_id: int):
    """Change the case data; fields left out keep their stored values."""
    case = _load(case_id)
    form = js.valid(CaseForm, {**js.form_values(case, CaseForm.FIELDS), **js.body()})
    case_service.update_case(case, g.api_user, form.to_dict(), form.opened_version())
    db.session.commit()
    return _case_json(case)


@bp.put("/cases/<int:case_id>/findings")
@openapi.operation(scope=WRITE, body=FindingsForm, responses=_CHANGED, tags=["cases"])
def put_findings(case_id: int):
    """Record the commission's findings (event type, equipment, work relation)."""
    case = _load(case_id)
    form = js.valid(FindingsForm, js.body())
    case_service.update_findings(case, g.api_user, form.to_dict(), form.opened_version())
    db.session.commit()
    return _case_json(case)


# -- parts of the case ----------------------------------------------------------------------


@bp.post("/cases/<int:case_id>/<part>")
@openapi.operation(
    scope=WRITE,
    body=openapi.per("part", FORMS),
    responses={201: "CaseDetail", 409: "Error"},
    tags=["case parts"],
)
def add_child(case_id: int, part: str):
    """Add a victim, witness, commission member, cause, responsible person or measure."""
    case = _load(case_id)
    form = js.valid(_part(part), js.body())
    row = case_service.add_child(case, g.api_user, part, form.to_dict(), form.opened_version())
    db.session.commit()
    location = url_for(".child", case_id=case.id, part=part, child_id=row.id, _external=True)
    return _case_json(case, 201, Location=location)


@bp.get("/cases/<int:case_id>/<part>/<int:child_id>")
@openapi.operation(
    scope=READ, responses={200: openapi.per("part", PART_COMPONENTS)}, tags=["case parts"]
)
def child(case_id: int, part: str, child_id: int):
    """One row of a part of the case."""
    case = _load(case_id)
    _part(part)
    return jsonify(js.row(_live_child(case, part, child_id), js.CHILD_FIELDS[part]))


@bp.patch("/cases/<int:case_id>/<part>/<int:child_id>")
@openapi.operation(
    scope=WRITE,
    body=openapi.per("part", {p: openapi.form(f, partial=True) for p, f in FORMS.items()}),
    responses=_CHANGED,
    tags=["case parts"],
)
def update_child(case_id: int, part: str, child_id: int):
    """Change one row of a part of the case; fields left out keep their stored values."""
    case = _load(case_id)
    form_class = _part(part)
    row = _live_child(case, part, child_id)
    form = js.valid(form_class, {**js.form_values(row, form_class.FIELDS), **js.body()})
    case_service.update_child(
        case, g.api_user, part, child_id, form.to_dict(), form.opened_version()
    )
    db.session.commit()
    return _case_json(case)


@bp.delete("/cases/<int:case_id>/<part>/<int:child_id>")
@openapi.operation(
    scope=WRITE,
    path={"part": openapi.per("part", FORMS)},
    query={"version": {"type": "integer", "minimum": 0, "description": "The version you read."}},
    responses=_CHANGED,
    tags=["case parts"],
)
def remove_child(case_id: int, part: str, child_id: int):
    """Remove one row of a part of the case (kept, marked removed; the last victim stays)."""
    case = _load(case_id)
    _part(part)
    _live_child(case, part, child_id)
    data = js.body(optional=True)
    if "version" not in data and request.args.get("version"):
        data["version"] = request.args["version"]
    form = js.valid(TransitionForm, {"version": data.get("version")})
    case_service.remove_child(case, g.api_user, part, child_id, _int(form.version.data))
    db.session.commit()
    return _case_json(case)


@bp.put("/cases/<int:case_id>/victims/<int:victim_id>/outcome")
@openapi.operation(scope=WRITE, body=OutcomeForm, responses=_CHANGED, tags=["case parts"])
def put_outcome(case_id: int, victim_id: int):
    """Record what became of a victim (recovered, disability, died ...) and the days lost."""
    case = _load(case_id)
    _live_child(case, "victims", victim_id)
    form = js.valid(OutcomeForm, js.body())
    case_service.record_outcome(case, g.api_user, victim_id, form.to_dict(), form.opened_version())
    db.session.commit()
    return _case_json(case)


@bp.put("/cases/<int:case_id>/notices/<int:notice_id>")
@openapi.operation(scope=WRITE, body=DeliveryForm, responses=_CHANGED, tags=["case parts"])
def put_delivery(case_id: int, notice_id: int):
    """Record how, when and to whom a notice went (and its acknowledgement)."""
    case = _load(case_id)
    if not any(n.id == notice_id for n in case.notices):
        abort(404)
    form = js.valid(DeliveryForm, js.body())
    case_service.record_delivery(case, g.api_user, notice_id, form.to_dict(), form.opened_version())
    db.session.commit()
    return _case_json(case)


# -- the workflow ---------------------------------------------------------------------------


@bp.post("/cases/<int:case_id>/triggers/<trigger>")
@openapi.operation(
    scope=WRITE,
    path={"trigger": list(workflows.all_triggers())},
    body=TransitionForm,
    body_required=False,
    responses=_CHANGED,
    tags=["workflow"],
)
def fire(case_id: int, trigger: str):
    """Take a step of the investigation (e.g. notify, form_commission, approve_act, close).

    A step the case's state, the user's role or a guard does not allow is refused: 403 for the
    role, 409 with the guards' reasons otherwise. Steps that need a reason take `comment`."""
    case = _load(case_id)
    if trigger not in workflows.for_case(case).TRIGGERS:
        abort(404)
    form = js.valid(TransitionForm, js.body(optional=True))
    case_service.advance(
        case,
        g.api_user,
        trigger,
        comment=form.comment.data,
        days=form.days.data,
        order_number=form.order_number.data,
        version=_int(form.version.data),
    )
    db.session.commit()
    return _case_json(case)


# -- documents ------------------------------------------------------------------------------


@bp.get("/cases/<int:case_id>/documents")
@openapi.operation(
    scope=READ,
    query={"current": {**_FLAG, "description": "Only the current version of each document."}},
    responses={200: "DocumentList"},
    tags=["documents"],
)
def list_documents(case_id: int):
    """The documents generated for a case, in Russian and Kyrgyz."""
    case = _load(case_id)
    docs = case.documents
    if request.args.get("current") in ("1", "true"):
        docs = case.current_documents()
    return jsonify(items=[js.document(d) for d in docs])


@bp.get("/documents/<int:document_id>")
@openapi.operation(scope=READ, responses={200: openapi.file(DOCX)}, tags=["documents"])
def download_document(document_id: int):
    """Download one generated document (.docx)."""
    document = db.session.get(GeneratedDocument, document_id)
    if document is None or not permissions.can_download(g.api_user, document):
        abort(404)
    data = document_service.read(document)  # checked against its SHA-256, as on the web
    audit.downloaded(document.case_id, file="document", id=document.id, sha256=document.sha256)
    return send_stored(
        data, document.sha256, mimetype=DOCX, as_attachment=True, download_name=document.filename
    )
