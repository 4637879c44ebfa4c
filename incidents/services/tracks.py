"""Parallel tracks beside the labour investigation: they are recorded and shown, never block."""

from __future__ import annotations

from pathlib import PurePath

from flask_babel import gettext as _

from ..extensions import db
from ..models import Case, ParallelTrack, User
from ..models.timeutil import local_to_utc, utcnow
from ..permissions import can_edit_case
from . import documents
from .errors import Forbidden, Invalid

# An uploaded act is accepted by what its bytes are, not by its name.
_SIGNATURES = {b"%PDF-": ".pdf", b"PK\x03\x04": ".docx"}


def file_suffix(data: bytes) -> str | None:
    return next((sfx for magic, sfx in _SIGNATURES.items() if data.startswith(magic)), None)


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
