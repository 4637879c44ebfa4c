"""Occupational-disease use cases: register the notice of a preliminary diagnosis (the case is
born "suspected"), and edit the sections of its file. The rows of the occupational route, the
harmful factors and the examinations go through cases.add_child and friends like an accident's
rows. Flush, never commit."""

from __future__ import annotations

from flask_babel import gettext as _

from workflows import disease as flow

from ..extensions import db
from ..models import Case, CaseKind, DiseaseFile, Organisation, User, Victim
from ..models.timeutil import to_local, utcnow
from . import documents
from .cases import _after_change, _check_edit, _to_utc, next_seq
from .errors import Forbidden, Invalid

SECTION_FIELDS = {
    "preliminary": (
        "form",
        "health_organisation",
        "preliminary_diagnosis",
        "preliminary_icd10",
    ),
    "conditions": (
        "sanitary_body",
        "described_on",
        "conditions_class",
        "harmful_service_years",
        "ppe",
        "conditions_summary",
    ),
    "diagnosis": ("pathology_centre", "final_diagnosis", "final_icd10", "final_on"),
    "conclusion": ("connected_to_work", "conclusion_causes"),
}


def report(actor: User, data: dict, worker: dict, disease: dict) -> Case:
    """Register the notice of a preliminary diagnosis: the case, its worker and its file; the
    registration is issued as a document in every document language."""
    if actor.organisation is None:
        raise Forbidden(_("Only an employer's staff can report an accident."))
    data = _to_utc(data)
    organisation = db.session.execute(
        db.select(Organisation).where(Organisation.id == actor.organisation_id).with_for_update()
    ).scalar_one()
    year = to_local(data["reported_at"] or utcnow()).year
    case = Case(
        organisation=organisation,
        year=year,
        seq=next_seq(organisation, year),
        kind=CaseKind.occupational_disease,
        category=None,
        status=flow.S.suspected,
        created_by=actor,
        **data,
    )
    case.victims_all.append(Victim(**worker))
    case.disease = DiseaseFile(preliminary_at=to_local(case.occurred_at).date(), **disease)
    db.session.add(case)
    db.session.flush()
    for kind in flow.ON_REPORT:
        documents.issue(case, kind, actor)
    return case


def update_section(case: Case, actor: User, section: str, data: dict, version: int | None):
    """Change one section of the disease file (the preliminary diagnosis, the working
    conditions, the final diagnosis, the conclusion)."""
    if not case.is_disease or section not in SECTION_FIELDS:
        raise Invalid(_("No such entry in this case."))
    _check_edit(case, actor, section, version)
    if (
        section == "diagnosis"
        and data.get("final_on")
        and data["final_on"] < (case.disease.preliminary_at)
    ):
        raise Invalid(
            _("The final diagnosis cannot come before the preliminary one."), field="final_on"
        )
    for key in SECTION_FIELDS[section]:
        if key in data:
            setattr(case.disease, key, data[key])
    _after_change(case, actor)  # re-issues the documents that follow this data
