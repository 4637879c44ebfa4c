"""Hypothesis strategies built from a WTForms form itself, and request bodies that carry any
bytes, for the HTML form fuzzing in tests/test_form_fuzz.py.

Each field gets two strategies from its type and its validators: a *valid* one (a value the
field accepts on its own: a choice from its list, a number in its range, text within its
length) and a *hostile* one (NUL, invalid UTF-8, very long text, HTML, dates past what a
database or a clock keeps, numbers past any column, garbage, nothing at all). An example
turns a few fields hostile and keeps the rest valid, so both the refusal and the save paths
run. A field type with no strategy here is an error, so a new kind of field cannot slip by
unfuzzed."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import quote_from_bytes

import docx
from hypothesis import strategies as st
from PIL import Image
from wtforms import fields
from wtforms.validators import Length, NumberRange

from incidents.models.timeutil import LOCAL_TZ

from .factories import PASSWORD


class _Omit:
    def __repr__(self):
        return "OMIT"


OMIT = _Omit()  # the field is not sent at all


@dataclass(frozen=True)
class Upload:
    filename: bytes
    data: bytes
    content_type: str = "application/octet-stream"

    def __repr__(self):
        return f"Upload({self.filename!r}, {len(self.data)} bytes {self.data[:8]!r}...)"


XSS = "<script>fuzz_xss()</script>"  # must never come back unescaped in a page
HTML = (XSS, '"><img src=x onerror=fuzz_xss()>', "{{ 7*7 }}{% if 1 %}x{% endif %}", "</textarea>")
# what a field's type cannot say is valid: the value its custom validators look for
HINTS = {
    "email": ("specialist@example.kg", "Новый.Член@Example.kg", "guest+1@example.kg"),
    "notice_email": ("claims@insurer.example.kg",),
    "password": (PASSWORD,),
    "password2": (PASSWORD,),
    "webhook_url": ("https://insurer.example.kg/hook", "http://10.0.0.5/in"),
    "tax_id": ("02512201810045",),
    "birth_date": ("1990-05-17", "08.03.1975"),
    "preliminary_icd10": ("H83.3", " t52.8 "),
    "final_icd10": ("H83.3", "J62.8"),
    # mostly no version (the save does not check for a concurrent edit), sometimes a stale one
    "version": (OMIT, OMIT, "1"),
}
# bytes no UTF-8 decoder accepts: an encoded surrogate, overlong forms, stray bytes
BAD_UTF8 = (b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xc0\xaf", b"\xff\xfe", b"caf\xc3")
_TEXT = st.characters(exclude_categories=("Cs", "Cc"))
_WHITESPACE = ("   ", "\t\n", "\u00a0", "\u200b\ufeff", "\u3000")


def _long():
    """Text repeated past any field's limit (mostly ASCII: percent-decoding megabytes of
    Cyrillic costs the parser seconds and tests nothing more)."""
    return st.builds(
        lambda unit, times: unit * times,
        st.sampled_from(["x", "ab ", "ң", "&<"]),
        st.sampled_from([300, 2_100, 20_001]),
    )


def _raw_text():
    """Bytes as a browser never sends them: NUL inside text, invalid UTF-8, control bytes."""
    return st.one_of(
        st.builds(lambda a, b: f"{a}\x00{b}", st.text(max_size=5), st.text(max_size=5)),
        st.builds(
            lambda a, bad: a.encode() + bad, st.text(_TEXT, max_size=5), st.sampled_from(BAD_UTF8)
        ),
        st.binary(min_size=1, max_size=20),
    )


HOSTILE_TEXT = st.one_of(
    st.text(max_size=30),  # any code point but surrogates, control characters included
    _raw_text(),
    _long(),
    st.just("ы" * 300_000),  # past the request's form memory limit (Flask: 500 kB): 413
    st.sampled_from(HTML + _WHITESPACE + ("",)),
    st.just(OMIT),
    st.lists(st.text(_TEXT, max_size=5), min_size=2, max_size=3),  # the same key twice
)


def _max_length(field) -> int:
    limits = [v.max for v in field.validators if isinstance(v, Length) and v.max >= 0]
    return min(limits, default=5000)


# characters a form accepts that a document, a database or a mail header may not: control
# characters (Word pastes \x0b, \x07, \x1e, \x1f), a line break, NUL, bidi overrides, non-characters
ODD = (
    "\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1e", "\x1f", "\x7f", "\r\n",
    "\u202e", "\ufffe", "😀",
)  # fmt: skip


def _text(field):
    longest = _max_length(field)
    top = min(longest, 60)
    valid = st.one_of(
        st.builds(lambda s: ("Ө" + s)[:top], st.text(_TEXT, max_size=top)),
        st.sampled_from(["Айгүл Токтосунова", "ОсОО «Ак & Көк» <тест>", XSS[:top]]),
        st.sampled_from(ODD).map(lambda odd: f"Цех{odd}3"[:top]),
        st.sampled_from(["ң", "w"]).map(lambda c: c * longest),  # as long as the form allows
    )
    if not field.flags.required:
        valid = st.one_of(valid, st.sampled_from(["", OMIT]))
    return valid, HOSTILE_TEXT


def _bounds(field, lo, hi):
    for v in field.validators:
        if isinstance(v, NumberRange):
            lo = v.min if v.min is not None else lo
            hi = v.max if v.max is not None else hi
    return lo, hi


HOSTILE_NUMBERS = (
    "1e999999", "1e-999999", "NaN", "-inf", "9" * 40, "1" * 5000, "0x1F", "١٢", "１２", "-0",
    "1_000", " 7 ", "1,5", "1.5.5", "9223372036854775808", "-2147483649", "2147483648",
)  # fmt: skip


def _hostile_number():
    return st.one_of(
        st.sampled_from(HOSTILE_NUMBERS),
        st.integers(-(10**30), 10**30).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        HOSTILE_TEXT,
    )


def _integer(field):
    lo, hi = (int(b) for b in _bounds(field, -(2**31), 2**31 - 1))
    valid = st.one_of(st.sampled_from([lo, hi]), st.integers(lo, hi))  # the ends, and between
    return valid.map(str), _hostile_number()


def _decimal(field):
    lo, hi = (Decimal(str(b)) for b in _bounds(field, -(10**6), 10**6))
    places = field.places if isinstance(field.places, int) else 2
    step = Decimal(1).scaleb(-places)
    ends = [lo, hi, hi - step]  # a column sized for the range holds every value in it
    number = st.one_of(st.sampled_from(ends), st.decimals(lo, hi, places=places))
    valid = st.one_of(number.map(str), number.map(lambda d: str(d).replace(".", ",")))
    return valid, _hostile_number()


def _today() -> date:
    return datetime.now(LOCAL_TZ).date()


HOSTILE_DATES = (
    "0001-01-01", "9999-12-31", "1899-12-31", "2200-01-01", "2199-12-31", "1900-01-01",
    "31.02.2026", "2026-02-30", "2026-13-01", "00.00.0000", "today",
)  # fmt: skip
HOSTILE_TIMES = (
    "0001-01-01T00:00", "9999-12-31T23:59", "1900-01-01T00:00", "2199-12-31T23:59",
    "1900-01-01 05:59", "2026-01-01T24:00", "2026-01-01T10:61", "01.01.0001 00:00",
)  # fmt: skip


def _date(field):
    past = st.integers(1, 3650).map(lambda d: _today() - timedelta(days=d))
    valid = st.one_of(past.map(date.isoformat), past.map(lambda d: d.strftime("%d.%m.%Y")))
    return valid, st.one_of(st.sampled_from(HOSTILE_DATES), HOSTILE_TEXT)


def _datetime(field):
    def ago(hours):
        now = datetime.now(LOCAL_TZ).replace(tzinfo=None, second=0, microsecond=0)
        return now - timedelta(hours=hours)

    past = st.sampled_from([1, 2, 3, 5, 30, 200]).map(ago)
    fmts = st.sampled_from(["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H:%M"])
    valid = st.builds(lambda t, f: t.strftime(f), past, fmts)
    return valid, st.one_of(st.sampled_from(HOSTILE_TIMES + HOSTILE_DATES), HOSTILE_TEXT)


def _choice_values(field) -> list[str]:
    values = [str(v) for v, *_ in (field.choices or [])]
    if field.name.endswith("_id") or field.name.endswith("_ids"):
        values += ["1", "2", "3"]  # rows the view offers only at request time
    return values or [""]


def _select(field):
    valid = st.sampled_from(_choice_values(field))
    hostile = st.one_of(st.sampled_from(["", " ", "-1", "0", "99999999999"]), HOSTILE_TEXT)
    return valid, hostile


def _multi_select(field):
    valid = st.lists(st.sampled_from(_choice_values(field)), max_size=3, unique=True)
    hostile = st.lists(HOSTILE_TEXT.filter(lambda v: v is not OMIT), min_size=1, max_size=3)
    return valid.map(lambda values: values or OMIT), hostile


def _boolean(field):
    hostile = st.one_of(st.sampled_from(["false", "0", ""]), HOSTILE_TEXT)
    return st.sampled_from([OMIT, "y", "on"]), hostile


def _docx() -> bytes:
    out = io.BytesIO()
    docx.Document().save(out)  # a real Word document: a ZIP named .docx is refused
    return out.getvalue()


def _png(size=(4, 3)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


GOOD_FILES = (
    Upload("место.png".encode(), _png(), "image/png"),
    Upload(b"act.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"),
    Upload(
        "акт.docx".encode(),
        _docx(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
)
MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"%PDF-", b"PK\x03\x04", b"")
BAD_NAMES = (
    b"", b"../../etc/passwd", b"a\x00b.pdf", b"x" * 1000 + b".pdf", XSS.encode() + b".png",
    b"CON.pdf", "фото ң ү ө.JPG".encode(), b"\xed\xa0\x80.pdf", b"photo.jpg\r\n.exe",
)  # fmt: skip


def _file(field):
    hostile = st.one_of(
        st.builds(
            Upload,
            st.one_of(st.sampled_from(BAD_NAMES), st.binary(max_size=30)),
            st.builds(lambda m, b: m + b, st.sampled_from(MAGIC), st.binary(max_size=200)),
        ),
        # past the evidence limit (10 MB), past the request limit (16 MB)
        st.sampled_from([10 * 2**20 + 1, 16 * 2**20 + 1]).map(
            lambda n: Upload(b"big.pdf", b"%PDF-" + bytes(n))
        ),
        st.sampled_from([OMIT, "not a file"]),
    )
    return st.sampled_from(GOOD_FILES), hostile


# most specific first: our DateField is a DateTimeField, a SelectMultipleField a SelectField
BUILDERS = (
    (fields.FileField, _file),
    (fields.DateField, _date),
    (fields.DateTimeField, _datetime),
    (fields.IntegerField, _integer),
    (fields.DecimalField, _decimal),
    (fields.SelectMultipleField, _multi_select),
    (fields.SelectField, _select),
    (fields.BooleanField, _boolean),
    (fields.StringField, _text),  # text areas, e-mail, URL, password, hidden
)


def leaves(form):
    """The fields a browser sends: those of nested forms, and up to three list entries."""
    for field in form:
        if field.name == "csrf_token":
            continue
        if isinstance(field, fields.FormField):
            yield from leaves(field.form)
        elif isinstance(field, fields.FieldList):
            while len(field.entries) < 3:
                field.append_entry()
            for entry in field.entries:
                yield from leaves([entry]) if isinstance(entry, fields.FormField) else [entry]
        else:
            yield field


def field_strategies(field):
    """(valid, hostile) for one bound field, from its type and validators; a hint, if the
    field has one, replaces the valid strategy."""
    build = next((b for kind, b in BUILDERS if isinstance(field, kind)), None)
    if build is None:
        raise TypeError(f"no fuzzing strategy for {type(field).__name__} {field.name!r}: add one")
    valid, hostile = build(field)
    if field.short_name in HINTS:
        valid = st.sampled_from(HINTS[field.short_name])
    return valid, hostile


@st.composite
def submissions(draw, forms) -> dict:
    """One POST's fields for these bound forms: a few hostile, the rest valid."""
    table = {f.name: field_strategies(f) for form in forms for f in leaves(form)}
    names = sorted(table)
    hostile = draw(st.sets(st.sampled_from(names), max_size=len(names))) if names else set()
    out = {}
    for name in names:
        valid, bad = table[name]
        out[name] = draw(bad if name in hostile else valid)
    return out


