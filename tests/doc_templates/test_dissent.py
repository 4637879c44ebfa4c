"""The dissenting opinion of a commission member: its context and what the document says."""

from __future__ import annotations

import pytest

from doc_templates import LANGUAGES, docx_text, render
from doc_templates.context import build_context
from doc_templates.samples import (
    DISSENT_TEXT,
    NOW,
    SECOND_VICTIM_NAME,
    VICTIM_NAME,
    SampleRules,
    sample_case,
    sample_context,
    sample_group_case,
)


def test_dissent_context():
    ctx = sample_context("dissent", "ru")
    assert ctx["member"] == {
        "name": "Токтогулов Эрлан Маратович",
        "position": "Председатель профкома",
        "organisation": "Первичная профсоюзная организация",
        "role": "член комиссии",
    }
    assert ctx["act_number"] == "7/2025"
    assert ctx["act_date"] == "06.03.2025"
    assert ctx["doc_date"] == "12.03.2025"
    # one point per non-empty paragraph of the member's text
    assert ctx["points"] == [line for line in DISSENT_TEXT.splitlines() if line]


def test_group_case_names_every_act():
    case = sample_group_case()
    ctx = build_context(
        case, "dissent", "ky", rules=SampleRules(), now=NOW, member=case.commission[0], dissent=""
    )
    assert ctx["act_number"] == "7/2025-1, 7/2025-2"
    assert [v["name"] for v in ctx["victims"]] == [VICTIM_NAME, SECOND_VICTIM_NAME]
    assert ctx["points"] == ["—"]


def test_dissent_needs_the_member():
    with pytest.raises(ValueError, match="member"):
        build_context(sample_case(), "dissent", "ru", rules=SampleRules(), dissent="x")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dissent_document_has_member_points_signature_and_date(lang):
    text = docx_text(render("dissent", lang, sample_context("dissent", lang)))
    assert ("ОСОБОЕ МНЕНИЕ" if lang == "ru" else "ӨЗГӨЧӨ ПИКИР") in text
    lines = text.splitlines()
    for point in (line for line in DISSENT_TEXT.splitlines() if line):
        assert point in lines  # each paragraph on its own, "&" and "<…>" kept
    sign = "________________ (подпись)" if lang == "ru" else "________________ (колу)"
    assert f"{sign}   Токтогулов Эрлан Маратович" in text
    assert ("Дата: 12.03.2025" if lang == "ru" else "Датасы: 12.03.2025") in text
    assert "№ 7/2025" in text and VICTIM_NAME in text
