"""The occupational-disease documents (docs/procedure.md §4 and §5): the registration of the
preliminary-diagnosis notice, the sanitary-hygienic description of the working conditions, the
act on the case and the notice to the insurer, each in Russian and Kyrgyz, from the sample
case of a weaver's noise-induced hearing loss (samples_disease.py)."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace

import pytest
from docx import Document
from docx.oxml.ns import qn

from doc_templates import KINDS, LANGUAGES, docx_text, render
from doc_templates.context import build_context
from doc_templates.context_disease import OVER_FILL
from doc_templates.formatting import DISEASE_KINDS
from doc_templates.sample_rules import SampleRules
from doc_templates.samples import sample_context
from doc_templates.samples_disease import (
    CHAIR_NAME,
    DISEASE_CASE_NUMBER,
    DISEASE_EMPLOYER_NAME,
    DISEASE_NOW,
    ICD10,
    ICD10_NAME,
    INSURER_NAME,
    NOISE,
    PATHOLOGY_CENTRE,
    SANITARY_BODY,
    VIBRATION,
    WORKER_NAME,
    sample_disease_case,
)

CASES = [(kind, lang) for kind in DISEASE_KINDS for lang in LANGUAGES]
IDS = [f"{kind}-{lang}" for kind, lang in CASES]
FACTOR_KINDS = [(k, lang) for k in ("working_conditions", "disease_act") for lang in LANGUAGES]
OVER = {"ru": "▲ превышение на 12 дБА", "ky": "▲ ашып кетүү: 12 дБА"}
WITHIN = {"ru": "в пределах норматива", "ky": "ченемдин чегинде"}
FOOTER = {
    "ru": f"Дело о профессиональном заболевании № {DISEASE_CASE_NUMBER}",
    "ky": f"Кесиптик оору боюнча иш № {DISEASE_CASE_NUMBER}",
}
DISTRIBUTION = {
    "ru": [
        f"1 | Работник | {WORKER_NAME}",
        f"2 | Работодатель | {DISEASE_EMPLOYER_NAME}",
        f"3 | Орган санитарно-эпидемиологического надзора | {SANITARY_BODY}",
        f"4 | Центр профессиональной патологии | {PATHOLOGY_CENTRE}",
        f"5 | Страховщик | {INSURER_NAME}",
    ],
    "ky": [
        f"1 | Кызматкер | {WORKER_NAME}",
        f"2 | Иш берүүчү | {DISEASE_EMPLOYER_NAME}",
        f"3 | Санитардык-эпидемиологиялык көзөмөл органы | {SANITARY_BODY}",
        f"4 | Кесиптик патология борбору | {PATHOLOGY_CENTRE}",
        f"5 | Камсыздандыруучу | {INSURER_NAME}",
    ],
}


@pytest.fixture(scope="module")
def rendered() -> dict[tuple[str, str], bytes]:
    return {(kind, lang): render(kind, lang, sample_context(kind, lang)) for kind, lang in CASES}


def _row(text: str, factor: str) -> str:
    """The factors-table row of `factor` in a document's text dump."""
    rows = [line for line in text.splitlines() if f" | {factor} | " in line]
    assert len(rows) == 1, rows
    return rows[0]


def test_the_disease_kinds_are_registered():
    assert set(DISEASE_KINDS) <= set(KINDS)
    assert DISEASE_KINDS == (
        "disease_notice",
        "working_conditions",
        "disease_act",
        "disease_insurer_notice",
    )


@pytest.mark.parametrize(("kind", "lang"), CASES, ids=IDS)
def test_every_document_names_the_worker_and_the_diagnosis(kind, lang, rendered):
    text = docx_text(rendered[kind, lang])
    for tag in ("{{", "{%", "}}", "%}", "{#", "#}"):
        assert tag not in text
    assert WORKER_NAME in text
    assert DISEASE_EMPLOYER_NAME in text  # "&" and "<тест>" survive the XML
    assert ICD10 in text and ICD10_NAME in text
    assert FOOTER[lang] in text
    assert ("хроническое" if lang == "ru" else "өнөкөт") in text


