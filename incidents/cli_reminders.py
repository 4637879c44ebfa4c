"""`flask reminders …`: deadline reminder mails, meant for cron."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Registers the `reminders` command group (filled in by the reminders work)."""