def _bytes(value) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


BOUNDARY = "----fuzz-9c1f5e0b2d7a4e6f8b3c"  # fixed, so a failing example replays byte for byte


def encode(data: dict, multipart: bool) -> tuple[bytes, str]:
    """The request body and its content type; values may be bytes that are not UTF-8."""
    pairs = [
        (name, v)
        for name, value in data.items()
        for v in (value if isinstance(value, list) else [value])
        if v is not OMIT
    ]
    if not multipart:
        body = "&".join(
            f"{quote_from_bytes(name.encode(), safe='')}={quote_from_bytes(_bytes(v), safe='')}"
            for name, v in pairs
        )
        return body.encode(), "application/x-www-form-urlencoded"
    # files last: werkzeug's parser, stopped by a text part past its memory limit (413),
    # leaves a file it had begun to spool unclosed (a ResourceWarning, an error here)
    pairs.sort(key=lambda pair: isinstance(pair[1], Upload))
    boundary = BOUNDARY
    out = io.BytesIO()
    for name, v in pairs:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'.encode())
        if isinstance(v, Upload):
            # as browsers send them: quotes and line breaks escaped, everything else raw
            safe = v.filename.replace(b'"', b"%22").replace(b"\r", b"%0D").replace(b"\n", b"%0A")
            out.write(b'; filename="' + safe + b'"\r\nContent-Type: ' + v.content_type.encode())
            out.write(b"\r\n\r\n" + v.data + b"\r\n")
        else:
            out.write(b"\r\n\r\n" + _bytes(v) + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"
