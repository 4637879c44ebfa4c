"""Protocols of a case: the scene inspection and the interviews, each issued as DOCX."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.protocol import InterviewProtocolForm, SceneProtocolForm

from .. import permissions
from ..extensions import db
from ..models.timeutil import to_local
from ..services import protocols as service
from ..services.errors import DomainError
from .cases import _load

bp = Blueprint("protocols", __name__)


@bp.before_request
@login_required
def _require_login():
    """Every protocol screen needs a logged-in user."""


@bp.app_context_processor
def _helpers():
    return {
        "case_protocols": _rows,
        "can_edit_protocols": lambda case: service.can_edit(current_user, case),
    }


def _rows(case) -> list[dict]:
    """The case page's list: scene protocols first, then the interviews."""
    rows = []
    for p in service.scene_protocols(case):
        rows.append(
            {
                "type": "scene",
                "protocol": p,
                "kind": _("Scene inspection"),
                "who": p.place,
                "date": p.inspected_on,
                "confirmed": None,
                "documents": service.current_documents(case, p),
            }
        )
    kinds = {"victim": _("Victim"), "witness": _("Witness"), "official": _("Official")}
    for p in service.interview_protocols(case):
        rows.append(
            {
                "type": "interview",
                "protocol": p,
                "kind": _("Interview: %(who)s", who=kinds.get(p.interviewee_kind, "")),
                "who": p.full_name,
                "date": p.started_at,
                "confirmed": p.confirmed_at,
                "documents": service.current_documents(case, p),
            }
        )
    return rows


def _back(case):
    return redirect(url_for("cases.detail", case_id=case.id, _anchor="protocols"))


def _local(dt):
    return dt and to_local(dt).replace(tzinfo=None)


def _save(case, form, save, template, title, **extra):
    if not service.can_edit(current_user, case):
        abort(403)
    if request.method == "POST" and form.validate():
        try:
            save(form)
        except DomainError as exc:
            db.session.rollback()
            if exc.status == 403:
                abort(403)
            if exc.field and exc.field in form:
                form[exc.field].errors = [*form[exc.field].errors, str(exc.message)]
            else:
                flash(str(exc.message), "danger")
            return render_template(template, case=case, form=form, title=title, **extra), exc.status
        db.session.commit()
        flash(_("Saved. The protocol was issued in Russian and Kyrgyz."), "success")
        return _back(case)
    return render_template(template, case=case, form=form, title=title, **extra)


def _photo_choices(case, form):
    photos = service.photos(case)
    form.photo_ids.choices = [(e.id, e.description or e.filename) for e in photos]
    return photos


@bp.route("/cases/<int:case_id>/protocols/scene/new", methods=["GET", "POST"])
def new_scene(case_id: int):
    case = _load(case_id)
    form = SceneProtocolForm()
    photos = _photo_choices(case, form)
    return _save(
        case,
        form,
        lambda f: service.save_scene(case, current_user, f.to_dict()),
        "protocols/scene.html",
        _("Scene inspection protocol"),
        photos=photos,
    )


@bp.route("/cases/<int:case_id>/protocols/scene/<int:protocol_id>", methods=["GET", "POST"])
def edit_scene(case_id: int, protocol_id: int):
    case = _load(case_id)
    protocol = service.get_scene(case, protocol_id) or abort(404)
    form = SceneProtocolForm(obj=protocol if request.method == "GET" else None)
    photos = _photo_choices(case, form)
    if request.method == "GET":
        form.inspected_on.data = _local(protocol.inspected_on)
        form.ended_at.data = _local(protocol.ended_at)
        form.photo_ids.data = [e.id for e in service.chosen_photos(case, protocol)]
    return _save(
        case,
        form,
        lambda f: service.save_scene(case, current_user, f.to_dict(), protocol),
        "protocols/scene.html",
        _("Scene inspection protocol"),
        photos=photos,
        protocol=protocol,
    )


@bp.route("/cases/<int:case_id>/protocols/interview/new", methods=["GET", "POST"])
def new_interview(case_id: int):
    case = _load(case_id)
    form = InterviewProtocolForm()
    return _save(
        case,
        form,
        lambda f: service.save_interview(case, current_user, f.to_dict()),
        "protocols/interview.html",
        _("Interview protocol"),
    )


@bp.route("/cases/<int:case_id>/protocols/interview/<int:protocol_id>", methods=["GET", "POST"])
def edit_interview(case_id: int, protocol_id: int):
    case = _load(case_id)
    protocol = service.get_interview(case, protocol_id) or abort(404)
    if not service.can_edit(current_user, case):
        abort(403)
    if protocol.confirmed_at is not None:
        flash(
            _("The interviewee has confirmed this protocol; it can no longer be changed."), "danger"
        )
        return _back(case), 409 if request.method == "POST" else 302
    form = InterviewProtocolForm(obj=protocol if request.method == "GET" else None)
    if request.method == "GET":
        form.started_at.data = _local(protocol.started_at)
        form.ended_at.data = _local(protocol.ended_at)
    return _save(
        case,
        form,
        lambda f: service.save_interview(case, current_user, f.to_dict(), protocol),
        "protocols/interview.html",
        _("Interview protocol"),
        protocol=protocol,
    )


def _action(case, do):
    try:
        do()
    except DomainError as exc:
        db.session.rollback()
        if exc.status == 403:
            abort(403)
        flash(str(exc.message), "danger")
        return _back(case), exc.status
    db.session.commit()
    flash(_("Saved."), "success")
    return _back(case)


@bp.post("/cases/<int:case_id>/protocols/interview/<int:protocol_id>/confirm")
def confirm_interview(case_id: int, protocol_id: int):
    case = _load(case_id)
    protocol = service.get_interview(case, protocol_id) or abort(404)
    return _action(case, lambda: service.confirm(case, current_user, protocol))


@bp.post("/cases/<int:case_id>/protocols/<kind>/<int:protocol_id>/remove")
def remove(case_id: int, kind: str, protocol_id: int):
    case = _load(case_id)
    getter = {"scene": service.get_scene, "interview": service.get_interview}.get(kind)
    protocol = getter and getter(case, protocol_id)
    if protocol is None:
        abort(404)
    if not permissions.can_edit_case(current_user, case):
        abort(403)
    return _action(case, lambda: service.remove(case, current_user, protocol))
