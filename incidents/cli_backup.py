"""`flask backup …`: back up the database and the document store, verify a backup, restore one
into an empty installation (see incidents/services/backup.py).

flask backup create OUT_DIR   while the service runs; OUT_DIR new or empty
flask backup verify DIR       every hash in the manifest; exit 1 naming the first bad item
flask backup restore DIR      into a migrated (`flask db upgrade`), empty installation"""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import Flask

DIRECTORY = click.Path(file_okay=False, path_type=Path)


def _size(count: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if count < 1024 or unit == "GiB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return ""  # unreachable


def register(app: Flask) -> None:
    """Registers the `backup` command group."""
    from .services import backup, backup_restore

    def run(action, *args):
        started = time.monotonic()
        try:
            result = action(*args)
        except backup.BackupError as exc:
            raise click.ClickException(str(exc)) from None
        return result, time.monotonic() - started

    @app.cli.group("backup")
    def backup_group():
        """Back up, verify and restore the database and the document store."""

    @backup_group.command("create")
    @click.argument("out_dir", type=DIRECTORY)
    def create(out_dir):
        """Back up every table and every stored document into OUT_DIR."""
        manifest, seconds = run(backup.create, out_dir)
        totals = manifest["totals"]
        click.echo(
            f"Backed up {totals['tables']} tables, {totals['rows']} rows "
            f"({_size(totals['table_bytes'])}), {totals['documents']} files "
            f"({_size(totals['document_bytes'])}) at revision {manifest['alembic_revision']} "
            f"in {seconds:.1f} s to {out_dir}"
        )
        if manifest["skipped"]:
            click.echo(f"Not part of the store, skipped: {', '.join(manifest['skipped'])}")

    @backup_group.command("verify")
    @click.argument("directory", type=DIRECTORY)
    def verify(directory):
        """Check every hash, size and row count in DIRECTORY's manifest."""
        manifest, seconds = run(backup.verify, directory)
        totals = manifest["totals"]
        click.echo(
            f"OK: {totals['tables']} tables, {totals['rows']} rows, {totals['documents']} "
            f"files, made {manifest['created_at']} on {manifest['dialect']} "
            f"(checked in {seconds:.1f} s)"
        )

    @backup_group.command("restore")
    @click.argument("directory", type=DIRECTORY)
    def restore(directory):
        """Restore DIRECTORY into this installation, which must be migrated and empty."""
        summary, seconds = run(backup_restore.restore, directory)
        click.echo(
            f"Restored {summary['tables']} tables, {summary['rows']} rows, "
            f"{summary['files']} files ({_size(summary['bytes'])}) in {seconds:.1f} s"
        )
