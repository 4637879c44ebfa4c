"""Inviting people to one case, revoking them, and the link an invited person follows."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, abort, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from sqlalchemy.exc import IntegrityError

from forms.invitation import AcceptForm, AccountForm, InvitationForm

from .. import permissions
from ..auth import find_user, hash_password
from ..extensions import db
from ..labels import lang
from ..mail import queue_mail
from ..models import Case, Role, User
from ..services import invitations as service
from ..services.errors import DomainError
from .cases import _load

bp = Blueprint("invitations", __name__)


def _free_seats(case: Case):
    """Commission members a new account may be linked to: no account yet."""
    return [m for m in case.commission if m.user_id is None]


def _invitation_form(case: Case, **kwargs) -> InvitationForm:
    return InvitationForm(members=_free_seats(case), **kwargs)


@bp.app_context_processor
def _card():
    """`people_card(case)` for cases/_participants.html (the case page is rendered by the
    cases blueprint, so the card fetches what it shows itself)."""

    def people_card(case: Case):
        if not current_user.is_authenticated:
            return None
        may_invite = permissions.can_invite(current_user, case)
        if not (may_invite or permissions.can_edit_case(current_user, case)):
            return None  # view-only readers (a victim, the insurer) do not see who else is in
        active, pending = service.people(case)
        return SimpleNamespace(
            active=active,
            pending=pending,
            can_invite=may_invite,
            form=_invitation_form(case, formdata=None) if may_invite else None,
        )

    return {"people_card": people_card}


def _back(case: Case):
    return redirect(url_for("cases.detail", case_id=case.id, _anchor="participants"))


@bp.route("/cases/<int:case_id>/invitations", methods=["GET", "POST"])
@login_required
def create(case_id: int):
    case = _load(case_id)
    if not permissions.can_invite(current_user, case):
        abort(403)
    form = _invitation_form(case)
    if form.validate_on_submit():
        data = form.to_dict()
        try:
            invitation, token = service.invite(case, current_user, **data)
        except DomainError as exc:
            db.session.rollback()
            if exc.status == 403:
                abort(403)
            form[exc.field or "email"].errors.append(str(exc.message))
        else:
            subject, body = service.render_mail(invitation, token, case, current_user)
            email = invitation.email
            queue_mail([email], subject, body)  # a job: sent after the commit, retried
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=email), "success")
            return _back(case)
    return render_template("invitations/new.html", case=case, form=form)


@bp.post("/cases/<int:case_id>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke(case_id: int, invitation_id: int):
    case = _load(case_id)
    try:
        service.revoke(case, current_user, invitation_id)
    except DomainError as exc:
        db.session.rollback()
        if exc.status == 403:
            abort(403)
        flash(str(exc.message), "danger")
    else:
        db.session.commit()
        flash(_("Invitation revoked; the access it gave has ended."), "success")
    return _back(case)


def _refused(message, status: int):
    return render_template("invitations/refused.html", message=message), status


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept(token: str):
    try:
        invitation = service.find(token)
    except DomainError as exc:
        return _refused(exc.message, exc.status)
    case = db.session.get(Case, invitation.case_id)
    context = {
        "invitation": invitation,
        "case": case,
        "role": Role(invitation.role),
        "token": token,
    }
    if current_user.is_authenticated:
        return _accept_logged_in(token, invitation, case, context)
    if find_user(invitation.email) is not None:
        # an account exists: the person proves it is theirs by logging in
        return render_template(
            "invitations/login_first.html",
            login_url=url_for("auth.login", next=url_for("invitations.accept", token=token)),
            **context,
        )
    return _create_account(token, invitation, case, context)


def _accept_logged_in(token, invitation, case, context):
    if service.normalise_email(current_user.email) != invitation.email:
        return _refused(
            _(
                "This invitation was sent to %(email)s, but you are logged in as %(current)s. "
                "Log out and open the link again.",
                email=invitation.email,
                current=current_user.email,
            ),
            403,
        )
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            service.accept(token, current_user)
        except DomainError as exc:
            db.session.rollback()
            return _refused(exc.message, exc.status)
        db.session.commit()
        flash(_("You now have access to case %(number)s.", number=case.number), "success")
        return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("invitations/accept.html", form=form, **context)


def _create_account(token, invitation, case, context):
    form = AccountForm()
    if not form.is_submitted():
        form.name.data = invitation.name
        form.language.data = lang() if lang() in current_app.config["LANGUAGES"] else "ru"
    if form.validate_on_submit():
        user = User(
            email=invitation.email,
            name=form.name.data.strip(),
            password_hash=hash_password(form.password.data),
            role=Role(invitation.role),
            organisation=None,
            language=form.language.data,
        )
        db.session.add(user)
        try:
            db.session.flush()
            service.accept(token, user)
        except IntegrityError:  # the same link sent twice at once: the account exists now
            db.session.rollback()
            return _refused(_("An account with this e-mail already exists. Log in first."), 409)
        except DomainError as exc:
            db.session.rollback()
            return _refused(exc.message, exc.status)
        db.session.commit()
        login_user(user)
        session.pop("lang", None)  # the chosen language applies from now on
        flash(_("Welcome. You now have access to case %(number)s.", number=case.number), "success")
        return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("invitations/register.html", form=form, **context)
