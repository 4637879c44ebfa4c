"""`flask rules …`: inspect and validate the jurisdiction rule packs."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Registers the `rules` command group (filled in by the rule-pack work)."""
