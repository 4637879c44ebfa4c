"""Case screens: the list, reporting, the case page, stage forms, triggers and downloads."""

from __future__ import annotations

from collections import defaultdict

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

import workflows
from forms.case import (
    FORMS,
    CaseForm,
    FindingsForm,
    OutcomeForm,
    TransitionForm,
    VictimForm,
)
from forms.disease import DISEASE_OVERRIDES

from .. import audit, permissions
from ..extensions import db
from ..models import Case, GeneratedDocument
from ..models.timeutil import to_local, utcnow
from ..rules import for_case
from ..services import cases as case_service
from ..services import deadlines
from ..services import documents as document_service
from ..services.errors import Conflict, DomainError
from .files import send_stored
from .presenters import differences, timeline

bp = Blueprint("cases", __name__)


@bp.before_request
@login_required
def _require_login():
    """Every case screen needs a logged-in user."""


def _load(case_id: int) -> Case:
    """The case, for a user who may see it. A case they may not see does not exist for them
    (404, the answer for an id no case has), on its page and every route under it; a 403 is
    for the user who sees the case but may not do what they asked."""
    case = db.session.get(Case, case_id)
    if case is None or not permissions.can_view_case(current_user, case):
        abort(404)
    return case


def _commit_or_conflict() -> bool:
    try:
        db.session.commit()
        return True
    except StaleDataError:
        db.session.rollback()
        flash(_("Someone else saved this case at the same moment. Reload and try again."), "danger")
        return False


