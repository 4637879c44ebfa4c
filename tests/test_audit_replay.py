"""Replaying the audit chain against the live rows (incidents/audit_replay.py): a case edited,
inserted or deleted in the database behind the service's back fails `verify`, naming the row,
the columns and the last event that vouched for it; real data raises no false alarm.

The data set is the route access matrix's (tests/access_fixtures.py: an accident driven to the
insurer with a row of every kind, a drafted and signed one, an occupational disease, tokens,
an insurer package and its delivery), plus the reminders a late run sends — built through the
factories and the services, once for the module. Every tampering happens in a transaction
that is rolled back, so the next one starts from the intact data."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Boolean, Date, DateTime, Enum, Integer, Numeric, String, select, text

from incidents.audit_replay import replayed_tables, unchained
from incidents.audit_verify import verify
from incidents.extensions import db as _db
from incidents.models import AuditCheck, AuditEvent
from incidents.services import reminders

from . import access_fixtures as fx


@pytest.fixture(scope="module")
def data(_schema, app_config, tmp_path_factory):
    with fx.module_app(app_config, tmp_path_factory, "replay") as app:
        built = fx.build(app)
        assert reminders.send_due_reminders(datetime.now() + timedelta(days=400)) > 0
        yield built


def _rows(table):
    with _db.engine.connect() as conn:
        return conn.execute(select(table).order_by(*table.primary_key.columns)).all()


def _last_event(table: str, row: int) -> AuditEvent:
    """The oracle: the last event whose data names this row, read plainly from the log."""
    found = None
    for event in _db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)):
        data = json.loads(event.content)["data"]
        if data.get("table") == table and data.get("row") == row and data.get("op"):
            found = event
    return found


def _verdict_with(*statements):
    """verify() after the raw SQL `statements`, all rolled back afterwards."""
    with _db.engine.connect() as conn:
        trans = conn.begin()
        try:
            for sql, params in statements:
                conn.execute(text(sql), params)
            return verify(conn)
        finally:
            trans.rollback()


def _update(table: str, column: str, value, row_id: int):
    sql = f"UPDATE {table} SET {column} = :v WHERE id = :id"  # noqa: S608 - names of ours
    return sql, {"v": value, "id": row_id}


def _forged(column, value):
    """Another value of the column's own type (what a hand edit would write)."""
    kind = column.type
    if isinstance(kind, Enum):
        members = [m.name for m in kind.enum_class]
        return next(m for m in members if m != value)
    if isinstance(kind, Boolean):
        return not value
    if isinstance(kind, DateTime):
        return (value or datetime(2026, 1, 5, 9, 30)) + timedelta(days=1)
    if isinstance(kind, Date):
        return (value or date(2026, 1, 5)) + timedelta(days=1)
    if isinstance(kind, Numeric):
        return float(value or 0) + 1  # sqlite3 binds no Decimal
    if isinstance(kind, Integer):
        return (value or 0) + 1
    length = getattr(kind, "length", None) or 100
    return next(v[:length] for v in ("подделано", "X", "Y") if v[:length] != value)


# The kind of column edited in each table, in order of preference: text first (a name, a
# place, a statement), then whatever the table has.
_PREFERENCE = (String, DateTime, Date, Numeric, Boolean, Integer)


def _column_to_edit(table):
    candidates = [
        c
        for c in table.columns
        if not c.primary_key
        and not c.foreign_keys
        and not unchained(table.name, c.name)
        and not (c.unique or any(c.name in u.columns for u in table.constraints if _unique(u)))
    ]
    for kind in _PREFERENCE:
        for column in candidates:
            if isinstance(column.type, kind) and not (
                kind is String and isinstance(column.type, Enum)
            ):
                return column
    return candidates[0]


def _unique(constraint) -> bool:
    return type(constraint).__name__ == "UniqueConstraint"


def test_the_real_data_replays_clean(data):
    with _db.engine.connect() as conn:
        verdict = verify(conn)
    assert verdict.ok, verdict.problem
    total = sum(len(_rows(t)) for t in replayed_tables())
    assert verdict.rows == total and verdict.differing == 0


def test_every_case_table_has_rows_to_tamper_with(data):
    """The list comes from the models: a new table without rows here fails, so the builder
    grows with the schema and the edits below cover it."""
    empty = [t.name for t in replayed_tables() if not _rows(t)]
    assert not empty, f"the data set has no row of {empty}: build one in the fixture"


