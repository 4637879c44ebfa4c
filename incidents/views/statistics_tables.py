"""The statistics as people read them: the breakdowns' titles and keys in the user's language,
the table of indicators, and the same tables as an XLSX workbook (one sheet per table)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from io import BytesIO

import xlsxwriter
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..labels import code_label, label
from ..models import CaseKind, Category, DiseaseForm
from ..services.statistics import BREAKDOWNS, Figures, Statistics

KIND_TITLES = {
    CaseKind.accident: _l("Accidents"),
    CaseKind.occupational_disease: _l("Occupational diseases"),
}
TITLES = {
    "event_type": _l("Event type"),
    "cause": _l("Main cause"),
    "diagnosis": _l("Diagnosis (ICD-10)"),
    "unit": _l("Structural unit"),
    "month": _l("Month"),
}


def title(kind: CaseKind, name: str) -> str:
    if name == "category":  # a disease has a form instead of a category
        return _("Category") if kind == CaseKind.accident else _("Form of the disease")
    return str(TITLES[name])


def month_label(key: str, pattern: str = "LLLL yyyy") -> str:
    year, month = key.split("-")
    return format_date(date(int(year), int(month), 1), pattern)


def _coded(which: str, key: str) -> str:
    text = code_label(which, key)
    return key if text == key else f"{key} — {text}"


def key_label(kind: CaseKind, name: str, key: str | None) -> str:
    if key is None:
        return _("Not specified")
    if name == "category":
        enum = Category if kind == CaseKind.accident else DiseaseForm
        return label(enum(key)) if key in enum.__members__ else key
    if name == "event_type":
        return _coded("event_types", key)
    if name == "cause":
        return _coded("causes", key)
    if name == "diagnosis":
        return _coded("icd10", key)
    if name == "month":
        return month_label(key)
    return key


@dataclass
class Table:
    kind: CaseKind
    name: str
    title: str
    rows: list[tuple[str, int]]

    @property
    def anchor(self) -> str:
        return f"{self.kind.value}-{self.name}"


def tables(stats: Statistics) -> list[Table]:
    return [
        Table(
            f.kind,
            name,
            title(f.kind, name),
            [(key_label(f.kind, name, key), n) for key, n in f.by.get(name, [])],
        )
        for f in stats.figures()
        for name in BREAKDOWNS[f.kind]
    ]


def indicators(stats: Statistics) -> list[tuple[str, list, str | None]]:
    """(indicator, [accidents, diseases], number format or None)."""

    def each(get) -> list:
        return [get(f) for f in stats.figures()]

    rate = "0.00"
    return [
        (_("Cases"), each(lambda f: f.cases), None),
        (_("Victims"), each(lambda f: f.victims), None),
        (_("Deaths"), each(lambda f: f.deaths), None),
        (_("Days of incapacity"), each(lambda f: f.days_lost), None),
        (_("Headcount"), each(lambda f: f.headcount), None),
        (_("Frequency rate (cases per 1,000 workers)"), each(Figures.frequency.fget), rate),
        (_("Severity rate (days lost per injury)"), each(Figures.severity.fget), rate),
        (_("Fatality rate (deaths per 1,000 workers)"), each(Figures.fatality.fget), rate),
    ]


def sheets(stats: Statistics) -> list[tuple[list[str], list[list]]]:
    """One sheet per breakdown: (header, rows), a column of cases per kind that has
    the breakdown (the category sheet holds the accidents' categories and the diseases'
    forms)."""
    result = []
    for name in ("category", "event_type", "cause", "diagnosis", "unit", "month"):
        figures = [f for f in stats.figures() if name in BREAKDOWNS[f.kind]]
        keys: dict = {}  # key -> the kind that labels it, in the order first met
        for f in figures:
            for key, _n in f.by.get(name, []):
                keys.setdefault(key, f.kind)
        counts = [dict(f.by.get(name, [])) for f in figures]
        head = _("Category") if name == "category" else str(TITLES[name])
        rows = [
            [key_label(kind, name, key), *(c.get(key, 0) for c in counts)]
            for key, kind in keys.items()
        ]
        result.append(([head, *(str(KIND_TITLES[f.kind]) for f in figures)], rows))
    return result


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(text: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique ignoring case."""
    base = _SHEET_FORBIDDEN.sub(" ", text).strip()[:31]
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" {n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def workbook(stats: Statistics, heading: str) -> bytes:
    """The indicators, then one sheet per breakdown."""
    out = BytesIO()
    # a few hundred rows at most: kept in memory (the big exports use constant_memory)
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    formats = {"0.00": book.add_format({"num_format": "0.00"})}
    taken: set[str] = set()
    sheet = book.add_worksheet(_sheet_name(_("Summary"), taken))
    sheet.write(0, 0, heading, bold)
    sheet.write_row(2, 0, [_("Indicator"), *(str(KIND_TITLES[f.kind]) for f in stats.figures())])
    sheet.set_row(2, None, bold)
    for r, (name, values, fmt) in enumerate(indicators(stats), start=3):
        sheet.write(r, 0, name)
        for c, value in enumerate(values, start=1):
            if value is not None:
                sheet.write_number(r, c, value, formats.get(fmt))
    sheet.set_column(0, 0, 44)
    sheet.set_column(1, 2, 22)
    for header, rows in sheets(stats):
        sheet = book.add_worksheet(_sheet_name(header[0], taken))
        sheet.write_row(0, 0, header, bold)
        for r, (key, *counts) in enumerate(rows, start=1):
            sheet.write_string(r, 0, key)
            sheet.write_row(r, 1, counts)
        sheet.set_column(0, 0, 60)
        sheet.set_column(1, len(header) - 1, 22)
    book.close()
    return out.getvalue()
