"""The occupational-disease part of the rule packs: deadlines keyed by the disease form, the
commission chaired by the sanitary body, the ICD-10 names, and what `flask rules check`
refuses in them."""

from __future__ import annotations

import shutil
from datetime import datetime

import pytest

from incidents.models import DiseaseForm, Represents
from incidents.rules import FORMS, RULES_DIR, CommissionRule, load
from incidents.rules.check import validate

PACKS = ("kr", "rf", "kz")
KEYS = ["acute_notice", "conditions", "act", "insurer_notice"]


def test_the_forms_are_the_stored_values():
    assert list(FORMS) == [f.value for f in DiseaseForm]


@pytest.mark.parametrize("name", PACKS)
def test_every_pack_has_the_disease_part(name):
    pack = load(name)
    assert [d.key for d in pack.disease_deadlines] == KEYS
    for rule in pack.disease_deadlines:
        assert set(rule.duration) <= set(FORMS) and rule.duration
        for lang in ("ru", "ky", "en"):
            assert rule.title[lang].strip() and rule.basis[lang].strip()
    commission = pack.disease_commission
    assert isinstance(commission, CommissionRule)
    assert commission.chair == Represents.sanitary_body
    assert set(commission.must_include) == {
        Represents.employer,
        Represents.health_organisation,
        Represents.trade_union,
        Represents.insurer,
    }
    assert all(commission.basis[lang].strip() for lang in ("ru", "ky", "en"))


def test_the_kr_disease_rules_are_unverified():
    """docs/procedure.md §4: the KR occupational-disease procedure is unverified throughout."""
    pack = load("kr")
    assert not any(d.verified for d in pack.disease_deadlines)
    assert pack.disease_commission.verified is False


@pytest.mark.parametrize("name", PACKS)
def test_durations_per_form(name):
    pack = load(name)
    durations = {
        d.key: {form: str(value) for form, value in d.duration.items()}
        for d in pack.disease_deadlines
    }
    assert durations == {
        "acute_notice": {"acute": "24h"},
        "conditions": {"acute": "14d", "chronic": "14d"},
        "act": {"acute": "3wd", "chronic": "3wd"},
        "insurer_notice": {"acute": "3wd", "chronic": "3wd"},
    }
    notice = pack.disease_deadline("acute_notice")
    assert (notice.starts, notice.stops) == ("occurred_at", "reported_at")
    conditions = pack.disease_deadline("conditions")
    assert (conditions.starts, conditions.stops) == ("reported_at", "conditions_described_at")
    assert pack.disease_deadline("act").starts == "investigation_ended_at"
    assert pack.disease_deadline("no_such_rule") is None


def test_the_acute_notice_runs_for_acute_cases_only():
    pack = load("kr")
    notice = pack.disease_deadline("acute_notice")
    assert "chronic" not in notice.duration
    assert notice.applies_to("acute") and not notice.applies_to("chronic")
    assert notice.duration_for(DiseaseForm.acute) == notice.duration["acute"]  # enum keys work
    assert notice.duration_for(DiseaseForm.chronic) is None
    assert [d.key for d in pack.disease_deadlines_for("acute")] == KEYS
    assert [d.key for d in pack.disease_deadlines_for(DiseaseForm.chronic)] == KEYS[1:]
    assert pack.disease_deadlines_for(None) == []


def test_the_accident_keying_still_works():
    investigation = load("kr").deadline("investigation")
    assert str(investigation.duration_for("severe")) == "15d"
    assert investigation.applies_to("light") and not investigation.applies_to("acute")


def test_a_disease_duration_counts_on_the_pack_calendar():
    """The act's 3 working days skip the weekend (a Friday investigation end -> Wednesday)."""
    act = load("kr").disease_deadline("act")
    due = act.duration_for("chronic").add_to(datetime(2026, 10, 2, 4, 0))  # Friday 10:00 local
    assert due == datetime(2026, 10, 7, 4, 0)


# -- the ICD-10 names -----------------------------------------------------------------------


def test_icd10_labels_through_the_code_lists():
    pack = load("kr")
    assert pack.label("icd10", "H83.3", "ru") == "Шумовые эффекты внутреннего уха"
    assert pack.label("icd10", "H83.3", "ky") == "Ызы-чуунун ички кулакка таасири"
    assert pack.label("icd10", "H83.3", "en") == "Noise effects on inner ear"
    assert pack.label("icd10", "T56.1", "ru") == "Токсическое действие ртути и ее соединений"
    # a code the list does not know is still a code: its name is typed by the user
    assert pack.label("icd10", "J62.0", "ru") == "J62.0"
    assert pack.label("icd10", None, "ru") == ""
    codes = pack.codes("icd10")
    assert 40 <= len(pack.code_list("icd10")) <= 60
    assert {"H83.3", "J60", "J61", "J62", "J63", "J64", "J65", "T59", "T75.2", "G56.0"} <= codes


