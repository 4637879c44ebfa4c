"""The protocol templates: scene inspection and interview, their context and photos."""

from __future__ import annotations

from io import BytesIO

import docx
import pytest
from PIL import Image

from doc_templates import LANGUAGES, docx_text, render
from doc_templates.context import build_context
from doc_templates.samples import (
    INTERVIEW_STATEMENT,
    NOW,
    SCENE_CONDITIONS,
    VICTIM_NAME,
    SampleRules,
    sample_case,
    sample_context,
    sample_scene_protocol,
)

TITLES = {
    ("scene_protocol", "ru"): "осмотра места несчастного случая",
    ("scene_protocol", "ky"): "КАРООНУН ПРОТОКОЛУ",
    ("interview_protocol", "ru"): "ПРОТОКОЛ ОПРОСА",
    ("interview_protocol", "ky"): "СУРАМЖЫЛООНУН ПРОТОКОЛУ",
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_scene_protocol_document(lang):
    ctx = sample_context("scene_protocol", lang)
    assert ctx["scene"]["start"] == "12:00" and ctx["scene"]["end"] == "13:30"
    assert ctx["photos"] == [] and ctx["photo_images"] == []
    text = docx_text(render("scene_protocol", lang, ctx))
    assert TITLES["scene_protocol", lang] in text
    assert SCENE_CONDITIONS in text
    assert ("Замечания" if lang == "ru" else "Эскертүүлөр") in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_interview_protocol_document(lang):
    ctx = sample_context("interview_protocol", lang)
    assert ctx["interview"]["kind"] == ("пострадавший" if lang == "ru" else "жабыркаган")
    assert ctx["interview"]["rights_explained"] == ("да" if lang == "ru" else "ооба")
    text = docx_text(render("interview_protocol", lang, ctx))
    assert TITLES["interview_protocol", lang] in text
    lines = text.splitlines()
    for paragraph in (line for line in INTERVIEW_STATEMENT.splitlines() if line):
        assert paragraph in lines  # "&" and "<…>" kept, one paragraph each
    assert VICTIM_NAME in text and "15.06.1990" in text


def test_protocol_needs_the_protocol():
    with pytest.raises(ValueError, match="protocol"):
        build_context(sample_case(), "scene_protocol", "ru", rules=SampleRules(), now=NOW)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_scene_protocol_embeds_the_photos(lang):
    buf = BytesIO()
    Image.new("RGB", (60, 40), (10, 120, 200)).save(buf, "PNG")
    photo = type("Ev", (), {"description": "Вид на бадью", "filename": "a.png"})()
    ctx = build_context(
        sample_case(),
        "scene_protocol",
        lang,
        rules=SampleRules(),
        now=NOW,
        protocol=sample_scene_protocol(),
        photos=[photo],
    )
    data = render("scene_protocol", lang, ctx, images={"photo_images": [(buf.getvalue(), 80)]})
    assert "Вид на бадью" in docx_text(data)
    rels = docx.Document(BytesIO(data)).part.rels.values()
    assert sum(1 for r in rels if r.reltype.endswith("/image")) == 1
    assert ctx["photo_images"] == []  # render does not change the caller's context
