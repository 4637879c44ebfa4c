"""Occupational-disease cases end to end: a chronic noise-induced hearing loss after years above
the limit and an acute solvent poisoning, each from the registration of the preliminary
diagnosis to closure, with every document read back in Russian and Kyrgyz; the guards, the
deadlines and the ICD-10 check."""

from __future__ import annotations

from datetime import timedelta

import pytest

from doc_templates import docx_text
from incidents import jobs
from incidents.models import CaseStatus, PackageStatus, Represents
from incidents.models.timeutil import utcnow
from incidents.rules import for_case
from incidents.services import cases, deadlines, documents
from incidents.services import packages as package_service
from incidents.services.errors import Blocked, Invalid
from tests import disease_factories as df
from tests import factories

KINDS = ("disease_notice", "working_conditions", "disease_act", "disease_insurer_notice")


def texts(case, kind) -> dict[str, str]:
    """The current document of `kind` in each language, as text."""
    found = {
        d.language: docx_text(documents.read(d)) for d in case.current_documents() if d.kind == kind
    }
    assert set(found) == {"ru", "ky"}, (kind, set(found))
    return found


@pytest.mark.parametrize(
    ("spec", "code", "name"),
    [(df.CHRONIC, "H83.3", df.WEAVER), (df.ACUTE, "T52.2", df.PAINTER)],
    ids=["chronic-noise", "acute-poisoning"],
)
def test_from_registration_to_closure_with_every_document(app, world, db, spec, code, name):
    case = df.make_disease_case(world, spec)
    assert (case.status, case.category) == (CaseStatus.suspected, None)
    notice = texts(case, "disease_notice")
    for lang in ("ru", "ky"):
        assert name in notice[lang] and spec["disease"]["preliminary_icd10"] in notice[lang]

    df.advance_disease_to(case, world, "conditions_described", spec)
    conditions = texts(case, "working_conditions")
    for lang in ("ru", "ky"):
        assert spec["conditions"]["sanitary_body"] in conditions[lang]
        for factor in spec["factors"]:
            assert factor[0] in conditions[lang]

    df.advance_disease_to(case, world, "act_approved", spec)
    act = texts(case, "disease_act")
    assert all(d.frozen for d in case.current_documents() if d.kind == "disease_act")
    for lang in ("ru", "ky"):
        assert name in act[lang] and code in act[lang]
        assert spec["diagnosis"]["final_diagnosis"] in act[lang]
        assert "Кубат Эсенов" in act[lang]  # the person who violated norms
        assert "Айнура Бекова" in act[lang]  # the chair, from the sanitary body
    assert "Республиканский центр профпатологии" in act["ru"]

    df.advance_disease_to(case, world, "insurer_notified", spec)
    insurer = texts(case, "disease_insurer_notice")
    for lang in ("ru", "ky"):
        assert "ГО-2026-00417" in insurer[lang] and name in insurer[lang] and code in insurer[lang]
    db.session.commit()

    # the insurer receives it like any other case, as an occupational disease
    app.config["SOFFICE_BINARY"] = ""
    jobs.run_due()
    package = package_service.current(case)
    assert package.status == PackageStatus.ready, package.error
    data = package_service.json_data(package)
    assert data["case"]["kind"] == "occupational_disease" and data["case"]["category"] is None
    assert data["disease"]["final"]["icd10"]["code"] == code
    kinds = {f.name.split("/")[1].split("-")[0] for f in package.files if f.role == "document"}
    assert {"disease_notice", "working_conditions", "disease_act"} <= kinds
    assert "disease_insurer_notice" in kinds

    df.advance_disease_to(case, world, "closed", spec)
    assert case.closed_at is not None


