"""Injury statistics and the dashboard: the tables of a period with their XLSX export, and the
dashboard's charts, each its own SVG image. Who sees which organisations is
`services.statistics.scope_for`; anyone else gets 403, an anonymous visitor the login page."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from flask import Blueprint, Response, abort, render_template, request, send_file
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..models import Organisation
from ..models.timeutil import to_local, utcnow
from ..services import statistics
from ..services.statistics import Period, Scope
from . import charts
from .statistics_tables import KIND_TITLES, indicators, tables, workbook
from .urlargs import number_arg

bp = Blueprint("statistics", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.before_request
@login_required
def _require_login():
    """Statistics need a logged-in user."""


def _today() -> date:
    return to_local(utcnow()).date()


def _this_year() -> Period:
    today = _today()
    return Period(date(today.year, 1, 1), date(today.year, 12, 31))


def _last_twelve_months() -> Period:
    today = _today()
    # this month and the eleven before it
    if today.month == 12:
        return Period(date(today.year, 1, 1), today)
    return Period(date(today.year - 1, today.month + 1, 1), today)


def _period(default: Period) -> tuple[Period, bool]:
    """The period asked for (?from=&to=, ISO dates), or the default and True when it could
    not be read."""
    raw_from, raw_to = request.args.get("from"), request.args.get("to")
    if not raw_from and not raw_to:
        return default, False
    try:
        start = date.fromisoformat(raw_from) if raw_from else default.start
        end = date.fromisoformat(raw_to) if raw_to else default.end
    except ValueError:
        return default, True
    if start > end or start.year < 1900 or end.year > 2200:
        return default, True
    return Period(start, end), False


def _scope(period: Period) -> tuple[Scope, int | None]:
    organisation_id = number_arg("organisation")
    scope = statistics.scope_for(current_user, period, organisation_id)
    if scope is None:
        abort(403)
    return scope, organisation_id


def _context(default: Period) -> dict:
    """What both pages show above their content: the period, the organisation selector."""
    period, period_error = _period(default)
    scope, organisation_id = _scope(period)
    choices = []
    if not scope.single:
        choices = statistics.organisations(statistics.scope_for(current_user, period))
    args = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    if organisation_id is not None:
        args["organisation"] = organisation_id
    return {
        "period": period,
        "period_error": period_error,
        "scope": scope,
        "choices": choices,
        "selected": organisation_id,
        "args": args,
    }


def _heading(scope: Scope, period: Period) -> str:
    if isinstance(scope.organisations, int):
        who = db.session.get(Organisation, scope.organisations).name
    else:
        who = _("All organisations")
    dates = f"{format_date(period.start, 'dd.MM.yyyy')} – {format_date(period.end, 'dd.MM.yyyy')}"
    return f"{_('Statistics')}: {who}, {dates}"


@bp.get("/statistics")
def index():
    ctx = _context(_this_year())
    stats = statistics.compute(ctx["scope"], ctx["period"])
    return render_template(
        "statistics/index.html",
        stats=stats,
        indicators=indicators(stats),
        tables=tables(stats),
        kind_titles=KIND_TITLES,
        heading=_heading(ctx["scope"], ctx["period"]),
        **ctx,
    )


@bp.get("/statistics.xlsx")
def export():
    period, _error = _period(_this_year())
    scope, _organisation_id = _scope(period)
    data = workbook(statistics.compute(scope, period), _heading(scope, period))
    return send_file(
        BytesIO(data),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"statistics-{period.start.isoformat()}-{period.end.isoformat()}.xlsx",
    )


@bp.get("/dashboard")
def dashboard():
    ctx = _context(_last_twelve_months())
    return render_template(
        "statistics/dashboard.html",
        charts=[(name, charts.TITLES[name]) for name in charts.CHARTS],
        **ctx,
    )


@bp.get("/dashboard/<name>.svg")
def chart(name: str):
    if name not in charts.CHARTS:
        abort(404)
    period, _error = _period(_last_twelve_months())
    scope, _organisation_id = _scope(period)
    response = Response(charts.render(name, scope, period), mimetype="image/svg+xml")
    # the page's policy forbids inline styles; the chart's own style sheet needs them, and a
    # script never runs in an <img> (and none is left in the SVG)
    response.headers["Content-Security-Policy"] = charts.SVG_CSP
    response.headers["Cache-Control"] = "private, max-age=60"
    return response
