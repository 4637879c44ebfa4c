"""What bounds a measurement, for docs/performance.md when a target is missed: the SQL a request
runs (each statement's time, and the query plan of the slowest: EXPLAIN ANALYZE on PostgreSQL,
EXPLAIN QUERY PLAN on SQLite) and a cProfile of the Python side, summed per library."""

from __future__ import annotations

import cProfile
import pstats
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event

_ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def recorded(engine):
    """Every statement the engine runs inside the block: [(ms, sql, params)]."""
    found: list[tuple[float, str, object]] = []
    mine = threading.get_ident()  # not the statements of the app's job thread

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def after(conn, cursor, statement, parameters, context, executemany):
        started = conn.info["bench_started"].pop()
        if threading.get_ident() == mine:
            found.append(((time.perf_counter() - started) * 1000, statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def explain(engine, statement: str, parameters, analyze: bool = True) -> str:
    """The plan of one recorded statement, run again with the same parameters (on PostgreSQL
    with `analyze`: EXPLAIN ANALYZE; SQLite's EXPLAIN QUERY PLAN never runs it)."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            how = "(ANALYZE, BUFFERS) " if analyze else ""
            rows = conn.exec_driver_sql(f"EXPLAIN {how}{statement}", parameters)
            return "\n".join(r[0] for r in rows)
        rows = list(conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
    depth: dict[int, int] = {0: 0}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, 0) + 1
        lines.append("  " * (depth[node] - 1) + detail)
    return "\n".join(lines)


def sql_profile(engine, run: Callable[[], object]) -> dict:
    """The statements of one `run()` by time, and the plan of the slowest (when it only
    reads: EXPLAIN ANALYZE runs the statement again)."""
    with recorded(engine) as found:
        run()
    if not found:
        return {"statements": 0, "sql_ms": 0.0, "slowest": [], "plan": ""}
    ranked = sorted(found, key=lambda f: -f[0])
    ms, statement, parameters = ranked[0]
    return {
        "statements": len(found),
        "sql_ms": round(sum(f[0] for f in found), 1),
        "slowest": [(round(f[0], 1), _short(f[1])) for f in ranked[:5]],
        "slowest_sql": _one_line(statement),
        "plan": explain(engine, statement, parameters)
        if _one_line(statement).upper().startswith(("SELECT", "WITH"))
        else "(not a query: no plan taken)",
    }


def interrupted(engine, run: Callable[[], object]) -> dict:
    """For a call that runs past its time limit: the statement it was stopped in and that
    statement's plan, without running it again to the end (EXPLAIN, EXPLAIN QUERY PLAN)."""
    started: list[tuple[str, object]] = []
    mine = threading.get_ident()

    def before(conn, cursor, statement, parameters, context, executemany):
        if threading.get_ident() == mine:
            started.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        run()
    except Exception:  # noqa: BLE001, S110 - stopping it is the point
        pass
    finally:
        event.remove(engine, "before_cursor_execute", before)
    if not started:
        return {"stopped_in": "", "plan": ""}
    statement, parameters = started[-1]
    try:
        plan = explain(engine, statement, parameters, analyze=False)
    except Exception as exc:  # noqa: BLE001 - the report says so
        plan = f"(no plan: {type(exc).__name__})"
    return {"statements": len(started), "stopped_in": _one_line(statement), "plan": plan}


def _one_line(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()


def _short(sql: str, limit: int = 160) -> str:
    text = _one_line(sql)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_GROUPS = (
    ("incidents/", "incidents (our app)"),
    ("workflows/", "workflows (our state machines)"),
    ("doc_templates/", "doc_templates (our documents)"),
    ("forms/", "forms (our WTForms)"),
    ("/sqlalchemy/", "SQLAlchemy"),
    ("/jinja2/", "Jinja2 (templates)"),
    ("/markupsafe/", "Jinja2 (templates)"),
    ("/babel/", "Babel / Flask-Babel (i18n)"),
    ("/flask_babel/", "Babel / Flask-Babel (i18n)"),
    ("/werkzeug/", "Werkzeug / Flask"),
    ("/flask/", "Werkzeug / Flask"),
    ("/flask_login/", "Werkzeug / Flask"),
    ("/flask_wtf/", "WTForms / Flask-WTF"),
    ("/wtforms/", "WTForms / Flask-WTF"),
    ("/transitions/", "transitions"),
    ("/psycopg/", "database driver"),
    ("/holidays/", "holidays"),
    ("/dateutil/", "dateutil"),
    ("/docxtpl/", "docxtpl / python-docx / lxml"),
    ("/docx/", "docxtpl / python-docx / lxml"),
)


def _group(filename: str, name: str) -> str:
    if filename == "~":  # a built-in
        if "sqlite3" in name or "psycopg" in name:
            return "database driver"
        if "zlib" in name or "lxml" in name:
            return "docxtpl / python-docx / lxml"
        return "built-ins (str, dict, re …)"
    for needle, group in _GROUPS:
        if needle in filename:
            return group
    return "other (stdlib …)"


def python_profile(run: Callable[[], object], repeat: int, top: int = 15) -> dict:
    """cProfile of `repeat` runs: own time per library, and the top functions by own time and
    by cumulative time (milliseconds per run)."""
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(repeat):
        run()
    profiler.disable()
    wall = (time.perf_counter() - started) * 1000 / repeat
    stats = pstats.Stats(profiler)
    groups: dict[str, float] = defaultdict(float)
    rows = []
    for (filename, line, name), (_cc, calls, own, cum, _callers) in stats.stats.items():
        groups[_group(filename, name)] += own
        where = f"{_strip(filename)}:{line}({name})" if filename != "~" else name
        rows.append((own, cum, calls, where))
    per_run = 1000 / repeat
    return {
        "wall_ms": round(wall, 2),
        "by_library": sorted(
            ((g, round(t * per_run, 2)) for g, t in groups.items()), key=lambda kv: -kv[1]
        ),
        "by_own": [
            (round(o * per_run, 2), round(c * per_run, 2), n // repeat, w)
            for o, c, n, w in sorted(rows, key=lambda r: -r[0])[:top]
        ],
        "by_cumulative": [
            (round(o * per_run, 2), round(c * per_run, 2), n // repeat, w)
            for o, c, n, w in sorted(rows, key=lambda r: -r[1])[:top]
        ],
    }


def _strip(filename: str) -> str:
    for marker in ("site-packages/", f"{_ROOT}/", "/lib/python3.11/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename
