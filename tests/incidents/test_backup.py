"""Backup and restore: a backup of a living installation restores into an empty one with every
row of every table and every stored file identical, on SQLite and PostgreSQL and across them;
a damaged backup, a non-empty target or another schema revision is refused, naming the
problem, with nothing written."""

from __future__ import annotations

import base64
import enum
import hashlib
import io
import json
import os
import re
import uuid
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade
from PIL import Image
from sqlalchemy import JSON, create_engine, event, null, select
from sqlalchemy.exc import OperationalError

from incidents import create_app, jobs
from incidents.audit_verify import verify as verify_chain
from incidents.config import TestingConfig
from incidents.extensions import db as _db
from incidents.models import Organisation, OrgKind
from incidents.services import backup, backup_restore, evidence
from tests import disease_factories, factories
from tests.conftest import _create_pg_database, _drop_pg_database

PG_SERVER = os.environ.get("TEST_DATABASE_URL")


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (40, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def populate(world, db, app, full=True):
    """An accident with an uploaded photo (and its thumbnail); with `full`, handed to the
    insurer (its documents and the package its job builds) beside an occupational disease with
    its working conditions described."""
    case = factories.make_case(world)
    evidence.upload(
        case, world.specialist, kind="photo", name="место.jpg", data=photo(), description="Настил"
    )
    if full:
        factories.advance_to(case, world, "insurer_notified")
        sick = disease_factories.make_disease_case(world)
        disease_factories.advance_disease_to(sick, world, "conditions_described")
    db.session.commit()
    if full:
        app.config["SOFFICE_BINARY"] = ""  # no PDF copies: LibreOffice is not under test here
        jobs.run_due()


def dialect(app: Flask) -> str:
    return "postgresql" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postg") else "sqlite"


@contextmanager
def installation(kind: str, root: Path, revision: str = "head"):
    """A second installation, migrated and empty, of `kind` (sqlite or postgresql): its own
    database (dropped afterwards) and its own document store."""
    pg = kind == "postgresql"
    url = _create_pg_database(PG_SERVER) if pg else f"sqlite:///{root / 'db.sqlite3'}"
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=url,
        DOCUMENT_STORE=str(root / "documents"),
        instance_path=str(root / "instance"),
    )
    try:
        with app.app_context():
            upgrade()
            if revision != "head":
                downgrade(revision=revision)
            _db.engine.dispose()
        yield app
    finally:
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()
        if pg:
            _drop_pg_database(url)


