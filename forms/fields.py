"""WTForms fields whose built-in error messages are ours, so they exist in Kyrgyz too, and
text fields that drop the invisible characters which reorder text (bidi controls)."""

from __future__ import annotations

import decimal
from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import fields
from wtforms.validators import ValidationError

BAD_DATE = _l("Enter a date as DD.MM.YYYY.")
BAD_DATETIME = _l("Enter a date and time.")
BAD_NUMBER = _l("Enter a number.")
BAD_CHOICE = _l("Choose a value from the list.")
# Dates people mean; beyond them a date's arithmetic (UTC conversion, deadlines) overflows
FIRST_YEAR, LAST_YEAR = 1900, 2199
BAD_YEAR = _l("Enter a year from %(lo)s to %(hi)s.", lo=FIRST_YEAR, hi=LAST_YEAR)


# Invisible characters that reorder the text around them: the embeddings and overrides
# (U+202A-U+202E), the isolates (U+2066-U+2069) and the direction marks (LRM, RLM, ALM). A
# right-to-left override in a name makes "Асанов\u202eвонасА" read differently on screen and
# in a signed act than it is stored. None of our languages (ky, ru, en) needs them; the
# joiners U+200C/U+200D shape letters and emoji and are kept.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_NO_BIDI = str.maketrans("", "", BIDI_CONTROLS)


def strip_bidi(value):
    """`value` without bidi control characters (anything but text passes unchanged)."""
    return value.translate(_NO_BIDI) if isinstance(value, str) else value


class _WithoutBidi:
    """Adds `strip_bidi` to a text field's filters, so whatever reaches the form (a browser
    post or the JSON API, which feeds the same forms) is stored without them."""

    def __init__(self, *args, filters=(), **kwargs):
        super().__init__(*args, filters=(strip_bidi, *filters), **kwargs)


class StringField(_WithoutBidi, fields.StringField):
    """A single-line text: names, numbers, tax numbers, phones, addresses."""


class TextAreaField(_WithoutBidi, fields.TextAreaField):
    """Free text; it reaches the acts as whole paragraphs, where one override reverses the
    rest of the paragraph, so it is cleaned the same way."""


def _first(valuelist):
    return (valuelist[0] or "").strip() if valuelist else ""


class DateField(fields.DateField):
    """Accepts the browser's ISO date and the DD.MM.YYYY people type."""

    def process_formdata(self, valuelist):
        text = _first(valuelist)
        self.data = None
        if not text:
            return
        for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                parsed = datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
            except ValueError:
                continue
            self.data = _in_range(parsed)
            return
        raise ValueError(BAD_DATE)


class DateTimeField(fields.DateTimeLocalField):
    """A wall-clock time in Asia/Bishkek; ISO with or without seconds."""

    def process_formdata(self, valuelist):
        text = _first(valuelist)
        self.data = None
        if not text:
            return
        # "%Y-%m-%d %H:%M:%S" is how the field renders its value: a browser without a
        # datetime-local picker shows it as text and sends it back unchanged
        formats = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")
        for fmt in (*formats, "%d.%m.%Y %H:%M"):
            try:
                parsed = datetime.strptime(text, fmt)  # noqa: DTZ007 - local, converted later
            except ValueError:
                continue
            self.data = _in_range(parsed)
            return
        raise ValueError(BAD_DATETIME)


def _in_range(value):
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(BAD_YEAR)
    return value


class IntegerField(fields.IntegerField):
    def process_formdata(self, valuelist):
        text = _first(valuelist)
        self.data = None
        if not text:
            return
        try:
            self.data = int(text)
        except ValueError as exc:
            raise ValueError(BAD_NUMBER) from exc


class DecimalField(fields.DecimalField):
    def process_formdata(self, valuelist):
        text = _first(valuelist).replace(",", ".")
        self.data = None
        if not text:
            return
        try:
            self.data = decimal.Decimal(text)
        except (decimal.InvalidOperation, ValueError) as exc:
            raise ValueError(BAD_NUMBER) from exc
        # not a number anyone typed (1e-999999): a database's NUMERIC cannot take it
        if not self.data.is_finite() or abs(self.data.as_tuple().exponent) > 30:
            self.data = None
            raise ValueError(BAD_NUMBER)


class SelectField(fields.SelectField):
    def pre_validate(self, form):
        if self.data in (None, "") and not self.flags.required:
            return
        if self.choices is not None and self.data not in {str(v) for v, _ in self.choices}:
            raise ValidationError(BAD_CHOICE)


__all__ = [
    "BIDI_CONTROLS",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "IntegerField",
    "SelectField",
    "StringField",
    "TextAreaField",
    "strip_bidi",
]
