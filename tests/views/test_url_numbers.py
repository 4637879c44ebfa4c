"""Numbers in URLs that name no row: an id in a path past what an id column holds, zero or
negative is "not found" (404) on every route, the screens and the API alike, for whoever asks;
a number in a list page's query string that cannot be one (page, cursor, organisation) is as if
it had not been given: the first page. Never a server error."""

from __future__ import annotations

import re

import pytest

from incidents.auth import issue_token
from incidents.extensions import db
from incidents.models import Role
from tests import factories

NOT_IDS = ("99999999999999999999", "9223372036854775808", "0", "-1", "2147483648", "9" * 5000)
# the other parts of a path, given a value the route knows, so that only the id is wrong
WORDS = {"part": "witnesses", "trigger": "close", "kind": "interview", "section": "conditions"}
QUERY_NUMBERS = ("page", "per_page", "after", "before", "org", "organisation", "year")


def _int_rules(app):
    """Every rule of the URL map with an id in its path, with the methods it answers."""
    return [
        (rule, method)
        for rule in app.url_map.iter_rules()
        if "<int:" in rule.rule
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


def _path(rule, value: str) -> str:
    def arg(match):
        converter, name = match["converter"], match["name"]
        return value if converter == "int" else WORDS.get(name, "x")

    return re.sub(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>", arg, rule.rule)


@pytest.fixture
def served(app):
    """The app answers an error with its error page, as in production, not with a traceback."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


@pytest.fixture
def people(world, client_for):
    """A logged-in client and an API token per person: the administrator and a specialist."""
    admin = factories.make_user(Role.admin, None, "admin@example.kg")
    factories.make_case(world)
    db.session.commit()
    out = {}
    for name, user in (("admin", admin), ("specialist", world.specialist)):
        token = issue_token(user)[0]
        db.session.commit()
        out[name] = (client_for(user), {"Authorization": f"Bearer {token}"})
    return out


def test_every_route_with_an_id_answers_404_for_an_id_no_row_can_have(served, people):
    rules = _int_rules(served)
    assert len(rules) > 40 and any(r.rule.startswith("/api/") for r, _m in rules)
    assert any(r.rule.startswith("/admin/") for r, _m in rules)
    wrong = []
    for who, (client, token) in people.items():
        for rule, method in rules:
            for value in NOT_IDS:
                path = _path(rule, value)
                headers = token if path.startswith("/api/") else {}
                status = client.open(path, method=method, headers=headers).status_code
                if status != 404:
                    wrong.append(f"{who}: {method} {path} -> {status}")
    assert not wrong, "\n".join(wrong)


def test_the_api_says_not_found_in_json(served, people):
    client, token = people["specialist"]
    r = client.get(f"/api/v1/cases/{NOT_IDS[0]}", headers=token)
    assert r.status_code == 404 and r.is_json and r.get_json()["error"]


def _list_pages(app):
    """Every page without an id in its path that a GET opens (the lists among them)."""
    return [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
    ]


@pytest.mark.parametrize("role", ["specialist", "inspector", "insurer"])
def test_no_number_in_a_query_string_is_a_server_error(served, world, client_for, role):
    factories.make_case(world)
    db.session.commit()
    user = getattr(world, role)
    client, token = client_for(user), issue_token(user)[0]
    db.session.commit()
    wrong = []
    for path in _list_pages(served):
        headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {}
        for name in QUERY_NUMBERS:
            for value in ("99999999999999999999", "0"):  # past 64 bits; below the first
                r = client.get(path, query_string={name: value}, headers=headers)
                if r.status_code >= 500:
                    wrong.append(f"{role}: GET {path}?{name}={value} -> {r.status_code}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", ["page", "after", "before"])
@pytest.mark.parametrize("value", [*NOT_IDS, "9223372036854775807", "abc"])
def test_the_case_list_shows_its_first_page_for_a_page_it_cannot_have(
    served, world, client_for, name, value
):
    case = factories.make_case(world)
    db.session.commit()
    client = client_for(world.specialist)
    first = client.get("/")
    r = client.get("/", query_string={name: value})
    assert r.status_code == 200 and case.number in r.text
    assert r.text.count(case.number) == first.text.count(case.number)


@pytest.mark.parametrize("query", ["page", "after", "before", "org"])
def test_the_register_shows_its_first_page_for_a_number_it_cannot_have(
    served, world, client_for, query
):
    case = factories.make_case(world)
    db.session.commit()
    client = client_for(world.specialist)
    year = case.occurred_at.year
    for value in (*NOT_IDS, "abc", "1.5"):
        r = client.get("/register", query_string={query: value, "year": year})
        assert r.status_code == 200, (value, r.status_code)
        assert case.victims[0].full_name in r.text, value


def test_the_insurer_inbox_shows_its_first_page_for_a_page_it_cannot_have(
    served, world, client_for
):
    client = client_for(world.insurer)
    first = client.get("/insurer/packages")
    for value in (*NOT_IDS, "9223372036854775807"):
        r = client.get("/insurer/packages", query_string={"page": value})
        assert r.status_code == 200, value
        assert r.text.count("<tr") == first.text.count("<tr"), value