@pytest.mark.parametrize("table_name", sorted(t.name for t in replayed_tables()))
def test_a_raw_update_of_any_case_table_is_named(data, table_name):
    table = _db.metadata.tables[table_name]
    row = _rows(table)[-1]
    column = _column_to_edit(table)
    old, new = getattr(row, column.key), _forged(column, getattr(row, column.key))
    last = _last_event(table_name, row.id)
    assert last is not None
    verdict = _verdict_with(_update(table_name, column.name, new, row.id))
    assert not verdict.ok, f"{table_name}.{column.name} {old!r} -> {new!r} not detected"
    assert verdict.broken_seq is None and verdict.differing == 1, verdict.problem
    problem = verdict.problem
    assert f"{table_name} {row.id} differs: {column.name} expected" in problem, problem
    assert f"last vouched for by event {last.seq} at {last.at.isoformat()}" in problem, problem


def test_a_raw_insert_is_named_as_unrecorded(data):
    case_id = data.ids["A"]
    verdict = _verdict_with(
        (
            "INSERT INTO witness (id, case_id, full_name) VALUES (9000, :case, 'Подставной')",
            {"case": case_id},
        )
    )
    assert not verdict.ok and verdict.differing == 1, verdict.problem
    assert "witness 9000 is not in the chain: no event records this row" in verdict.problem


def test_a_raw_delete_is_named_as_missing(data):
    table = _db.metadata.tables["case_transition"]
    row = _rows(table)[0]
    last = _last_event("case_transition", row.id)
    verdict = _verdict_with(("DELETE FROM case_transition WHERE id = :id", {"id": row.id}))
    assert not verdict.ok and verdict.differing == 1, verdict.problem
    assert f"case_transition {row.id} is missing" in verdict.problem
    assert f"event {last.seq} at {last.at.isoformat()}" in verdict.problem


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("case_file", "occurred_at", "2020-01-01 00:00:00.000000"),  # a datetime
        ("case_file", "hazardous_facility", True),  # a boolean
        ("case_file", "category", "severe"),  # an enum, stored by name
        ("victim", "service_total_years", 99.5),  # a decimal
        ("victim", "birth_date", "1960-02-29"),  # a date
        ("case_file", "category", "no_such_member"),  # not a member: shown, not a crash
    ],
)
def test_a_typed_column_compares_by_its_type(data, table, column, value):
    row_id = data.ids["A"] if table == "case_file" else data.ids["victim"]
    verdict = _verdict_with(_update(table, column, value, row_id))
    assert not verdict.ok and verdict.differing == 1, verdict.problem
    assert f"{table} {row_id} differs: {column} expected" in verdict.problem


def test_a_rewritten_value_equal_to_the_logged_one_is_no_difference(data):
    """The same value written back in another spelling (a decimal with more places, the
    same moment) is the same value."""
    victim = _db.metadata.tables["victim"]
    row = next(r for r in _rows(victim) if r.service_total_years is not None)
    verdict = _verdict_with(
        (
            "UPDATE victim SET service_total_years = :v WHERE id = :id",
            {"v": str(row.service_total_years.quantize(Decimal("0.000"))), "id": row.id},
        )
    )
    assert verdict.ok, verdict.problem


def test_the_command_and_the_admin_page_name_the_rows(data):
    """Committed this time (and put back): the CLI lists the row and fails, the verdict is
    kept, and "verify now" shows the rows in the administrator's language."""
    app, admin = data.app, data.users["admin"]
    victim_id = data.ids["victim"]
    [(name,)] = _db.session.execute(
        text("SELECT full_name FROM victim WHERE id = :id"), {"id": victim_id}
    ).all()
    _db.session.rollback()
    with _db.engine.begin() as conn:
        conn.execute(
            text("UPDATE victim SET full_name = 'Подменённый' WHERE id = :id"), {"id": victim_id}
        )
    try:
        result = app.test_cli_runner().invoke(args=["audit", "verify"])
        assert result.exit_code == 1, result.output
        assert f"row differs: victim {victim_id} differs: full_name expected" in result.output
        assert "but 1 of" in result.output
        check = _db.session.scalars(select(AuditCheck).order_by(AuditCheck.id.desc())).first()
        assert not check.ok and check.broken_seq is None
        assert f"victim {victim_id} differs" in check.problem and "Подменённый" in check.problem

        client = fx.client(data, "admin")
        assert client.post("/admin/audit/verify").status_code == 303
        page = client.get("/admin/audit").text
        with app.test_request_context(), force_locale(admin.language):
            heading = _("The chain is intact, but rows in the database differ from it:")
        assert heading in page
        assert f"victim {victim_id} differs: full_name" in page
    finally:
        with _db.engine.begin() as conn:
            conn.execute(
                text("UPDATE victim SET full_name = :n WHERE id = :id"),
                {"n": name, "id": victim_id},
            )
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
