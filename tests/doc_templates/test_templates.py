"""The .docx templates against their contract: every kind × language renders the sample case
exactly (escaping included), fails loudly on a missing value, and keeps the legal layout."""

from __future__ import annotations

import re
from datetime import datetime
from types import SimpleNamespace

import pytest
from docx import Document
from docx.oxml.ns import qn
from jinja2 import UndefinedError

import doc_templates
from doc_templates import KINDS, LANGUAGES, docx_text, render, template_path, variables
from doc_templates.context import build_context
from doc_templates.formatting import DISEASE_KINDS
from doc_templates.labels import LABELS
from doc_templates.samples import (
    EMPLOYER_NAME,
    NOW,
    SECOND_VICTIM_NAME,
    VICTIM_NAME,
    SampleRules,
    sample_case,
    sample_context,
    sample_group_case,
)
from doc_templates.samples_disease import DISEASE_CASE_NUMBER, DISEASE_EMPLOYER_NAME, WORKER_NAME

CASES = [(kind, lang) for kind in KINDS for lang in LANGUAGES]
IDS = [f"{kind}-{lang}" for kind, lang in CASES]
KYRGYZ_LETTERS = set("ңүөҢҮӨ")

ACT_SECTIONS = {
    "ru": [
        "1. Дата и время несчастного случая",
        "2. Работодатель и структурное подразделение",
        "3. Организация, направившая работника",
        "4. Лица, проводившие расследование несчастного случая",
        "5. Сведения о пострадавшем",
        "6. Сведения о проведении инструктажей и обучения по охране труда",
        "7. Краткая характеристика места (объекта), где произошёл несчастный случай",
        "8. Обстоятельства несчастного случая",
        "8.1. Вид происшествия",
        "8.2. Характер полученных повреждений",
        "8.3. Нахождение пострадавшего в состоянии алкогольного",
        "8.4. Очевидцы несчастного случая",
        "9. Причины несчастного случая",
        "10. Лица, допустившие нарушение требований охраны труда",
        "11. Мероприятия по устранению причин несчастного случая",
    ],
    "ky": [
        "1. Кырсыктын датасы жана убактысы",
        "2. Иш берүүчү жана түзүмдүк бөлүм",
        "3. Кызматкерди жиберген уюм",
        "4. Кырсыкты териштирген адамдар",
        "5. Жабыркаган жөнүндө маалымат",
        "6. Эмгекти коргоо боюнча нускоо жана окутуу жөнүндө маалымат",
        "7. Кырсык болгон жердин (объектинин) кыскача мүнөздөмөсү",
        "8. Кырсыктын жагдайлары",
        "8.1. Окуянын түрү",
        "8.2. Алынган жаракаттын мүнөзү",
        "8.3. Жабыркагандын алкоголдук, баңгизаттык же уулуу заттык мас абалында",
        "8.4. Кырсыктын күбөлөрү",
        "9. Кырсыктын себептери",
        "10. Эмгекти коргоо талаптарын бузган адамдар",
        "11. Кырсыктын себептерин жоюу боюнча иш-чаралар",
    ],
}

INVESTIGATION_SECTIONS = {
    "ru": [
        "Лица, проводившие расследование",
        "Лица, принимавшие участие в расследовании",
        "1. Сведения о пострадавших",
        "2. Сведения о проведении инструктажей и обучения по охране труда",
        "3. Краткая характеристика места (объекта), где произошёл несчастный случай, "
        "и опасных производственных факторов",
        "4. Обстоятельства несчастного случая",
        "5. Причины несчастного случая",
        "6. Лица, допустившие нарушение требований охраны труда",
        "7. Квалификация несчастного случая",
        "8. Мероприятия по устранению причин несчастного случая",
        "9. Прилагаемые материалы",
        "Подписи лиц, проводивших расследование",
    ],
    "ky": [
        "Териштирүүнү жүргүзгөн адамдар",
        "Териштирүүгө катышкан адамдар",
        "1. Жабыркагандар жөнүндө маалымат",
        "2. Эмгекти коргоо боюнча нускоо жана окутуу жөнүндө маалымат",
        "3. Кырсык болгон жердин (объектинин) жана коркунучтуу өндүрүштүк факторлордун "
        "кыскача мүнөздөмөсү",
        "4. Кырсыктын жагдайлары",
        "5. Кырсыктын себептери",
        "6. Эмгекти коргоо талаптарын бузган адамдар",
        "7. Кырсыктын квалификациясы",
        "8. Кырсыктын себептерин жоюу боюнча иш-чаралар",
        "9. Тиркелген материалдар",
        "Териштирүүнү жүргүзгөн адамдардын колдору",
    ],
}
TO = {"ru": "Кому: ", "ky": "Кимге: "}


