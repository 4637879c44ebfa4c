"""Fuzzing the JSON API with schemathesis against its own OpenAPI document, in-process (WSGI):
every operation, with a bounded number of deterministic examples, as a specialist with real
cases, must never answer 5xx, and must answer what the document says it answers."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from forms.case import FORMS
from incidents import create_app, jobs, openapi
from incidents.config import TestingConfig
from incidents.extensions import db
from incidents.services import cases as case_service
from incidents.services import packages as package_service

from . import disease_factories, factories
from .test_api import new_case_body

# random examples per operation (half valid, half not), besides the boundary cases schemathesis
# derives from the document; with them the file stays within ~90 s on two cores
EXAMPLES = 12


def _load_schema():
    """The document as the API serves it, read once at collection from an app built only for
    that (it touches no database). Not through schemathesis.pytest.from_fixture: that loader
    sets pytest's private Node._nodeid, which pytest 9 no longer has."""
    instance = Path(tempfile.gettempdir(), "incidents-openapi-fuzz")
    reader = create_app(
        TestingConfig, instance_path=str(instance), SQLALCHEMY_DATABASE_URI="sqlite://"
    )
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", reader)
    loaded.config.generation.update(
        max_examples=EXAMPLES, deterministic=True, database="none", no_shrink=True
    )
    return loaded


schema = _load_schema()


def _token(client, user) -> str:
    r = client.post("/api/v1/tokens", json={"email": user.email, "password": factories.PASSWORD})
    return r.json["token"]


@pytest.fixture
def fuzz_world(app, world, client, request):
    """A specialist with a few cases: one investigating with a row of every part, notices and
    documents (the ids the fuzzer's paths are pinned to), one just reported, one severe; for
    the package routes, also a case handed to the insurer with its package built (no PDF).
    Documents are rendered in Russian only: half the time, and no input of the API depends on
    the language (tests/doc_templates render both)."""
    app.config["DOCUMENT_LANGUAGES"] = ("ru",)
    case = factories.make_case(world)
    factories.advance_to(case, world, "investigating")
    factories.add_findings(case, world.specialist)
    case_service.add_child(case, world.specialist, "witnesses", {"full_name": "Нурлан"}, None)
    factories.make_case(world)
    factories.make_case(world, category="severe")
    # an occupational disease with a row of each of its own parts
    disease = disease_factories.make_disease_case(world)
    disease_factories.describe_conditions(disease, world.specialist)
    db.session.commit()
    world.ids = {
        "case_id": case.id,
        "victim_id": case.victims[0].id,
        "notice_id": case.notices[0].id,
        "document_id": case.documents[0].id,
        **{
            part: (getattr(case, part) or getattr(disease, part))[0].id
            for part in FORMS
        },
    }
    if "/packages" in request.node.name:
        app.config["SOFFICE_BINARY"] = ""  # PDF copies take seconds each; not what is tested
        handed = factories.make_case(world)
        factories.advance_to(handed, world, "insurer_notified")
        db.session.commit()
        jobs.run_due()
        world.ids["uid"] = package_service.current(handed).uid
    world.tokens = {
        "cases": _token(client, world.specialist),
        "packages": _token(client, world.insurer),
    }
    return world


class _Reading:
    """A client whose every response is read and closed: schemathesis reads a WSGI response
    but leaves a file download's file open (a ResourceWarning, an error here)."""

    def __init__(self, client):
        self._client = client

    def __getattr__(self, name):
        return getattr(self._client, name)

    def open(self, *args, **kwargs):
        response = self._client.open(*args, **kwargs)
        response.get_data()
        response.close()
        return response


