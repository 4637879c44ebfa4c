"""Records beside the stages: notice deliveries, parallel tracks and legal holds of a case."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.case import DeliveryForm
from forms.retention import HoldForm, LiftHoldForm
from forms.track import TrackForm

from .. import audit, permissions
from ..extensions import db
from ..labels import notice_title
from ..models.timeutil import to_local
from ..services import cases as case_service
from ..services import retention
from ..services import tracks as track_service
from ..services.errors import DomainError
from .cases import _edit_page, _load
from .files import send_stored

bp = Blueprint("records", __name__)


@bp.app_context_processor
def _globals():
    return {"retention_of": retention.of_case}


@bp.before_request
@login_required
def _require_login():
    """Every record screen needs a logged-in user."""


@bp.route("/cases/<int:case_id>/notices/<int:notice_id>", methods=["GET", "POST"])
def delivery(case_id: int, notice_id: int):
    case = _load(case_id)
    notice = next((n for n in case.notices if n.id == notice_id), None)
    if notice is None:
        abort(404)
    form = DeliveryForm(obj=notice)
    if request.method == "GET":
        form.sent_at.data = notice.sent_at and to_local(notice.sent_at).replace(tzinfo=None)
        form.acknowledged_at.data = notice.acknowledged_at and to_local(
            notice.acknowledged_at
        ).replace(tzinfo=None)
    return _edit_page(
        case,
        form,
        lambda f: case_service.record_delivery(
            case, current_user, notice_id, f.to_dict(), f.opened_version()
        ),
        "cases/form.html",
        _("Notice to: %(addressee)s", addressee=notice_title(notice.addressee, case)),
        saved=notice,
    )


@bp.route("/cases/<int:case_id>/tracks/new", methods=["GET", "POST"])
def open_track(case_id: int):
    case = _load(case_id)
    if not permissions.can_edit_case(current_user, case):
        abort(403)
    form = TrackForm()
    if form.validate_on_submit():
        try:
            track_service.open_track(case, current_user, form.to_dict(), form.upload())
        except DomainError as exc:
            db.session.rollback()
            form[exc.field or "file"].errors.append(str(exc.message))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("cases.detail", case_id=case.id, _anchor="tracks"))
    return render_template("cases/track.html", case=case, form=form)


@bp.post("/cases/<int:case_id>/tracks/<int:track_id>/close")
def close_track(case_id: int, track_id: int):
    case = _load(case_id)
    try:
        track_service.close_track(case, current_user, track_id)
    except DomainError as exc:
        db.session.rollback()
        if exc.status == 403:
            abort(403)
        flash(str(exc.message), "danger")
    else:
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("cases.detail", case_id=case.id, _anchor="tracks"))


@bp.get("/cases/<int:case_id>/tracks/<int:track_id>/file")
def track_file(case_id: int, track_id: int):
    case = _load(case_id)
    track = next((t for t in case.tracks if t.id == track_id), None)
    if track is None or track.file_sha256 is None:
        abort(404)
    data = track_service.read_file(track)
    audit.downloaded(case.id, file="track", id=track.id, sha256=track.file_sha256)
    return send_stored(data, track.file_sha256, as_attachment=True, download_name=track.file_name)


# -- legal holds ------------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/holds/new", methods=["GET", "POST"])
def place_hold(case_id: int):
    case = _load(case_id)
    if not permissions.can_place_hold(current_user, case):
        abort(403)
    form = HoldForm()
    if form.validate_on_submit():
        retention.place_hold(case, current_user, form.to_dict())
        db.session.commit()
        flash(_("The legal hold is on: nothing of this case may be disposed of."), "success")
        return redirect(url_for("cases.detail", case_id=case.id, _anchor="retention"))
    return render_template("cases/hold.html", case=case, form=form)


@bp.route("/cases/<int:case_id>/holds/<int:hold_id>/lift", methods=["GET", "POST"])
def lift_hold(case_id: int, hold_id: int):
    case = _load(case_id)
    if not permissions.can_place_hold(current_user, case):
        abort(403)
    hold = next((h for h in case.holds if h.id == hold_id), None)
    if hold is None:
        abort(404)
    form = LiftHoldForm()
    if form.validate_on_submit():
        try:
            retention.lift_hold(case, current_user, hold_id, form.lift_reason.data)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        else:
            db.session.commit()
            flash(_("The legal hold is lifted."), "success")
        return redirect(url_for("cases.detail", case_id=case.id, _anchor="retention"))
    return render_template("cases/hold.html", case=case, form=form, hold=hold)
