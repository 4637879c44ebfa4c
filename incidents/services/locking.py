"""Deciding on a row's current state when two people act on it at the same moment.

A service that checks a row before changing it ("not lifted yet", "not answered yet") reads
the row at the start of the request; a second request reading it at the same moment would
pass the same check, and both would write: a hold lifted twice, a package answered twice.
`lock` takes the row for this transaction first — PostgreSQL's row lock, SQLite's write lock
(its writers queue: see incidents/__init__.py) — and reads it again, so whoever comes second
waits for the first to finish and then sees what it did. Locks are taken in the order given:
pass the case before its rows, everywhere, so two requests never wait for each other."""

from __future__ import annotations

from sqlalchemy import inspect, update

from ..extensions import db


def lock(*rows) -> None:
    """Hold `rows` until the commit or rollback and load their committed state. The lock is a
    write that changes nothing (the primary key set to itself): no audit event, no version."""
    for row in rows:
        mapper = inspect(row).mapper
        table = mapper.local_table
        key = {
            c.name: getattr(row, mapper.get_property_by_column(c).key) for c in table.primary_key
        }
        same = {name: table.c[name] for name in key}
        where = [table.c[name] == value for name, value in key.items()]
        db.session.execute(update(table).where(*where).values(same))
        db.session.refresh(row)
