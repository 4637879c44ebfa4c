"""Issuing documents: render, store atomically under their SHA-256, keep every version."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from flask import current_app

import doc_templates
from doc_templates import anchor as docx_anchor
from doc_templates.context import build_context

from ..audit_anchor import Anchor, head
from ..extensions import db
from ..models import (
    Case,
    DocumentKind,
    Evidence,
    GeneratedDocument,
    InterviewProtocol,
    SceneProtocol,
    User,
)
from ..models.timeutil import utcnow
from ..rules import for_case
from . import deadlines


def store_path(sha256: str, suffix: str = ".docx") -> Path:
    return Path(current_app.config["DOCUMENT_STORE"], sha256[:2], f"{sha256}{suffix}")


def _store(data: bytes, suffix: str = ".docx") -> str:
    """Write once, atomically: a temp file in the same folder, fsync, rename."""
    digest = hashlib.sha256(data).hexdigest()
    path = store_path(digest, suffix)
    if path.exists():
        return digest
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


class CorruptDocument(Exception):
    """The stored file no longer matches the SHA-256 recorded when it was issued."""


def store_upload(data: bytes, suffix: str) -> str:
    """Keep an uploaded file the way generated documents are kept; its SHA-256."""
    return _store(data, suffix)


def read_stored(sha256: str, suffix: str = ".docx") -> bytes:
    data = store_path(sha256, suffix).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise CorruptDocument(str(store_path(sha256, suffix)))
    return data


def read(document: GeneratedDocument) -> bytes:
    return read_stored(document.sha256)


def render(
    kind: str, language: str, context: dict, *, now: datetime, images: dict | None = None
) -> bytes:
    """Render a document to be issued, anchored: the audit chain's head at its issue goes into
    its keywords and footers (doc_templates/anchor.py). Every issued document is rendered here,
    so `flask audit verify --anchor` can check any of them."""
    data = doc_templates.render(kind, language, context, images=images)
    seq, digest = head(db.session)
    return docx_anchor.stamp(data, language, seq, digest, now)


def issued_anchors() -> Iterator[Anchor]:
    """The anchors kept in the files of every issued document (read from the store, not the
    database: the witnesses that locate a rewrite of the audit log). Files that are missing,
    corrupt or unanchored (issued before anchors existed) are skipped."""
    rows = db.session.execute(
        db.select(GeneratedDocument.sha256, GeneratedDocument.filename).order_by(
            GeneratedDocument.id
        )
    )
    for sha256, filename in rows:
        try:
            found = docx_anchor.read(read_stored(sha256))
        except (OSError, ValueError, CorruptDocument):
            continue
        if found is not None:
            yield Anchor(found[0], found[1], filename)


def _filename(case: Case, kind: str, language: str, version: int, victim=None, addressee=None):
    who = f"-v{victim.id}" if victim is not None else (f"-{addressee}" if addressee else "")
    number = re.sub(r"[^0-9A-Za-z-]+", "-", case.number)
    return f"{kind}-{number}{who}-{language}-r{version}.docx"


_ACTS = (DocumentKind.act_n1, DocumentKind.investigation_act)


def _materials(case: Case) -> list[tuple]:
    """The case's live evidence files and protocols as the acts list them:
    `(kind_code, text, datetime)` in time order (see doc_templates build_context)."""

    def live(model):
        return db.session.scalars(
            db.select(model).where(model.case_id == case.id, model.removed_at.is_(None))
        ).all()

    rows = [(e.kind, e.description or e.filename, e.uploaded_at) for e in live(Evidence)]
    rows += [("scene_protocol", p.place, p.inspected_on) for p in live(SceneProtocol)]
    rows += [
        (f"interview_{p.interviewee_kind}", p.full_name, p.started_at)
        for p in live(InterviewProtocol)
    ]
    return sorted(rows, key=lambda row: row[2])


def issue(
    case: Case, kind: DocumentKind, actor: User | None, *, addressees: list[str] | None = None
) -> list[GeneratedDocument]:
    """Render `kind` in every document language as new versions: Act N-1 once per victim, a
    notice once per addressee (all of the case's, unless `addressees` names some).

    Rendering errors propagate, so the caller's transaction (and the transition) rolls back."""
    rules = for_case(case)
    targets: list[tuple] = [(None, None)]
    if kind == DocumentKind.act_n1:
        targets = [(v, None) for v in case.victims]
    elif kind == DocumentKind.notice:
        codes = addressees if addressees is not None else [n.addressee for n in case.notices]
        targets = [(None, code) for code in codes]
    now = utcnow()
    clock = {d.key: d.due_at for d in deadlines.compute(case, rules, now)}
    materials = _materials(case) if kind in _ACTS else None
    issued = []
    for victim, addressee in targets:
        for language in current_app.config["DOCUMENT_LANGUAGES"]:
            extra = {"addressee": addressee} if kind == DocumentKind.notice else {}
            if materials is not None:
                extra["materials"] = materials
            context = build_context(
                case,
                kind.value,
                language,
                rules=rules,
                victim=victim,
                now=now,
                clock=clock,
                **extra,
            )
            data = render(kind.value, language, context, now=now)
            previous = [
                d
                for d in case.documents
                if d.kind == kind.value
                and d.language == language
                and d.victim_id == (victim.id if victim else None)
                and d.addressee == addressee
            ]
            for old in previous:
                if old.superseded_at is None:
                    old.superseded_at = now
            version = max((d.version for d in previous), default=0) + 1
            doc = GeneratedDocument(
                kind=kind.value,
                language=language,
                version=version,
                victim_id=victim.id if victim else None,
                addressee=addressee,
                filename=_filename(case, kind.value, language, version, victim, addressee),
                sha256=_store(data),
                size=len(data),
                created_by_id=actor.id if actor else None,
                created_at=now,
            )
            case.documents.append(doc)
            issued.append(doc)
    db.session.flush()
    return issued


def supersede(case: Case, kind: DocumentKind) -> None:
    now = utcnow()
    for doc in case.documents:
        if doc.kind == kind.value and doc.superseded_at is None:
            doc.superseded_at = now


def freeze(case: Case, kind: DocumentKind) -> None:
    for doc in case.documents:
        if doc.kind == kind.value and doc.superseded_at is None:
            doc.frozen = True
