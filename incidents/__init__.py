"""The incident investigation service: the Flask application factory."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from .config import Config


def create_app(
    config_object: type = Config, instance_path: str | None = None, **overrides
) -> Flask:
    """The app; `instance_path` (default: ./instance) holds the SQLite file, the documents,
    the secret key and the mail folder."""
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.from_object(config_object)
    app.config.from_prefixed_env("INCIDENTS")
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path, 'incidents.sqlite3')}"
        )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # writers queue for SQLite's one write lock: wait for it rather than fail (see
        # _write_lock_first); a busy machine renders a case's documents in seconds
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})  # never the class's
        options["connect_args"] = {"timeout": 30, **options.get("connect_args", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # no JIT: it compiles a plan whose cost estimate is high, which pays off for queries
        # running for many seconds; here it only added 75-280 ms to the statistics of a
        # region or an insurer (bench/run.py). A later `-c jit=on` in the options wins.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        connect = dict(options.get("connect_args", {}))
        connect["options"] = f"-c jit=off {connect.get('options', '')}".strip()
        options["connect_args"] = connect
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not app.config.get("DOCUMENT_STORE"):
        app.config["DOCUMENT_STORE"] = str(Path(app.instance_path, "documents"))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)

    from .extensions import babel, bootstrap, csrf, db, login_manager, migrate
    from .i18n import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True
    )
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    csrf.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)

    from . import (
        audit,
        auth,  # noqa: F401  (registers the user loader and token auth)
        jobs,
    )
    from .cli import register_cli
    from .job_table import JOBS
    from .services import derived
    from .views import register_views

    audit.install()
    derived.install()  # Case.next_due_at and search_text follow every flush
    jobs.init_app(app, JOBS)
    register_views(app)
    register_cli(app)
    _enable_sqlite_foreign_keys(app)
    app.after_request(_security_headers)
    return app


def _security_headers(response):
    """The config's security headers on every response (a view may have set its own)."""
    from flask import current_app

    for name, value in current_app.config["SECURITY_HEADERS"].items():
        response.headers.setdefault(name, value)
    return response


def _instance_secret(instance_path: str) -> str:
    """A random secret kept beside the SQLite file, so a fresh install is not insecure."""
    path = Path(instance_path, "secret_key")
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def _enable_sqlite_foreign_keys(app: Flask) -> None:
    from sqlalchemy import event

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return

    with app.app_context():
        from .extensions import db

        @event.listens_for(db.engine, "connect")
        def _fk_on(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(db.engine, "before_cursor_execute")
        def _write_lock_first(conn, _cursor, statement, _params, _context, _many):
            """Start every writing transaction with BEGIN IMMEDIATE. The driver's own BEGIN is
            deferred: its first write takes a read lock, then asks for the write lock, and when
            another connection is committing SQLite refuses at once ("database is locked")
            instead of waiting — two reports at the same moment failed that way. Reads before
            the first write run outside a transaction, so nothing is held while we wait."""
            raw = conn.connection.driver_connection
            if not raw.in_transaction and statement.lstrip()[:9].upper().startswith(_WRITES):
                raw.execute("BEGIN IMMEDIATE")


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT")
