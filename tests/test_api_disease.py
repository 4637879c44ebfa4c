"""The API registers an occupational disease and changes its file like the screens do: the
same forms, the same ICD-10 check in the caller's language, nothing written on a refusal."""

from __future__ import annotations

from incidents.models import Case
from tests import disease_factories as df
from tests import factories


class Api:
    def __init__(self, client, user):
        r = client.post(
            "/api/v1/tokens", json={"email": user.email, "password": factories.PASSWORD}
        )
        self.client, self.token = client, r.get_json()["token"]

    def __call__(self, method, path, lang="ru", **kw):
        headers = {"Authorization": f"Bearer {self.token}", "Accept-Language": lang}
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kw)


def _body(**kw) -> dict:
    return {
        "form": "acute",
        "occurred_at": factories.ago(10).strftime("%Y-%m-%dT%H:%M"),
        "reported_at": factories.ago(2).strftime("%Y-%m-%dT%H:%M"),
        "health_organisation": "ГКБ № 1",
        "preliminary_diagnosis": "Острое отравление толуолом",
        "preliminary_icd10": "т52,2",  # Cyrillic т and a decimal comma
        "place": "Окрасочная камера",
        "work_performed": "Окраска",
        "circumstances": "Не работала вентиляция",
        "worker": {
            "full_name": df.PAINTER,
            "sex": "male",
            "birth_date": "1990-07-01",
            "person_category": "employee",
            "occupation": "Маляр",
        },
        **kw,
    }


def test_registering_and_describing_a_disease_through_the_api(app, world, db, client):
    api = Api(client, world.specialist)
    r = api("POST", "/diseases", json=_body())
    assert r.status_code == 201, r.get_json()
    case = r.get_json()
    assert (case["kind"], case["category"], case["status"]) == (
        "occupational_disease",
        None,
        "suspected",
    )
    assert case["disease"]["preliminary_icd10"] == "T52.2"
    assert case["victims"][0]["full_name"] == df.PAINTER
    r = api(
        "PUT",
        f"/cases/{case['id']}/disease/conditions",
        json={
            "sanitary_body": "ДПЗиГСЭН",
            "described_on": factories.ago(1).strftime("%Y-%m-%d"),
            "conditions_class": "3.4",
        },
    )
    assert r.status_code == 200 and r.get_json()["disease"]["conditions_class"] == "3.4"
    r = api(
        "POST",
        f"/cases/{case['id']}/factors",
        json={"name": "Толуол", "measured": "480", "limit": "50", "unit": "мг/м³"},
    )
    assert r.status_code == 201
    r = api("POST", f"/cases/{case['id']}/triggers/describe_conditions")
    assert r.status_code == 200 and r.get_json()["status"] == "conditions_described"


def test_a_bad_icd10_code_is_refused_in_the_callers_language(app, world, db, client):
    api = Api(client, world.specialist)
    r = api("POST", "/diseases", lang="ky", json=_body(preliminary_icd10="52.2T"))
    assert r.status_code == 400
    [message] = r.get_json()["fields"]["preliminary_icd10"]
    assert message.startswith("«52.2T» — ЭОК-10 боюнча код эмес")
    r = api("POST", "/diseases", json=_body(preliminary_icd10="52.2T", worker={}))
    fields = r.get_json()["fields"]
    assert "preliminary_icd10" in fields and "worker.full_name" in fields  # every error at once
    db.session.expire_all()
    assert db.session.scalars(db.select(Case)).all() == []


def test_an_accident_has_no_disease_sections(app, world, db, client):
    case = factories.make_case(world)
    db.session.commit()
    api = Api(client, world.specialist)
    r = api("PUT", f"/cases/{case.id}/disease/conclusion", json={"connected_to_work": "yes"})
    assert r.status_code == 404
    # an insurer's token has no cases:write scope: it registers nothing
    assert Api(client, world.insurer)("POST", "/diseases", json=_body()).status_code == 403
