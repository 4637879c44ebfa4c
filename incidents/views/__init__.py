"""Blueprints and the request-wide helpers (template globals, error pages)."""

from __future__ import annotations

from flask import Flask, abort, request
from flask_babel import format_datetime

from .. import labels, permissions
from ..models.timeutil import to_local
from .errors import register_error_pages
from .urlargs import IdConverter


def register_views(app: Flask) -> None:
    # before any route is added: every `<int:…>` id of every blueprint goes through it
    app.url_map.converters["int"] = IdConverter
    from . import (
        api_cases,  # noqa: F401  (adds the case routes to the api blueprint)
        api_disease,  # noqa: F401  (adds the disease routes to the api blueprint)
        api_packages,  # noqa: F401  (adds the insurer routes to the api blueprint)
        case_list,  # noqa: F401  (adds the case list to the cases blueprint)
        disease,  # noqa: F401  (adds the disease screens to the cases blueprint)
        password,  # noqa: F401  (adds the forgot-password routes to the auth blueprint)
    )
    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .auth import bp as auth_bp
    from .board import bp as board_bp
    from .cases import bp as cases_bp
    from .comments import bp as comments_bp
    from .evidence import bp as evidence_bp
    from .insurer import bp as insurer_bp
    from .invitations import bp as invitations_bp
    from .org import bp as org_bp
    from .protocols import bp as protocols_bp
    from .records import bp as records_bp
    from .register import bp as register_bp
    from .signing import bp as signing_bp
    from .statistics import bp as statistics_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(board_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(org_bp)
    app.register_blueprint(records_bp)
    app.register_blueprint(signing_bp)
    app.register_blueprint(invitations_bp)
    app.register_blueprint(protocols_bp)
    app.register_blueprint(evidence_bp)
    app.register_blueprint(comments_bp)
    app.register_blueprint(insurer_bp)
    app.register_blueprint(register_bp)
    app.register_blueprint(statistics_bp)

    @app.template_filter("local")
    def _local(dt, fmt="dd.MM.yyyy HH:mm"):
        return format_datetime(to_local(dt), fmt, rebase=False) if dt else ""

    @app.template_filter("trim_decimal")
    def _trim_decimal(value):
        """92.000 -> 92, 0.250 -> 0.25: a measured value as people write it."""
        if value is None:
            return ""
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text

    @app.template_filter("status")
    def _status(value):
        from ..models import CaseStatus

        return CaseStatus(value) if value in CaseStatus.__members__ else value

    @app.template_filter("category")
    def _category(value):
        from ..models import Category

        return Category(value) if value in Category.__members__ else value

    @app.context_processor
    def _globals():
        return {
            "label": labels.label,
            "code_label": labels.code_label,
            "delivery_error": labels.delivery_error,
            "job_error": labels.job_error,
            "job_args": labels.job_args,
            "trigger_label": lambda t: labels.TRIGGER_LABELS.get(t, t),
            "document_label": lambda k: labels.DOCUMENT_LABELS.get(k, k),
            "notice_title": labels.notice_title,
            "can": permissions,
            "current_lang": labels.lang(),
        }

    @app.before_request
    def _refuse_unstorable_form_data():
        """A form value or file name with a NUL (PostgreSQL text cannot hold one, and no
        keyboard types it) is a bad request, whatever the form; the API checks its JSON."""
        from .api_json import storable

        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            sent = [v for _k, v in request.form.items(multi=True)]
            sent += [f.filename or "" for _k, f in request.files.items(multi=True)]
            if not all(storable(v) for v in sent):
                abort(400)

    register_error_pages(app)