@pytest.fixture(scope="module")
def rendered() -> dict[tuple[str, str], str]:
    """Each sample rendered once and dumped to text (about 25 ms a document)."""
    return {
        (kind, lang): docx_text(render(kind, lang, sample_context(kind, lang)))
        for kind, lang in CASES
    }


@pytest.mark.parametrize(("kind", "lang"), CASES, ids=IDS)
def test_every_template_variable_is_supplied(kind, lang):
    used = variables(kind, lang)
    assert used, "a template without variables is not rendered from the case"
    assert used <= set(sample_context(kind, lang))


@pytest.mark.parametrize(("kind", "lang"), CASES, ids=IDS)
def test_sample_renders_with_its_values_escaped_exactly(kind, lang, rendered):
    text = rendered[kind, lang]
    for tag in ("{{", "{%", "}}", "%}"):
        assert tag not in text
    if kind in DISEASE_KINDS:  # the occupational-disease sample (samples_disease.py)
        assert DISEASE_EMPLOYER_NAME in text  # "&" and "<тест>" survive the XML
        assert WORKER_NAME in text
        assert DISEASE_CASE_NUMBER in text
        assert "10.02.2025" in text  # the preliminary diagnosis
        return
    assert EMPLOYER_NAME in text  # "&" and "<тест>" survive the XML
    assert VICTIM_NAME in text
    assert "7/2025" in text  # the case number (body or footer)
    assert "04.03.2025" in text  # occurred 04:10 UTC = 10:10 in Bishkek, same day
    if kind != "commission_order":
        assert "10:10" in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_act_has_every_section_in_order(lang, rendered):
    text = rendered["act_n1", lang]
    positions = [text.find(heading) for heading in ACT_SECTIONS[lang]]
    missing = [h for h, p in zip(ACT_SECTIONS[lang], positions, strict=True) if p < 0]
    assert not missing
    assert positions == sorted(positions)
    assert ("УТВЕРЖДАЮ" if lang == "ru" else "БЕКИТЕМИН") in text
    assert "Бекмурзаев Талант Усенович | Стропальщик" in text  # 8.4 witness row
    assert "| 08 |" in text and "| 11 |" in text  # 9 causes with codes
    assert "Иманалиев Руслан Кубанычбекович" in text  # 10 responsible
    assert "Оградить и обозначить опасную зону подачи бетона | 14.03.2025" in text  # 11
    hours = "полных часов от начала работы: 2" if lang == "ru" else "толук сааттардын саны: 2"
    assert hours in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_investigation_act_has_every_section_and_victim(lang, rendered):
    text = rendered["investigation_act", lang]
    for tag in ("{{", "{%", "}}", "%}"):
        assert tag not in text
    positions = [text.find(heading) for heading in INVESTIGATION_SECTIONS[lang]]
    missing = [h for h, p in zip(INVESTIGATION_SECTIONS[lang], positions, strict=True) if p < 0]
    assert not missing
    assert positions == sorted(positions)
    for name in (VICTIM_NAME, SECOND_VICTIM_NAME):
        assert text.count(name) >= 4  # §1, §2, §4 and the Act N-1 line of §9
    assert ("групповой" if lang == "ru" else "топтук") in text
    deaths = "в том числе погибших: 1" if lang == "ru" else "анын ичинде каза болгондор: 1"
    assert deaths in text
    # §1: the fatal victim has a dependants line to fill in, the living one a dash
    heads = INVESTIGATION_SECTIONS[lang]
    section1 = text[text.find(heads[2]) : text.find(heads[3])]
    rows = {line.split(" | ")[1]: line for line in section1.splitlines() if " | " in line}
    assert rows[SECOND_VICTIM_NAME].endswith("| ________________________________________")
    assert rows[VICTIM_NAME].endswith("| —")
    # §9: one Act N-1 per victim
    act = "Акт формы Н-1 № {}" if lang == "ru" else "Н-1 формасындагы № {} акт"
    assert act.format("7/2025-1") in text and act.format("7/2025-2") in text


