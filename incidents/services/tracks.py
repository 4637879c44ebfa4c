"""Parallel tracks beside the labour investigation: they are recorded and shown, never block."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import PurePath

import docx
from flask_babel import gettext as _

from ..extensions import db
from ..models import Case, ParallelTrack, User
from ..models.timeutil import local_to_utc, utcnow
from ..permissions import can_edit_case
from . import documents
from .errors import Forbidden, Invalid

# An uploaded act is accepted by what its bytes are, not by its name.
_SIGNATURES = {b"%PDF-": ".pdf", b"PK\x03\x04": ".docx"}
# A .docx is a ZIP, but not every ZIP is a .docx: the Word main document part must be there,
# declared as such, and python-docx must open it. What it holds unpacked is bounded first, so
# a small ZIP that inflates to gigabytes is refused before anything is unpacked.
WORD_MAIN_PART = "/word/document.xml"
WORD_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCX_MAX_PARTS = 2000
DOCX_MAX_UNPACKED = 64 * 1024 * 1024


def file_suffix(data: bytes) -> str | None:
    return next((sfx for magic, sfx in _SIGNATURES.items() if data.startswith(magic)), None)


def is_word_document(data: bytes) -> bool:
    """A Word document (.docx, not a template or a macro document) within the limits above."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            parts = archive.infolist()
            names = {p.filename for p in parts}
            if (
                len(parts) > DOCX_MAX_PARTS
                or sum(p.file_size for p in parts) > DOCX_MAX_UNPACKED
                or not {"[Content_Types].xml", WORD_MAIN_PART.lstrip("/")} <= names
            ):
                return False
        # python-docx finds the main part through [Content_Types].xml and the package's
        # relationships, and refuses a package whose main part is not a Word document
        main = docx.Document(BytesIO(data)).part
    except Exception:  # any failure to read untrusted bytes as a .docx is a refusal
        return False
    return main.partname == WORD_MAIN_PART and main.content_type == WORD_MAIN_TYPE


def _check(case: Case, actor: User) -> None:
    if not can_edit_case(actor, case):
        raise Forbidden(_("You may not change this case."))


def _attach(track: ParallelTrack, upload: tuple[str, bytes] | None) -> None:
    if upload is None:
        return
    name, data = upload
    suffix = file_suffix(data)
    if suffix is None:
        raise Invalid(_("Attach the act as a PDF or DOCX file."), field="file")
    if suffix == ".docx" and not is_word_document(data):
        raise Invalid(
            _(
                "This file is not a Word document or it is damaged. "
                "Attach the act as a PDF or DOCX file."
            ),
            field="file",
        )
    track.file_sha256 = documents.store_upload(data, suffix)
    track.file_name = PurePath(name or "act").stem[:150] + suffix


def open_track(case: Case, actor: User, data: dict, upload=None) -> ParallelTrack:
    _check(case, actor)
    track = ParallelTrack(
        kind=data["kind"],
        authority=data["authority"],
        reference=data.get("reference"),
        opened_at=local_to_utc(data["opened_at"]),
        due_at=local_to_utc(data["due_at"]) if data.get("due_at") else None,
        note=data.get("note"),
        created_by_id=actor.id,
    )
    _attach(track, upload)
    case.tracks.append(track)
    case.touch()
    db.session.flush()
    return track


def close_track(case: Case, actor: User, track_id: int, upload=None) -> ParallelTrack:
    _check(case, actor)
    track = next((t for t in case.tracks if t.id == track_id), None)
    if track is None:
        raise Invalid(_("No such entry in this case."))
    _attach(track, upload)
    track.closed_at = track.closed_at or utcnow()
    case.touch()
    db.session.flush()
    return track


def read_file(track: ParallelTrack) -> bytes:
    return documents.read_stored(track.file_sha256, PurePath(track.file_name).suffix)
