"""The rule packs: every pack loads and validates, `flask rules check` reports them, and a
broken pack is refused with its errors."""

from __future__ import annotations

import shutil

import pytest

from incidents.rules import CATEGORIES, RULES_DIR, load, pack_names
from incidents.rules.check import validate

PACKS = ("kr", "rf", "kz")


def test_the_three_packs_are_shipped():
    assert set(PACKS) <= set(pack_names())


@pytest.mark.parametrize(
    ("name", "jurisdiction", "fault_percent"),
    [("kr", "KG", False), ("rf", "RU", True), ("kz", "KZ", True)],
)
def test_every_pack_loads_and_validates(name, jurisdiction, fault_percent):
    assert validate(name) == []
    pack = load(name)
    assert pack.jurisdiction == jurisdiction
    assert pack.calendar.country == jurisdiction
    assert pack.victim_fault_percent is fault_percent
    assert pack.late_report_after is not None
    for rule in (*pack.deadlines, *pack.notices, *pack.commission.values()):
        assert all(rule.basis[lang].strip() for lang in ("ru", "ky", "en"))
    for rule in pack.deadlines:
        assert set(rule.duration) == set(CATEGORIES)
        assert all(rule.title[lang] for lang in ("ru", "ky", "en"))
    assert set(pack.commission) == set(CATEGORIES)
    assert pack.person_categories and pack.event_types and pack.causes


def test_the_packs_have_the_same_sections():
    keys = {name: [d.key for d in load(name).deadlines] for name in PACKS}
    assert (
        keys["kr"]
        == keys["rf"]
        == keys["kz"]
        == ["commission", "investigation", "act_to_victim", "insurer_notice", "consequences_report"]
    )
    for name in PACKS:
        pack = load(name)
        assert "notice" not in keys[name]  # notices run on their own rows
        assert pack.deadline("investigation").late is not None
        assert {n.addressee for n in pack.notices} >= {"insurer", "state_inspector"}


def test_included_code_lists_are_shared():
    kr, rf, kz = (load(n) for n in PACKS)
    assert rf.event_types == kr.event_types and kz.causes == kr.causes
    assert rf.regions == ()  # written as `regions = []`: not taken from kr
    assert "astana" in kz.codes("regions") and "bishkek" not in kz.codes("regions")
    assert rf.codes("person_categories") != kr.codes("person_categories")


@pytest.mark.parametrize(
    ("name", "investigation"),
    [
        ("kr", {"light": "3d", "severe": "15d"}),
        ("rf", {"light": "3d", "fatal": "15d"}),
        ("kz", {"light": "10wd", "group": "10wd"}),
    ],
)
def test_investigation_durations(name, investigation):
    rule = load(name).deadline("investigation")
    assert {c: str(rule.duration[c]) for c in investigation} == investigation
    assert str(rule.late.duration["light"]) == "1mo" and rule.late.starts == "reported_at"


def test_rules_check_cli_prints_every_rule_with_its_basis(app):
    result = app.test_cli_runner().invoke(args=["rules", "check"])
    assert result.exit_code == 0, result.output
    for name in PACKS:
        assert f"Pack {name}: OK" in result.output
    assert "RF Labour Code art. 229.1: light 3 days" in result.output
    assert "RK Labour Code art. 189" in result.output
    assert "late-reported track" in result.output and "notice:<addressee>" in result.output
    one = app.test_cli_runner().invoke(args=["rules", "check", "kr", "--lang", "ru"])
    assert one.exit_code == 0 and "Pack rf" not in one.output
    assert "Кыргызская Республика" in one.output and "Закон КР № 194" in one.output
    listed = app.test_cli_runner().invoke(args=["rules", "list", "kz"])
    assert listed.exit_code == 0 and "10wd" in listed.output
    # the occupational-disease part: the acute notice has no chronic duration
    assert "Occupational disease: deadlines" in listed.output
    [acute] = [
        line for line in listed.output.splitlines() if line.strip().startswith("acute_notice")
    ]
    assert acute.split()[-3:] == ["24h", "—", "no"]
    assert "sanitary_body" in listed.output


BREAKAGES = [
    ('duration = { light = "3d",', 'duration = { light = "3 days",', "bad duration '3 days'"),
    ('duration = { light = "3d", severe = "15d", ', "duration = { ", "no duration for light"),
    ('when = "death"', 'when = "sometimes"', "'sometimes': expected"),
    ('[commission.group]\nsame_as = "severe"\n', "", "commission: no rule for group"),
    ("victim_fault_percent = false\n", "", "limits.victim_fault_percent"),
    (
        'starts = "investigation_started_at"',
        'starts = "investigation_begun"',
        "investigation_begun",
    ),
    (', en = "Act to the victim" }', " }", "title has no text in en"),
    ('jurisdiction = "KG"', 'jurisdiction = "XX"', "'XX' is not a country"),
]


@pytest.mark.parametrize(("old", "new", "message"), BREAKAGES)
def test_a_broken_pack_is_reported_with_exit_code_1(app, tmp_path, old, new, message):
    text = (RULES_DIR / "kr.toml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "broken.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    shutil.copy(RULES_DIR / "kr.toml", tmp_path / "kr.toml")

    errors = validate("broken", directory=tmp_path)
    assert any(message in e for e in errors), errors
    assert validate("kr", directory=tmp_path) == []

    runner = app.test_cli_runner()
    result = runner.invoke(args=["rules", "check", "broken", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "Pack broken:" in result.output and message in result.output
    every = runner.invoke(args=["rules", "check", "--dir", str(tmp_path)])
    assert every.exit_code == 1 and "Pack kr: OK" in every.output
    assert runner.invoke(args=["rules", "list", "--dir", str(tmp_path)]).exit_code == 0


def test_a_pack_that_cannot_be_read_is_reported(app, tmp_path):
    (tmp_path / "bad.toml").write_text("jurisdiction = \n", encoding="utf-8")
    (tmp_path / "loop.toml").write_text('include = "loop"\n', encoding="utf-8")
    assert validate("bad", tmp_path)[0].startswith("cannot read the pack")
    assert "include cycle" in validate("loop", tmp_path)[0]
    assert validate("missing", tmp_path)[0].startswith("cannot read the pack")
    result = app.test_cli_runner().invoke(args=["rules", "check", "--dir", str(tmp_path)])
    assert result.exit_code == 1


def test_load_reads_a_pack_from_another_directory(tmp_path):
    text = (RULES_DIR / "kr.toml").read_text(encoding="utf-8")
    (tmp_path / "draft.toml").write_text(
        text.replace("max_extension_days = 15", "max_extension_days = 10"), encoding="utf-8"
    )
    draft = load("draft", directory=tmp_path)
    assert draft.name == "draft" and draft.max_extension_days == 10
    assert load("kr").max_extension_days == 15
