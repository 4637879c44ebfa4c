"""Sending stored files: every download, web or API (documents, evidence and thumbnails,
package files and ZIPs, track acts), goes through `send_stored`.

The bytes given to it were read with services/storage.read, which checks them against the
SHA-256 recorded when they were stored. A file that no longer matches (or is gone) is never
sent: storage.DamagedFile is answered by views/errors.damaged, a 410 page (JSON under /api/)
in the user's language, logged as an error for the administrator."""

from __future__ import annotations

from io import BytesIO

from flask import send_file


def send_stored(data: bytes, etag: str | None, **kw):
    """A download of `data` (already checked against `etag`, its SHA-256); `kw` as for
    send_file. Never cached by a shared cache, never sniffed as another type."""
    response = send_file(BytesIO(data), etag=etag or False, max_age=0, **kw)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
