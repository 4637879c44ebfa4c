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
    @click.option(
        "--anchor",
        metavar="HASH|DOCUMENT.docx",
        help="Prove the chain up to a head kept outside the database: a hash, or an issued "
        "document (its keywords). Exit 0 proven, 1 broken, 2 anchor unknown or unreadable.",
    )
    def verify(anchor):
        """Verify every link of the chain (cron-safe; read-only except for the verdict)."""
        if anchor is not None:
            raise SystemExit(_prove(anchor))
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


def _prove(value: str) -> int:
    """`verify --anchor`: read-only, records no verdict (the anchor is the verdict's judge)."""
    # imported when run, as the command above does: every app start loads this module
    from .audit_anchor import UNKNOWN, UnreadableAnchor, parse, prove
    from .extensions import db
    from .services.documents import issued_anchors

    try:
        given = parse(value)
    except UnreadableAnchor as exc:
        click.echo(f"audit anchor UNREADABLE: {exc}", err=True)
        return 2
    with db.engine.connect() as conn:
        proof = prove(conn, given, issued_anchors)
    if proof.exit_code == 0:
        click.echo(f"audit chain PROVEN up to event {proof.seq}: {proof.message}")
    elif proof.status == UNKNOWN:
        click.echo(f"audit anchor UNKNOWN: {proof.message}", err=True)
    else:
        click.echo(f"audit chain BROKEN at event {proof.broken_seq}: {proof.message}", err=True)
    return proof.exit_code
