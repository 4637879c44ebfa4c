"""Evidence of a case: photos, sketches, the medical conclusion, other files.

A file is accepted by what its bytes are, never by its name: JPEG, PNG or PDF. An image must
decode with Pillow; its thumbnail (a JPEG, at most 320 px, turned upright by its EXIF
orientation) is stored beside it the same way, under its SHA-256. Nothing is deleted: removing
a file marks it removed and hides it.

Config keys (read with config.get, so both are optional):
EVIDENCE_MAX_BYTES  the largest file accepted (default 10 MB)
EVIDENCE_MAX_FILES  how many files a case may hold, not counting removed ones (default 50)
EVIDENCE_MAX_PIXELS the most pixels (width x height) an image may have (default 40 million);
                    it can lower the limit, not raise it past Pillow's ceiling set below
"""

from __future__ import annotations

import warnings
from io import BytesIO
from pathlib import PurePosixPath

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps

from ..extensions import db
from ..models import Case, Evidence, User
from ..models.timeutil import utcnow
from ..permissions import can_edit_case
from . import documents
from .errors import Forbidden, Invalid

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_FILES = 50
# 40 MP: twice a 24 MP camera's photo. A 10 KB PNG can declare 88 MP and take seconds of CPU
# and hundreds of MB to decode, so the size its header states is checked before decoding.
DEFAULT_MAX_PIXELS = 40_000_000
# Pillow's own bomb check, for any image opened in this process: above this it warns (the
# decoder below turns the warning into a refusal), above twice this it raises
Image.MAX_IMAGE_PIXELS = DEFAULT_MAX_PIXELS
THUMB_SIZE = 320
THUMB_SUFFIX = ".jpg"

KINDS = {
    "photo": _l("Photo"),
    "sketch": _l("Sketch"),
    "medical": _l("Medical conclusion"),
    "other": _l("Other"),
}

# magic bytes -> (content type, stored suffix); the type comes from here, never from the name
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)
SUFFIXES = {content_type: suffix for _magic, content_type, suffix in _SIGNATURES}
# names a file of that type may keep; any other name gets the type's suffix appended
_NAME_SUFFIXES = {
    "image/jpeg": {".jpg", ".jpeg", ".jpe", ".jfif"},
    "image/png": {".png"},
    "application/pdf": {".pdf"},
}
IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG"}  # content type -> Pillow format


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, suffix) of the file from its first bytes, or None if not accepted."""
    for magic, content_type, suffix in _SIGNATURES:
        if data.startswith(magic):
            return content_type, suffix
    return None


def kind_label(kind: str) -> str:
    return str(KINDS.get(kind, kind))


def max_bytes() -> int:
    return int(current_app.config.get("EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_files() -> int:
    return int(current_app.config.get("EVIDENCE_MAX_FILES", DEFAULT_MAX_FILES))


def max_pixels() -> int:
    return min(
        int(current_app.config.get("EVIDENCE_MAX_PIXELS", DEFAULT_MAX_PIXELS)),
        DEFAULT_MAX_PIXELS,
    )


def human_size(size: int) -> str:
    if size < 1024:
        return _("%(size)s B", size=size)
    if size < 1024 * 1024:
        return _("%(size)s KB", size=format_decimal(round(size / 1024, 1)))
    return _("%(size)s MB", size=format_decimal(round(size / (1024 * 1024), 1)))


def is_image(ev: Evidence) -> bool:
    return ev.content_type in IMAGE_TYPES


def _live_query(case: Case):
    return (
        db.select(Evidence)
        .where(Evidence.case_id == case.id, Evidence.removed_at.is_(None))
        .order_by(Evidence.uploaded_at, Evidence.id)
    )


def live(case: Case) -> list[Evidence]:
    """The case's files that were not removed, oldest first."""
    if case.id is None:
        return []
    return list(db.session.scalars(_live_query(case)))


def photos(case: Case) -> list[Evidence]:
    """The case's images (JPEG, PNG) that were not removed, oldest first."""
    if case.id is None:
        return []
    query = _live_query(case).where(Evidence.content_type.in_(list(IMAGE_TYPES)))
    return list(db.session.scalars(query))


def get(case: Case, evidence_id: int) -> Evidence | None:
    """One file of this case that was not removed; None for another case's id."""
    return db.session.scalar(_live_query(case).where(Evidence.id == evidence_id))


def read(ev: Evidence) -> bytes:
    """The stored bytes, checked against the SHA-256 recorded at upload."""
    return documents.read_stored(ev.sha256, SUFFIXES[ev.content_type])


def read_thumb(ev: Evidence) -> bytes | None:
    if ev.thumb_sha256 is None:
        return None
    return documents.read_stored(ev.thumb_sha256, THUMB_SUFFIX)


