"""Fixtures: one app per test session on a real database (SQLite by default, PostgreSQL when
TEST_DATABASE_URL names a server), the schema built by the migrations, tables emptied after
each test."""

from __future__ import annotations

import os
import shutil
import uuid

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from incidents import create_app
from incidents.config import TestingConfig
from incidents.extensions import db as _db

from . import factories

STRICT = os.environ.get("STRICT_TOOLS") == "1"  # CI: a missing tool fails instead of skipping


def need(ok: bool, what: str) -> None:
    if not ok:
        if STRICT:
            pytest.fail(f"required tool missing: {what}", pytrace=False)
        pytest.skip(f"{what} not available")


def _create_pg_database(server_url: str) -> str:
    """A fresh database on the server named by TEST_DATABASE_URL; its URL."""
    import psycopg

    url = make_url(server_url)
    name = f"incidents_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username or "postgres",
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(db_url: str) -> None:
    import psycopg

    url = make_url(db_url)
    with psycopg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username or "postgres",
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    server = os.environ.get("TEST_DATABASE_URL")
    if server:
        url = _create_pg_database(server)
        yield url
        _drop_pg_database(url)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app_config(database_url, tmp_path_factory):
    """Everything a test app writes goes to temporary folders, never the checkout."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "DOCUMENT_STORE": str(tmp_path_factory.mktemp("documents")),
        "instance_path": str(tmp_path_factory.mktemp("instance")),
    }


@pytest.fixture(scope="session")
def _schema(app_config):
    """Build the schema with the migrations, exactly as a deployment does."""
    from flask_migrate import upgrade

    app = create_app(TestingConfig, **app_config)
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    return True


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, so it gets its own `g` (the logged-in user)
    and its own database session, as in production; the test's session stays separate."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(_schema, app_config):
    app = create_app(TestingConfig, **app_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        _db.session.rollback()
        _db.session.remove()
        _empty_tables()
        _db.engine.dispose()  # each test's app has its own pool: close it
    shutil.rmtree(app_config["DOCUMENT_STORE"], ignore_errors=True)


def _empty_tables() -> None:
    with _db.engine.begin() as conn:
        for table in reversed(_db.metadata.sorted_tables):
            conn.execute(table.delete())
        if conn.dialect.name == "postgresql":
            for table in _db.metadata.sorted_tables:
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), 1, false)")
                )


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def client_for(app):
    """A test client logged in as `user` (through the real login form)."""

    def make(user, password=factories.PASSWORD):
        c = app.test_client()
        r = c.post("/login", data={"email": user.email, "password": password})
        assert r.status_code == 302, r.text
        return c

    return make


@pytest.fixture
def world(db):
    """An employer with its insurer, and a user per role."""
    w = factories.make_world()
    db.session.commit()
    return w
