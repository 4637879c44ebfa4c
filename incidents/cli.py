"""Command-line tasks: demo data, translations, the workflow diagram."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = Path(__file__).parent / "translations"


def register_cli(app: Flask) -> None:
    from . import (
        cli_audit,
        cli_backup,
        cli_cases,
        cli_integrity,
        cli_jobs,
        cli_reminders,
        cli_retention,
        cli_rules,
    )

    cli_backup.register(app)
    cli_rules.register(app)
    cli_audit.register(app)
    cli_retention.register(app)
    cli_reminders.register(app)
    cli_jobs.register(app)
    cli_integrity.register(app)
    cli_cases.register(app)

    @app.cli.group("demo", invoke_without_command=True)
    @click.option("--password", default=None, help="One password for every demo user.")
    @click.pass_context
    def demo(ctx, password):
        """Load a demo employer, a user per role and cases at every stage (idempotent);
        `flask demo scale N` generates load data instead."""
        if ctx.invoked_subcommand is not None:
            return
        from . import jobs
        from .demo import load_demo

        # the demo's insurer packages are built here and now, not by a thread that dies with
        # this command
        app.extensions["incidents_jobs"] = jobs.ManualTransport()
        users = load_demo(password)
        if users is None:
            click.echo("Demo data already loaded.")
            return
        jobs.run_due()
        click.echo("Demo users (e-mail / password / role):")
        for email, pw, role in users:
            click.echo(f"  {email:32} {pw:16} {role}")

    from .demo_scale import scale

    demo.add_command(scale)

    @app.cli.group("translate")
    def translate():
        """Extract, update and compile the ky, ru and en catalogs."""

    def _pybabel(*args):
        subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)  # noqa: S603

    @translate.command("update")
    def update():
        pot = TRANSLATIONS / "messages.pot"
        _pybabel(
            "extract",
            "-F",
            str(TRANSLATIONS / "babel.cfg"),
            "-k",
            "_l",
            "--no-location",
            "--sort-output",
            "-o",
            str(pot),
            str(ROOT / "incidents"),
            str(ROOT / "forms"),
            str(ROOT / "workflows"),
        )
        _pybabel("update", "-i", str(pot), "-d", str(TRANSLATIONS), "--no-fuzzy-matching")

    @translate.command("compile")
    def compile_():
        _pybabel("compile", "-d", str(TRANSLATIONS))

    @app.cli.group("workflows")
    def workflows_group():
        """The state machine diagrams."""

    @workflows_group.command("diagram")
    def diagram():
        """Rewrite workflows/accident.md and disease.md from their transition tables."""
        from workflows import accident, disease
        from workflows.diagram import diagram_markdown, path

        for flow in (accident, disease):
            path(flow).write_text(diagram_markdown(flow), encoding="utf-8")
            click.echo(f"wrote {path(flow)}")