_UUID = re.compile(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def _pinned(value) -> bool:
    """Whether a generated id is one to point at a real row: any the document allows but the
    largest two, which stay (with the out-of-range ones) to be refused."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    return 0 <= value < openapi.MAX_ID - 1


def _pin_ids(case, ids: dict) -> None:
    """Ids in the paths point at the world's rows: random ones would only ever find nothing."""
    params = case.path_parameters or {}
    segments = case.operation.path.split("/")
    for name, value in list(params.items()):
        if name == "uid" and "uid" in ids and _UUID.fullmatch(str(value)):
            params[name] = ids["uid"]
        if not _pinned(value):
            continue
        if name == "child_id":
            params[name] = ids[segments[segments.index("{child_id}") - 1]]
        elif name in ids:
            params[name] = ids[name]


@schema.parametrize()
# the world is shared by the examples of one operation on purpose: what one example wrote (a
# witness added, a case cancelled) is the state the next one meets, as for a real client
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_server_errors(case, app, client, fuzz_world):
    _pin_ids(case, fuzz_world.ids)
    if isinstance(case.body, dict) and isinstance(case.body.get("version"), int):
        del case.body["version"]  # a random version is only ever stale: 409 before any work
    # the insurer's token for the package routes, the specialist's for the rest
    security = case.operation.definition.raw.get("security") or [{}]
    scopes = next(iter(security[0].values()), [])
    insurer = any(s.startswith("packages:") for s in scopes)
    token = fuzz_world.tokens["packages" if insurer else "cases"]
    case.call_and_validate(
        session=_Reading(client),
        app=app,
        headers={"Authorization": f"Bearer {token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )


# -- what fuzzing found: hostile input is a 4xx, never a 5xx ----------------------------------


def _case_body(**kw) -> dict:
    return {**new_case_body(), **kw}


HOSTILE = [
    # year 1 in Bishkek is year 0 in UTC; 9999 with an offset is year 10000 in Bishkek
    ("POST", "/cases", _case_body(occurred_at="0001-01-01T00:00", reported_at="0001-01-01T01:00")),
    ("POST", "/cases", _case_body(occurred_at="9999-12-31T23:59:59-12:00")),
    (
        "PUT",
        "/cases/{case_id}/notices/{notice_id}",
        {"method": "email", "recipient": "x", "sent_at": "0001-01-01T00:00"},
    ),
    ("POST", "/cases/{case_id}/measures", {"action": "x", "owner": "y", "due_date": "0001-01-01"}),
    # a NUL character (PostgreSQL text refuses it), a lone surrogate (no UTF-8 at all)
    ("PATCH", "/cases/{case_id}", {"place": "Цех\x00 3"}),
    ("PATCH", "/cases/{case_id}", {"place": "\ud800"}),
    # a decimal no NUMERIC column holds
    ("PATCH", "/cases/{case_id}/victims/{victims}", {"service_total_years": "1e-1000000"}),
    # pages past any offset the database counts, and past Python's int() of a string
    ("GET", "/cases?page=99999999999999999999", None),
    ("GET", "/cases?per_page=" + "9" * 5000, None),
    # ids past the INTEGER column
    ("GET", "/cases/99999999999999999999", None),
    ("GET", "/documents/2147483648", None),
]


@pytest.mark.parametrize(
    ("method", "url", "body"),
    HOSTILE,
    ids=[f"{m} {u[:40]} {i}" for i, (m, u, _b) in enumerate(HOSTILE)],
)
def test_hostile_input_is_refused_not_an_error(app, client, fuzz_world, method, url, body):
    r = client.open(
        "/api/v1" + url.format(**fuzz_world.ids),
        method=method,
        json=body,
        headers={"Authorization": f"Bearer {fuzz_world.tokens['cases']}"},
    )
    assert r.status_code in (400, 404), r.text
    assert r.json["error"]


@pytest.mark.parametrize(
    "body",
    [
        {"email": "specialist@example.kg\x00", "password": "x"},
        {"email": "specialist@example.kg", "password": "\ud800"},
    ],
)
def test_hostile_token_requests_are_400(app, client, world, body):
    r = client.post("/api/v1/tokens", json=body)
    assert r.status_code == 400 and r.json["fields"]


def test_json_nested_past_the_parser_is_400(app, client, fuzz_world):
    r = client.post(
        "/api/v1/cases",
        data="[" * 100_000,
        content_type="application/json",
        headers={"Authorization": f"Bearer {fuzz_world.tokens['cases']}"},
    )
    assert r.status_code == 400 and r.json["error"]
