"""`flask retention report` and `flask archive export|verify`: the disposal review and the
archive of an organisation (incidents/services/retention.py, archive.py)."""

from __future__ import annotations

from datetime import date

import click
from flask import Flask


def register(app: Flask) -> None:
    """Registers the `retention` and `archive` command groups."""

    @app.cli.group("retention")
    def retention_group():
        """Retention classes and legal holds."""

    @retention_group.command("report")
    @click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Day (default: today).")
    @click.option("--org", "org_id", type=int, help="Only this organisation's cases.")
    def report(as_of, org_id):
        """List the ended cases past their retention period (for a disposal review — the
        service deletes nothing) and those a legal hold keeps."""
        from .services.retention import due_for_review

        day: date | None = as_of.date() if as_of else None
        due, held = due_for_review(day, org_id)
        click.echo(f"Past their retention period, for a disposal review: {len(due)}")
        for item in due:
            r = item.retention
            click.echo(
                f"  {item.case.number:>12}  case {item.case.id}  {r.rule.name} ({r.rule.years} y)"
                f"  kept until {r.keep_until:%d.%m.%Y}"
            )
        click.echo(f"Past their period but under a legal hold (not to be disposed of): {len(held)}")
        for item in held:
            refs = "; ".join(f"{h.kind.value} {h.reference}" for h in item.holds)
            click.echo(f"  {item.case.number:>12}  case {item.case.id}  hold: {refs}")

    @app.cli.group("archive")
    def archive_group():
        """An organisation's whole archive as a ZIP with a manifest of hashes."""

    @archive_group.command("export")
    @click.argument("org_id", type=int)
    @click.argument("target", type=click.Path(dir_okay=False))
    def export(org_id, target):
        """Write organisation ORG_ID's archive to TARGET (.zip)."""
        from .extensions import db
        from .models import Organisation
        from .services import archive

        org = db.session.get(Organisation, org_id)
        if org is None:
            raise click.ClickException(f"no organisation {org_id}")
        manifest = archive.export(org, target)
        click.echo(
            f"Archive of {org.name}: {len(manifest['cases'])} case(s), "
            f"{len(manifest['files'])} file(s) -> {target}"
        )

    @archive_group.command("verify")
    @click.argument("source", type=click.Path(exists=True, dir_okay=False))
    def verify(source):
        """Check every file of an archive against its manifest."""
        from .services import archive

        problems = archive.verify(source)
        for line in problems:
            click.echo(line, err=True)
        if problems:
            raise SystemExit(1)
        click.echo("archive OK")
