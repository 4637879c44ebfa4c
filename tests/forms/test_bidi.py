"""Bidi control characters (a right-to-left override in a name, say) are dropped on input,
through the HTML forms and the JSON API alike, and never reach a rendered act."""

from __future__ import annotations

import doc_templates
from forms.fields import BIDI_CONTROLS
from incidents.extensions import db
from incidents.models import Case, Organisation
from incidents.services import documents
from tests import factories
from tests.test_api import Api, new_case_body

RLO = "\u202e"
# a name that reads "Талант Асанов" on screen but is stored reversed behind an override
SPOOFED = f"Талант {RLO}вонасА\u202c"
CLEAN = "Талант вонасА"


def _has_bidi(text: str) -> bool:
    return any(c in text for c in BIDI_CONTROLS)


def _act_text(case: Case) -> str:
    act = next(d for d in case.documents if d.kind == "act_n1" and d.language == "ru")
    return doc_templates.docx_text(documents.read(act))


def test_both_lists_of_bidi_controls_agree():
    # the forms drop them on input, the documents on output (for rows saved before)
    assert BIDI_CONTROLS == doc_templates.BIDI_CONTROLS
    assert "\u200c" not in BIDI_CONTROLS and "\u200d" not in BIDI_CONTROLS  # joiners stay


def test_an_override_in_a_name_is_dropped_by_the_form(app, world, client_for):
    spec = client_for(world.specialist)
    at = factories.ago(4).strftime("%Y-%m-%dT%H:%M")
    r = spec.post(
        "/cases/new",
        data={
            "case-category": "light",
            "case-occurred_at": at,
            "case-reported_at": factories.ago(3).strftime("%Y-%m-%dT%H:%M"),
            "case-shift_started_at": factories.ago(6).strftime("%Y-%m-%dT%H:%M"),
            "case-place": f"Цех {RLO}3 №",
            "case-work_performed": "Замена ремня",
            "case-circumstances": f"Рука попала под ремень.{RLO} Ремень был снят.",
            "victim-full_name": SPOOFED,
            "victim-sex": "male",
            "victim-birth_date": "1991-02-03",
            "victim-person_category": "employee",
            "victim-occupation": "Слесарь\u200f",
            "victim-knowledge_test_protocol": f"4-{RLO}ОТ",
            "victim-intoxication": "none",
        },
    )
    assert r.status_code == 302, r.text
    case = db.session.get(Case, int(r.headers["Location"].rsplit("/", 1)[1]))
    victim = case.victims[0]
    assert victim.full_name == CLEAN
    assert victim.occupation == "Слесарь" and victim.knowledge_test_protocol == "4-ОТ"
    assert case.place == "Цех 3 №"
    assert case.circumstances == "Рука попала под ремень. Ремень был снят."

    # an organisation's name, tax number and phone go through the same field type
    r = spec.post(
        "/organisation",
        data={
            "name": f"ОсОО {RLO}«Ала-Тоо»",
            "tax_id": f"0123456{RLO}7890123",  # 14 digits once the override is gone
            "phone": f"+996 {RLO}312 000000",
            "rule_pack": "kr",
        },
    )
    assert r.status_code == 302, r.text
    db.session.expire_all()
    org = db.session.get(Organisation, world.specialist.organisation_id)
    assert org.name == "ОсОО «Ала-Тоо»" and org.phone == "+996 312 000000"
    assert org.tax_id == "01234567890123"

    factories.advance_to(case, world, "act_drafted")
    db.session.commit()
    text = _act_text(case)
    assert CLEAN in text and not _has_bidi(text)


def test_an_override_in_a_name_is_dropped_by_the_api(app, world, client):
    api = Api(client, world.specialist)
    r = api("POST", "/cases", new_case_body(victim={"full_name": SPOOFED}, place=f"Цех{RLO} 3"))
    assert r.status_code == 201, r.text
    assert not _has_bidi(r.get_data(as_text=True)) and "202e" not in r.get_data(as_text=True)
    case = db.session.get(Case, r.json["id"])
    assert case.victims[0].full_name == CLEAN and case.place == "Цех 3"
    shown = api("GET", f"/cases/{case.id}", Accept="application/json")
    assert shown.status_code == 200 and "202e" not in shown.get_data(as_text=True).lower()


def test_a_name_saved_before_the_fix_is_printed_without_them(app, world):
    case = factories.make_case(world)
    case.victims[0].full_name = SPOOFED  # as a row written before the forms dropped them
    db.session.flush()
    factories.advance_to(case, world, "act_drafted")
    db.session.commit()
    text = _act_text(case)
    assert CLEAN in text and not _has_bidi(text)
