"""Evidence of a case: upload, list (on the case page), download, thumbnail, remove."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.evidence import EvidenceForm

from .. import audit, permissions
from ..extensions import db
from ..models import Case, Evidence
from ..services import evidence as evidence_service
from ..services.errors import DomainError
from .cases import _commit_or_conflict, _load
from .cases import detail as case_detail
from .files import send_stored

bp = Blueprint("evidence", __name__)


@bp.before_request
@login_required
def _require_login():
    """Every evidence screen needs a logged-in user."""


def _panel(case: Case) -> dict:
    """What the case page's Evidence card shows (cases/_evidence.html)."""
    return {
        "items": evidence_service.live(case),
        # after a refused upload the form comes back with its errors; otherwise a blank one
        "form": g.get("evidence_form") or EvidenceForm(formdata=None),
        "editable": permissions.can_edit_case(current_user, case),
        "kind_label": evidence_service.kind_label,
        "is_image": evidence_service.is_image,
        "size": evidence_service.human_size,
        "max_size": evidence_service.human_size(evidence_service.max_bytes()),
    }


@bp.app_context_processor
def _globals():
    return {"evidence_panel": _panel}


def _back(case: Case):
    return redirect(url_for("cases.detail", case_id=case.id, _anchor="evidence"))


def _get(case: Case, evidence_id: int) -> Evidence:
    ev = evidence_service.get(case, evidence_id)
    if ev is None:
        abort(404)
    return ev


@bp.get("/cases/<int:case_id>/evidence")
def index(case_id: int):
    """The list lives on the case page (also where a reload after a refused upload lands)."""
    return _back(_load(case_id))


@bp.post("/cases/<int:case_id>/evidence")
def upload(case_id: int):
    case = _load(case_id)
    if not permissions.can_edit_case(current_user, case):
        abort(403)
    form = EvidenceForm()
    status = 400
    if form.validate_on_submit():
        name, data = form.upload(evidence_service.max_bytes())
        try:
            evidence_service.upload(
                case,
                current_user,
                kind=form.kind.data,
                name=name,
                data=data,
                description=form.description.data,
            )
        except DomainError as exc:
            db.session.rollback()
            if exc.status == 403:
                abort(403)
            form[exc.field or "file"].errors.append(str(exc.message))
        else:
            if _commit_or_conflict():
                flash(_("The file was added."), "success")
                return _back(case)
            status = 409
    if status == 400:
        flash(_("The file was not added."), "danger")
    # the case page again, with the form's errors in the Evidence card
    g.evidence_form = form
    return case_detail(case_id), status


@bp.get("/cases/<int:case_id>/evidence/<int:evidence_id>")
def download(case_id: int, evidence_id: int):
    ev = _get(_load(case_id), evidence_id)
    data = evidence_service.read(ev)
    audit.downloaded(case_id, file="evidence", id=ev.id, sha256=ev.sha256)
    return send_stored(
        data,
        ev.sha256,
        mimetype=ev.content_type,
        as_attachment=True,
        download_name=ev.filename,
    )


@bp.get("/cases/<int:case_id>/evidence/<int:evidence_id>/thumb")
def thumb(case_id: int, evidence_id: int):
    ev = _get(_load(case_id), evidence_id)
    data = evidence_service.read_thumb(ev)
    if data is None:
        abort(404)
    return send_stored(data, ev.thumb_sha256, mimetype="image/jpeg")


@bp.post("/cases/<int:case_id>/evidence/<int:evidence_id>/remove")
def remove(case_id: int, evidence_id: int):
    case = _load(case_id)
    if not permissions.can_edit_case(current_user, case):
        abort(403)
    try:
        evidence_service.remove(case, current_user, evidence_id)
    except DomainError as exc:
        db.session.rollback()
        if exc.status == 403:
            abort(403)
        flash(str(exc.message), "danger")
    else:
        if _commit_or_conflict():
            flash(_("The file was removed."), "success")
    return _back(case)
