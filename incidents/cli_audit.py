"""`flask audit verify`: walk the whole audit chain, keep the verdict for the administrator's
page, and name the first broken link (exit status 1); replay an intact chain against the live
rows and name every row that differs from it (exit status 1)."""

from __future__ import annotations

import click
from flask import Flask


def register(app: Flask) -> None:
    """Registers the `audit` command group."""

    @app.cli.group("audit")
    def audit_group():
        """The tamper-evident audit log."""

    @audit_group.command("verify")
    def verify():
        """Verify every link of the chain (cron-safe; read-only except for the verdict)."""
        from .audit_verify import verify_and_record
        from .extensions import db

        def differs(difference):
            click.echo(f"row differs: {difference}", err=True)

        verdict = verify_and_record(db.session, on_difference=differs)
        if verdict.ok:
            click.echo(
                f"audit chain OK: {verdict.events} event(s), last hash "
                f"{verdict.last_hash or '-'}, {verdict.rows} row(s) as it says "
                f"({verdict.seconds} s)"
            )
            return
        if verdict.broken_seq is None:  # the links hold; rows differ from them
            click.echo(
                f"audit chain intact ({verdict.events} event(s)), but {verdict.differing} of "
                f"{verdict.rows} row(s) differ from it",
                err=True,
            )
            raise SystemExit(1)
        click.echo(
            f"audit chain BROKEN at event {verdict.broken_seq}: {verdict.problem} "
            f"({verdict.events} event(s) verified before it)",
            err=True,
        )
        raise SystemExit(1)