def test_investigation_act_context():
    ctx = sample_context("investigation_act", "ru")
    assert ctx["category"] == "групповой"
    assert ctx["victims_count"] == "2" and ctx["deaths_count"] == "1"
    assert [v["act_number"] for v in ctx["victims"]] == ["7/2025-1", "7/2025-2"]
    assert [v["outcome"] for v in ctx["victims"]] == ["находится на лечении", "смерть"]
    act = sample_context("act_n1", "ru")
    for key in ("commission", "causes", "responsible", "measures", "witnesses", "work_related"):
        assert ctx[key] == act[key]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_notice_says_whom_it_is_addressed_to(lang):
    ctx = sample_context("notice", lang, addressee="prosecutor")
    text = docx_text(render("notice", lang, ctx))
    assert f"{TO[lang]}Прокуратура" in text
    # the prosecutor's own deadline basis, not another addressee's
    basis = SampleRules().notice_rule("prosecutor").basis[lang]
    assert basis in text
    assert "№ 194" not in text
    assert ctx["addressee"]["code"] == "prosecutor"
    assert ctx["addressee"]["due"] == "—"  # the light sample case has no prosecutor row


def test_notice_addressee_comes_from_the_case_row():
    case = sample_group_case()
    ctx = build_context(
        case, "notice", "ky", rules=SampleRules(), addressee="state_inspector", now=NOW
    )
    assert ctx["addressee"] == {
        "code": "state_inspector",
        "title": "Эмгек боюнча мамлекеттик инспекция",
        "basis": SampleRules().notice_rule("state_inspector").basis["ky"],
        "due": "05.03.2025 10:45",  # reported 10:45 Bishkek + 24 h
        "sent_at": "04.03.2025 13:45",
        "method": "курьер аркылуу",
        "recipient": "—",
    }
    assert ctx["sent_at"] == "04.03.2025 13:45"
    assert "deadline" not in ctx
    insurer = sample_context("notice", "ru")["addressee"]
    assert insurer["method"] == "электронная почта"
    assert insurer["sent_at"] == "04.03.2025 12:10"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_notice_without_addressee_has_a_generic_title(lang):
    ctx = build_context(sample_case(), "notice", lang, rules=SampleRules(), now=NOW)
    assert ctx["addressee"]["title"] == ("Извещение" if lang == "ru" else "Кабарлама")
    text = docx_text(render("notice", lang, ctx))
    assert TO[lang] not in text
    assert VICTIM_NAME in text


def test_unknown_addressee_is_refused():
    with pytest.raises(ValueError, match="nobody"):
        build_context(sample_case(), "notice", "ru", rules=SampleRules(), addressee="nobody")


def test_commission_order_states_deadline_and_basis(rendered):
    text = rendered["commission_order", "ru"]
    # light case: 3 days from the order (04.03.2025 09:00 UTC)
    assert "Срок окончания расследования: 07.03.2025" in text
    assert "Основание срока: Лёгкий случай — 3 дня" in text
    assert "1 | Жумабеков Нурлан Алмазович | Главный инженер" in text


def test_closure_summary_has_register_row(rendered):
    text = rendered["closure_summary", "ru"]
    row = next(line for line in text.splitlines() if line.startswith("7/2025 | "))
    cells = row.split(" | ")
    assert cells[:4] == [
        "7/2025",
        "04.03.2025 10:10",
        f"{VICTIM_NAME}, 1990, 7,5 года",
        "Бетонщик 4-го разряда",
    ]
    assert "№ 7/2025, 07.03.2025" in cells
    assert cells[8] == "выздоровление"


