"""The insurer hand-off package (Law No. 194).

Notifying the insurer opens a package for the insurer of the policy in force on the accident
date (`create`, inside the transition's transaction) and queues the job that builds it
(`build`): every current act and notice as DOCX and as PDF (LibreOffice, in one call), the
attachments, the machine-readable ``package.json`` (validated against the published schema)
and ``manifest.json`` with every file's SHA-256. Files live in the document store under their
SHA-256 like every other document. When the package is ready it goes out through the insurer's
channels (incidents/services/deliveries.py). The insurer acknowledges it or rejects it with a
reason, once; a reopened case gets a new package and the old one is marked superseded."""

from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
import zipfile
from pathlib import PurePosixPath

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update

from .. import audit, jobs, permissions
from ..audit_anchor import head
from ..extensions import db
from ..models import (
    AnswerKind,
    Case,
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
    Evidence,
    InsurerPackage,
    Organisation,
    PackageFile,
    PackageStatus,
    Role,
    User,
)
from ..models.timeutil import utcnow
from . import documents, notify, package_data, pdf
from .errors import Conflict, Forbidden, Invalid
from .evidence import SUFFIXES

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NO_PDF = "LibreOffice is not installed on the server: the package carries the DOCX files only."


def current(case: Case) -> InsurerPackage | None:
    return db.session.scalar(
        db.select(InsurerPackage)
        .where(InsurerPackage.case_id == case.id, InsurerPackage.superseded_at.is_(None))
        .order_by(InsurerPackage.version.desc())
        .limit(1)
    )


def for_case(case: Case) -> list[InsurerPackage]:
    return list(
        db.session.scalars(
            db.select(InsurerPackage)
            .where(InsurerPackage.case_id == case.id)
            .order_by(InsurerPackage.version.desc())
        )
    )


def create(case: Case, actor: User | None) -> InsurerPackage:
    """Open the package of this notification; the build job runs after the commit."""
    policy = case.policy
    if policy is None:  # the has_policy guard stops the transition first
        raise Invalid(_("No insurance policy covers the accident date."))
    now = utcnow()
    supersede(case)
    earlier = for_case(case)
    package = InsurerPackage(
        uid=str(uuid.uuid4()),
        case_id=case.id,
        insurer_id=policy.insurer_id,
        policy=policy,
        version=max((p.version for p in earlier), default=0) + 1,
        status=PackageStatus.building,
        created_by_id=actor.id if actor else None,
        created_at=now,
    )
    db.session.add(package)
    db.session.flush()
    jobs.enqueue("build_package", package.id)
    return package


def supersede(case: Case) -> None:
    """A reopened case: its package no longer tells the outcome; the next one replaces it."""
    now = utcnow()
    for package in for_case(case):
        if package.superseded_at is None:
            package.superseded_at = now


def _pdf_name(name: str) -> str:
    return "pdf/" + PurePosixPath(name).with_suffix(".pdf").name


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name, flags=re.UNICODE).strip("._") or "file"


