"""An organisation's whole archive as one ZIP, for liquidation or a hand-over to the state
archive: every case's rows, every version of every document, the evidence and track files,
the case's audit events, the legal holds, and a manifest with the SHA-256 of every file.

Layout:
    manifest.json                       organisation, time, per file its SHA-256 and size
    organisation.json                   the organisation's row
    cases/<number>/case.json            the case's row and every row of every table that
                                        refers to it (secrets left out), by table
    cases/<number>/audit.jsonl          the case's audit events, in chain order, with hashes
    cases/<number>/documents/<file>     every version, superseded ones included
    cases/<number>/evidence/<id>-<file> uploaded photos and scans
    cases/<number>/tracks/<id>-<file>   the parallel tracks' acts

The ZIP is written to a temporary file beside the target and renamed when complete, and it
is streamed case by case, so memory stays flat however big the organisation is."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import zipfile
from pathlib import Path

from sqlalchemy import select

from ..audit import SECRET_COLUMNS, canonical
from ..extensions import db
from ..models import AuditEvent, Case, Evidence, GeneratedDocument, Organisation
from ..models.timeutil import utcnow
from . import documents
from . import evidence as evidence_service
from . import tracks as track_service

FORMAT = "incidents-archive/1"


def _safe(name: str) -> str:
    return re.sub(r"[^0-9A-Za-z._-]+", "-", name).strip("-") or "file"


def _row(row) -> dict:
    return {
        key: ("[secret]" if key in SECRET_COLUMNS else value) for key, value in row._mapping.items()
    }


def _case_rows(case: Case) -> dict:
    """The case row and every row that refers to the case (any table with a case_id column),
    so tables added later are archived without a change here."""
    out = {
        "case_file": [
            _row(
                db.session.execute(
                    select(Case.__table__).where(Case.__table__.c.id == case.id)
                ).one()
            )
        ]
    }
    for table in db.metadata.sorted_tables:
        if "case_id" not in table.c or table.name == "audit_event":
            continue
        rows = db.session.execute(
            select(table).where(table.c.case_id == case.id).order_by(table.c.id)
        ).all()
        if rows:
            out[table.name] = [_row(r) for r in rows]
    return out


class _Writer:
    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        self.files: list[dict] = []

    def add(self, name: str, data: bytes) -> None:
        self.zf.writestr(name, data)
        self.files.append(
            {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        )


def export(organisation: Organisation, target: Path) -> dict:
    """Write the organisation's archive to `target` (a .zip path); its manifest."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            writer = _Writer(zf)
            org_row = db.session.execute(
                select(Organisation.__table__).where(Organisation.id == organisation.id)
            ).one()
            writer.add("organisation.json", _json(_row(org_row)))
            cases = db.session.scalars(
                select(Case).where(Case.organisation_id == organisation.id).order_by(Case.id)
            )
            summaries = [_case(writer, case) for case in cases]
            manifest = {
                "format": FORMAT,
                "organisation": {"id": organisation.id, "name": organisation.name},
                "created_at": utcnow().isoformat() + "Z",
                "cases": summaries,
                "files": writer.files,
            }
            zf.writestr("manifest.json", _json(manifest))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return manifest


def _case(writer: _Writer, case: Case) -> dict:
    folder = f"cases/{_safe(case.number)}-{case.id}"
    writer.add(f"{folder}/case.json", _json(_case_rows(case)))
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.seq)
    )
    lines = [
        canonical({"seq": e.seq, "prev_hash": e.prev_hash, "hash": e.hash, "content": e.content})
        for e in events
    ]
    writer.add(f"{folder}/audit.jsonl", ("\n".join(lines) + "\n" if lines else "").encode())
    docs = db.session.scalars(
        select(GeneratedDocument)
        .where(GeneratedDocument.case_id == case.id)
        .order_by(GeneratedDocument.id)
    ).all()
    for doc in docs:
        writer.add(f"{folder}/documents/{doc.id}-{_safe(doc.filename)}", documents.read(doc))
    evidence = db.session.scalars(
        select(Evidence).where(Evidence.case_id == case.id).order_by(Evidence.id)
    ).all()
    for ev in evidence:
        writer.add(f"{folder}/evidence/{ev.id}-{_safe(ev.filename)}", evidence_service.read(ev))
    for track in case.tracks:
        if track.file_sha256:
            writer.add(
                f"{folder}/tracks/{track.id}-{_safe(track.file_name)}",
                track_service.read_file(track),
            )
    return {
        "id": case.id,
        "number": case.number,
        "kind": case.kind.value,
        "status": case.status.value,
        "folder": folder,
        "documents": len(docs),
        "evidence": len(evidence),
        "audit_events": len(lines),
        "legal_holds": [
            {"kind": h.kind.value, "reference": h.reference, "active": h.active} for h in case.holds
        ],
    }


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=_plain).encode()


def _plain(value):
    return json.loads(canonical(value))


def verify(path: Path) -> list[str]:
    """What is wrong with an archive: files whose bytes do not match the manifest, files the
    manifest does not list, files it lists that are missing. Empty when sound."""
    problems = []
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        listed = {f["path"]: f for f in manifest["files"]}
        names = set(zf.namelist()) - {"manifest.json"}
        for name in sorted(names - listed.keys()):
            problems.append(f"{name}: not in the manifest")
        for name, entry in listed.items():
            if name not in names:
                problems.append(f"{name}: missing")
            elif hashlib.sha256(zf.read(name)).hexdigest() != entry["sha256"]:
                problems.append(f"{name}: SHA-256 differs from the manifest")
    return problems
