"""The administrator's pages: the mails the service wrote to its folder when no SMTP server is
configured (so invitations still reach people on the embedded default), and the background
jobs, where a job that failed for good shows its error and can be run again, and the audit
chain with its latest verifications."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import jobs
from ..audit_verify import verify_and_record
from ..extensions import db
from ..mail import mail_dir
from ..models import AuditCheck, AuditEvent, Job, JobStatus, Role
from ..services.locking import lock

bp = Blueprint("admin", __name__, url_prefix="/admin")
_NAME = re.compile(r"^[A-Za-z0-9._-]+\.eml$")


@bp.before_request
@login_required
def _admins_only():
    if current_user.role != Role.admin:
        abort(403)


def _read(path):
    msg = message_from_bytes(path.read_bytes(), policy=policy.default)
    return {
        "name": path.name,
        "to": msg["To"],
        "subject": msg["Subject"],
        "date": msg["Date"],
        "body": msg.get_body(preferencelist=("plain",)).get_content(),
    }


@bp.get("/mail")
def mail():
    folder = mail_dir()
    files = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True)
    return render_template("admin/mail.html", mails=[_read(p) for p in files[:200]])


@bp.get("/mail/<name>")
def mail_message(name: str):
    path = mail_dir() / name
    if not _NAME.match(name) or not path.is_file():
        abort(404)
    return render_template("admin/message.html", mail=_read(path))


@bp.get("/jobs")
def jobs_page():
    """The background jobs: the failed ones first (with their error), then the latest."""
    failed = db.session.scalars(
        db.select(Job).where(Job.status == JobStatus.failed).order_by(Job.id.desc()).limit(100)
    ).all()
    latest = db.session.scalars(
        db.select(Job).where(Job.status != JobStatus.failed).order_by(Job.id.desc()).limit(50)
    ).all()
    return render_template("admin/jobs.html", failed=failed, latest=latest)


@bp.post("/jobs/<int:job_id>/retry")
def retry_job(job_id: int):
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    lock(job)  # of two retries at once, the second finds the job queued already
    if job.status != JobStatus.failed:
        flash(_("This job is no longer failed: it was queued again or has run."), "danger")
        return redirect(url_for(".jobs_page"), code=303)
    jobs.retry(job)
    db.session.commit()
    flash(_("The job is queued again."), "success")
    return redirect(url_for(".jobs_page"), code=303)


@bp.get("/audit")
def audit_page():
    """The audit chain: the latest verifications and the latest events."""
    checks = db.session.scalars(
        db.select(AuditCheck).order_by(AuditCheck.id.desc()).limit(20)
    ).all()
    events = db.session.scalars(
        db.select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(50)
    ).all()
    return render_template("admin/audit.html", checks=checks, events=events)


@bp.post("/audit/verify")
def verify_audit():
    """Verify the whole chain now (the same as `flask audit verify`)."""
    verdict = verify_and_record(db.session)
    if verdict.ok:
        flash(_("The audit chain is intact: %(count)s events.", count=verdict.events), "success")
    elif verdict.broken_seq is None:  # the links hold, the replay found rows that differ
        flash(
            _(
                "The audit chain is intact, but %(count)s rows in the database differ from it.",
                count=verdict.differing,
            ),
            "danger",
        )
    else:
        flash(_("The audit chain is broken at event %(seq)s.", seq=verdict.broken_seq), "danger")
    return redirect(url_for(".audit_page"), code=303)
