"""The insurer's inbox: the packages sent to the insurer, each file, the whole package as a
ZIP, the answer (acknowledge, or reject with a reason), and the insurer's delivery channels.

The employer's staff open the same package page to follow its delivery. Everyone else: 404 for
a package they may not see (a package's existence is not revealed)."""

from __future__ import annotations

import hashlib

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.insurer import AnswerForm, ChannelsForm

from .. import audit, permissions, webhooks
from ..extensions import db
from ..models import AnswerKind, InsurerPackage, PackageStatus, Role
from ..services import packages as package_service
from ..services.errors import DomainError
from .files import send_stored
from .urlargs import number_arg

bp = Blueprint("insurer", __name__, url_prefix="/insurer")
PER_PAGE = 25


def _package(uid: str) -> InsurerPackage:
    package = db.session.scalar(db.select(InsurerPackage).where(InsurerPackage.uid == uid))
    if package is None or not permissions.can_view_package(current_user, package):
        abort(404)
    return package


@bp.app_context_processor
def _packages_card():
    """`insurer_packages(case)` for cases/_insurer.html: the packages this user may open."""

    def insurer_packages(case):
        return [
            p
            for p in package_service.for_case(case)
            if permissions.can_view_package(current_user, p)
        ]

    return {"insurer_packages": insurer_packages}


@bp.get("/packages")
@login_required
def inbox():
    if current_user.role != Role.insurer or current_user.organisation_id is None:
        abort(403)
    query = db.select(InsurerPackage).where(
        InsurerPackage.insurer_id == current_user.organisation_id
    )
    state = request.args.get("state", "open")
    if state == "open":
        query = query.where(InsurerPackage.answer.is_(None), InsurerPackage.superseded_at.is_(None))
    elif state == "answered":
        query = query.where(InsurerPackage.answer.is_not(None))
    page = db.paginate(
        query.order_by(InsurerPackage.created_at.desc(), InsurerPackage.id.desc()),
        page=number_arg("page", 1),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template("insurer/inbox.html", page=page, state=state)


@bp.get("/packages/<uid>")
@login_required
def package(uid: str):
    pkg = _package(uid)
    can_answer = (
        permissions.can_answer_package(current_user, pkg)
        and pkg.answer is None
        and pkg.superseded_at is None
        and pkg.status == PackageStatus.ready
    )
    return render_template(
        "insurer/package.html",
        package=pkg,
        case=pkg.case,
        form=AnswerForm() if can_answer else None,
    )


@bp.get("/packages/<uid>/files/<path:name>")
@login_required
def download(uid: str, name: str):
    pkg = _package(uid)
    return send_package_file(pkg, name)


def send_package_file(pkg: InsurerPackage, name: str):
    """One file of a package as a download, byte for byte what the manifest hashes (the ETag is
    its SHA-256); 404 for a name the package does not have."""
    file = package_service.file_named(pkg, name)
    if file is None:
        abort(404)
    data = package_service.read_file(file)
    audit.downloaded(
        pkg.case_id, file="package_file", package=pkg.uid, name=name, sha256=file.sha256
    )
    return send_stored(
        data,
        file.sha256,
        mimetype=file.media_type,
        as_attachment=True,
        download_name=name.rpartition("/")[2],
    )


@bp.get("/packages/<uid>/package.zip")
@login_required
def download_zip(uid: str):
    pkg = _package(uid)
    if pkg.status != PackageStatus.ready:
        abort(404)
    name = f"package-{pkg.case.number.replace('/', '-')}-v{pkg.version}.zip"
    data = package_service.zip_bytes(pkg)
    audit.downloaded(
        pkg.case_id, file="package_zip", package=pkg.uid, sha256=hashlib.sha256(data).hexdigest()
    )
    # every file in it was checked against its SHA-256 as it was read
    return send_stored(
        data,
        None,
        mimetype="application/zip",
        as_attachment=True,
        download_name=name,
    )


@bp.post("/packages/<uid>/answer")
@login_required
def answer(uid: str):
    pkg = _package(uid)
    if not permissions.can_answer_package(current_user, pkg):
        abort(403)
    form = AnswerForm()
    if not form.validate():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
        return redirect(url_for(".package", uid=uid), code=303)
    # e.g. another answer, given at the same moment, was recorded; a clash with another save of
    # the case is answered by the conflict handler (views/errors.py) with the package page
    try:
        package_service.answer(pkg, current_user, AnswerKind(form.answer.data), form.reason.data)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
        return redirect(url_for(".package", uid=uid), code=303)
    flash(_("Your answer is recorded and the employer is told."), "success")
    return redirect(url_for(".package", uid=uid), code=303)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    if not permissions.can_edit_channels(current_user):
        abort(403)
    org = current_user.organisation
    form = ChannelsForm(obj=org)
    if request.method == "POST" and form.validate():
        for key, value in form.to_dict().items():
            setattr(org, key, value)
        if org.webhook_url and not org.webhook_secret:
            org.webhook_secret = webhooks.new_secret()
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".settings"), code=303)
    return render_template("insurer/settings.html", form=form, org=org)


@bp.post("/settings/secret")
@login_required
def new_secret():
    """A new webhook secret: the old one stops working at once."""
    if not permissions.can_edit_channels(current_user):
        abort(403)
    current_user.organisation.webhook_secret = webhooks.new_secret()
    db.session.commit()
    flash(_("A new signing secret is set. Update your receiver."), "success")
    return redirect(url_for(".settings"), code=303)
