"""Writing generated rows in bulk (demo_scale.py), past the ORM and its listeners: the audit
log and the derived columns see none of these rows (the generator fills and refreshes what
they would have).

Each table's statement is built once from the SQLAlchemy table: a Core `insert()` compiled
for the dialect, run through the driver's executemany with the rows passed through the
column types' bind processors (how SQLite stores a datetime, an enum's name). On PostgreSQL
the same rows go through COPY instead: measured on this project's machine, psycopg's
executemany of the compiled insert wrote the documents table at ~8,000 rows/s and COPY at
~12,500 (under load; the gap grows on an idle server), and the one-statement-many-rows
INSERT at ~2,000. A column a row leaves out gets its scalar default, else NULL.

`Writer` runs in a thread with its own connection, so the next batch is built while the
database stores the last one (both drivers release the GIL while they wait)."""

from __future__ import annotations

import queue
import threading
from datetime import datetime
from operator import itemgetter

from sqlalchemy import Date, DateTime, bindparam, insert

from .extensions import db

_SAMPLES = (datetime(2024, 2, 29, 23, 59, 58, 123456), datetime(2024, 1, 1))


def _iso_datetime(value):
    return None if value is None else value.isoformat(" ", "microseconds")


def _iso_date(value):
    return None if value is None else value.isoformat()


def _processor(column, dialect):
    """The column type's bind processor; for SQLite's dates and times the same text made by
    isoformat (C code, several times faster), if it is indeed the same."""
    proc = column.type._cached_bind_processor(dialect)
    if proc is None:
        return None
    if isinstance(column.type, DateTime) and all(proc(v) == _iso_datetime(v) for v in _SAMPLES):
        return _iso_datetime
    if isinstance(column.type, Date) and all(
        proc(v.date()) == v.date().isoformat() for v in _SAMPLES
    ):
        return _iso_date
    return proc


class BulkWriter:
    """Writes lists of row dicts into named tables on a connection (see the module docstring)."""

    def __init__(self, dialect):
        self.dialect = dialect
        self.copy = dialect.name == "postgresql" and dialect.driver == "psycopg"
        self._plans: dict[tuple[str, bool], tuple] = {}
        self.rows = 0

    def _plan(self, name: str, with_id: bool) -> tuple:
        key = (name, with_id)
        if key not in self._plans:
            table = db.metadata.tables[name]
            columns = [c for c in table.columns if with_id or c.key != "id"]
            if self.copy:
                quote = self.dialect.identifier_preparer.quote
                names = ", ".join(quote(c.name) for c in columns)
                sql, order = f"COPY {quote(table.name)} ({names}) FROM STDIN", None
            else:
                stmt = insert(table).inline().values({c.key: bindparam(c.key) for c in columns})
                compiled = stmt.compile(dialect=self.dialect)
                sql, order = compiled.string, compiled.positiontup
            by_key = {c.key: c for c in columns}
            keys = list(order or by_key)
            defaults = {}
            for k in keys:
                default = by_key[k].default
                defaults[k] = default.arg if default is not None and default.is_scalar else None
            procs = [(i, _processor(by_key[k], self.dialect)) for i, k in enumerate(keys)]
            procs = [(i, p) for i, p in procs if p is not None]
            self._plans[key] = (sql, keys, defaults, itemgetter(*keys), procs, order is not None)
        return self._plans[key]

    def _params(self, plan: tuple, rows: list[dict]) -> list[tuple]:
        _sql, _keys, defaults, getter, procs, _positional = plan
        params = []
        for row in rows:
            values = list(getter({**defaults, **row}))
            for i, proc in procs:
                if values[i] is not None:
                    values[i] = proc(values[i])
            params.append(tuple(values))
        return params

    def write(self, conn, name: str, rows: list[dict]) -> None:
        if not rows:
            return
        plan = self._plan(name, "id" in rows[0])
        sql, keys, params = plan[0], plan[1], self._params(plan, rows)
        if self.copy:
            with conn.connection.driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
                for row in params:
                    copy.write_row(row)
        elif plan[-1]:  # positional placeholders
            conn.exec_driver_sql(sql, params)
        else:
            conn.exec_driver_sql(sql, [dict(zip(keys, p, strict=True)) for p in params])
        self.rows += len(rows)


class Writer(threading.Thread):
    """Stores batches ({table: rows}, written in `order`, one transaction each) from a short
    queue on a connection of its own; `put` re-raises the thread's error, `finish` waits."""

    def __init__(self, engine, order: tuple[str, ...]):
        super().__init__(name="demo-scale-writer", daemon=True)
        self.engine, self.order = engine, order
        self.bulk = BulkWriter(engine.dialect)
        self.batches: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with self.engine.connect() as conn:
                while (tables := self.batches.get()) is not None:
                    with conn.begin():
                        for name in self.order:
                            self.bulk.write(conn, name, tables.get(name, []))
        except BaseException as exc:  # noqa: BLE001 - handed to the generating thread
            self.error = exc
            while self.batches.get() is not None:  # unblock the producer until it stops
                pass

    def _check(self) -> None:
        if self.error is not None:
            raise self.error

    def put(self, tables: dict) -> None:
        self._check()
        self.batches.put(tables)

    def finish(self) -> int:
        """Wait for every batch; the number of rows written."""
        self.batches.put(None)
        self.join()
        self._check()
        return self.bulk.rows
