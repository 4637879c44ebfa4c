"""Issued documents: versions, supersession, freezing on approval, integrity on disk."""

from __future__ import annotations

import pytest

import doc_templates
from incidents.models import DocumentKind
from incidents.services import cases, documents
from incidents.services.errors import WrongState
from tests import factories


def _acts(case, current=True):
    return [d for d in case.documents if d.kind == "act_n1" and (d.current or not current)]


def test_draft_act_is_reissued_when_its_data_changes(app, world, db):
    case = factories.make_case(world)
    factories.advance_to(case, world, "act_drafted")
    first = _acts(case)
    assert sorted(d.language for d in first) == ["ky", "ru"] and {d.version for d in first} == {1}
    cases.update_findings(
        case,
        world.specialist,
        {
            "event_type_code": "05",
            "equipment": "Щит ЩР-1",
            "workplace_assessment": "класс 2",
            "work_related": True,
            "work_related_ground": "Уточнено комиссией",
        },
        case.version,
    )
    db.session.commit()
    current = _acts(case)
    assert {d.version for d in current} == {2} and all(not d.current for d in first)
    ru = next(d for d in current if d.language == "ru")
    text = doc_templates.docx_text(documents.read(ru))
    assert "Щит ЩР-1" in text and "Уточнено комиссией" in text
    old_text = doc_templates.docx_text(documents.read(first[0]))
    assert "Щит ЩР-1" not in old_text  # the old version is kept as it was


def test_approved_act_is_frozen_and_the_data_with_it(app, world, db):
    case = factories.make_case(world)
    factories.advance_to(case, world, "act_approved")
    approved = _acts(case)
    assert all(d.frozen and d.version == 2 for d in approved)
    with pytest.raises(WrongState):
        cases.update_findings(case, world.specialist, {"equipment": "другое"}, None)
    with pytest.raises(WrongState):
        cases.add_child(case, world.specialist, "causes", {"code": "01", "description": "x"}, None)
    # the follow-up (the victim's outcome) can still be recorded
    cases.record_outcome(
        case, world.specialist, case.victims[0].id, {"outcome": "recovered", "days_lost": 3}, None
    )
    assert _acts(case) == approved


def test_every_version_keeps_its_file_and_hash(app, world, db):
    case = factories.make_case(world)
    factories.advance_to(case, world, "closed")
    db.session.commit()
    for doc in case.documents:
        data = documents.read(doc)  # verifies the SHA-256
        assert len(data) == doc.size and doc.filename.endswith(
            f"-{doc.language}-r{doc.version}.docx"
        )
    assert len({d.sha256 for d in case.documents}) == len(case.documents)


def test_a_tampered_file_is_detected(app, world, db):
    case = factories.make_case(world)
    doc = case.documents[0]  # the insurer's notice, issued on report
    path = documents.store_path(doc.sha256)
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(documents.CorruptDocument):
        documents.read(doc)


def test_issue_renders_every_document_language_per_victim(app, world, db):
    case = factories.make_case(world)
    cases.add_child(
        case,
        world.specialist,
        "victims",
        factories.victim_data(full_name="Второй Пострадавший"),
        None,
    )
    issued = documents.issue(case, DocumentKind.act_n1, world.specialist)
    assert sorted((d.victim.full_name, d.language) for d in issued) == [
        ("Второй Пострадавший", "ky"),
        ("Второй Пострадавший", "ru"),
        ("Талант Асанов", "ky"),
        ("Талант Асанов", "ru"),
    ]
