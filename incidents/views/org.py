"""The employer's own profile (name, tax ID, region, rules) and its insurance policies."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.org import OrganisationForm, PolicyForm

from .. import permissions
from ..extensions import db
from ..models import Organisation, OrgKind, Policy
from ..models.timeutil import utcnow
from ..services.locking import lock

bp = Blueprint("org", __name__)


def _own_org() -> Organisation:
    org = current_user.organisation
    if org is None or not permissions.can_edit_organisation(current_user, org):
        abort(403)
    return org


def _insurers() -> list[Organisation]:
    return db.session.scalars(
        db.select(Organisation)
        .where(Organisation.kind == OrgKind.insurer)
        .order_by(Organisation.name)
    ).all()


def _page(org, form, policy_form, status=200):
    policies = db.session.scalars(
        db.select(Policy)
        .where(Policy.employer_id == org.id, Policy.removed_at.is_(None))
        .order_by(Policy.valid_from.desc(), Policy.id.desc())
    ).all()
    return render_template(
        "org/profile.html", form=form, org=org, policy_form=policy_form, policies=policies
    ), status


@bp.route("/organisation", methods=["GET", "POST"])
@login_required
def profile():
    org = _own_org()
    form = OrganisationForm(obj=org)
    if request.method == "GET":
        form.region.data = org.region or ""
    elif form.validate():
        for key, value in form.to_dict().items():
            setattr(org, key, value)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".profile"))
    return _page(org, form, PolicyForm(insurers=_insurers(), formdata=None))


@bp.post("/organisation/policies")
@login_required
def add_policy():
    org = _own_org()
    form = PolicyForm(insurers=_insurers())
    if not form.validate():
        profile_form = OrganisationForm(obj=org, formdata=None)
        profile_form.region.data = org.region or ""
        return _page(org, profile_form, form, 422)
    db.session.add(Policy(employer_id=org.id, created_by_id=current_user.id, **form.to_dict()))
    db.session.commit()
    flash(_("The policy is saved."), "success")
    return redirect(url_for(".profile") + "#policies", code=303)


@bp.post("/organisation/policies/<int:policy_id>/remove")
@login_required
def remove_policy(policy_id: int):
    """A policy entered by mistake: kept, marked removed (packages already sent cite it)."""
    org = _own_org()
    policy = db.session.get(Policy, policy_id)
    if policy is None or policy.employer_id != org.id:
        abort(404)
    lock(policy)  # of two people removing it at once, the second is told it is gone
    if policy.removed_at is not None:
        abort(404)
    policy.removed_at = utcnow()
    db.session.commit()
    flash(_("The policy is removed."), "success")
    return redirect(url_for(".profile") + "#policies", code=303)
