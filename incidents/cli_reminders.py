"""`flask reminders …`: deadline reminder mails, meant for cron."""

from __future__ import annotations

import click
from flask import Flask

from . import jobs


def register(app: Flask) -> None:
    """Registers the `reminders` command group."""

    @app.cli.group("reminders")
    def reminders():
        """Deadline reminder mails."""

    @reminders.command("send")
    def send():
        """Send the due reminders not sent before (safe to run from cron at any interval).

        Each reminder is a mail job; with RQ the worker sends it, otherwise this command runs
        the due jobs itself before it ends (a job thread would die with the command, leaving
        a job half run)."""
        from .services.reminders import send_due_reminders

        inline = app.extensions["incidents_jobs"].name != "rq"
        if inline:
            app.extensions["incidents_jobs"] = jobs.ManualTransport()
        count = send_due_reminders()
        click.echo(f"{count} reminder(s) queued.")
        if inline:
            click.echo(f"{jobs.run_due()} job(s) run.")
