"""Issuing documents: render, store atomically under their SHA-256, keep every version.

`issue_document` is the one place a document is issued (the acts and notices here, the
dissenting opinions of services/signing.py, the protocols of services/protocols.py): it
renders, stores, supersedes the current revision of the same document and adds the row, which
the audit chain records with the flush (incidents/audit.py watches generated_document).

A re-issue that would say what the current revision says issues nothing. The bytes cannot
tell: every file is stamped with the audit chain's head and its issue date, and a DOCX is a ZIP
with timestamps. What a document says is its *fingerprint*: the SHA-256 of the part of
the template context its template reads, as canonical JSON, built with `now` fixed
(FINGERPRINT_NOW) so the dates that merely stand for "today" do not count; plus the template
file and every embedded image. Chosen over comparing the rendered text: it needs no render to
decide, and the stamp (audit head, issue date) is not part of it. It is stored on the row;
rows issued before it was recorded have none and are re-issued once."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterator
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
from . import deadlines, storage


def store_path(sha256: str, suffix: str = ".docx") -> Path:
    """Where the local store keeps a file (for tools that need a path, e.g. LibreOffice)."""
    return storage.store().path(storage.key_for(sha256, suffix))


def _store(data: bytes, suffix: str = ".docx") -> str:
    """Write once, atomically (see services/storage.py); its SHA-256."""
    return storage.put(data, suffix)


# A stored file that no longer matches the SHA-256 recorded when it was issued (or is gone).
CorruptDocument = storage.DamagedFile


def store_upload(data: bytes, suffix: str) -> str:
    """Keep an uploaded file the way generated documents are kept; its SHA-256."""
    return _store(data, suffix)


def read_stored(sha256: str, suffix: str = ".docx") -> bytes:
    return storage.read(sha256, suffix)


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


# `now` in the context a fingerprint is taken of: any fixed moment does
FINGERPRINT_NOW = datetime(2000, 1, 1)


@functools.cache
def _shown(kind: str, language: str) -> dict[str, frozenset[str] | None]:
    return doc_templates.shown(kind, language)  # parsed once per template and process


def fingerprint(kind: str, language: str, context: dict, images: dict | None = None) -> str:
    """The SHA-256 of what a document says: the part of its context its template reads
    (doc_templates.shown: a context carries more than each template shows) as canonical JSON,
    dates and other values as their text; its template file; its images."""
    h = hashlib.sha256()
    h.update(doc_templates.template_path(kind, language).read_bytes())
    shown = {}
    for key, attrs in _shown(kind, language).items():
        if key not in context:
            continue
        value = context[key]
        if attrs is not None and isinstance(value, dict):
            value = {attr: value.get(attr) for attr in sorted(attrs)}
        shown[key] = value
    text = json.dumps(shown, sort_keys=True, ensure_ascii=False, default=str)
    h.update(hashlib.sha256(text.encode()).digest())
    for key in sorted(images or {}):
        h.update(key.encode())
        for data, width in images[key]:
            h.update(hashlib.sha256(data).digest() + str(width).encode())
    return h.hexdigest()


def issue_document(
    case: Case,
    kind: str,
    language: str,
    build: Callable[[datetime], dict],
    *,
    now: datetime,
    actor: User | None,
    filename: Callable[[int], str],
    victim=None,
    addressee: str | None = None,
    images: dict | None = None,
    version: int | None = None,
) -> tuple[GeneratedDocument, bool]:
    """Issue one document of `case`: the one with this kind, language, victim and addressee
    (a notice's addressee, a protocol's or a dissent's tag). `build(now)` makes its template
    context; `filename(version)` its file name; `version` overrides the next number.

    Returns (the current revision, whether it is new). Nothing is issued when the current
    revision is frozen (approved or sent: never replaced) or already says the same (its
    fingerprint). Otherwise the new revision supersedes the current one. Rendering errors
    propagate, so the caller's transaction rolls back."""
    victim_id = victim.id if victim is not None else None
    same = [
        d
        for d in case.documents
        if d.kind == kind
        and d.language == language
        and d.victim_id == victim_id
        and d.addressee == addressee
    ]
    live = [d for d in same if d.superseded_at is None]
    frozen = next((d for d in live if d.frozen), None)
    if frozen is not None:
        return frozen, False
    says = fingerprint(kind, language, build(FINGERPRINT_NOW), images)
    unchanged = next((d for d in live if d.fingerprint == says), None)
    if unchanged is not None:
        return unchanged, False
    data = render(kind, language, build(now), now=now, images=images)
    for old in live:
        old.superseded_at = now
    if version is None:
        version = max((d.version for d in same), default=0) + 1
    doc = GeneratedDocument(
        kind=kind,
        language=language,
        version=version,
        victim_id=victim_id,
        addressee=addressee,
        filename=filename(version),
        sha256=_store(data),
        size=len(data),
        fingerprint=says,
        created_by_id=actor.id if actor else None,
        created_at=now,
    )
    case.documents.append(doc)
    return doc, True


def issue(
    case: Case, kind: DocumentKind, actor: User | None, *, addressees: list[str] | None = None
) -> list[GeneratedDocument]:
    """Issue `kind` in every document language: Act N-1 once per victim, a notice once per
    addressee (all of the case's, unless `addressees` names some). The new revisions; a
    document that would say what its current revision says is not re-issued.

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

            def build(at, language=language, victim=victim, extra=extra):
                return build_context(
                    case,
                    kind.value,
                    language,
                    rules=rules,
                    victim=victim,
                    now=at,
                    clock=clock,
                    **extra,
                )

            def name(version, language=language, victim=victim, addressee=addressee):
                return _filename(case, kind.value, language, version, victim, addressee)

            doc, new = issue_document(
                case,
                kind.value,
                language,
                build,
                now=now,
                actor=actor,
                filename=name,
                victim=victim,
                addressee=addressee,
            )
            if new:
                issued.append(doc)
    db.session.flush()
    return issued


def file_name(case: Case, kind: str, language: str, version: int, tag: str) -> str:
    """A document's file name with `tag` naming whom or what it is for."""
    return _filename(case, kind, language, version, addressee=tag)


def supersede(case: Case, kind: DocumentKind) -> None:
    now = utcnow()
    for doc in case.documents:
        if doc.kind == kind.value and doc.superseded_at is None:
            doc.superseded_at = now


def freeze(case: Case, kind: DocumentKind) -> None:
    for doc in case.documents:
        if doc.kind == kind.value and doc.superseded_at is None:
            doc.frozen = True