def _filename(name: str | None, content_type: str) -> str:
    """The uploaded name without any folder, ending in a suffix true to the content."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    base = "".join(c for c in base if c.isprintable()).strip() or "file"
    suffix = PurePosixPath(base).suffix.lower()
    if suffix not in _NAME_SUFFIXES[content_type]:
        base += SUFFIXES[content_type]
        suffix = SUFFIXES[content_type]
    stem = base[: len(base) - len(suffix)]
    return stem[: 200 - len(suffix)] + base[len(stem) :]


def _damaged() -> Invalid:
    return Invalid(_("The image cannot be read: the file is damaged or incomplete."), field="file")


def _too_large() -> Invalid:
    most = format_decimal(round(max_pixels() / 1_000_000, 1))
    return Invalid(
        _(
            "The image is too large: at most %(megapixels)s megapixels are accepted. "
            "Reduce its width and height and upload it again.",
            megapixels=most,
        ),
        field="file",
    )


def _thumbnail(data: bytes, content_type: str) -> bytes:
    """Decode the image fully (refusing what does not) and make its JPEG thumbnail. The
    size in the image's header is checked first: opening reads only the header."""
    fmt = IMAGE_TYPES[content_type]
    with warnings.catch_warnings():
        # a decompression bomb is refused, not merely warned about
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(BytesIO(data), formats=[fmt]) as probe:
                width, height = probe.size
                if width * height > max_pixels():
                    raise _too_large()
                probe.verify()
            with Image.open(BytesIO(data), formats=[fmt]) as im:
                im.load()
                upright = ImageOps.exif_transpose(im)
                if upright.mode in ("RGBA", "LA", "P", "PA"):
                    rgba = upright.convert("RGBA")
                    flat = Image.new("RGB", rgba.size, "white")
                    flat.paste(rgba, mask=rgba.getchannel("A"))
                else:
                    flat = upright.convert("RGB")
                flat.thumbnail((THUMB_SIZE, THUMB_SIZE))
                out = BytesIO()
                flat.save(out, "JPEG", quality=85, optimize=True)
        except Invalid:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise _too_large() from exc
        except Exception as exc:  # any decoder failure on untrusted bytes is a refusal
            raise _damaged() from exc
    return out.getvalue()


def _check(case: Case, actor: User) -> None:
    if not can_edit_case(actor, case):
        raise Forbidden(_("You may not change this case."))


def upload(
    case: Case,
    actor: User,
    *,
    kind: str,
    name: str | None,
    data: bytes,
    description: str | None = None,
) -> Evidence:
    """Check and store one file; the new row is flushed, the caller commits.

    Every check runs before anything is written, so a refused file leaves no trace."""
    _check(case, actor)
    if kind not in KINDS:
        raise Invalid(_("Choose a value from the list."), field="kind")
    if not data:
        raise Invalid(_("The file is empty."), field="file")
    limit = max_bytes()
    if len(data) > limit:
        raise Invalid(_("The file is larger than %(size)s.", size=human_size(limit)), field="file")
    most = max_files()
    count = db.session.scalar(
        db.select(db.func.count(Evidence.id)).where(
            Evidence.case_id == case.id, Evidence.removed_at.is_(None)
        )
    )
    if count >= most:
        raise Invalid(
            _("A case may hold at most %(count)s files. Remove one first.", count=most),
            field="file",
        )
    sniffed = sniff(data)
    if sniffed is None:
        raise Invalid(
            _("Only JPEG and PNG images and PDF files are accepted; this file is none of them."),
            field="file",
        )
    content_type, suffix = sniffed
    thumb = _thumbnail(data, content_type) if content_type in IMAGE_TYPES else None
    ev = Evidence(
        case_id=case.id,
        kind=kind,
        description=(description or "").strip()[:500] or None,
        filename=_filename(name, content_type),
        content_type=content_type,
        sha256=documents.store_upload(data, suffix),
        size=len(data),
        thumb_sha256=documents.store_upload(thumb, THUMB_SUFFIX) if thumb else None,
        uploaded_by_id=actor.id,
        uploaded_at=utcnow(),
    )
    db.session.add(ev)
    case.touch()  # bumps the version: two uploads at once cannot both pass the count
    db.session.flush()
    return ev


def remove(case: Case, actor: User, evidence_id: int) -> Evidence:
    """Hide a file from the case; the row and the stored file stay."""
    _check(case, actor)
    ev = get(case, evidence_id)
    if ev is None:
        raise Invalid(_("No such entry in this case."))
    ev.removed_at = utcnow()
    case.touch()
    db.session.flush()
    return ev