def test_the_rf_and_kz_packs_take_the_icd10_names_of_kr():
    kr, rf, kz = (load(n) for n in PACKS)
    assert rf.icd10 == kr.icd10 == kz.icd10


def test_a_pack_without_the_disease_part_still_loads(tmp_path):
    text = (RULES_DIR / "kr.toml").read_text(encoding="utf-8")
    head = text[: text.index("[disease.deadlines.acute_notice]")]
    tail = text[text.index("# Law 167 art. 2") : text.index("\n# ICD-10 codes")]
    retention = text[text.index("\n# Retention:") :]
    (tmp_path / "accidents.toml").write_text(head + tail + retention, encoding="utf-8")
    assert validate("accidents", tmp_path) == []
    pack = load("accidents", tmp_path)
    assert pack.disease_deadlines == () and pack.disease_commission is None
    assert pack.icd10 == () and pack.code_list("icd10") == ()
    assert pack.label("icd10", "H83.3", "ru") == "H83.3"
    assert pack.disease_deadlines_for("acute") == []
    assert [d.key for d in pack.deadlines] == [d.key for d in load("kr").deadlines]


def test_a_pack_may_list_no_icd10_names(tmp_path):
    shutil.copy(RULES_DIR / "kr.toml", tmp_path / "kr.toml")
    text = (RULES_DIR / "rf.toml").read_text(encoding="utf-8")
    (tmp_path / "rf.toml").write_text(
        text.replace("[disease.commission]", "[disease]\nicd10 = []\n\n[disease.commission]"),
        encoding="utf-8",
    )
    assert validate("rf", tmp_path) == []
    assert load("rf", tmp_path).icd10 == ()


# -- what the check refuses -----------------------------------------------------------------

BREAKAGES = [
    ('code = "H83.3"', 'code = "H83.33.3"', "'H83.33.3' is not an ICD-10 code"),
    ('code = "H83.3"', 'code = "h83.3"', "'h83.3' is not an ICD-10 code"),
    ('code = "T59"', 'code = "T58"', "code 'T58' missing or repeated"),
    (
        'starts = "occurred_at"\nstops = "reported_at"\nduration = { acute',
        'starts = "diagnosed_at"\nstops = "reported_at"\nduration = { acute',
        "disease.deadlines.acute_notice.starts: 'diagnosed_at' is not a timestamp",
    ),
    ('stops = "conditions_described_at"', 'stops = "described"', "'described' is not"),
    ('duration = { acute = "24h" }', 'duration = { acute = "a day" }', "bad duration 'a day'"),
    ('duration = { acute = "24h" }', 'duration = { sub_acute = "24h" }', "unknown disease form"),
    ('duration = { acute = "24h" }', "duration = {}", "no duration for any disease form"),
    ('chair = "sanitary_body"', 'chair = "sanitary_service"', "'sanitary_service' is not one of"),
    ('"health_organisation", "trade_union"', '"clinic", "trade_union"', "'clinic' is not a party"),
    ("[disease.commission]\n", "[disease.comission]\n", "disease.comission: unknown part"),
    (
        ', en = "Act on the occupational disease case" }',
        " }",
        "disease.deadlines.act: title has no text in en",
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), BREAKAGES)
def test_a_broken_disease_part_is_reported(app, tmp_path, old, new, message):
    text = (RULES_DIR / "kr.toml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "broken.toml").write_text(text.replace(old, new, 1), encoding="utf-8")

    errors = validate("broken", directory=tmp_path)
    assert any(message in e for e in errors), errors

    result = app.test_cli_runner().invoke(args=["rules", "check", "broken", "--dir", str(tmp_path)])
    assert result.exit_code == 1 and message in result.output


def test_the_commission_of_a_disease_part_is_required(tmp_path):
    text = (RULES_DIR / "kr.toml").read_text(encoding="utf-8")
    start = text.index("[disease.commission]")
    end = text.index("# Law 167 art. 2")
    (tmp_path / "broken.toml").write_text(text[:start] + text[end:], encoding="utf-8")
    assert "disease.commission: the [disease.commission] table is missing" in validate(
        "broken", tmp_path
    )


def test_the_rules_check_cli_passes_on_the_three_packs(app):
    result = app.test_cli_runner().invoke(args=["rules", "check"])
    assert result.exit_code == 0, result.output
    for name in PACKS:
        assert f"Pack {name}: OK" in result.output
