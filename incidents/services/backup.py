"""A backup of the whole installation: every table as JSON lines, the document store, and a
manifest of hashes that `verify` checks and `restore` trusts only after checking.

    OUT_DIR/manifest.json              written last: a backup without it is unfinished
    OUT_DIR/tables/<table>.jsonl       one row per line, ordered by primary key
    OUT_DIR/documents/ab/ab…(.suffix)  the store's files, under the names they have there

Consistency while the service runs: every table is read inside one read transaction, a
snapshot (PostgreSQL: REPEATABLE READ, READ ONLY; SQLite: one transaction, during which
writers wait). The document store is copied after the snapshot, and that is safe because its
files are immutable and every file is written (and renamed into place) before the row that
names it commits: whatever a row of the snapshot names is already complete on disk. Files newer
than the snapshot may be copied too; they are only unreferenced extras.

Restoring is in `backup_restore.py`."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import inspect, select, text

from ..extensions import db
from ..jsonvalues import iso
from ..models.timeutil import utcnow
from . import storage
from .backup_codec import codecs

FORMAT = "incidents-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TABLES = "tables"
DOCUMENTS = "documents"
CHUNK = 1024 * 1024
BATCH = 1000
# a stored file: <two hex chars>/<its SHA-256>[.suffix]; temp files of writes in flight
# (".part") and anything else are not part of the store
STORED_PATH = re.compile(r"([0-9a-f]{2})/(\1[0-9a-f]{62})(?:\.[A-Za-z0-9]+)?")
TABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class BackupError(Exception):
    """A backup that cannot be made, verified or restored; the message names the item."""


def table_file(name: str) -> str:
    if not TABLE_NAME.fullmatch(name):
        raise BackupError(f"{name!r}: not a table name")
    return f"{TABLES}/{name}.jsonl"


def document_file(path: str) -> str:
    if not STORED_PATH.fullmatch(path):
        raise BackupError(f"{path!r}: not a document store path")
    return f"{DOCUMENTS}/{path}"


def copy_verified(source: Path, target: Path, sha256: str) -> int:
    """Copy one file, hashing as it goes; it appears under its name (temp file, fsync, rename)
    only when its SHA-256 is `sha256`. Its size."""
    with source.open("rb") as src:
        return _copy_stream(src, str(source), target, sha256)


def _copy_stream(src, label: str, target: Path, sha256: str) -> int:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
            size = out.tell()
        if digest.hexdigest() != sha256:
            raise BackupError(f"{label}: its SHA-256 is {digest.hexdigest()}, not {sha256}")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return size


def file_sha256(path: Path) -> tuple[str, int, int]:
    """(SHA-256, size, line count) of a file."""
    digest, size, lines = hashlib.sha256(), 0, 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            lines += chunk.count(b"\n")
    return digest.hexdigest(), size, lines


def alembic_revision(conn) -> str | None:
    """The schema's migration revision(s), as `flask db upgrade` recorded them."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return ",".join(sorted(versions)) or None


@contextmanager
def snapshot() -> Iterator:
    """A connection in one read transaction: every read sees the same committed state."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            if conn.dialect.name == "sqlite":
                # the sqlite3 driver opens a transaction only before a write: open it now,
                # so that every table is read under the same lock
                conn.exec_driver_sql("BEGIN")
            yield conn


def dump_table(conn, table, out: Path) -> dict:
    """Stream one table into its JSON-lines file (constant memory: a server-side cursor on
    PostgreSQL, rows fetched as read on SQLite)."""
    columns = codecs(table)
    order = list(table.primary_key.columns) or list(table.columns)
    query = select(*(c.read_expression() for c in columns)).order_by(*order)
    name = table_file(table.name)
    digest, size, rows = hashlib.sha256(), 0, 0
    with (out / name).open("wb") as fh:
        for row in conn.execute(query.execution_options(yield_per=BATCH)):
            record = {c.name: c.encode(value) for c, value in zip(columns, row, strict=True)}
            line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
            fh.write(line)
            digest.update(line)
            size += len(line)
            rows += 1
    return {
        "name": table.name,
        "file": name,
        "rows": rows,
        "bytes": size,
        "sha256": digest.hexdigest(),
    }


def _copy_store(store: storage.LocalStore, out: Path) -> tuple[list[dict], list[str]]:
    """Every stored file, checked against its name while copied; (copied, skipped)."""
    copied, skipped = [], []
    for key, stored in store.entries():
        match = STORED_PATH.fullmatch(key)
        if not stored or not match:
            skipped.append(key)
            continue
        with store.open(key) as src:
            size = _copy_stream(src, str(store.path(key)), out / document_file(key), match.group(2))
        copied.append({"path": key, "bytes": size, "sha256": match.group(2)})
    return copied, skipped


def create(out_dir: Path | str) -> dict:
    """Back up the database and the document store into `out_dir` (new or empty); the
    manifest."""
    out = Path(out_dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(f"{out}: not an empty directory")
    (out / TABLES).mkdir(parents=True, exist_ok=True)
    with snapshot() as conn:
        revision = alembic_revision(conn)
        dialect = conn.dialect.name
        tables = [dump_table(conn, table, out) for table in db.metadata.sorted_tables]
    documents, skipped = _copy_store(storage.store(), out)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": iso(utcnow()),
        "alembic_revision": revision,
        "dialect": dialect,
        "tables": tables,
        "documents": documents,
        "skipped": skipped,
        "totals": _totals(tables, documents),
    }
    tmp = out / f"{MANIFEST}.part"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, out / MANIFEST)
    return manifest


def _totals(tables: list[dict], documents: list[dict]) -> dict:
    return {
        "tables": len(tables),
        "rows": sum(t["rows"] for t in tables),
        "table_bytes": sum(t["bytes"] for t in tables),
        "documents": len(documents),
        "document_bytes": sum(d["bytes"] for d in documents),
    }


def read_manifest(backup_dir: Path | str) -> dict:
    path = Path(backup_dir, MANIFEST)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{path}: missing (not a backup, or an unfinished one)") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path}: not valid JSON ({exc})") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path}: not a {FORMAT} version {FORMAT_VERSION} manifest")
    return manifest


def verify(backup_dir: Path | str) -> dict:
    """Check every hash, size and row count the manifest lists, and its totals; the manifest.
    Raises BackupError naming the first item that does not match."""
    root = Path(backup_dir)
    manifest = read_manifest(root)
    try:
        items = [
            (table_file(t["name"]), t["sha256"], t["bytes"], t["rows"]) for t in manifest["tables"]
        ]
        items += [
            (document_file(d["path"]), d["sha256"], d["bytes"], None) for d in manifest["documents"]
        ]
        totals = _totals(manifest["tables"], manifest["documents"])
    except (KeyError, TypeError) as exc:
        raise BackupError(f"{root / MANIFEST}: incomplete ({exc!r})") from None
    if totals != manifest.get("totals"):
        raise BackupError(f"{root / MANIFEST}: its totals do not add up")
    for name, sha256, size, rows in items:
        path = root / name
        if not path.is_file():
            raise BackupError(f"{name}: missing")
        actual, actual_size, lines = file_sha256(path)
        if actual != sha256:
            raise BackupError(f"{name}: SHA-256 {actual} does not match the manifest's {sha256}")
        if actual_size != size or (rows is not None and lines != rows):
            raise BackupError(f"{name}: its size or row count differs from the manifest")
    return manifest
