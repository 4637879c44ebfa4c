"""The error answers of every screen and of the API: a page in the user's language (JSON under
/api/), never a traceback; and the answer to two people saving the same thing at once.

A concurrent save is refused by the database, not by our code: the version counter of the row
(SQLAlchemy's StaleDataError), a unique or foreign key that the other writer took first,
PostgreSQL's serialisation failure, deadlock or lock timeout, SQLite's busy or locked database.
Every view writes in one transaction committed at its end, so after the rollback here nothing
of the refused request is left; the person is sent back to the case with a message (409 JSON
from the API). Any other database error is a bug and stays a server error."""

from __future__ import annotations

from flask import Flask, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from ..services.storage import DamagedFile

# PostgreSQL SQLSTATEs: unique_violation, foreign_key_violation, exclusion_violation,
# serialization_failure, deadlock_detected, lock_not_available
CONFLICT_SQLSTATES = frozenset({"23505", "23503", "23P01", "40001", "40P01", "55P03"})
# SQLite's extended result codes (Python 3.11's sqlite_errorname) for the same situations
CONFLICT_SQLITE = frozenset(
    {
        "SQLITE_BUSY",
        "SQLITE_BUSY_SNAPSHOT",
        "SQLITE_BUSY_TIMEOUT",
        "SQLITE_LOCKED",
        "SQLITE_LOCKED_SHAREDCACHE",
        "SQLITE_CONSTRAINT_UNIQUE",
        "SQLITE_CONSTRAINT_PRIMARYKEY",
        "SQLITE_CONSTRAINT_FOREIGNKEY",
    }
)


def is_conflict(exc: BaseException) -> bool:
    """Whether `exc` is the database refusing a write because another one came first."""
    if isinstance(exc, StaleDataError):
        return True
    if isinstance(exc, DBAPIError):
        orig = exc.orig
        return (
            getattr(orig, "sqlstate", None) in CONFLICT_SQLSTATES
            or getattr(orig, "sqlite_errorname", None) in CONFLICT_SQLITE
        )
    return False


def _is_api() -> bool:
    return request.blueprint == "api" or request.path.startswith("/api/")


def _rollback() -> None:
    """Whatever failed may have left the session unusable (a failed flush must be rolled back
    before the next query), and the error page reads the user, their language, the menu."""
    try:
        db.session.rollback()
    except Exception:  # the connection itself is gone: the page must still be answered
        current_app.logger.exception("rollback before the error page failed")


def error_page(code: int, message):
    if _is_api():
        return jsonify(error=str(message)), code
    return render_template("error.html", code=code, message=message), code


def conflict(exc: Exception):
    """The answer to a save the database refused because another one came first."""
    _rollback()
    if not is_conflict(exc):
        raise exc  # a bug, not a race: the server error page (and the log) it deserves
    current_app.logger.info(
        "concurrent write refused: %s %s: %r", request.method, request.path, exc
    )
    args = request.view_args or {}
    if "case_id" in args:
        message = _("Someone else saved this case at the same moment. Reload and try again.")
        if _is_api():
            return error_page(409, message)
        flash(message, "danger")
        return redirect(url_for("cases.detail", case_id=args["case_id"]), code=303)
    message = _("Someone else saved this at the same moment. Reload the page and try again.")
    if "uid" in args and request.blueprint == "insurer":
        flash(message, "danger")
        return redirect(url_for("insurer.package", uid=args["uid"]), code=303)
    return error_page(409, message)


def _server_error(_exc):
    _rollback()
    return error_page(
        500, _("Something went wrong on our side. The error was logged; please try again.")
    )


def damaged(exc: DamagedFile):
    """A download of a stored file that no longer matches its SHA-256 (or is gone): never
    sent; 410 in the user's language, logged as an error for the administrator (`flask
    integrity check` lists every such file)."""
    _rollback()
    current_app.logger.error(
        "the stored file is damaged: %s (%s %s)", exc, request.method, request.path
    )
    return error_page(
        410,
        _(
            "The stored file is damaged: it no longer matches the copy that was saved, so it "
            "was not sent. The administrator has been told; it must be restored from a backup."
        ),
    )


def register_error_pages(app: Flask) -> None:
    app.register_error_handler(
        400, lambda e: error_page(400, _("The request could not be understood."))
    )
    app.register_error_handler(403, lambda e: error_page(403, _("You do not have access to this.")))
    app.register_error_handler(404, lambda e: error_page(404, _("Not found.")))
    app.register_error_handler(413, lambda e: error_page(413, _("The request is too large.")))
    # never a traceback: the error is logged, the user gets a page in their language
    app.register_error_handler(500, _server_error)
    app.register_error_handler(
        CSRFError,
        lambda e: error_page(
            400, _("The form expired or was sent from elsewhere. Reload the page.")
        ),
    )
    app.register_error_handler(StaleDataError, conflict)
    app.register_error_handler(DamagedFile, damaged)
    app.register_error_handler(DBAPIError, conflict)
