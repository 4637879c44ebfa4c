"""`flask reminders …`: deadline reminder mails, meant for cron."""

from __future__ import annotations

import click
from flask import Flask


def register(app: Flask) -> None:
    """Registers the `reminders` command group."""

    @app.cli.group("reminders")
    def reminders():
        """Deadline reminder mails."""

    @reminders.command("send")
    def send():
        """Send the due reminders not sent before (safe to run from cron at any interval)."""
        from .services.reminders import send_due_reminders

        count = send_due_reminders()
        click.echo(f"{count} reminder(s) sent.")
