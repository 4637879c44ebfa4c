"""Occupational-disease screens: registering the notice of a preliminary diagnosis, and the
sections of the disease file. The case page, its rows, triggers and documents are the case
screens' own (incidents/views/cases.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.case import VictimForm
from forms.disease import SECTIONS, DiseaseReportForm

from .. import permissions
from ..extensions import db
from ..models.timeutil import to_local, utcnow
from ..services import disease as disease_service
from .cases import _edit_page, _load, bp


def section_title(section: str) -> str:
    return {
        "preliminary": _("Preliminary diagnosis"),
        "conditions": _("Working conditions"),
        "diagnosis": _("Final diagnosis"),
        "conclusion": _("Conclusion of the commission"),
    }[section]


@bp.route("/cases/new-disease", methods=["GET", "POST"])
def new_disease():
    if not permissions.can_create_case(current_user):
        abort(403)
    form = DiseaseReportForm(prefix="case")
    worker = VictimForm(prefix="worker")
    if request.method == "GET":
        form.reported_at.data = to_local(utcnow()).replace(tzinfo=None, second=0, microsecond=0)
    elif form.validate() & worker.validate():  # both, so every error shows at once
        case = disease_service.report(
            current_user, form.case_dict(), worker.to_dict(), form.disease_dict()
        )
        db.session.commit()
        flash(_("Case %(number)s reported.", number=case.number), "success")
        return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("cases/new_disease.html", form=form, worker=worker)


@bp.route("/cases/<int:case_id>/disease/<section>", methods=["GET", "POST"])
def disease_section(case_id: int, section: str):
    case = _load(case_id)
    if section not in SECTIONS or not case.is_disease:
        abort(404)
    data = None
    if request.method == "GET" and section == "conclusion":
        data = {
            "connected_to_work": {True: "yes", False: "no"}.get(case.disease.connected_to_work, "")
        }
    extra = {"preliminary_on": case.disease.preliminary_at} if section == "diagnosis" else {}
    form = SECTIONS[section](obj=case.disease, data=data, **extra)
    if request.method == "GET" and section == "preliminary":
        form.form.data = case.disease.form.value
    return _edit_page(
        case,
        form,
        lambda f: disease_service.update_section(
            case, current_user, section, f.to_dict(), f.opened_version()
        ),
        "cases/form.html",
        section_title(section),
        saved=case.disease,
    )
