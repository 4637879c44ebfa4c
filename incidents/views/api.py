"""JSON API v1 (token authentication), mirroring the case screens for integrations.

Every request but token creation carries ``Authorization: Bearer <token>``; session cookies are
never consulted. Input goes through the same WTForms forms as the HTML screens, writes through
the same services, and access through incidents.permissions. One transaction per request: the
view commits once at the end of a successful write and rolls back on any error."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, jsonify, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from forms.case import (
    FORMS,
    CaseForm,
    DeliveryForm,
    FindingsForm,
    OutcomeForm,
    TransitionForm,
    VictimForm,
)
from workflows import accident

from .. import permissions
from ..auth import find_user, issue_token, revoke_token, user_for_token, verify_password
from ..extensions import csrf, db
from ..models import Case, CaseStatus, Category, GeneratedDocument
from ..models.timeutil import utcnow
from ..rules import for_case
from ..services import cases as case_service
from ..services import deadlines
from ..services import documents as document_service
from ..services.errors import DomainError
from . import api_json as js

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens only: no cookie, so nothing to forge

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_PER_PAGE = 100
_PUBLIC = {"api.create_token"}


def _json_error(status: int, message, **extra):
    return jsonify(error=str(message), **extra), status


@bp.errorhandler(js.ApiError)
def _api_error(exc: js.ApiError):
    db.session.rollback()
    return _json_error(exc.status, exc.message, **exc.extra)


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError):
    db.session.rollback()
    extra = {}
    if exc.reasons:
        extra["reasons"] = [str(r) for r in exc.reasons]
    if exc.field:
        extra["fields"] = {exc.field: [str(exc.message)]}
    return _json_error(exc.status, exc.message, **extra)


@bp.errorhandler(StaleDataError)
def _stale(exc):
    db.session.rollback()
    return _json_error(
        409, _("Someone else saved this case at the same moment. Reload and try again.")
    )


@bp.teardown_request
def _rollback_on_error(exc):
    if exc is not None:
        db.session.rollback()


# -- authentication -------------------------------------------------------------------------


def _bearer() -> str | None:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


@bp.before_request
def _authenticate():
    g.api_user = g.api_token = None
    if request.endpoint in _PUBLIC:
        return None
    token = _bearer()
    user = user_for_token(token) if token else None
    if user is None:
        response = jsonify(error=_("Please log in to open this page."))
        challenge = 'Bearer realm="api"'
        if token:
            challenge += ', error="invalid_token"'
        response.headers["WWW-Authenticate"] = challenge
        return response, 401
    g.api_user, g.api_token = user, token
    return None


@bp.post("/tokens")
def create_token():
    data = js.body()
    email, password = data.get("email"), data.get("password")
    missing = {
        name: [_("This field is required.")]
        for name, value in (("email", email), ("password", password))
        if not isinstance(value, str) or not value.strip()
    }
    js.check(missing)
    user = find_user(email)
    if not verify_password(user, password):
        raise js.ApiError(401, _("Wrong e-mail or password."))
    token, row = issue_token(user)
    db.session.commit()
    return jsonify(token=token, expires_at=js.iso(row.expires_at)), 201


@bp.delete("/tokens/current")
def revoke_current_token():
    revoke_token(g.api_token)
    db.session.commit()
    return "", 204


# -- helpers --------------------------------------------------------------------------------


def _load(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        abort(404)
    if not permissions.can_view_case(g.api_user, case):
        abort(403)
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


# -- cases ----------------------------------------------------------------------------------


@bp.get("/cases")
def list_cases():
    user = g.api_user
    query = db.select(Case).where(permissions.visible_cases(user))
    status, category = js.choice_arg("status", CaseStatus), js.choice_arg("category", Category)
    if status is not None:
        query = query.where(Case.status == status)
    if category is not None:
        query = query.where(Case.category == category)
    query = query.order_by(Case.reported_at.desc(), Case.id.desc())
    page = js.page_arg("page", 1)
    per_page = min(js.page_arg("per_page", current_app.config["CASES_PER_PAGE"]), MAX_PER_PAGE)
    now = utcnow()
    if request.args.get("overdue") in ("1", "true"):
        # the legal clock is computed, not stored: filter the open cases in Python
        open_cases = db.session.execute(
            query.where(Case.status.not_in([CaseStatus.closed, CaseStatus.cancelled]))
        ).scalars()
        matching = [c for c in open_cases if deadlines.is_overdue(c, for_case(c), now)]
        total, items = len(matching), matching[(page - 1) * per_page : page * per_page]
    else:
        pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
        items, total = pagination.items, pagination.total
    return jsonify(
        items=[js.case_summary(c, for_case(c), now) for c in items],
        page=page,
        per_page=per_page,
        total=total,
        pages=max(1, -(-total // per_page)),
    )


@bp.post("/cases")
def create_case():
    user = g.api_user
    if not permissions.can_create_case(user):
        abort(403)
    data = dict(js.body())
    victim_data = data.pop("victim", None)
    if not isinstance(victim_data, dict):
        victim_data = {}
    form, errors = js.validate(CaseForm, data)
    victim, victim_errors = js.validate(VictimForm, victim_data, "victim.")
    js.check({**errors, **victim_errors})  # both, so every error shows at once
    case = case_service.report(user, form.to_dict(), victim.to_dict())
    db.session.commit()
    location = url_for(".get_case", case_id=case.id, _external=True)
    return _case_json(case, 201, Location=location)


@bp.get("/cases/<int:case_id>")
def get_case(case_id: int):
    return _case_json(_load(case_id))


@bp.patch("/cases/<int:case_id>")
def update_case(case_id: int):
    case = _load(case_id)
    form = js.valid(CaseForm, {**js.form_values(case, CaseForm.FIELDS), **js.body()})
    case_service.update_case(case, g.api_user, form.to_dict(), form.opened_version())
    db.session.commit()
    return _case_json(case)


@bp.put("/cases/<int:case_id>/findings")
def put_findings(case_id: int):
    case = _load(case_id)
    form = js.valid(FindingsForm, js.body())
    case_service.update_findings(case, g.api_user, form.to_dict(), form.opened_version())
    db.session.commit()
    return _case_json(case)


# -- parts of the case ----------------------------------------------------------------------


@bp.post("/cases/<int:case_id>/<part>")
def add_child(case_id: int, part: str):
    case = _load(case_id)
    form = js.valid(_part(part), js.body())
    row = case_service.add_child(case, g.api_user, part, form.to_dict(), form.opened_version())
    db.session.commit()
    location = url_for(".child", case_id=case.id, part=part, child_id=row.id, _external=True)
    return _case_json(case, 201, Location=location)


@bp.get("/cases/<int:case_id>/<part>/<int:child_id>")
def child(case_id: int, part: str, child_id: int):
    case = _load(case_id)
    _part(part)
    return jsonify(js.row(_live_child(case, part, child_id), js.CHILD_FIELDS[part]))


@bp.patch("/cases/<int:case_id>/<part>/<int:child_id>")
def update_child(case_id: int, part: str, child_id: int):
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
def remove_child(case_id: int, part: str, child_id: int):
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
def put_outcome(case_id: int, victim_id: int):
    case = _load(case_id)
    _live_child(case, "victims", victim_id)
    form = js.valid(OutcomeForm, js.body())
    case_service.record_outcome(case, g.api_user, victim_id, form.to_dict(), form.opened_version())
    db.session.commit()
    return _case_json(case)


@bp.put("/cases/<int:case_id>/notices/<int:notice_id>")
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


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@bp.post("/cases/<int:case_id>/triggers/<trigger>")
def fire(case_id: int, trigger: str):
    case = _load(case_id)
    if trigger not in accident.TRIGGERS:
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
def list_documents(case_id: int):
    case = _load(case_id)
    docs = case.documents
    if request.args.get("current") in ("1", "true"):
        docs = case.current_documents()
    return jsonify(items=[js.document(d) for d in docs])


@bp.get("/documents/<int:document_id>")
def download_document(document_id: int):
    document = db.session.get(GeneratedDocument, document_id)
    if document is None:
        abort(404)
    if not permissions.can_download(g.api_user, document):
        abort(403)
    return send_file(
        document_service.store_path(document.sha256),
        mimetype=DOCX,
        as_attachment=True,
        download_name=document.filename,
        etag=document.sha256,
    )
