"""The register's exports: CSV and XLSX (any number of rows, in constant memory) and the .docx
register in Russian or Kyrgyz.

Each exporter takes an iterator of rows and a binary file object, so the views and the
benchmark run the same code: ``write_csv(register.register_stream(org_id, 2025, "ru"), f,
register_columns("accident", "ru"))``. The spreadsheet rows are the typed cells of
doc_templates.context_register (dates as dates, numbers as numbers, None for nothing)."""

from __future__ import annotations

import codecs
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import BinaryIO

import xlsxwriter

from doc_templates.context_register import (
    build_register_context,
    register_columns,
    register_entry,
)

from ..models.timeutil import utcnow
from . import documents

__all__ = [
    "CSV_MIMETYPE",
    "DOCX_MAX_ROWS",
    "DOCX_MIMETYPE",
    "XLSX_MIMETYPE",
    "TooManyRows",
    "iter_csv",
    "register_columns",
    "write_csv",
    "write_docx",
    "write_xlsx",
]

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# docxtpl renders the whole document in memory, about 1.5 ms a row: past this the register
# goes out as a spreadsheet instead of keeping a worker busy for long
DOCX_MAX_ROWS = 5000
CSV_CHUNK_ROWS = 200  # rows per chunk of a streamed CSV
# The register's columns in Excel units (characters), in the order of register_columns.
REGISTER_WIDTHS = (9, 16, 16, 30, 8, 9, 22, 22, 34, 50, 12, 12, 20, 50)
_WRAPPED = {3, 6, 7, 8, 9, 13}  # the long text columns wrap
# a cell that starts like a formula is run by Excel or LibreOffice on opening ("CSV injection")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class TooManyRows(Exception):
    """More rows than a .docx register can hold (DOCX_MAX_ROWS)."""


def _decimal(value: Decimal) -> str:
    """7.5 -> "7,5", 2.0 -> "2": a decimal comma, as ru and ky write numbers."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _csv_text(value) -> str:
    """A cell that is not a string as text: dates as dd.mm.yyyy, numbers with a comma."""
    if isinstance(value, datetime):
        return f"{value.day:02}.{value.month:02}.{value.year} {value.hour:02}:{value.minute:02}"
    if isinstance(value, date):
        return f"{value.day:02}.{value.month:02}.{value.year}"
    if isinstance(value, Decimal):
        return _decimal(value)
    return str(value)


def _csv_field(value) -> str:
    """A cell as CSV has it: quoted (with doubled quotes) only when it holds ";", a quote or
    a line break; done here rather than by the csv module, which is twice as slow at it. A
    string that would start a formula gets a leading apostrophe. One call a cell: a register
    of 100,000 rows has 1.4 million of them."""
    if type(value) is str:
        text = f"'{value}" if value.startswith(_FORMULA_START) else value
    elif value is None:
        return ""
    else:
        text = _csv_text(value)
        if text.startswith(_FORMULA_START):  # a string-like value of another type
            text = f"'{text}"
    if ";" in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def iter_csv(lines: Iterable[Sequence], columns: Sequence[str]) -> Iterator[bytes]:
    """The CSV as byte chunks: UTF-8 with a byte-order mark (so Excel reads Cyrillic right),
    ";" between fields (Excel's separator where the decimal mark is a comma), CRLF lines."""
    chunk = [";".join(_csv_field(c) for c in columns)]
    first = True
    for line in lines:
        chunk.append(";".join([_csv_field(v) for v in line]))
        if len(chunk) >= CSV_CHUNK_ROWS:
            data = ("\r\n".join(chunk) + "\r\n").encode("utf-8")
            yield codecs.BOM_UTF8 + data if first else data
            first, chunk = False, []
    data = ("\r\n".join(chunk) + "\r\n").encode("utf-8") if chunk else b""
    yield codecs.BOM_UTF8 + data if first else data


def write_csv(lines: Iterable[Sequence], out: BinaryIO, columns: Sequence[str]) -> None:
    for chunk in iter_csv(lines, columns):
        out.write(chunk)


def _sheet_name(name: str) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    return name[:31] or "Sheet1"


def write_xlsx(
    lines: Iterable[Sequence],
    out: BinaryIO,
    columns: Sequence[str],
    *,
    sheet: str = "Register",
    widths: Sequence[float] = REGISTER_WIDTHS,
    wrapped: Collection[int] = frozenset(_WRAPPED),
) -> int:
    """Write an .xlsx workbook to `out`; returns the number of data rows. XlsxWriter's
    constant-memory mode flushes each row to a temporary file as soon as the next starts, so
    rows must come in order (they do) and memory stays flat however many there are."""
    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            # user text is text: never a formula, a link or a number
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    top = workbook.add_format({"valign": "top"})
    when = workbook.add_format({"num_format": "dd.mm.yyyy hh:mm", "valign": "top"})
    day = workbook.add_format({"num_format": "dd.mm.yyyy", "valign": "top"})
    decimal = workbook.add_format({"num_format": "0.0", "valign": "top"})
    ws = workbook.add_worksheet(_sheet_name(sheet))
    for col, width in enumerate(widths[: len(columns)]):
        ws.set_column(col, col, width, wrap if col in wrapped else top)
    ws.freeze_panes(1, 0)
    for col, title in enumerate(columns):
        ws.write_string(0, col, title, header)
    n = 0
    for n, line in enumerate(lines, 1):
        for col, value in enumerate(line):
            if value is None:
                continue
            if isinstance(value, datetime):
                ws.write_datetime(n, col, value, when)
            elif isinstance(value, date):
                ws.write_datetime(n, col, datetime.combine(value, time()), day)
            elif isinstance(value, Decimal):
                ws.write_number(n, col, float(value), decimal)
            elif isinstance(value, int | float):
                ws.write_number(n, col, value, top)
            else:
                ws.write_string(n, col, str(value), wrap if col in wrapped else top)
    ws.autofilter(0, 0, max(n, 1), len(columns) - 1)
    workbook.close()
    return n


def write_docx(
    rows: Iterable,
    out: BinaryIO,
    *,
    organisation,
    year: int,
    kind,
    lang: str,
    rules,
    now=None,
    limit: int = DOCX_MAX_ROWS,
) -> int:
    """Render the `register` template in `lang` ("ru" or "ky") from the register's rows (the
    service's RegisterRow); returns the number of entries. Raises TooManyRows past `limit`."""
    entries = []
    for row in rows:
        if len(entries) >= limit:
            raise TooManyRows(limit)
        entries.append(register_entry(row, lang, rules))
    now = now or utcnow()
    context = build_register_context(organisation, year, kind, entries, lang, now)
    out.write(documents.render("register", lang, context, now=now))
    return len(entries)