def build(package_id: int) -> None:
    """Assemble the files of a package in one transaction (a retry starts afresh: the store is
    content-addressed, so files written by a failed attempt are simply found again)."""
    package = db.session.get(InsurerPackage, package_id)
    if package is None or package.status == PackageStatus.ready:
        return  # a duplicate of the job; a failed package is built again when run again
    case = package.case
    docs = [d for d in case.current_documents()]
    files: list[dict] = [
        {
            "name": f"documents/{d.filename}",
            "role": "document",
            "kind": d.kind,
            "language": d.language,
            "media_type": DOCX,
            "sha256": d.sha256,
            "suffix": ".docx",
            "size": d.size,
        }
        for d in docs
    ]
    files += _pdfs(package, files)
    for e in db.session.scalars(
        db.select(Evidence)
        .where(Evidence.case_id == case.id, Evidence.removed_at.is_(None))
        .order_by(Evidence.id)
    ):
        files.append(
            {
                "name": f"attachments/{e.id}-{_safe(e.filename)}",
                "role": "attachment",
                "kind": e.kind,
                "language": None,
                "media_type": e.content_type,
                "sha256": e.sha256,
                "suffix": SUFFIXES[e.content_type],
                "size": e.size,
            }
        )
    base_url = (current_app.config.get("BASE_URL") or "").rstrip("/")
    listed = [{k: v for k, v in f.items() if k != "suffix"} for f in files]
    data = package_data.package_document(package, listed, base_url=base_url)
    package_data.validate(data)
    files.append(_stored("package.json", "data", "application/json", _json(data)))
    seq, digest = head(db.session)
    manifest = {
        # the audit chain's head as the package was built: `flask audit verify --anchor HASH`
        "audit_head": {"seq": seq, "hash": digest},
        "package": package.uid,
        "case": case.number,
        "version": package.version,
        "algorithm": "sha256",
        "files": [{k: f[k] for k in ("name", "sha256", "size", "media_type")} for f in files],
    }
    manifest_file = _stored("manifest.json", "manifest", "application/json", _json(manifest))
    files.append(manifest_file)
    for f in files:
        package.files.append(
            PackageFile(
                name=f["name"],
                role=f["role"],
                media_type=f["media_type"],
                sha256=f["sha256"],
                suffix=f["suffix"],
                size=f["size"],
            )
        )
    package.manifest_sha256 = manifest_file["sha256"]
    package.status, package.ready_at, package.error = PackageStatus.ready, utcnow(), None
    _open_deliveries(package)


def _json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode()


def _stored(name: str, role: str, media_type: str, data: bytes) -> dict:
    sha = documents.store_upload(data, ".json")
    return {
        "name": name,
        "role": role,
        "kind": None,
        "language": None,
        "media_type": media_type,
        "sha256": sha,
        "suffix": ".json",
        "size": len(data),
    }


def _pdfs(package: InsurerPackage, sources: list[dict]) -> list[dict]:
    """A PDF of every DOCX, converted in one LibreOffice call. Without LibreOffice the package
    says so and carries the DOCX only; a conversion error fails the job (it is retried)."""
    if not sources:
        return []
    if not pdf.available():
        package.pdf_note = NO_PDF
        return []
    paths = [documents.store_path(f["sha256"]) for f in sources]
    converted = pdf.convert(paths)
    out = []
    for f, path in zip(sources, paths, strict=True):
        data = converted[path]
        out.append(
            {
                "name": _pdf_name(f["name"]),
                "role": "pdf",
                "kind": f["kind"],
                "language": f["language"],
                "media_type": "application/pdf",
                "sha256": documents.store_upload(data, ".pdf"),
                "suffix": ".pdf",
                "size": len(data),
            }
        )
    package.pdf_note = None
    return out


def email_recipients(insurer: Organisation) -> list[str]:
    """The insurer's notice mailbox, or else every active user of the insurer."""
    if insurer.notice_email:
        return [insurer.notice_email]
    users = db.session.scalars(
        db.select(User)
        .where(User.organisation_id == insurer.id, User.role == Role.insurer, User.active)
        .order_by(User.id)
    )
    return [u.email for u in users]


def _open_deliveries(package: InsurerPackage) -> None:
    """The inbox has it at once; the e-mail and the webhook go out as jobs of their own."""
    now = utcnow()
    package.deliveries.append(
        Delivery(
            channel=DeliveryChannel.inbox,
            status=DeliveryStatus.delivered,
            created_at=now,
            delivered_at=now,
        )
    )
    insurer = package.insurer
    recipients = email_recipients(insurer)
    if recipients:
        delivery = Delivery(
            channel=DeliveryChannel.email,
            target=", ".join(recipients),
            status=DeliveryStatus.pending,
            created_at=now,
        )
        package.deliveries.append(delivery)
        db.session.flush()
        jobs.enqueue("deliver_email", delivery.id)
    if insurer.webhook_url and insurer.webhook_secret:
        delivery = Delivery(
            channel=DeliveryChannel.webhook,
            target=insurer.webhook_url,
            status=DeliveryStatus.pending,
            created_at=now,
        )
        package.deliveries.append(delivery)
        db.session.flush()
        jobs.enqueue("deliver_webhook", delivery.id)


