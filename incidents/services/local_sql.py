"""SQL on the Bishkek wall clock: the same expression compiled for SQLite and PostgreSQL, so a
GROUP BY month happens in the database (services/statistics.py)."""

from __future__ import annotations

from sqlalchemy import String, func, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

# Bishkek keeps UTC+6 all year (no daylight saving since 2005): a fixed shift in SQL is exact
BISHKEK_OFFSET_HOURS = 6


class local_month(FunctionElement):  # noqa: N801  (reads like the SQL function it is)
    """'YYYY-MM' of a naive-UTC timestamp on the Bishkek wall clock, in the database."""

    type = String()
    name = "local_month"
    inherit_cache = True


@compiles(local_month, "sqlite")
def _local_month_sqlite(element, compiler, **kw):
    (column,) = element.clauses
    shifted = func.strftime("%Y-%m", column, f"+{BISHKEK_OFFSET_HOURS} hours")
    return compiler.process(shifted, **kw)


@compiles(local_month, "postgresql")
def _local_month_postgresql(element, compiler, **kw):
    (column,) = element.clauses
    shift = literal_column(f"interval '{BISHKEK_OFFSET_HOURS} hours'")
    return compiler.process(func.to_char(column + shift, "YYYY-MM"), **kw)