def contents(app: Flask) -> dict[str, list[tuple]]:
    """Every row of every table, ordered by primary key."""
    with app.app_context(), _db.engine.connect() as conn:
        return {
            table.name: [
                tuple(row)
                for row in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in _db.metadata.sorted_tables
        }


def stored(app: Flask) -> dict[str, str]:
    """Every file of the document store: its path and SHA-256."""
    root = Path(app.config["DOCUMENT_STORE"])
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def restore(target: Flask, directory: Path) -> dict:
    with target.app_context():
        return backup_restore.restore(directory)


def cli(app: Flask, *args: str):
    """`flask …` on `app`. Its own app context: a command runs in the current one if there is
    one, and the `app` fixture's is always current."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def assert_next_id_follows(target: Flask, source: dict) -> None:
    """New rows get fresh ids after a restore (PostgreSQL: the sequences were reset)."""
    with target.app_context():
        org = Organisation(name="ОсОО «Жаңы»", kind=OrgKind.employer)
        _db.session.add(org)
        _db.session.commit()
        assert org.id == max(row[0] for row in source["organisation"]) + 1


def test_a_backup_restores_every_row_and_file_into_an_empty_installation(app, world, db, tmp_path):
    populate(world, db, app)
    source, files = contents(app), stored(app)
    filled = {name for name, rows in source.items() if rows}
    assert {"generated_document", "evidence", "disease_file", "package_file", "victim"} <= filled
    assert any(path.endswith(".jpg") for path in files) and len(files) > 10

    manifest = backup.create(tmp_path / "backup")
    assert manifest["dialect"] == dialect(app)
    assert {t["name"]: t["rows"] for t in manifest["tables"]} == {
        name: len(rows) for name, rows in source.items()
    }
    assert {d["path"]: d["sha256"] for d in manifest["documents"]} == files
    assert manifest["totals"]["rows"] == sum(len(rows) for rows in source.values())

    with installation(dialect(app), tmp_path / "target") as target:
        with target.app_context(), _db.engine.connect() as conn:
            assert manifest["alembic_revision"] == backup.alembic_revision(conn)
        summary = restore(target, tmp_path / "backup")
        totals = manifest["totals"]
        expected = {"tables": len(source), "rows": totals["rows"], "files": len(files)}
        assert summary == {**expected, "bytes": totals["document_bytes"]}
        assert contents(target) == source
        assert stored(target) == files
        with target.app_context(), _db.engine.connect() as conn:
            verdict = verify_chain(conn)  # the restored audit chain holds, event for event
        assert verdict.ok and verdict.events == len(source["audit_event"]) > 0
        assert_next_id_follows(target, source)


@pytest.mark.skipif(not PG_SERVER, reason="TEST_DATABASE_URL names no PostgreSQL server")
def test_backups_cross_between_postgresql_and_sqlite(app, world, db, tmp_path):
    populate(world, db, app)
    source, files = contents(app), stored(app)
    backup.create(tmp_path / "from-postgresql")
    with installation("sqlite", tmp_path / "sqlite") as lite:
        restore(lite, tmp_path / "from-postgresql")
        assert contents(lite) == source
        with lite.app_context():
            assert backup.create(tmp_path / "from-sqlite")["dialect"] == "sqlite"
    with installation("postgresql", tmp_path / "postgresql") as target:
        restore(target, tmp_path / "from-sqlite")
        assert contents(target) == source
        assert stored(target) == files
        assert_next_id_follows(target, source)


def test_a_restore_into_a_non_empty_installation_is_refused_and_writes_nothing(
    app, world, db, tmp_path
):
    populate(world, db, app, full=False)
    backup.create(tmp_path / "backup")
    with installation(dialect(app), tmp_path / "target") as target:
        with target.app_context():
            factories.make_org("ОсОО «Бар эле»")
            _db.session.commit()
        before = contents(target)
        with pytest.raises(backup.BackupError, match="the target is not empty: table"):
            restore(target, tmp_path / "backup")
        result = cli(target, "backup", "restore", str(tmp_path / "backup"))
        assert result.exit_code == 1 and "the target is not empty" in result.output
        assert contents(target) == before
        assert stored(target) == {}


def test_a_restore_into_another_schema_revision_is_refused(app, world, db, tmp_path):
    populate(world, db, app, full=False)
    manifest = backup.create(tmp_path / "backup")
    with installation(dialect(app), tmp_path / "target", revision="-1") as target:
        with pytest.raises(backup.BackupError, match=manifest["alembic_revision"]):
            restore(target, tmp_path / "backup")
        with target.app_context(), _db.engine.connect() as conn:
            assert backup.alembic_revision(conn) != manifest["alembic_revision"]
        assert stored(target) == {}


def flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damaged", ["table", "document"])
def test_a_damaged_backup_fails_verify_and_restore_naming_the_file(
    app, world, db, tmp_path, damaged
):
    populate(world, db, app, full=False)
    manifest = backup.create(tmp_path / "backup")
    if damaged == "table":
        name = "tables/case_file.jsonl"
    else:
        name = f"documents/{manifest['documents'][0]['path']}"
    flip_a_byte(tmp_path / "backup" / name)

    with pytest.raises(backup.BackupError, match=re.escape(name)):
        backup.verify(tmp_path / "backup")
    result = cli(app, "backup", "verify", str(tmp_path / "backup"))
    assert result.exit_code == 1 and f"Error: {name}: SHA-256" in result.output
    with installation(dialect(app), tmp_path / "target") as target:
        with pytest.raises(backup.BackupError, match=re.escape(name)):
            restore(target, tmp_path / "backup")
        assert not any(contents(target).values())
        assert stored(target) == {}


def test_the_backup_copies_only_stored_files_that_match_their_names(app, world, db, tmp_path):
    populate(world, db, app, full=False)
    photo_file = sorted(Path(app.config["DOCUMENT_STORE"]).rglob("*.jpg"))[0]
    (photo_file.parent / "tmp1x2y.part").write_bytes(b"a write in flight")
    manifest = backup.create(tmp_path / "clean")
    assert manifest["skipped"] == [f"{photo_file.parent.name}/tmp1x2y.part"]
    assert len(manifest["documents"]) == len(stored(app)) - 1

    flip_a_byte(photo_file)
    with pytest.raises(backup.BackupError, match=f"{re.escape(str(photo_file))}: its SHA-256"):
        backup.create(tmp_path / "damaged")
    assert not (tmp_path / "damaged" / "manifest.json").exists()


def test_the_cli_backs_up_verifies_and_restores(app, world, db, tmp_path):
    populate(world, db, app)
    source, files = contents(app), stored(app)
    out = tmp_path / "backup"
    created = cli(app, "backup", "create", str(out))
    assert created.exit_code == 0, created.output
    assert re.search(
        rf"Backed up {len(source)} tables, \d+ rows .* {len(files)} files", created.output
    )
    again = cli(app, "backup", "create", str(out))
    assert again.exit_code == 1 and "not an empty directory" in again.output
    verified = cli(app, "backup", "verify", str(out))
    assert verified.exit_code == 0 and verified.output.startswith("OK: "), verified.output
    with installation(dialect(app), tmp_path / "target") as target:
        restored = cli(target, "backup", "restore", str(out))
        assert restored.exit_code == 0, restored.output
        assert f"Restored {len(source)} tables" in restored.output
        assert contents(target) == source and stored(target) == files


def test_the_dump_is_one_snapshot_while_others_write(app, world, db, tmp_path):
    """A row committed by another connection while the dump runs is not in the backup: on
    PostgreSQL the snapshot does not see it, on SQLite the writer waits for the dump (here it
    gives up after 0.2 s)."""
    populate(world, db, app, full=False)
    before = len(contents(app)["organisation"])
    names = [t.name for t in _db.metadata.sorted_tables]
    first = names[0]  # the dump reads it before organisation
    assert names.index("organisation") > 0
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    writer = create_engine(url, connect_args={"timeout": 0.2} if dialect(app) == "sqlite" else {})
    outcome = []

    def write_meanwhile(conn, cursor, statement, *args):
        if outcome or not re.search(rf"FROM {first}\b", statement):
            return
        try:
            with writer.begin() as other:
                other.execute(Organisation.__table__.insert().values(name="Позже", kind="employer"))
            outcome.append("committed")
        except OperationalError as exc:  # SQLite: "database is locked"
            outcome.append(str(exc))

    event.listen(_db.engine, "before_cursor_execute", write_meanwhile)
    try:
        manifest = backup.create(tmp_path / "backup")
    finally:
        event.remove(_db.engine, "before_cursor_execute", write_meanwhile)
        writer.dispose()
    rows = {t["name"]: t["rows"] for t in manifest["tables"]}
    assert rows["organisation"] == before
    if dialect(app) == "postgresql":
        assert outcome == ["committed"] and len(contents(app)["organisation"]) == before + 1
    else:
        assert outcome and "locked" in outcome[0]


class Colour(enum.Enum):
    red = "r"
    green = "g"


SCRATCH = sa.MetaData()
EVERY_TYPE = sa.Table(
    "backup_every_type",
    SCRATCH,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime),
    sa.Column("at_tz", sa.DateTime(timezone=True)),
    sa.Column("day", sa.Date),
    sa.Column("clock", sa.Time),
    sa.Column("span", sa.Interval),
    sa.Column("amount", sa.Numeric(12, 3)),
    sa.Column("ratio", sa.Double),
    sa.Column("colour", sa.Enum(Colour, native_enum=False)),
    sa.Column("blob", sa.LargeBinary),
    sa.Column("doc", JSON),
    sa.Column("uid", sa.Uuid),
    sa.Column("flag", sa.Boolean),
    sa.Column("note", sa.Text),
    sa.Column("pickled", sa.PickleType),
)
FULL = {
    "id": 1,
    "at": datetime(2026, 1, 2, 3, 4, 5, 678901),
    "at_tz": datetime(2026, 1, 2, 9, 4, 5, 678901, tzinfo=timezone(timedelta(hours=6))),
    "day": date(2026, 2, 28),
    "clock": time(23, 59, 59, 999999),
    "span": timedelta(days=2, seconds=5, microseconds=7),
    "amount": Decimal("123456789.123"),
    "ratio": 0.1,
    "colour": Colour.green,
    "blob": bytes(range(256)),
    "doc": {"ж": [1, 2.5, "ң"], "none": None},
    "uid": uuid.uuid4(),
    "flag": False,
    "note": "строка\nс переводом «ү»",
    "pickled": {"x": (1, 2)},
}


def every_type(engine) -> list[tuple]:
    """The rows, and whether `doc` is SQL NULL (Python reads JSON null as None too)."""
    with engine.connect() as conn:
        query = select(EVERY_TYPE, EVERY_TYPE.c.doc.is_(None)).order_by(EVERY_TYPE.c.id)
        return [tuple(row) for row in conn.execute(query)]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_every_column_type_round_trips_exactly(tmp_path, kind):
    if kind == "postgresql" and not PG_SERVER:
        pytest.skip("TEST_DATABASE_URL names no PostgreSQL server")
    urls = [f"sqlite:///{tmp_path / name}.sqlite3" for name in ("source", "target")]
    urls = [_create_pg_database(PG_SERVER) for _ in urls] if kind == "postgresql" else urls
    source, target = (create_engine(url) for url in urls)
    try:
        for engine in (source, target):
            SCRATCH.create_all(engine)
        with source.begin() as conn:
            conn.execute(EVERY_TYPE.insert(), [FULL])
            conn.execute(EVERY_TYPE.insert(), [{"id": 2, "doc": JSON.NULL}])
            conn.execute(EVERY_TYPE.insert(), [{"id": 3, "doc": null()}])
        (tmp_path / "tables").mkdir()
        with source.connect() as conn:
            assert backup.dump_table(conn, EVERY_TYPE, tmp_path)["rows"] == 3
        lines = (tmp_path / "tables" / "backup_every_type.jsonl").read_text("utf-8").splitlines()
        first = json.loads(lines[0])
        assert first["amount"] == "123456789.123" and first["colour"] == "green"
        assert first["at"] == "2026-01-02T03:04:05.678901"
        assert base64.b64decode(first["blob"]) == FULL["blob"]
        assert [json.loads(line)["doc"] for line in lines[1:]] == ["null", None]
        with target.begin() as conn:
            assert backup_restore.insert_rows(conn, tmp_path, EVERY_TYPE) == 3
        restored = every_type(target)
        assert restored == every_type(source)
        expected = dict(FULL)
        if kind == "sqlite":  # SQLite keeps no time zone: the wall-clock time, naive
            expected["at_tz"] = FULL["at_tz"].replace(tzinfo=None)
        assert restored[0][:-1] == tuple(expected.values())
        assert [row[-1] for row in restored] == [False, False, True]
    finally:
        source.dispose()
        target.dispose()
        if kind == "postgresql":
            for url in urls:
                _drop_pg_database(url)