@bp.route("/cases/new", methods=["GET", "POST"])
def new():
    if not permissions.can_create_case(current_user):
        abort(403)
    form = CaseForm(prefix="case")
    victim = VictimForm(prefix="victim")
    if request.method == "GET":
        # most reports are made as the employer learns of the accident
        form.reported_at.data = to_local(utcnow()).replace(tzinfo=None, second=0, microsecond=0)
    if request.method == "POST":
        valid = form.validate() & victim.validate()  # both, so every error shows at once
        if valid:
            case = case_service.report(current_user, form.to_dict(), victim.to_dict())
            db.session.commit()
            flash(_("Case %(number)s reported.", number=case.number), "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("cases/new.html", form=form, victim=victim)


@bp.get("/cases/<int:case_id>")
def detail(case_id: int):
    case = _load(case_id)
    now = utcnow()
    actions = []
    flow = workflows.for_case(case)
    for trigger in flow.available(case):
        if not permissions.can_fire(current_user, case, trigger):
            continue
        actions.append(
            {
                "trigger": trigger,
                "blockers": flow.blockers(case, trigger),
                "needs_reason": trigger in flow.REASON_REQUIRED,
            }
        )
    return render_template(
        "cases/detail.html",
        timeline=timeline(case, current_user),
        case=case,
        deadlines=deadlines.compute(case, for_case(case), now),
        reported_late=deadlines.reported_late(case, for_case(case)),
        actions=actions,
        transition_form=TransitionForm(),
        editable=defaultdict(
            bool,
            {
                part: case.status in case_service.editable_in(case, part)
                for part in (*case_service.EDITABLE_IN, *case_service.DISEASE_PARTS)
            }
            if permissions.can_edit_case(current_user, case)
            else {},
        ),
        documents=sorted(case.documents, key=lambda d: (d.superseded_at is not None, d.id)),
        local=to_local,
        now=now,
    )


def _edit_page(case, form, save, template, title, saved=None, **extra):
    """Shared GET/POST handling of an editing form: validate, save, commit, or show errors.

    On an edit conflict the form keeps what this person entered, and `saved` (the object the
    form edits) supplies what the other person saved, so both versions are shown side by side."""
    if not permissions.can_edit_case(current_user, case):
        abort(403)
    if request.method == "GET":
        form.version.data = case.version
    elif form.validate():
        try:
            save(form)
        except Conflict as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
            form.version.data = case.version  # a deliberate second save overwrites
            changed = differences(form, saved) if saved is not None else []
            return render_template(
                template,
                case=case,
                form=form,
                title=title,
                conflict=True,
                differences=changed,
                **extra,
            ), 409
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
            return render_template(template, case=case, form=form, title=title, **extra), exc.status
        if _commit_or_conflict():
            flash(_("Saved."), "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    return render_template(template, case=case, form=form, title=title, **extra)


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
def edit(case_id: int):
    case = _load(case_id)
    data = None
    if request.method == "GET":
        data = {
            "category": case.category.value,
            "occurred_at": to_local(case.occurred_at).replace(tzinfo=None),
            "reported_at": to_local(case.reported_at).replace(tzinfo=None),
            "shift_started_at": case.shift_started_at
            and to_local(case.shift_started_at).replace(tzinfo=None),
        }
    form = CaseForm(obj=case, data=data)
    return _edit_page(
        case,
        form,
        lambda f: case_service.update_case(case, current_user, f.to_dict(), f.opened_version()),
        "cases/form.html",
        _("The accident"),
        saved=case,
    )


@bp.route("/cases/<int:case_id>/findings", methods=["GET", "POST"])
def findings(case_id: int):
    case = _load(case_id)
    data = None
    if request.method == "GET":
        data = {"work_related": {True: "yes", False: "no"}.get(case.work_related, "")}
    form = FindingsForm(obj=case, data=data)
    return _edit_page(
        case,
        form,
        lambda f: case_service.update_findings(case, current_user, f.to_dict(), f.opened_version()),
        "cases/form.html",
        _("Findings of the commission"),
        saved=case,
    )


def _form_class(part: str, case: Case | None = None):
    if part not in FORMS:
        abort(404)
    if case is not None and case.is_disease:
        return DISEASE_OVERRIDES.get(part, FORMS[part])
    return FORMS[part]


@bp.route("/cases/<int:case_id>/<part>/new", methods=["GET", "POST"])
def add_child(case_id: int, part: str):
    case = _load(case_id)
    form = _form_class(part, case)()
    return _edit_page(
        case,
        form,
        lambda f: case_service.add_child(case, current_user, part, f.to_dict(), f.opened_version()),
        "cases/form.html",
        _section_title(part),
    )


@bp.route("/cases/<int:case_id>/<part>/<int:child_id>/edit", methods=["GET", "POST"])
def edit_child(case_id: int, part: str, child_id: int):
    case = _load(case_id)
    form_class = _form_class(part, case)
    row = next((r for r in getattr(case, part) if r.id == child_id), None)
    if row is None:
        abort(404)
    form = form_class(obj=row)
    return _edit_page(
        case,
        form,
        lambda f: case_service.update_child(
            case, current_user, part, child_id, f.to_dict(), f.opened_version()
        ),
        "cases/form.html",
        _section_title(part),
        saved=row,
    )


@bp.post("/cases/<int:case_id>/<part>/<int:child_id>/remove")
def remove_child(case_id: int, part: str, child_id: int):
    case = _load(case_id)
    _form_class(part)
    form = TransitionForm()
    if not form.validate():
        abort(400)
    try:
        case_service.remove_child(case, current_user, part, child_id, _int(form.version.data))
    except DomainError as exc:
        db.session.rollback()
        if exc.status == 403:
            abort(403)
        flash(str(exc.message), "danger")
        return redirect(url_for(".detail", case_id=case.id))
    if _commit_or_conflict():
        flash(_("Removed. The entry stays in the case history."), "success")
    return redirect(url_for(".detail", case_id=case.id))


@bp.route("/cases/<int:case_id>/victims/<int:victim_id>/outcome", methods=["GET", "POST"])
def outcome(case_id: int, victim_id: int):
    case = _load(case_id)
    victim = next((v for v in case.victims if v.id == victim_id), None)
    if victim is None:
        abort(404)
    form = OutcomeForm(obj=victim)
    return _edit_page(
        case,
        form,
        lambda f: case_service.record_outcome(
            case, current_user, victim_id, f.to_dict(), f.opened_version()
        ),
        "cases/form.html",
        _("Outcome for %(name)s", name=victim.full_name),
        saved=victim,
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@bp.post("/cases/<int:case_id>/fire/<trigger>")
def fire(case_id: int, trigger: str):
    case = _load(case_id)
    form = TransitionForm()
    if not form.validate():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
        return redirect(url_for(".detail", case_id=case.id))
    try:
        case_service.advance(
            case,
            current_user,
            trigger,
            comment=form.comment.data,
            days=form.days.data,
            order_number=form.order_number.data,
            version=_int(form.version.data),
        )
    except DomainError as exc:
        db.session.rollback()
        if exc.status == 403:
            abort(403)
        flash(str(exc.message), "danger")
        for reason in exc.reasons:
            flash(str(reason), "warning")
        return redirect(url_for(".detail", case_id=case.id), code=303)
    if _commit_or_conflict():
        flash(_("Done: %(action)s.", action=_trigger_label(trigger)), "success")
    return redirect(url_for(".detail", case_id=case.id), code=303)


def _trigger_label(trigger: str) -> str:
    from ..labels import TRIGGER_LABELS

    return str(TRIGGER_LABELS.get(trigger, trigger))


def _section_title(part: str) -> str:
    return {
        "victims": _("Victim"),
        "witnesses": _("Witness"),
        "commission": _("Commission member"),
        "causes": _("Cause"),
        "responsible": _("Person responsible"),
        "measures": _("Measure"),
        "exposures": _("Occupational route"),
        "factors": _("Harmful factor"),
        "exams": _("Medical examination"),
    }[part]


@bp.get("/documents/<int:document_id>")
def download(document_id: int):
    document = db.session.get(GeneratedDocument, document_id)
    if document is None or not permissions.can_download(current_user, document):
        abort(404)  # the document of a case the user may not see: as if there were none
    data = document_service.read(document)
    audit.downloaded(document.case_id, file="document", id=document.id, sha256=document.sha256)
    return send_stored(
        data,
        document.sha256,
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        as_attachment=True,
        download_name=document.filename,
    )
