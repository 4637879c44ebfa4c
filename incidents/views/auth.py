"""Login, logout and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user

from forms.auth import LoginForm

from ..auth import (
    find_user,
    locked_for,
    record_failure,
    record_success,
    too_many,
    verify_password,
)
from ..extensions import db

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if (
        target
        and not urlsplit(target).netloc
        and target.startswith("/")
        and not target.startswith("//")
    ):
        return target
    return url_for("cases.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("cases.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data
        wait = locked_for(email)
        if wait is not None:
            form.password.errors.append(too_many(wait))
            return render_template("auth/login.html", form=form), 429
        user = find_user(email)
        if verify_password(user, form.password.data):
            record_success(email)
            db.session.commit()
            login_user(user)
            session.pop("lang", None)  # the user's saved language applies from now on
            return redirect(_safe_next(request.args.get("next")))
        record_failure(email)
        db.session.commit()
        form.password.errors.append(_("Wrong e-mail or password."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return redirect(url_for("auth.login"))


@bp.post("/lang/<code>")
def set_language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = code
    if current_user.is_authenticated:
        current_user.language = code  # remembered per user
        db.session.commit()
    refresh()
    flash(_("Language changed."), "success")
    return redirect(_safe_next(request.form.get("next")))
