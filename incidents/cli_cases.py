"""`flask cases …`: maintenance of the columns a case derives from its data."""

from __future__ import annotations

import click
from flask import Flask


def register(app: Flask) -> None:
    """Registers the `cases` command group."""

    @app.cli.group("cases")
    def cases_group():
        """Maintenance of the stored cases."""

    @cases_group.command("refresh-deadlines")
    @click.option(
        "--open-only",
        is_flag=True,
        help="Only the cases not closed or cancelled (the ones the overdue filter lists).",
    )
    def refresh_deadlines(open_only):
        """Recompute every case's next_due_at (and search text) from its data and the rule
        pack. Run it after `flask db upgrade` adds the column, after editing a deadline in a
        rule pack, and after loading data with Core inserts. Safe to run at any time."""
        from .extensions import db
        from .models import Case, CaseStatus
        from .services import derived

        where = [Case.status.not_in([CaseStatus.closed, CaseStatus.cancelled])] if open_only else []
        total = db.session.scalar(db.select(db.func.count()).select_from(Case).where(*where))
        with click.progressbar(length=total, label="Cases") as bar:
            changed = derived.refresh(where, progress=bar.update)
        db.session.commit()
        click.echo(f"{changed} of {total} case(s) changed.")
