"""The OpenAPI document: valid, public, covering every route of the api blueprint (whichever
module adds it), request bodies derived from the forms, and response schemas that real
responses satisfy."""

from __future__ import annotations

import pytest
from flask import jsonify
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from forms.case import FORMS, CaseForm, TransitionForm, VictimForm
from incidents import openapi
from incidents.extensions import db
from incidents.services import cases as case_service

from . import factories
from .test_api import Api, committed_case, new_case_body


def document(client) -> dict:
    r = client.get("/api/v1/openapi.json")  # no token: the document is public
    assert r.status_code == 200, r.text
    return r.json


def operations(doc):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            yield path, method, op


def test_document_is_valid_openapi(app, client):
    doc = document(client)
    validate(doc)
    assert doc["openapi"].startswith("3.1")
    ids = [op["operationId"] for _p, _m, op in operations(doc)]
    assert len(ids) == len(set(ids))


def test_every_route_of_the_api_blueprint_is_documented_with_its_scope(app, client):
    doc = document(client)
    documented = {(op["x-endpoint"], method.upper()) for _p, method, op in operations(doc)}
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")]
    assert len(rules) >= 15
    for rule in rules:
        spec = openapi.spec_of(app.view_functions[rule.endpoint])
        assert spec is not None, f"{rule.endpoint} has no @openapi.operation"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (rule.endpoint, method) in documented, (rule.rule, method)
    for path, method, op in operations(doc):
        spec = openapi.spec_of(app.view_functions[op["x-endpoint"]])
        expected = [] if spec.public else [{"bearer": [spec.scope] if spec.scope else []}]
        assert op["security"] == expected, (method, path)
        assert app.view_functions[op["x-endpoint"]].__doc__, f"{op['x-endpoint']}: no docstring"
        assert "{" not in path or op.get("parameters"), path


def test_parts_are_documented_one_path_each(app, client):
    paths = document(client)["paths"]
    for part in FORMS:
        assert set(paths[f"/api/v1/cases/{{case_id}}/{part}"]) == {"post"}
        assert set(paths[f"/api/v1/cases/{{case_id}}/{part}/{{child_id}}"]) == {
            "get",
            "patch",
            "delete",
        }
    victim = paths["/api/v1/cases/{case_id}/victims"]["post"]
    body = victim["requestBody"]["content"]["application/json"]["schema"]
    assert "birth_date" in body["required"]
    child = paths["/api/v1/cases/{case_id}/witnesses/{child_id}"]["get"]
    schema = child["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/Witness"}
    case_id = next(p for p in victim["parameters"] if p["name"] == "case_id")
    assert case_id["schema"] == {"type": "integer", "minimum": 1, "maximum": openapi.MAX_ID}


def test_request_bodies_come_from_the_forms(app):
    with app.test_request_context():
        case = openapi.form_schema(CaseForm, victim=VictimForm)
        transition = openapi.form_schema(TransitionForm)
        partial = openapi.form_schema(CaseForm, partial=True)
    props = case["properties"]
    assert case["additionalProperties"] is False
    assert {"category", "occurred_at", "reported_at", "place", "victim"} <= set(case["required"])
    assert "first_aid" not in case["required"]
    assert props["category"]["enum"] == ["light", "severe", "fatal", "group"]
    assert props["place"] == {**props["place"], "type": "string", "maxLength": 500}
    assert props["occurred_at"]["format"] == "date-time"
    assert props["first_aid"]["type"] == ["string", "null"]
    assert props["hazardous_facility"]["type"] == ["boolean", "null"]
    victim = props["victim"]["properties"]
    assert victim["birth_date"]["format"] == "date"
    assert victim["service_total_years"]["minimum"] == 0
    assert victim["service_total_years"]["maximum"] == 70
    assert victim["sex"]["enum"] == ["male", "female"]
    assert transition["properties"]["days"]["type"] == ["integer", "null"]
    assert transition["properties"]["days"]["maximum"] == 15
    assert transition["properties"]["version"]["type"] == ["integer", "null"]
    assert "required" not in transition and "required" not in partial


def test_a_route_added_elsewhere_is_documented_and_enforced(app, world, client):
    """Another module adding a route to the api blueprint: it is in the document as soon as it
    exists, and the scope it declares is the scope its requests need."""

    @openapi.operation(scope="packages:read", query={"q": {"type": "string"}}, tags=["x"])
    def late_view():
        """A late view.

        Its description."""
        return jsonify(ok=True)

    def undescribed_view():
        return jsonify(ok=True)

    app.add_url_rule("/api/v1/late", "api.late_view", late_view)
    app.add_url_rule("/api/v1/undescribed", "api.undescribed_view", undescribed_view)
    doc = document(client)
    op = doc["paths"]["/api/v1/late"]["get"]
    assert op["summary"] == "A late view." and op["description"] == "Its description."
    assert op["security"] == [{"bearer": ["packages:read"]}]
    assert {"400", "401", "403"} <= set(op["responses"])
    assert "/api/v1/undescribed" in doc["paths"]

    specialist = Api(client, world.specialist)
    insurer = Api(client, world.insurer)
    assert specialist("GET", "/late").status_code == 403
    assert insurer("GET", "/late").json == {"ok": True}
    assert insurer("GET", "/undescribed").status_code == 403  # undescribed: no token may


def test_operation_refuses_unknown_scopes():
    with pytest.raises(ValueError, match="cases:delete"):
        openapi.operation(scope="cases:delete")
    with pytest.raises(TypeError):
        openapi.operation()
    with pytest.raises(TypeError):
        openapi.operation(public=True, scope="cases:read")


def test_real_responses_satisfy_the_component_schemas(app, world, client):
    case = committed_case(world, "notified")
    case_service.add_child(case, world.specialist, "witnesses", {"full_name": "Нурлан"}, None)
    factories.advance_to(case, world, "closed")
    db.session.commit()
    api = Api(client, world.specialist)
    components = document(client)["components"]

    def check(name, body):
        validator = Draft202012Validator(
            {"$ref": f"#/components/schemas/{name}", "components": components},
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
        assert not errors, (name, errors[:5])

    detail = api.ok("GET", f"/cases/{case.id}")
    assert detail["history"] and detail["documents"] and detail["commission"]
    check("CaseDetail", detail)
    check("CaseList", api.ok("GET", "/cases"))
    check("DocumentList", api.ok("GET", f"/cases/{case.id}/documents"))
    check("CaseDetail", api.ok("POST", "/cases", new_case_body(), status=201))
    for part, component in {
        "victims": "Victim",
        "witnesses": "Witness",
        "commission": "CommissionMember",
        "causes": "Cause",
        "responsible": "ResponsiblePerson",
        "measures": "Measure",
    }.items():
        row = detail[part][0]
        check(component, api.ok("GET", f"/cases/{case.id}/{part}/{row['id']}"))
    token = client.post(
        "/api/v1/tokens", json={"email": world.head.email, "password": factories.PASSWORD}
    )
    check("Token", token.json)
    check("Error", api("POST", "/cases", {"colour": "red"}).json)
    check("Error", api("POST", f"/cases/{case.id}/triggers/close").json)
    read_only = client.post(
        "/api/v1/tokens",
        json={"email": world.head.email, "password": factories.PASSWORD, "scopes": ["cases:read"]},
    ).json["token"]
    refused = client.post("/api/v1/cases", headers={"Authorization": f"Bearer {read_only}"})
    check("Error", refused.json)