@pytest.mark.parametrize(("kind", "lang"), CASES, ids=IDS)
def test_missing_values_fail_loudly(kind, lang):
    with pytest.raises(UndefinedError):
        render(kind, lang, {})


@pytest.mark.parametrize(("kind", "lang"), CASES, ids=IDS)
def test_layout_is_times_new_roman_on_a4(kind, lang):
    doc = Document(template_path(kind, lang))
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt == 12
    rfonts = normal.element.rPr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert rfonts.get(qn(attr)) == "Times New Roman"
    styles_xml = doc.styles.element.xml
    assert "Theme=" not in styles_xml and "w:cstheme" not in styles_xml
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0
    assert round(section.page_height.cm, 1) == 29.7
    assert round(section.left_margin.cm, 1) == 3.0


@pytest.mark.parametrize(("kind", "lang"), CASES, ids=IDS)
def test_loop_rows_hold_only_their_tag(kind, lang):
    """docxtpl drops a {%tr %} row whole: anything else in its first cell would be lost."""
    doc = Document(template_path(kind, lang))
    for table in doc.tables:
        for row in table.rows:
            first = row.cells[0].text
            if "{%tr" in first:
                assert re.fullmatch(r"\{%tr [^%]+ %\}", first), first
                assert all(not c.text for c in row.cells[1:])


@pytest.mark.parametrize("kind", KINDS)
def test_kyrgyz_templates_are_in_kyrgyz(kind):
    static = docx_text(template_path(kind, "ky").read_bytes())
    static = re.sub(r"\{[{%].*?[%}]\}", "", static)
    assert KYRGYZ_LETTERS & set(static)


def test_every_label_exists_in_both_languages():
    for which, by_lang in LABELS.items():
        assert set(by_lang) == set(LANGUAGES), which
        assert set(by_lang["ru"]) == set(by_lang["ky"]), which


def test_context_is_plain_primitives():
    def check(value, path="ctx"):
        if isinstance(value, dict):
            for k, v in value.items():
                assert isinstance(k, str), path
                check(v, f"{path}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                check(v, f"{path}[{i}]")
        else:
            assert isinstance(value, str), f"{path} is {type(value).__name__}"

    for kind, lang in CASES:
        check(sample_context(kind, lang))


def test_removed_rows_and_blank_values():
    """Only live rows reach a document (the ORM properties filter them); blanks read clearly."""
    case = sample_case()
    case.organisation.tax_id = None
    case.shift_started_at = None
    case.witnesses = []
    ctx = build_context(
        case,
        "act_n1",
        "ky",
        rules=doc_templates.samples.SampleRules(),
        victim=case.victims[0],
        now=datetime(2025, 3, 12),
    )
    assert ctx["employer"]["tax_id"] == "көрсөтүлгөн эмес"
    assert ctx["hours_since_shift"] == "—"
    text = docx_text(render("act_n1", "ky", ctx))
    assert "8.4. Кырсыктын күбөлөрү:" in text


def test_group_case_numbers_one_act_per_victim():
    case = sample_case()
    second = SimpleNamespace(**{**vars(case.victims[0]), "id": 2, "full_name": "Исаева Нургүл"})
    case.victims = [case.victims[0], second]
    rules = doc_templates.samples.SampleRules()
    numbers = [
        build_context(case, "act_n1", "ru", rules=rules, victim=v)["act_number"]
        for v in case.victims
    ]
    assert numbers == ["7/2025-1", "7/2025-2"]


def test_real_rule_pack_fits():
    rules_module = pytest.importorskip("incidents.rules")
    rules = rules_module.load("kr")
    for kind, lang in CASES:
        ctx = sample_context(kind, lang, rules=rules)
        assert variables(kind, lang) <= set(ctx)
    for lang in LANGUAGES:
        for rule in rules.notices:
            ctx = sample_context("notice", lang, rules=rules, addressee=rule.addressee)
            assert ctx["addressee"]["title"] == rule.title[lang]
            assert f"{TO[lang]}{rule.title[lang]}" in docx_text(render("notice", lang, ctx))
    order = sample_context("commission_order", "ky", rules=rules)
    assert order["deadline"]["due"] == "07.03.2025"
    assert "15 күн" in order["deadline"]["basis"]
