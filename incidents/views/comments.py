"""Comments on a case: the card on the case page and the form that adds one. After the
commit, the other people on the case who may read it are told by mail."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.comment import CommentForm

from ..extensions import db
from ..models import Case
from ..permissions import can_view_case
from ..services import comments as service
from ..services import notify
from ..services.errors import DomainError
from .cases import _load

bp = Blueprint("comments", __name__)


@bp.before_request
@login_required
def _require_login():
    """Commenting needs a logged-in user."""


@bp.app_context_processor
def _card():
    """`comments_card(case)` for cases/_comments.html."""

    def comments_card(case: Case):
        if not current_user.is_authenticated or not can_view_case(current_user, case):
            return None
        may_comment = service.can_comment(current_user, case)
        allowed = service.visibilities(current_user, case)
        return SimpleNamespace(
            comments=service.for_case(case, current_user),
            can_comment=may_comment,
            form=CommentForm(formdata=None, allowed=allowed) if may_comment else None,
            # the victim's side writes for everyone only: no choice to show them
            can_choose=len(allowed) > 1,
            max_length=service.BODY_MAX,
        )

    return {"comments_card": comments_card}


def _back(case_id: int):
    return redirect(url_for("cases.detail", case_id=case_id, _anchor="comments"), code=303)


@bp.post("/cases/<int:case_id>/comments")
def create(case_id: int):
    case = _load(case_id)
    if not service.can_comment(current_user, case):
        abort(403)
    form = CommentForm(allowed=service.visibilities(current_user, case))
    if not form.validate():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
        return _back(case.id)
    try:
        comment = service.add(case, current_user, form.body.data, form.visibility.data)
    except DomainError as exc:
        db.session.rollback()
        if exc.status == 403:
            abort(403)
        flash(str(exc.message), "danger")
        return _back(case.id)
    notify.queue(notify.new_comment(case, comment))  # jobs: sent after the commit, retried
    db.session.commit()
    flash(_("Your comment was added."), "success")
    return _back(case.id)
