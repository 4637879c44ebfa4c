"""Signing the drafted act: the commission member re-enters their password, optionally with a
dissenting opinion. The signatures card on the case page reads the helpers registered here."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from forms.signing import SignForm

from ..auth import record_failure
from ..extensions import db
from ..services import signing as signing_service
from ..services.errors import DomainError, WrongPassword
from .cases import _load

bp = Blueprint("signing", __name__)


@bp.before_request
@login_required
def _require_login():
    """Signing needs a logged-in user."""


@bp.app_context_processor
def _signing_globals():
    return {
        "current_signatures": signing_service.current_signatures,
        "signing_board": signing_service.board,
        "may_sign": signing_service.may_sign,
        "sign_form": SignForm,
    }


def _back(case_id: int):
    return redirect(url_for("cases.detail", case_id=case_id, _anchor="signatures"), code=303)


@bp.post("/cases/<int:case_id>/sign")
def sign(case_id: int):
    case = _load(case_id)
    form = SignForm()
    if not form.validate():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
        return _back(case.id)
    try:
        signing_service.sign(case, current_user, form.password.data, form.dissent.data)
    except DomainError as exc:
        db.session.rollback()
        if isinstance(exc, WrongPassword):  # one more failed login for this address
            record_failure(current_user.email)
            db.session.commit()
        if exc.status == 403:
            abort(403)
        flash(str(exc.message), "danger")
        return _back(case.id)
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError):
        # the act changed, or this member's signature went in, at the same moment
        db.session.rollback()
        flash(_("The act changed while you were signing. Reload it and sign again."), "danger")
        return _back(case.id)
    flash(_("You signed the act."), "success")
    return _back(case.id)