@pytest.mark.parametrize(("kind", "lang"), FACTOR_KINDS)
def test_factor_values_and_only_the_noise_row_is_over_the_limit(kind, lang, rendered):
    text = docx_text(rendered[kind, lang])
    noise, vibration = _row(text, NOISE), _row(text, VIBRATION)
    assert noise.split(" | ")[1:] == [NOISE, "92", "80", "дБА", "8", "1,15", OVER[lang]]
    assert vibration.split(" | ")[1:] == [VIBRATION, "1,4", "2", "м/с²", "4", "0,7", WITHIN[lang]]
    assert "▲" in noise and "▲" not in vibration
    assert WITHIN[lang] not in noise


@pytest.mark.parametrize(("kind", "lang"), FACTOR_KINDS)
def test_over_limit_cells_are_shaded_and_the_mark_bold(kind, lang, rendered):
    doc = Document(BytesIO(rendered[kind, lang]))
    rows = {
        row.cells[1].text: row.cells
        for table in doc.tables
        for row in table.rows
        if len(row.cells) == 8 and row.cells[1].text in (NOISE, VIBRATION)
    }

    def fill(cell):
        shd = cell._tc.tcPr.find(qn("w:shd"))
        return None if shd is None else shd.get(qn("w:fill"))

    noise, vibration = rows[NOISE], rows[VIBRATION]
    assert [fill(noise[i]) for i in (2, 6, 7)] == [OVER_FILL] * 3  # measured, ratio, mark
    assert OVER_FILL not in {fill(c) for c in vibration}
    bold = [r.text for r in noise[7].paragraphs[0].runs if r.bold]
    assert bold == [OVER[lang]]
    assert not [r.text for r in vibration[7].paragraphs[0].runs if r.bold and r.text]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_act_lists_the_excess_and_sends_five_copies(lang, rendered):
    text = docx_text(rendered["disease_act", lang])
    excess = [
        line
        for line in text.splitlines()
        if line.startswith(f"▲ {NOISE}") or line.startswith(f"▲ {VIBRATION}")
    ]
    assert len(excess) == 1 and excess[0].startswith(f"▲ {NOISE}: 92 дБА")
    lines = text.splitlines()
    start = lines.index(DISTRIBUTION[lang][0])
    assert lines[start : start + 5] == DISTRIBUTION[lang]
    assert text.rfind(CHAIR_NAME) < text.find(DISTRIBUTION[lang][0])  # signatures first
    assert ("пяти экземплярах" if lang == "ru" else "беш нускада") in text
    assert PATHOLOGY_CENTRE in text and "20.03.2025" in text  # the final diagnosis


