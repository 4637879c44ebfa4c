"""Locale selection and display helpers (labels of enums and code lists)."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_login import current_user


def select_locale() -> str | None:
    if not has_request_context():
        return None  # CLI, tests, jobs: BABEL_DEFAULT_LOCALE
    languages = current_app.config["LANGUAGES"]
    if request.blueprint == "api":  # the API uses no cookies: the header decides
        return request.accept_languages.best_match(languages)
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    return request.accept_languages.best_match(languages)


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]