def gave_up(package_id: int, error: str) -> None:
    """The build failed on its last attempt: the package shows as failed, with the error."""
    package = db.session.get(InsurerPackage, package_id)
    if package is not None and package.status == PackageStatus.building:
        package.status, package.error = PackageStatus.failed, error


# -- reading --------------------------------------------------------------------------------


def file_named(package: InsurerPackage, name: str) -> PackageFile | None:
    return next((f for f in package.files if f.name == name), None)


def read_file(file: PackageFile) -> bytes:
    """The file's bytes, checked against the SHA-256 recorded in the manifest."""
    return documents.read_stored(file.sha256, file.suffix)


def json_data(package: InsurerPackage) -> dict:
    """The package's machine-readable document (package.json)."""
    return json.loads(read_file(file_named(package, "package.json")))


def zip_bytes(package: InsurerPackage) -> bytes:
    """The whole package as one ZIP, manifest included, for a clerk who wants a single file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in package.files:
            archive.writestr(f.name, read_file(f))
    return buffer.getvalue()


def manifest_matches(package: InsurerPackage) -> bool:
    """Every file in the store still hashes to what the manifest says."""
    manifest = json.loads(read_file(file_named(package, "manifest.json")))
    for entry in manifest["files"]:
        file = file_named(package, entry["name"])
        data = read_file(file)
        if hashlib.sha256(data).hexdigest() != entry["sha256"] or len(data) != entry["size"]:
            return False
    return True


# -- the insurer's answer -------------------------------------------------------------------


def can_answer(user: User, package: InsurerPackage) -> bool:
    return permissions.can_answer_package(user, package)


def answer(package: InsurerPackage, user: User, kind: AnswerKind, reason: str | None) -> None:
    """Acknowledge the package, or reject it with a reason. Once only: of answers given at the
    same moment exactly one is recorded, the others are refused (Conflict). Flush, never
    commit."""
    if not can_answer(user, package):
        raise Forbidden(_("You may not do this in this case."))
    if (refusal := _not_answerable(package)) is not None:
        raise refusal
    reason = (reason or "").strip() or None
    if kind == AnswerKind.rejected and not reason:
        raise Invalid(_("Give a reason."), field="reason")
    now = utcnow()
    # a conditional UPDATE claims the answer: a parallel answer waits for the row, then finds
    # it answered and changes nothing (reading first and writing after let a third answer
    # overwrite the first one's kind and keep the second one's reason)
    claimed = db.session.execute(
        update(InsurerPackage)
        .where(
            InsurerPackage.id == package.id,
            InsurerPackage.answer.is_(None),
            InsurerPackage.superseded_at.is_(None),
            InsurerPackage.status == PackageStatus.ready,
        )
        .values(answer=kind, answer_reason=reason, answered_at=now, answered_by_id=user.id)
        .execution_options(synchronize_session="fetch")
    )
    if claimed.rowcount != 1:
        db.session.refresh(package)  # what the winner (or a reopening) left, to say why not
        raise _not_answerable(package) or Conflict(_("This package has already been answered."))
    # a Core UPDATE is not seen by the ORM's flush: record it in the audit chain ourselves
    audit.record(
        db.session,
        "change",
        case_id=package.case_id,
        op="update",
        table="insurer_package",
        row=package.id,
        values={
            "answer": [None, kind.value],
            "answer_reason": [None, reason],
            "answered_at": [None, now.isoformat()],
            "answered_by_id": [None, user.id],
        },
    )
    package.case.touch()
    db.session.flush()
    notify.queue(notify.insurer_answered(package))  # mail jobs, sent after the commit


def _not_answerable(package: InsurerPackage) -> Conflict | None:
    if package.superseded_at is not None:
        return Conflict(_("This package was replaced by a newer one; answer that one."))
    if package.answer is not None:
        return Conflict(_("This package has already been answered."))
    if package.status != PackageStatus.ready:
        return Conflict(_("This package is not ready yet."))
    return None
