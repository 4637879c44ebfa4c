"""The audit anchor of an issued document: the head of the application's audit chain (event
number and hash) at the moment the document was issued, written into the file itself.

A copy of the document that leaves the system (printed, mailed, handed to an insurer) then
pins the chain up to that event: whoever later rewrites the stored log, however consistently,
cannot change the hash printed on paper and kept in the file. It is written twice:

- the core property ``keywords`` (Word: File → Info → Tags) holds ``audit-head:<seq>:<hash>``,
  the whole 64-digit hash, for ``flask audit verify --anchor`` to read back;
- a small-print line in every footer, in the document's language, shows the event number and
  the first 16 digits, so a paper copy can be checked by eye.

The issue time is written as the file's created / modified dates (the templates carry their
authoring dates otherwise). Nothing else in the file is touched."""

from __future__ import annotations

import re
from datetime import datetime
from io import BytesIO

from docx import Document
from docx.shared import Pt

PREFIX = "audit-head"
SMALL_PT = 7
_KEYWORDS = re.compile(rf"^{PREFIX}:(\d+):([0-9a-f]{{64}})$")

# The footer line's caption, in the document's language (see labels.py: not gettext).
CAPTION = {"ru": "Журнал аудита", "ky": "Аудит журналы"}


def keywords(seq: int, digest: str) -> str:
    return f"{PREFIX}:{seq}:{digest}"


def footer_line(language: str, seq: int, digest: str) -> str:
    return f"{CAPTION[language]}: № {seq}, {digest[:16]}…"


def stamp(data: bytes, language: str, seq: int, digest: str, issued_at: datetime) -> bytes:
    """`data` (a rendered .docx) with the anchor in its properties and footers."""
    doc = Document(BytesIO(data))
    props = doc.core_properties
    props.keywords = keywords(seq, digest)
    props.created = props.modified = issued_at
    line = footer_line(language, seq, digest)
    for footer in _footers(doc):
        run = footer.add_paragraph().add_run(line)
        run.font.size = Pt(SMALL_PT)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def _footers(doc):
    """Every footer definition the document shows (a linked one repeats the previous)."""
    even = doc.settings.odd_and_even_pages_header_footer
    first = doc.sections[0].footer
    if first.is_linked_to_previous:  # a template without a footer: give it one
        first.is_linked_to_previous = False
    for section in doc.sections:
        shown = [section.footer]
        if section.different_first_page_header_footer:
            shown.append(section.first_page_footer)
        if even:
            shown.append(section.even_page_footer)
        for footer in shown:
            if not footer.is_linked_to_previous:
                yield footer


def read(data: bytes) -> tuple[int, str] | None:
    """The anchor `(seq, hash)` kept in a .docx's properties; None when it has none. Raises
    ValueError when `data` is not a .docx at all."""
    try:
        doc = Document(BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises several kinds for non-DOCX
        raise ValueError(f"not a .docx file ({exc.__class__.__name__})") from None
    match = _KEYWORDS.match((doc.core_properties.keywords or "").strip())
    if match is None:
        return None
    return int(match.group(1)), match.group(2)