def test_the_guards_say_what_is_missing(app, world, db):
    from flask_babel import force_locale

    from workflows import disease

    case = df.make_disease_case(world)
    with force_locale("en"):
        reasons = [str(r) for r in disease.blockers(case, "describe_conditions")]
    assert reasons == [
        "Enter the sanitary body, the class of working conditions and at least one measured "
        "harmful factor from its description."
    ]
    with pytest.raises(Blocked):
        cases.advance(case, world.specialist, "describe_conditions")
    assert case.status == CaseStatus.suspected  # nothing changed
    df.describe_conditions(case, world.specialist)
    cases.advance(case, world.specialist, "describe_conditions")
    with force_locale("en"):
        assert [str(r) for r in disease.blockers(case, "confirm_diagnosis")] == [
            "Enter the final diagnosis with its ICD-10 code, its date and the "
            "occupational-pathology centre that made it."
        ]
    df.confirm_diagnosis(case, world.specialist)
    cases.advance(case, world.specialist, "confirm_diagnosis")
    # a commission chaired by the employer does not meet the rule for a disease
    df.add_disease_commission(case, world.specialist)
    chair = next(m for m in case.commission if m.represents.value == "sanitary_body")
    cases.update_child(
        case, world.specialist, "commission", chair.id, {"represents": Represents.employer}, None
    )
    with force_locale("en"):
        [reason] = [str(r) for r in disease.blockers(case, "form_commission")]
    assert reason.startswith("The commission does not meet the rule for an occupational disease")
    # accident-only steps do not exist for a disease case
    assert "notify" not in disease.TRIGGERS and "extend_deadline" not in disease.TRIGGERS
    with pytest.raises(Invalid):
        cases.add_child(case, world.specialist, "causes", {"code": "09"}, None)


def test_the_clock_of_a_disease(app, world, db):
    acute = df.make_disease_case(world, df.ACUTE, hours_ago=40, received_after=30)
    clock = {d.key: d for d in deadlines.compute(acute, for_case(acute), utcnow())}
    # the acute case's notice came 30 h after the diagnosis: the 24-hour rule was missed
    assert clock["acute_notice"].state == "met_late"
    assert clock["conditions"].due_at == acute.reported_at + timedelta(days=14)
    assert not clock["conditions"].rule.verified  # unverified for KR, and it says so
    chronic = df.make_disease_case(world, df.CHRONIC)
    keys = {d.key for d in deadlines.compute(chronic, for_case(chronic), utcnow())}
    assert "acute_notice" not in keys and "conditions" in keys
    df.advance_disease_to(chronic, world, "act_drafted")
    act = deadlines.find(chronic, for_case(chronic), "act", utcnow())
    assert act is not None and act.started_at == chronic.investigation_ended_at
    # only an accident is ever "reported late"
    assert deadlines.reported_late(acute, for_case(acute)) is None


def test_the_register_lists_and_filters_treat_diseases_as_their_own_kind(
    app, world, db, client_for
):
    factories.make_case(world)
    df.make_disease_case(world)
    db.session.commit()
    client = client_for(world.specialist)
    page = client.get("/?category=occupational_disease").text
    assert df.WEAVER in page and "Талант Асанов" not in page
    accidents = client.get("/?category=light").text
    assert df.WEAVER not in accidents and "Талант Асанов" in accidents


def test_a_member_signs_the_disease_act_with_a_dissenting_opinion(app, world, db):
    from incidents.services import signing

    case = df.make_disease_case(world)
    df.advance_disease_to(case, world, "investigating")
    member = next(m for m in case.commission if m.represents == Represents.trade_union)
    member.user_id = world.member.id
    df.add_conclusion(case, world.specialist)
    cases.advance(case, world.specialist, "draft_act")
    signature = signing.sign(
        case, world.member, factories.PASSWORD, dissent="Не учтён стаж на прежнем месте работы."
    )
    assert signature.member_id == member.id and signing.dissent_documents(case, member)
    [dissent] = [d for d in case.current_documents() if d.kind == "dissent" and d.language == "ru"]
    text = docx_text(documents.read(dissent))
    assert "Не учтён стаж" in text and case.number in text
    assert "несчастн" not in text.lower()  # a disease case's dissent speaks of the disease
