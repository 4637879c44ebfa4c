"""What fuzzing the HTML forms (tests/test_form_fuzz.py) found, each kept as a plain story:
hostile input is refused with nothing written, never a server error."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from forms.case import MeasureForm, OutcomeForm, VictimForm
from forms.disease import FactorForm
from forms.validators import REQUIRED
from incidents.models import Case, Comment, Evidence, LoginThrottle

from . import factories
from .form_strategies import Upload, encode
from .form_strategies import _png as png


def _errors(html: str) -> list[str]:
    return [e.strip() for e in re.findall(r'invalid-feedback d-block">([^<]+)<', html)]


def _edit_form(**overrides) -> dict:
    data = {
        "category": "light",
        "occurred_at": factories.ago(4).strftime("%Y-%m-%dT%H:%M"),
        "reported_at": factories.ago(3).strftime("%Y-%m-%dT%H:%M"),
        "place": "Цех",
        "work_performed": "Монтаж",
        "circumstances": "Упал",
    }
    return {**data, **overrides}


def test_spaces_in_a_required_date_are_refused_not_a_server_error(app, db, world, client_for):
    """They were read as no date at all, passed "required", and reached a NOT NULL column."""
    world.specialist.language = "en"
    case = factories.make_case(world)
    db.session.commit()
    reported = case.reported_at
    client = client_for(world.specialist)

    r = client.post(f"/cases/{case.id}/edit", data=_edit_form(reported_at="   "))

    assert r.status_code == 200
    assert "This field is required." in _errors(r.text)
    db.session.expire_all()
    assert db.session.get(Case, case.id).reported_at == reported


@pytest.mark.parametrize(
    ("form_class", "name", "valid"),
    [
        (MeasureForm, "due_date", {"action": "Инструктаж", "owner": "Мастер"}),
        (OutcomeForm, "outcome", {}),
        (FactorForm, "measured", {"name": "Шум", "limit": "80", "unit": "дБА"}),
        (VictimForm, "birth_date", {}),
    ],
)
def test_spaces_are_no_input_for_any_required_field(app, form_class, name, valid):
    with app.test_request_context():
        form = form_class(formdata=MultiDict({**valid, name: " \t "}))
        assert not form.validate()
        assert [str(e) for e in form.errors[name]] == [str(REQUIRED)]


def test_a_nul_in_a_login_is_a_bad_request(app, db, world, client):
    """PostgreSQL cannot compare text with a NUL: the login lookup was a server error."""
    r = client.post("/login", data={"email": "specialist@example.kg\x00", "password": "x"})

    assert r.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(LoginThrottle)) == 0


def test_a_nul_in_any_form_is_a_bad_request_and_nothing_is_saved(app, db, world, client_for):
    case = factories.make_case(world)
    db.session.commit()
    client = client_for(world.specialist)

    r = client.post(f"/cases/{case.id}/comments", data={"body": "Проверено\x00"})

    assert r.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(Comment)) == 0


def test_a_nul_in_an_uploaded_file_name_is_a_bad_request(app, db, world, client_for):
    case = factories.make_case(world)
    db.session.commit()
    body, content_type = encode(
        {"evidence-kind": "photo", "evidence-file": Upload(b"a\x00b.png", png(), "image/png")},
        multipart=True,
    )
    r = client_for(world.specialist).post(
        f"/cases/{case.id}/evidence", data=body, content_type=content_type
    )

    assert r.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(Evidence)) == 0
