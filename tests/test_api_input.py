"""JSON values of the wrong kind in the API: a boolean is JSON true or false and nothing else,
and a value the form cannot take is refused saying what is wrong with it (a list, an object,
a NUL, a lone surrogate), naming the field, in the caller's language; nothing is written."""

from __future__ import annotations

import pytest

from incidents.extensions import db
from incidents.models import Case, Cause
from tests import disease_factories as df
from tests import factories
from tests.test_api import Api, new_case_body, translated

NOT_BOOLEANS = ["no", "0", "False", "off", "false", "", "y", 0, 1, [], {}]
# the boolean fields there are today: the list read from the document must hold them all
KNOWN_BOOLEANS = {
    "hazardous_facility",
    "is_main",
    "responsible_for_site_safety",
    "work_related",
    "connected_to_work",
}


def _types(schema: dict) -> list:
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else kind


def _booleans(schema: dict, prefix: tuple = ()):
    for name, prop in schema.get("properties", {}).items():
        if "boolean" in _types(prop):
            yield (*prefix, name)
        elif "object" in _types(prop):
            yield from _booleans(prop, (*prefix, name))


def boolean_fields(document: dict) -> list[tuple[str, str, tuple]]:
    """(method, path, field) of every boolean field of every request body the API takes."""
    out = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                out += [(method.upper(), path, f) for f in _booleans(body["schema"])]
    return out


def _body(field: tuple, value) -> dict:
    body = value
    for name in reversed(field):
        body = {name: body}
    return body


def _url(path: str, accident: dict, disease: Case) -> str:
    """A path of the document with its parameters filled from the two cases."""
    case = disease.id if "/disease/" in path else accident["id"]
    url = path.replace("{case_id}", str(case))
    if "{child_id}" in url:
        part = url.split("/")[-2]
        url = url.replace("{child_id}", str(accident[part][0]["id"]))
    url = url.replace("{victim_id}", str(accident["victims"][0]["id"]))
    url = url.replace("{notice_id}", str(accident["notices"][0]["id"]))
    assert "{" not in url, f"fill in the parameters of {path}"
    return url


def test_every_boolean_field_takes_json_true_or_false_only(app, world, client):
    api = Api(client, world.specialist, lang="ky")
    accident_case = factories.make_case(world)
    factories.advance_to(accident_case, world, "act_drafted")  # commission, causes, ...
    disease = df.make_disease_case(world)
    db.session.commit()
    accident = api.ok("GET", f"/cases/{accident_case.id}")
    document = client.get("/api/v1/openapi.json").json
    found = boolean_fields(document)
    assert {field[-1] for _m, _p, field in found} >= KNOWN_BOOLEANS

    versions = {c.id: c.version for c in db.session.scalars(db.select(Case))}
    for method, path, field in found:
        url, name = _url(path.removeprefix("/api/v1"), accident, disease), ".".join(field)
        expected = [
            translated("ky", "The field %(field)s must be true or false.") % {"field": name}
        ]
        for value in NOT_BOOLEANS:
            r = api(method, url, _body(field, value))
            assert r.status_code == 400, (method, url, name, value, r.text)
            assert r.json["fields"][name] == expected, (method, url, name, value)
    db.session.expire_all()
    assert {c.id: c.version for c in db.session.scalars(db.select(Case))} == versions

    # and JSON true and false are what is stored
    cause = accident["causes"][0]
    for value in (False, True, False):
        api.ok("PATCH", f"/cases/{accident['id']}/causes/{cause['id']}", {"is_main": value})
        db.session.expire_all()
        assert db.session.get(Cause, cause["id"]).is_main is value


WRONG_VALUES = [
    ("place", "Цех\x00№ 3", "The field %(field)s must not contain the NUL control character."),
    (
        "place",
        "Цех \ud800",
        "The field %(field)s contains a lone surrogate, which is not a character.",
    ),
    ("place", ["Цех № 3"], "The field %(field)s must be text, not a list."),
    ("place", {"name": "Цех № 3"}, "The field %(field)s must be text, not an object."),
    ("place", True, "The field %(field)s must be text, not true or false."),
    ("victim.full_name", ["Талант"], "The field %(field)s must be text, not a list."),
    (
        "victim.full_name",
        "Талант\x00",
        "The field %(field)s must not contain the NUL control character.",
    ),
    ("victim", "Талант Асанов", "The field %(field)s must be an object."),
    ("victim", ["Талант Асанов"], "The field %(field)s must be an object."),
]


@pytest.mark.parametrize("lang", ["ky", "ru"])
@pytest.mark.parametrize(("field", "value", "message"), WRONG_VALUES)
def test_a_wrong_value_says_what_is_wrong_not_required(
    app, world, client, lang, field, value, message
):
    api = Api(client, world.specialist, lang=lang)
    body = new_case_body()
    if "." in field:
        part, name = field.split(".")
        body[part][name] = value
    else:
        body[field] = value
    r = api("POST", "/cases", body)
    assert r.status_code == 400, r.text
    expected = translated(lang, message) % {"field": field}
    assert r.json["fields"][field] == [expected]
    assert expected != message  # translated, not the English text
    assert r.json["error"] == translated(lang, "The request could not be understood.")
    assert db.session.execute(db.select(Case)).first() is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([12], "The field %(field)s must be a number, not a list."),
        ({"days": 12}, "The field %(field)s must be a number, not an object."),
        (True, "The field %(field)s must be a number, not true or false."),
    ],
)
def test_a_number_field_says_it_wants_a_number(app, world, client, value, message):
    api = Api(client, world.specialist, lang="ky")
    case = factories.make_case(world)
    factories.advance_to(case, world, "act_approved")
    db.session.commit()
    victim = case.victims[0].id
    body = {"outcome": "recovered", "days_lost": value}
    r = api("PUT", f"/cases/{case.id}/victims/{victim}/outcome", body)
    assert r.status_code == 400, r.text
    assert r.json["fields"]["days_lost"] == [translated("ky", message) % {"field": "days_lost"}]
