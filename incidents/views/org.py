"""The employer's own profile (name, tax ID, insurer and policy)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.org import OrganisationForm

from .. import permissions
from ..extensions import db
from ..models import Organisation, OrgKind

bp = Blueprint("org", __name__)


@bp.route("/organisation", methods=["GET", "POST"])
@login_required
def profile():
    org = current_user.organisation
    if org is None or not permissions.can_edit_organisation(current_user, org):
        abort(403)
    insurers = db.session.scalars(
        db.select(Organisation)
        .where(Organisation.kind == OrgKind.insurer)
        .order_by(Organisation.name)
    ).all()
    form = OrganisationForm(obj=org, insurers=insurers)
    if request.method == "GET":
        form.insurer_id.data = str(org.insurer_id or "")
        form.region.data = org.region or ""
    elif form.validate():
        for key, value in form.to_dict().items():
            setattr(org, key, value)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".profile"))
    return render_template("org/profile.html", form=form, org=org)
