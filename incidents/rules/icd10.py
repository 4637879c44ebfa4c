"""ICD-10 codes as people type them: the shape of a code, and the clean-up of what was typed.

A code is a letter, two digits and, optionally, a dot and one or two digits: "T56", "H83.3",
"S72.01" (WHO's optional fifth character, e.g. open or closed fracture). `ICD10_PATTERN` and
`valid` accept only the canonical form, upper case and with a dot; run what a person typed
through `normalize` first. Our users type on Russian and Kyrgyz keyboard layouts, so "Н83.3"
with a Cyrillic Н, "н83,3" and " h83.3 " all come out as "H83.3".

The shape is all that is checked: whether the code exists is the health organisation's word,
and the rule pack's `[[disease.icd10]]` list only supplies the names of the codes it knows.
The letter U is refused: WHO keeps it for provisional and special-purpose codes. Should a
pack need one (U07.1, COVID-19 recognised as a health worker's occupational disease), this
pattern is the one place to widen."""

from __future__ import annotations

import re

__all__ = ["ICD10_PATTERN", "normalize", "valid"]

ICD10_PATTERN = re.compile(r"\A[A-TV-Z][0-9]{2}(?:\.[0-9]{1,2})?\Z")

# Cyrillic capitals that look like Latin ones (after upper(), so lower case is covered too)
_LOOK_ALIKES = str.maketrans(
    {
        "А": "A",
        "В": "B",
        "Е": "E",
        "К": "K",
        "М": "M",
        "Н": "H",
        "О": "O",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "Х": "X",
        "У": "Y",
        "Ү": "Y",  # Kyrgyz
        ",": ".",  # the decimal separator of a Russian or Kyrgyz keyboard
    }
)
_SPACES = re.compile(r"\s+")


def normalize(code: str) -> str:
    """The code as stored: no spaces, upper case, Cyrillic look-alike letters made Latin and a
    decimal comma made a dot. It does not make a wrong code right: check it with `valid`."""
    return _SPACES.sub("", code).upper().translate(_LOOK_ALIKES)


def valid(code: str | None) -> bool:
    """Whether `code` is an ICD-10 code in canonical form (see `normalize`)."""
    return isinstance(code, str) and ICD10_PATTERN.fullmatch(code) is not None
