"""Bad input gets a clear error in the user's language, and nothing is written."""

from __future__ import annotations

import re

import pytest

from incidents.extensions import db as _db
from incidents.models import Case, CaseStatus, CaseTransition, GeneratedDocument
from tests import factories


def _report_form(**overrides):
    data = {
        "case-category": "light",
        "case-occurred_at": factories.ago(4).strftime("%Y-%m-%dT%H:%M"),
        "case-reported_at": factories.ago(3).strftime("%Y-%m-%dT%H:%M"),
        "case-place": "Цех",
        "case-work_performed": "Работа",
        "case-circumstances": "Упал",
        "victim-full_name": "Асанов Талант",
        "victim-sex": "male",
        "victim-birth_date": "1990-01-01",
        "victim-person_category": "employee",
        "victim-occupation": "Слесарь",
        "victim-intoxication": "none",
    }
    data.update(overrides)
    return data


def _errors(html: str) -> list[str]:
    import re

    return [e.strip() for e in re.findall(r'invalid-feedback d-block">([^<]+)<', html)]


BAD = [
    (
        {"case-occurred_at": "2099-01-01T10:00"},
        {"ru": "Эта дата ещё не наступила.", "en": "This date is in the future."},
    ),
    (
        {"case-reported_at": factories.ago(10).strftime("%Y-%m-%dT%H:%M")},
        {"en": "The report cannot come before the accident."},
    ),
    ({"case-occurred_at": "31.02.2026 10:00"}, {"en": "Enter a date and time."}),
    ({"case-category": "catastrophic"}, {"en": "Choose a value from the list."}),
    ({"victim-person_category": "alien"}, {"en": "Choose a value from the list."}),
    ({"case-place": "   "}, {"en": "This field is required."}),
    ({"case-place": "x" * 501}, {"en": "Keep it to at most 500 characters."}),
    (
        {"victim-birth_date": "2020-01-01"},
        {"en": "Check the date of birth: the person must be at least 14."},
    ),
    ({"victim-service_total_years": "много"}, {"en": "Enter a number."}),
]


@pytest.mark.parametrize(("overrides", "messages"), BAD)
def test_bad_report_is_refused_in_the_users_language(app, world, client_for, overrides, messages):
    for lang, message in messages.items():
        world.specialist.language = lang
        _db.session.commit()
        client = client_for(world.specialist)
        r = client.post("/cases/new", data=_report_form(**overrides))
        assert r.status_code == 200
        assert message in _errors(r.text), (lang, _errors(r.text))
    assert _db.session.scalar(_db.select(_db.func.count(Case.id))) == 0


def test_every_error_message_exists_in_kyrgyz(app, world, client_for):
    world.specialist.language = "ky"
    _db.session.commit()
    r = client_for(world.specialist).post(
        "/cases/new",
        data=_report_form(
            **{"case-occurred_at": "2099-01-01T10:00", "case-place": "", "victim-birth_date": "x"}
        ),
    )
    errors = _errors(r.text)
    assert len(errors) >= 3
    english = {
        "This date is in the future.",
        "This field is required.",
        "Enter a date as DD.MM.YYYY.",
    }
    assert not english & set(errors), errors
    assert all(any(ch in e for ch in "аеиоуыөүң") for e in errors), errors


def test_valid_report_creates_numbered_cases(app, world, client_for):
    client = client_for(world.specialist)
    for _ in range(2):
        assert client.post("/cases/new", data=_report_form()).status_code == 302
    numbers = sorted(c.seq for c in _db.session.scalars(_db.select(Case)))
    assert numbers == [1, 2]


def test_failed_render_rolls_the_transition_back(app, world, client_for, monkeypatch):
    case = factories.make_case(world)
    factories.advance_to(case, world, "notified")
    factories.add_commission(case, world.specialist)
    _db.session.commit()
    documents_before = len(case.documents)
    transitions_before = len(case.transitions)
    import doc_templates

    def broken(*args, **kwargs):
        raise RuntimeError("template is broken")

    monkeypatch.setattr(doc_templates, "render", broken)
    client = client_for(world.specialist)
    with pytest.raises(RuntimeError):  # the order could not be rendered
        client.post(f"/cases/{case.id}/fire/form_commission")
    _db.session.expire_all()
    assert _db.session.get(Case, case.id).status == CaseStatus.notified
    count = _db.session.scalar
    assert count(_db.select(_db.func.count(CaseTransition.id))) == transitions_before
    assert count(_db.select(_db.func.count(GeneratedDocument.id))) == documents_before


def test_stale_form_is_a_conflict_that_keeps_the_entries(app, world, client_for):
    case = factories.make_case(world)
    _db.session.commit()
    a, b = client_for(world.specialist), client_for(world.head)
    form = {
        "version": str(case.version),
        "category": "light",
        "occurred_at": factories.ago(4).strftime("%Y-%m-%dT%H:%M"),
        "reported_at": factories.ago(3).strftime("%Y-%m-%dT%H:%M"),
        "place": "Первая правка",
        "work_performed": "Работа",
        "circumstances": "Обстоятельства",
    }
    assert a.post(f"/cases/{case.id}/edit", data=form).status_code == 302
    r = b.post(f"/cases/{case.id}/edit", data={**form, "place": "Вторая правка"})
    assert r.status_code == 409
    assert "Вторая правка" in r.text  # the second person's entries are still in the form
    table = re.search(r'<table[^>]*id="conflict".*?</table>', r.text, re.S).group(0)
    row = re.search(r"<tr><th>[^<]*</th><td>([^<]*)</td><td>([^<]*)</td></tr>", table)
    assert row.groups() == ("Первая правка", "Вторая правка")  # both versions, side by side
    _db.session.expire_all()
    assert _db.session.get(Case, case.id).place == "Первая правка"
    # the form now carries the current version: saving again is a deliberate overwrite
    version = re.search(r'name="version" type="hidden" value="(\d+)"', r.text).group(1)
    assert (
        b.post(
            f"/cases/{case.id}/edit", data={**form, "version": version, "place": "Вторая правка"}
        ).status_code
        == 302
    )
    _db.session.expire_all()
    assert _db.session.get(Case, case.id).place == "Вторая правка"
