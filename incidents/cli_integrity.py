"""`flask integrity check`: the document store against the database (services/integrity.py)."""

from __future__ import annotations

from collections import Counter

import click
from flask import Flask


def register(app: Flask) -> None:
    """Registers the `integrity` command group."""

    @app.cli.group("integrity")
    def integrity_group():
        """The document store checked against the database."""

    @integrity_group.command("check")
    @click.option("--deep", is_flag=True, help="Also hash every file (reads the whole store).")
    @click.option(
        "--clean-temp",
        is_flag=True,
        help="First remove the temp files (*.part) of writes cut short over an hour ago.",
    )
    def check(deep, clean_temp):
        """List the rows whose file is missing or changed (exit status 1) and the files no row
        refers to (orphans: harmless leftovers of a rolled-back or killed write)."""
        from .services import integrity

        if clean_temp:
            for path in integrity.clean_temp():
                click.echo(f"removed  {path}")
        stats, counts = Counter(), Counter()
        for problem in integrity.problems(deep=deep, stats=stats):
            counts[problem.kind] += 1
            click.echo(str(problem))
        report = integrity.Report(rows=stats["rows"], files=stats["files"], counts=counts)
        click.echo(report.summary())
        if report.damaged:
            raise SystemExit(1)
