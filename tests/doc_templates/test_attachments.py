"""Issue 3: the acts list the case's attached materials (evidence files and protocols)."""

from __future__ import annotations

import pytest

from doc_templates import LANGUAGES, docx_text, render
from doc_templates.context import build_context
from doc_templates.samples import (
    NOW,
    SAMPLE_PHOTO_DESCRIPTION,
    VICTIM_NAME,
    SampleRules,
    sample_case,
    sample_context,
)

HEADING = {"ru": "Прилагаемые материалы", "ky": "Тиркелген материалдар"}
PHOTO = {"ru": "Фотография", "ky": "Сүрөт"}
INTERVIEW = {
    "ru": "Протокол опроса пострадавшего",
    "ky": "Жабыркагандын сурамжылоосунун протоколу",
}
SIGNATURES = {"ru": "Подписи лиц, проводивших", "ky": "Териштирүүнү жүргүзгөн адамдардын колдору"}
NONE = {"ru": "нет", "ky": "жок"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_act_n1_lists_the_sample_photo_and_interview(lang):
    text = docx_text(render("act_n1", lang, sample_context("act_n1", lang)))
    heading = text.find(HEADING[lang])
    assert 0 <= heading < text.find(SIGNATURES[lang])
    tail = text[heading:]
    assert f"1. {PHOTO[lang]} — {SAMPLE_PHOTO_DESCRIPTION}, 04.03.2025" in tail
    assert f"3. {INTERVIEW[lang]} — {VICTIM_NAME}, 05.03.2025" in tail


@pytest.mark.parametrize("lang", LANGUAGES)
def test_investigation_act_lists_materials_in_section_9(lang):
    text = docx_text(render("investigation_act", lang, sample_context("investigation_act", lang)))
    section = text[text.find("9. ") :]
    assert f"{PHOTO[lang]} — {SAMPLE_PHOTO_DESCRIPTION}" in section
    assert f"{INTERVIEW[lang]} — {VICTIM_NAME}" in section
    assert "____________" in section  # blank lines for hand-written additions remain


@pytest.mark.parametrize("kind", ["act_n1", "investigation_act"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_materials_prints_a_none_line(kind, lang):
    case = sample_case()
    context = build_context(case, kind, lang, rules=SampleRules(), victim=case.victims[0], now=NOW)
    assert context["attachments"] == []
    text = docx_text(render(kind, lang, context))
    head = HEADING[lang] if kind == "act_n1" else "9. "
    section = text[text.find(head) : text.find(SIGNATURES[lang])]
    assert f"\n{NONE[lang]}\n" in f"\n{section}\n".replace(" | ", "\n")
