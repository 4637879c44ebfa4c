"""Issuing documents: render, store atomically under their SHA-256, keep every version."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from flask import current_app

import doc_templates
from doc_templates.context import build_context

from ..extensions import db
from ..models import Case, DocumentKind, GeneratedDocument, User
from ..models.timeutil import utcnow
from ..rules import load as load_rules


def store_path(sha256: str) -> Path:
    return Path(current_app.config["DOCUMENT_STORE"], sha256[:2], f"{sha256}.docx")


def _store(data: bytes) -> str:
    """Write once, atomically: a temp file in the same folder, fsync, rename."""
    digest = hashlib.sha256(data).hexdigest()
    path = store_path(digest)
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


def read(document: GeneratedDocument) -> bytes:
    data = store_path(document.sha256).read_bytes()
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise CorruptDocument(f"document {document.id}: {store_path(document.sha256)}")
    return data


def _filename(case: Case, kind: str, language: str, version: int, victim=None) -> str:
    who = f"-v{victim.id}" if victim is not None else ""
    number = re.sub(r"[^0-9A-Za-z-]+", "-", case.number)
    return f"{kind}-{number}{who}-{language}-r{version}.docx"


def issue(case: Case, kind: DocumentKind, actor: User | None) -> list[GeneratedDocument]:
    """Render `kind` in every document language (Act N-1: once per victim) as new versions.

    Rendering errors propagate, so the caller's transaction (and the transition) rolls back."""
    rules = load_rules(current_app.config["RULE_PACK"])
    victims = case.victims if kind == DocumentKind.act_n1 else [None]
    now = utcnow()
    issued = []
    for victim in victims:
        for language in current_app.config["DOCUMENT_LANGUAGES"]:
            context = build_context(case, kind.value, language, rules=rules, victim=victim, now=now)
            data = doc_templates.render(kind.value, language, context)
            previous = [
                d
                for d in case.documents
                if d.kind == kind.value
                and d.language == language
                and d.victim_id == (victim.id if victim else None)
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
                filename=_filename(case, kind.value, language, version, victim),
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
