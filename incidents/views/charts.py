"""The dashboard's charts, drawn on the server by pygal as SVG: no chart script, no CDN.

Each chart is its own image/svg+xml response shown through <img>. A browser never runs a
script inside an <img>, and pygal's SVG carries its look in an inline <style>, so the
responses get their own policy (`SVG_CSP`) in place of the site's `style-src 'self'`.
pygal still writes a small inline config <script> for its tooltips (even with js=[]); it is
removed, so the image holds nothing that could run or fetch."""

from __future__ import annotations

import math

import pygal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from lxml import etree  # pygal builds its tree with lxml when installed (docxtpl needs it)
from pygal.style import DefaultStyle

from ..labels import label
from ..models import CaseKind, CaseStatus, Category
from ..models.timeutil import utcnow
from ..services import dashboard, statistics
from ..services.statistics import Period, Scope
from .statistics_tables import key_label, month_label

SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"
_STYLE = DefaultStyle(
    font_family="'DejaVu Sans', 'Liberation Sans', Arial, sans-serif",  # Cyrillic, ң ү ө
    background="white",
    plot_background="white",
)
_TOP_CAUSES = 10
TITLES = {
    "month": _l("Cases by month"),
    "category": _l("Cases by category"),
    "cause": _l("Accidents by main cause"),
    "stage": _l("Open cases by stage"),
    "overdue": _l("Open cases by deadline"),
}


def _chart(cls, title: str, **options):
    defaults = {"show_legend": False, "print_values": True, "truncate_label": 48}
    return cls(
        js=[],  # never a script from a CDN
        style=_STYLE,
        width=720,
        height=380,
        title=title,
        no_data_text=_("No data"),
        **{**defaults, **options},
    )


def _whole_numbers(chart, top: int) -> None:
    """Ticks at whole numbers: a count of cases has no tenths."""
    step = max(1, math.ceil(top / 8))
    chart.y_labels = list(range(0, max(top, 1) + step, step))


def _svg(chart) -> bytes:
    root = chart.render_tree()
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rpartition("}")[2] == "script":
                parent.remove(child)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _by_month(scope: Scope, period: Period):
    counts = statistics.breakdown(scope, period, "month")
    months = period.months()
    chart = _chart(
        pygal.StackedBar,
        str(TITLES["month"]),
        show_legend=True,
        legend_at_bottom=True,
        x_label_rotation=45 if len(months) > 6 else 0,
        print_values=False,
    )
    chart.x_labels = [month_label(m, "LLL yyyy") for m in months]
    accidents = [counts[CaseKind.accident].get(m, 0) for m in months]
    diseases = [counts[CaseKind.occupational_disease].get(m, 0) for m in months]
    chart.add(_("Accidents"), accidents)
    chart.add(_("Occupational diseases"), diseases)
    _whole_numbers(chart, max(map(sum, zip(accidents, diseases, strict=True)), default=0))
    return chart


def _by_category(scope: Scope, period: Period):
    counts = statistics.breakdown(scope, period, "category")
    chart = _chart(pygal.Bar, str(TITLES["category"]))
    accidents = counts[CaseKind.accident]
    chart.x_labels = [label(c) for c in Category] + [_("Occupational disease")]
    values = [accidents.get(c.value, 0) for c in Category]
    values.append(sum(counts[CaseKind.occupational_disease].values()))
    chart.add(_("Cases"), values)
    _whole_numbers(chart, max(values))
    return chart


def _by_cause(scope: Scope, period: Period):
    counts = statistics.breakdown(scope, period, "cause")[CaseKind.accident]
    rows = statistics.ordered("cause", counts, period)[:_TOP_CAUSES]
    chart = _chart(pygal.HorizontalBar, str(TITLES["cause"]))
    chart.x_labels = [key_label(CaseKind.accident, "cause", key) for key, _n in rows]
    chart.add(_("Cases"), [n for _key, n in rows])
    _whole_numbers(chart, max((n for _key, n in rows), default=0))
    return chart


def _by_stage(scope: Scope, period: Period):
    counts = dashboard.open_by_stage(scope)
    stages = [s for s in CaseStatus if s in counts]
    chart = _chart(pygal.HorizontalBar, str(TITLES["stage"]))
    chart.x_labels = [label(s) for s in stages]
    chart.add(_("Cases"), [counts[s] for s in stages])
    _whole_numbers(chart, max(counts.values(), default=0))
    return chart


def _by_overdue(scope: Scope, period: Period):
    counts = dashboard.open_by_overdue(scope, utcnow())
    chart = _chart(pygal.Pie, str(TITLES["overdue"]), show_legend=True, inner_radius=0.4)
    titles = {
        "overdue": _("Overdue"),
        "on_time": _("On time"),
        "no_deadline": _("No deadline running"),
    }
    for key, text in titles.items():
        if counts[key]:
            chart.add(f"{text}: {counts[key]}", counts[key])
    return chart


_DRAW = {
    "month": _by_month,
    "category": _by_category,
    "cause": _by_cause,
    "stage": _by_stage,
    "overdue": _by_overdue,
}


CHARTS = tuple(_DRAW)  # in the order the dashboard shows them


def render(name: str, scope: Scope, period: Period) -> bytes:
    return _svg(_DRAW[name](scope, period))
