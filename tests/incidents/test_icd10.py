"""ICD-10 codes as our users type them: on Russian and Kyrgyz keyboard layouts."""

from __future__ import annotations

import pytest

from incidents.rules.icd10 import ICD10_PATTERN, normalize, valid


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Н83.3", "H83.3"),  # Cyrillic Н
        ("н83.3", "H83.3"),  # Cyrillic н, lower case
        (" h83.3 ", "H83.3"),
        ("Т56", "T56"),  # Cyrillic Т
        ("Т59,9", "T59.9"),  # and a decimal comma
        ("J62.8", "J62.8"),
        ("М70.0", "M70.0"),  # Cyrillic М
        ("С45.0", "C45.0"),  # Cyrillic С
        ("Х 99", "X99"),  # Cyrillic Х, a space
        ("А15", "A15"),
        ("Е66", "E66"),
        ("К71", "K71"),
        ("О10", "O10"),
        ("Р07", "P07"),
        ("В18.1", "B18.1"),
        ("У96", "Y96"),  # Cyrillic У: the Y chapter
        ("Ү96", "Y96"),  # Kyrgyz Ү
    ],
)
def test_normalize_makes_what_was_typed_canonical(typed, code):
    assert normalize(typed) == code
    assert valid(normalize(typed))


@pytest.mark.parametrize("code", ["H83.3", "J62.8", "T56", "T59.9", "S72.01", "A15", "Z57.1"])
def test_valid_codes(code):
    assert valid(code)
    assert ICD10_PATTERN.fullmatch(code)


@pytest.mark.parametrize(
    "code",
    [
        "h83.3",  # canonical is upper case: normalize first
        "Н83.3",  # Cyrillic Н: normalize first
        "H83,3",  # a decimal comma: normalize first
        "H83.",
        "H8",
        "H833",
        "H83.333",
        "83.3",
        "HH3.3",
        "U07.1",  # WHO's provisional U codes are not taken
        "H83.3\n",
        " H83.3",
        "",
        "Д83.3",  # no Latin look-alike: stays Cyrillic
    ],
)
def test_invalid_codes(code):
    assert not valid(code)


def test_valid_takes_anything():
    assert not valid(None)
    assert not valid(833)  # type: ignore[arg-type]


def test_normalize_does_not_make_a_wrong_code_right():
    assert normalize("Д83.3") == "Д83.3"
    assert not valid(normalize("H83.3.1"))