@pytest.mark.parametrize("lang", LANGUAGES)
def test_act_puts_the_chair_first(lang, rendered):
    ctx = sample_context("disease_act", lang)
    assert [m["name"] for m in ctx["commission"]][0] == CHAIR_NAME
    assert sample_disease_case().commission[0].full_name != CHAIR_NAME  # recorded second
    text = docx_text(rendered["disease_act", lang])
    chair = "председатель комиссии" if lang == "ru" else "комиссиянын төрагасы"
    sign = "| ________________ (подпись)" if lang == "ru" else "| ________________ (колу)"
    signatures = [line for line in text.splitlines() if line.endswith(sign)]
    assert len(signatures) == 6
    assert signatures[0] == f"{chair} | {CHAIR_NAME} {sign}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_notice_registers_the_preliminary_diagnosis(lang, rendered):
    text = docx_text(rendered["disease_notice", lang])
    assert "11.02.2025 09:15" in text  # received 03:15 UTC = 09:15 in Bishkek
    assert "10.02.2025" in text and "12.04.1979" in text
    register = "Регистрационный № 3/2025" if lang == "ru" else "Каттоо № 3/2025"
    assert register in text
    assert "Центр семейной медицины № 5 г. Бишкек" in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_working_conditions_describe_route_class_and_service(lang, rendered):
    text = docx_text(rendered["working_conditions", lang])
    until = "по настоящее время" if lang == "ru" else "азыркы убакытка чейин"
    assert f"| Ткач | 2011 – {until} | 14 " in text
    assert "| Швея | 2008 – 2011 | 3 " in text
    assert ("3.2 — вредный (2-й степени)" if lang == "ru" else "3.2 — зыяндуу (2-даража)") in text
    assert ("14 лет" if lang == "ru" else "14 жыл") in text  # service under the factors
    assert SANITARY_BODY in text and "21.02.2025" in text
    assert "Противошумные вкладыши" in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_insurer_notice_names_policy_final_diagnosis_and_act(lang, rendered):
    text = docx_text(rendered["disease_insurer_notice", lang])
    assert "№ ГПО-2025/00582" in text and INSURER_NAME in text
    assert "25.03.2025" in text  # the act's date
    assert "№ 194" in text
    attached = "Копия акта прилагается." if lang == "ru" else "Актынын көчүрмөсү тиркелет."
    assert attached in text


def test_context_has_no_accident_parts_and_plain_strings():
    ctx = sample_context("disease_act", "ru")
    assert "category" not in ctx and "accident" not in ctx
    noise, vibration = ctx["factors"]
    assert noise["excess"] == "12 дБА" and vibration["excess"] == "—"
    assert (noise["mark_within"], vibration["mark_over"]) == ("", "")


def _case(**factor):
    case = sample_disease_case()
    fields = {
        "name": "Пыль хлопковая",
        "unit": "мг/м³",
        "exposure_hours": None,
        "removed_at": None,
        **factor,
    }
    case.factors = [SimpleNamespace(**fields)]
    return case


def test_a_value_at_the_limit_is_within_it_and_a_zero_limit_has_no_ratio():
    rules = SampleRules()
    at_limit = _case(measured=Decimal("2.000"), limit=Decimal("2.000"))
    row = build_context(at_limit, "working_conditions", "ru", rules=rules)["factors"][0]
    assert (row["mark_over"], row["mark_within"], row["ratio"]) == ("", WITHIN["ru"], "1")
    assert row["hours"] == "—"
    zero = _case(measured=Decimal("0.1"), limit=Decimal("0"))
    row = build_context(zero, "working_conditions", "ky", rules=rules)["factors"][0]
    assert row["ratio"] == "—" and row["mark_over"] == "▲ ашып кетүү: 0,1 мг/м³"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_factors_and_no_final_diagnosis_print_clearly(lang):
    case = sample_disease_case()
    case.factors, case.exams = [], []
    d = case.disease
    d.final_diagnosis = d.final_icd10 = d.final_on = d.diagnosis_confirmed_at = None
    d.connected_to_work = None
    ctx = build_context(case, "disease_act", lang, rules=SampleRules(), now=DISEASE_NOW)
    assert ctx["disease"]["final"] == "—"
    text = docx_text(render("disease_act", lang, ctx))
    assert ("не установлено" if lang == "ru" else "аныкталган жок") in text
    assert ("не определено" if lang == "ru" else "аныктала элек") in text


def test_acute_form_and_a_missing_disease_file():
    case = sample_disease_case()
    case.disease.form = "acute"
    ky = build_context(case, "disease_notice", "ky", rules=SampleRules())
    ru = build_context(case, "disease_notice", "ru", rules=SampleRules())
    assert (ru["disease"]["form"], ky["disease"]["form"]) == ("острое", "катуу")
    case.disease = None
    with pytest.raises(ValueError, match="disease file"):
        build_context(case, "disease_act", "ru", rules=SampleRules())
    case = sample_disease_case()
    case.victims = []
    with pytest.raises(ValueError, match="worker"):
        build_context(case, "disease_notice", "ru", rules=SampleRules())
