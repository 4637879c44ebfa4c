"""Restoring a backup (see backup.py) into an empty installation: the schema built by
`flask db upgrade` at the backup's migration revision, no rows in any table.

Every check runs before anything is written: the target's revision, its emptiness, and every
hash of the backup. Then, in one transaction, the rows go in table by table in dependency order
and the files are copied into the store (checked again while copied, each under a temp name
renamed into place), the files before the rows commit, as the application writes them. A
failure rolls the rows back; files already copied stay, harmless: nothing names them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import func, literal, select

from ..extensions import db
from . import storage
from .backup import (
    BATCH,
    BackupError,
    alembic_revision,
    document_file,
    read_manifest,
    table_file,
    verify,
)
from .backup_codec import codecs


def _target_tables(manifest: dict) -> list:
    """The target's tables the backup holds, parents first; a table the target does not
    know would be lost, so it refuses."""
    known = {table.name: table for table in db.metadata.sorted_tables}
    names = {t["name"] for t in manifest["tables"]}
    unknown = sorted(names - known.keys())
    if unknown:
        raise BackupError(f"the target has no table {', '.join(unknown)}")
    return [table for table in db.metadata.sorted_tables if table.name in names]


def check_target(conn, manifest: dict) -> None:
    """Refuse a target at another migration revision, or with any row in any table."""
    revision = alembic_revision(conn)
    if revision is None:
        raise BackupError("the target has no schema: run `flask db upgrade` first")
    if revision != manifest["alembic_revision"]:
        raise BackupError(
            f"the backup is at migration revision {manifest['alembic_revision']}, the target "
            f"at {revision}: upgrade the target to the backup's revision first"
        )
    for table in db.metadata.sorted_tables:
        if conn.execute(select(literal(1)).select_from(table).limit(1)).first():
            raise BackupError(f"the target is not empty: table {table.name} has rows")


def _batches(path: Path, name: str, columns) -> Iterator[list[dict]]:
    """The file's rows decoded for insertion, `BATCH` at a time (constant memory)."""
    by_name = {c.name: c for c in columns}
    batch = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            record = json.loads(line)
            if record.keys() != by_name.keys():
                raise BackupError(f"{name} line {number}: its columns differ from the table's")
            batch.append({by_name[k].param: by_name[k].decode(v) for k, v in record.items()})
            if len(batch) == BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def insert_rows(conn, root: Path, table) -> int:
    """Insert the rows of the table's dump under `root`; how many."""
    columns = codecs(table)
    statement = table.insert().values({c.column: c.bind() for c in columns})
    name = table_file(table.name)
    rows = 0
    for batch in _batches(root / name, name, columns):
        conn.execute(statement, batch)
        rows += len(batch)
    return rows


def _reset_sequence(conn, table) -> None:
    """PostgreSQL: the next id follows the restored ones (the rows came with their ids)."""
    column = table.autoincrement_column
    if column is None:
        return
    name = conn.dialect.identifier_preparer.format_table(table)
    conn.execute(
        select(
            func.setval(
                func.pg_get_serial_sequence(name, column.name),
                func.coalesce(func.max(column), 1),
                func.max(column).is_not(None),
            )
        ).select_from(table)
    )


def _restore_file(store: storage.LocalStore, source: Path, path: str, sha256: str) -> int:
    """Put one backed-up file into the store under `path`, only if it hashes to `sha256` and
    `path` is where the store keeps such a file; its size."""
    match = storage.KEY.fullmatch(path)
    if match is None or match.group(3) != sha256:
        raise BackupError(f"{path!r}: not where the store keeps a file of SHA-256 {sha256}")
    suffix = match.group(4) or ""
    try:
        with source.open("rb") as src:
            store.put(src, suffix, sha256=sha256)
    except storage.DamagedFile:
        raise BackupError(f"{source}: its SHA-256 is not {sha256}") from None
    return source.stat().st_size


def restore(backup_dir: Path | str) -> dict:
    """Restore the backup in `backup_dir` into this (empty) installation; a summary."""
    root = Path(backup_dir)
    manifest = read_manifest(root)
    tables = _target_tables(manifest)
    with db.engine.connect() as conn:
        check_target(conn, manifest)  # cheap refusals before hashing everything
    verify(root)
    store = storage.store()
    rows = files = size = 0
    with db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            # the write lock first, so the emptiness check holds until the commit; foreign
            # keys checked at the commit, so a row may name a later row of its table
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        check_target(conn, manifest)
        for table in tables:
            rows += insert_rows(conn, root, table)
        for document in manifest["documents"]:
            name = document_file(document["path"])
            size += _restore_file(store, root / name, document["path"], document["sha256"])
            files += 1
        if conn.dialect.name == "postgresql":
            for table in tables:
                _reset_sequence(conn, table)
    return {"tables": len(tables), "rows": rows, "files": files, "bytes": size}
