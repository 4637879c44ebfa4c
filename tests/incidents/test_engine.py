"""The database connections the factory configures."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from incidents import create_app
from incidents.config import TestingConfig
from incidents.extensions import db as _db


def test_postgresql_connections_run_without_jit_and_keep_the_operators_options(app_config):
    """JIT compilation only slowed the statistics (bench/run.py); an operator's own
    connection options still apply, and a later `-c jit=on` of theirs would win."""
    if not app_config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    options = {"connect_args": {"options": "-c statement_timeout=4321"}}
    app = create_app(TestingConfig, **app_config, SQLALCHEMY_ENGINE_OPTIONS=options)
    with app.app_context():
        try:
            assert _db.session.scalar(text("SHOW jit")) == "off"
            assert _db.session.scalar(text("SHOW statement_timeout")) == "4321ms"
        finally:
            _db.session.remove()
            _db.engine.dispose()
    assert options == {"connect_args": {"options": "-c statement_timeout=4321"}}  # untouched


def test_sqlite_connections_wait_for_the_write_lock(app_config):
    if not app_config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite only")
    app = create_app(TestingConfig, **app_config)
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["timeout"] == 30
