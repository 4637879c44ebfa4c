"""Registering an occupational disease in the browser forms: the ICD-10 check with a clear
message in the user's language, nothing written on a refusal, and the case page of a disease."""

from __future__ import annotations

from incidents.models import Case, CaseKind
from tests import disease_factories as df
from tests import factories


def _form(**kw) -> dict:
    data = {
        "case-form": "chronic",
        "case-occurred_at": factories.ago(30).strftime("%Y-%m-%dT%H:%M"),
        "case-reported_at": factories.ago(20).strftime("%Y-%m-%dT%H:%M"),
        "case-health_organisation": "ЦСМ № 7 г. Бишкек",
        "case-preliminary_diagnosis": "Нейросенсорная тугоухость",
        "case-preliminary_icd10": "Н83.3",  # typed on a Cyrillic layout: Н is Cyrillic
        "case-place": "Ткацкий цех № 2",
        "case-work_performed": "Обслуживание ткацких станков",
        "case-circumstances": "Выявлено при периодическом медосмотре",
        "worker-full_name": df.WEAVER,
        "worker-sex": "female",
        "worker-birth_date": "1975-03-08",
        "worker-person_category": "employee",
        "worker-occupation": "Ткачиха",
    }
    data.update(kw)
    return data


def _cases(db) -> list[Case]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Case)))


def test_a_bad_icd10_code_is_refused_clearly_and_nothing_is_written(app, world, db, client_for):
    client = client_for(world.specialist)
    r = client.post("/cases/new-disease", data=_form(**{"case-preliminary_icd10": "H8.33"}))
    assert r.status_code == 200
    assert "«H8.33» — это не код МКБ-10" in r.text
    assert _cases(db) == []
    world.specialist.language = "ky"
    db.session.commit()
    r = client_for(world.specialist).post(
        "/cases/new-disease", data=_form(**{"case-preliminary_icd10": "8H3"})
    )
    assert "«8H3» — ЭОК-10 боюнча код эмес" in r.text
    assert _cases(db) == []


def test_registering_a_disease_and_reading_its_page(app, world, db, client_for):
    client = client_for(world.specialist)
    r = client.post("/cases/new-disease", data=_form())
    assert r.status_code == 302, r.text
    [case] = _cases(db)
    assert case.kind == CaseKind.occupational_disease and case.category is None
    assert case.disease.preliminary_icd10 == "H83.3"  # normalised from the Cyrillic Н
    page = client.get(f"/cases/{case.id}").text
    assert 'data-kind="occupational_disease"' in page and 'id="conditions"' in page
    assert 'id="findings"' not in page and 'id="witnesses"' not in page  # no accident fields
    df.describe_conditions(case, world.specialist)
    db.session.commit()
    page = client.get(f"/cases/{case.id}").text
    assert page.count('data-over-limit="yes"') == 1  # the noise, not the vibration
    assert page.count('data-over-limit="no"') == 1
    # the sections edit through their forms, with the same ICD-10 check
    r = client.post(
        f"/cases/{case.id}/disease/diagnosis",
        data={
            "pathology_centre": "РЦП",
            "final_diagnosis": "Тугоухость",
            "final_icd10": "XYZ",
            "final_on": "2026-01-01",
            "version": case.version,
        },
    )
    assert r.status_code == 200 and "«XYZ» — это не код МКБ-10" in r.text
    db.session.expire_all()
    assert case.disease.final_icd10 is None
