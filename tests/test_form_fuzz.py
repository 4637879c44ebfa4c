"""Fuzzing every HTML form POST with hypothesis: each route, as the role that uses it, on a case
in the stage where its form is accepted, gets a bounded, reproducible set of submissions built
from its WTForms classes (tests/form_strategies.py), and after each one:

- the answer is never a server error;
- a refusal (the form again with its errors, a 4xx, or a redirect with an error message)
  wrote nothing: every table's row count and a hash of all its rows are unchanged;
- a save (a redirect without an error message) leads to a page that opens, and the case still
  opens;
- no page echoes submitted markup unescaped.

A form class in forms/ that no route here posts, or an HTML POST route that is neither fuzzed
nor listed as taking no fields, fails test_every_form_class_is_fuzzed or
test_every_html_form_post_is_fuzzed."""

from __future__ import annotations

import hashlib
import importlib
import inspect
import os
import pkgutil
import zlib
from collections import defaultdict
from dataclasses import replace

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, find, given, note, seed, settings
from hypothesis import strategies as st
from wtforms import Form
from wtforms.fields import Field, FieldList, FileField, FormField, IntegerField, StringField
from wtforms.validators import Length

import forms
from incidents.extensions import db

from .form_strategies import OMIT, XSS, encode, field_strategies, leaves, submissions
from .form_targets import NO_FIELDS, NOT_POSTED, SCENES, TARGETS, Target

# more examples per route for a deeper local run (FORM_FUZZ_DEEPER=10); CI runs the default
DEEPER = int(os.environ.get("FORM_FUZZ_DEEPER", "1"))

# -- the properties -------------------------------------------------------------------------


def digest() -> dict[str, tuple[int, str]]:
    """Every table's row count and a hash of all its rows, as committed."""
    out = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            rows = sorted(repr(tuple(row)) for row in conn.execute(table.select()))
            out[table.name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return out


def _flashes(client) -> set[str]:
    """The categories of the messages the last response left for the next page."""
    with client.session_transaction() as session:
        return {category for category, _message in session.pop("_flashes", [])}


def _no_markup(response) -> None:
    if response.mimetype == "text/html":
        assert XSS not in response.get_data(as_text=True), "submitted markup echoed unescaped"


def _post_and_check(client, target: Target, url: str, post: dict, before: dict | None):
    """One POST and its properties; ("saved", None) or ("refused", the tables' digest)."""
    before = before or digest()
    r = client.post(url, **post)
    refused = bool(_flashes(client) & {"danger", "warning"})
    assert r.status_code < 500, r.get_data(as_text=True)[:2000]
    _no_markup(r)
    if r.status_code in (302, 303) and not refused:
        for page in dict.fromkeys(p for p in (r.location.partition("#")[0], target.case_url) if p):
            opened = client.get(page)
            assert opened.status_code == 200, f"after the save, {page} answers {opened.status_code}"
            _no_markup(opened)
            _flashes(client)
        return "saved", None
    after = digest()
    wrote = {name for name in after if after[name] != before[name]} - target.may_write
    assert not wrote, f"refused with {r.status_code}, yet {sorted(wrote)} changed"
    return "refused", after


def _bound_forms(app, target: Target) -> list[FlaskForm]:
    with app.test_request_context():
        return [
            cls(formdata=None, prefix=prefix) if prefix else cls(formdata=None)
            for cls, prefix in target.forms
        ]


def _fuzz(app, target: Target, ids: dict, make_client) -> dict:
    """Run the target's examples; how many were saved and refused."""
    forms_ = _bound_forms(app, target)
    multipart = any(isinstance(f, FileField) for form in forms_ for f in leaves(form))
    target = replace(target, case_url=f"/cases/{ids[target.case]}" if target.case else None)
    shared = None if target.fresh_client else make_client()
    seen, known = defaultdict(int), [None]  # the digest, while nothing changed since

    @seed(zlib.crc32(target.id.encode()))  # reproducible, and different for every route
    @settings(
        max_examples=target.examples * DEEPER,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def fuzz(data):
        note(f"route {target.id}")
        url = data.draw(st.sampled_from(target.urls), label="url").format(**ids)
        body, content_type = encode(data.draw(submissions(forms_), label="fields"), multipart)
        post = {"data": body, "content_type": content_type}
        outcome, known[0] = _post_and_check(shared or make_client(), target, url, post, known[0])
        seen[outcome] += 1

    fuzz()
    return dict(seen)


@pytest.mark.parametrize("scene", SCENES)
def test_forms_survive_fuzzing(app, world, client_for, scene):
    """Every route of the scene in turn, on the same cases: what one route saved is what the
    next one meets, as for people working on a case."""
    ids = SCENES[scene](app, world)
    total = defaultdict(int)
    for target in (t for t in TARGETS if t.scene == scene):
        user = getattr(world, target.user) if target.user else None
        seen = _fuzz(app, target, ids, (lambda u=user: client_for(u)) if user else app.test_client)
        print(target.id, seen)  # with -s: how the examples fell
        for outcome, count in seen.items():
            total[outcome] += count
    # both paths ran: otherwise the strategies no longer fit the forms
    assert total["saved"] and total["refused"], dict(total)


# -- the fuzzing covers everything -----------------------------------------------------------


def _form_classes():
    for info in pkgutil.iter_modules(forms.__path__):
        module = importlib.import_module(f"forms.{info.name}")
        for obj in vars(module).values():
            is_form = inspect.isclass(obj) and issubclass(obj, FlaskForm)
            if is_form and obj.__module__ == module.__name__:
                yield obj


def test_every_form_class_is_fuzzed():
    fuzzed = {cls for target in TARGETS for cls, _prefix in target.forms}
    missing = {
        f"{cls.__module__}.{cls.__name__}"
        for cls in _form_classes()
        if cls not in fuzzed and cls.__name__ not in NOT_POSTED
    }
    assert not missing, f"fuzz these forms (add a Target), or say in NOT_POSTED why not: {missing}"


def test_every_html_form_post_is_fuzzed(app):
    posted = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.rule.startswith("/api/")
    }
    adapter = app.url_map.bind("localhost")
    fuzzed = {
        adapter.match(url.format_map(defaultdict(lambda: "1")), method="POST")[0]
        for target in TARGETS
        for url in target.urls
    }
    missing = posted - fuzzed - NO_FIELDS.keys()
    assert not missing, f"add a Target in form_targets.py, or the route to NO_FIELDS: {missing}"
    assert not fuzzed & NO_FIELDS.keys()


def test_strategies_reach_nested_and_listed_fields_and_refuse_unknown_ones(app):
    class Address(Form):
        city = StringField(validators=[Length(max=20)])

    class Nested(FlaskForm):
        address = FormField(Address)
        phones = FieldList(IntegerField())
        odd = Field()  # a type no strategy knows

    with app.test_request_context():
        form = Nested(formdata=None)
        fields_ = {f.name: f for f in leaves(form)}
    assert sorted(fields_) == ["address-city", "odd", "phones-0", "phones-1", "phones-2"]
    with pytest.raises(TypeError, match="no fuzzing strategy for Field 'odd'"):
        field_strategies(fields_["odd"])
    del form.odd
    drawn = find(submissions([form]), lambda d: d["address-city"] not in ("", OMIT))
    assert set(drawn) == {"address-city", "phones-0", "phones-1", "phones-2"}
