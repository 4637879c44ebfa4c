"""Forgot password: a mailed link that lets a person set a new password (on the auth blueprint
of auth.py).

The link carries a signed, timed token and nothing is stored: the token names the user and a
fingerprint of their current password hash. Setting a password changes the hash, so a link
works once; it also stops working after PASSWORD_RESET_HOURS and when the account is disabled.
The form gives one answer whether or not the address has an account, and each address gets a
limited number of mails: the login throttle's helpers count them under a key of their own, so
asking for links never locks the login and a locked login can still ask for a link."""

from __future__ import annotations

import hashlib
import hmac
from contextlib import nullcontext
from datetime import timedelta

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import update

from forms.password import ForgotPasswordForm, ResetPasswordForm

from ..auth import find_user, hash_password, locked_for, record_failure, record_success
from ..extensions import db
from ..mail import queue_mail
from ..models import User
from ..models.timeutil import to_local, utcnow
from .auth import bp

SALT = "password-reset"  # a token signed for anything else (a session, ...) is refused here
MAX_TOKEN_LENGTH = 500


def _hours() -> float:
    return float(current_app.config["PASSWORD_RESET_HOURS"])


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(password_hash: str) -> str:
    """Enough of the hash to notice it changed; the link never carries the hash itself."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[-16:]


def make_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "pw": _fingerprint(user.password_hash)})


def reset_url(token: str) -> str:
    """An absolute link, built like the invitation links: BASE_URL (with any path prefix the
    site is mounted under) + path."""
    path = current_app.url_map.bind("localhost").build("auth.reset_password", {"token": token})
    base = current_app.config.get("BASE_URL") or "http://127.0.0.1:5000"
    return base.rstrip("/") + path


def _user_for(token: str) -> tuple[User | None, str, int]:
    """The user a link may set the password of, or None with the reason and HTTP status."""
    invalid = (None, _("This password reset link is not valid."), 400)
    if len(token) > MAX_TOKEN_LENGTH:
        return invalid
    try:
        data = _serializer().loads(token, max_age=_hours() * 3600)
    except SignatureExpired:
        return None, _("This password reset link has expired. Ask for a new one."), 410
    except BadSignature:
        return invalid
    user_id = data.get("user") if isinstance(data, dict) else None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active:
        return invalid
    if not hmac.compare_digest(_fingerprint(user.password_hash), str(data.get("pw"))):
        return None, _("This link has already been used: the password was changed since."), 410
    return user, "", 200


def _mail_key(email: str) -> str:
    return "password-reset:" + email.strip().lower()


def _render_mail(user: User) -> tuple[str, str]:
    """Subject and body in the user's saved language."""
    language = user.language
    if language not in current_app.config["LANGUAGES"]:
        language = current_app.config["BABEL_DEFAULT_LOCALE"]
    until = to_local(utcnow() + timedelta(hours=_hours())).strftime("%d.%m.%Y %H:%M")
    url = reset_url(make_token(user))  # signed after `until`: it never outlives the promise
    with force_locale(language):
        lines = [
            _(
                "Someone, probably you, asked to reset the password of the account %(email)s.",
                email=user.email,
            ),
            "",
            _("Open this link to choose a new password: %(url)s", url=url),
            _("The link works once and until %(when)s (Bishkek time).", when=until),
            "",
            "-- ",
            _("If you did not ask for this, ignore this message: your password stays as it is."),
        ]
        return _("Password reset"), "\n".join(lines) + "\n"


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot.html", form=form, sent=False)
    email = form.email.data.strip().lower()
    if locked_for(_mail_key(email)) is None:  # over the limit: the same answer, no mail
        record_failure(_mail_key(email))
        user = find_user(email)
        if user is not None and user.active:
            # a job sent after the commit: a failing server neither fails nor slows this answer,
            # so it does not reveal whether the account exists
            queue_mail([user.email], *_render_mail(user))
    db.session.commit()
    return render_template("auth/forgot.html", form=form, sent=True)


def _set_password(user: User, password: str) -> bool:
    """Of two submissions of one link at the same moment, only the first sets the password."""
    done = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            User.password_hash == user.password_hash,
            User.active.is_(True),
        )
        .values(password_hash=hash_password(password))
        .execution_options(synchronize_session="fetch")
    )
    return done.rowcount == 1


def _page_locale(user: User | None):
    """The page speaks the language the visitor chose here, else the account's saved one."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen not in languages:
        chosen = user.language if user is not None else None
    return force_locale(chosen) if chosen in languages else nullcontext()


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user, problem, status = _user_for(token)
    with _page_locale(user):
        if user is None:
            return render_template("auth/reset.html", form=None, problem=problem), status
        form = ResetPasswordForm()
        if form.validate_on_submit():
            if not _set_password(user, form.password.data):
                db.session.rollback()
                problem = _("This link has already been used: the password was changed since.")
                return render_template("auth/reset.html", form=None, problem=problem), 410
            record_success(user.email)  # a login locked by wrong guesses opens again
            db.session.commit()
            flash(_("Your password has been changed. Log in with the new one."), "success")
            return redirect(url_for("auth.login"))
        return render_template("auth/reset.html", form=form, problem=None)
