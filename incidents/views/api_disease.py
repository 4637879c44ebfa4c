"""The API's occupational-disease routes: register the notice of a preliminary diagnosis, and
change a section of the disease file (on the api blueprint of api.py). The disease's rows
(route, factors, examinations), its steps and its documents go through the case routes."""

from __future__ import annotations

from flask import abort, g, url_for

from forms.disease import SECTIONS, DiseaseReportForm, WorkerForm

from .. import openapi, permissions
from ..extensions import db
from ..services import disease as disease_service
from . import api_json as js
from .api import bp
from .api_cases import WRITE, _case_json, _load


@bp.post("/diseases")
@openapi.operation(
    scope=WRITE,
    body=openapi.form(DiseaseReportForm, worker=WorkerForm),
    responses={201: "CaseDetail", 409: "Error"},
    tags=["occupational diseases"],
)
def create_disease():
    """Register the notice of a preliminary diagnosis of an occupational disease, with the
    worker: an occupational-disease case, "suspected"."""
    user = g.api_user
    if not permissions.can_create_case(user):
        abort(403)
    data, shape = dict(js.body()), {}
    worker_data = js.nested(data, "worker", shape)
    data.pop("worker", None)
    form, errors = js.validate(DiseaseReportForm, data)
    worker, worker_errors = js.validate(WorkerForm, worker_data, "worker.")
    js.check({**errors, **worker_errors, **shape})  # all, so every error shows at once
    case = disease_service.report(user, form.case_dict(), worker.to_dict(), form.disease_dict())
    db.session.commit()
    location = url_for(".get_case", case_id=case.id, _external=True)
    return _case_json(case, 201, Location=location)


@bp.put("/cases/<int:case_id>/disease/<section>")
@openapi.operation(
    scope=WRITE,
    body=openapi.per("section", SECTIONS),
    responses={200: "CaseDetail", 409: "Error"},
    tags=["occupational diseases"],
)
def put_disease_section(case_id: int, section: str):
    """Change one section of the disease file: the preliminary diagnosis, the working
    conditions, the final diagnosis or the commission's conclusion."""
    case = _load(case_id)
    if section not in SECTIONS or not case.is_disease:
        abort(404)
    form = js.valid(SECTIONS[section], js.body())
    disease_service.update_section(case, g.api_user, section, form.to_dict(), form.opened_version())
    db.session.commit()
    return _case_json(case)
