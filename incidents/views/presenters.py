"""What the case page shows beyond the rows themselves: the merged timeline, and the two
versions side by side after an edit conflict."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from flask_babel import format_datetime
from flask_babel import gettext as _

from ..extensions import db
from ..labels import label
from ..models import Case, Evidence, InsurerPackage, InterviewProtocol, SceneProtocol, User
from ..models.timeutil import to_local
from ..services import comments


def timeline(case: Case, reader: User) -> list[tuple]:
    """Everything that happened on the case, oldest first: transitions, notices sent,
    uploads, protocols and the comments `reader` may read, as (when, kind, row)."""
    events = [(t.at, "transition", t) for t in case.transitions]
    events += [(n.sent_at, "notice", n) for n in case.notices if n.sent_at is not None]
    events += [(tr.created_at, "track", tr) for tr in case.tracks]
    for model, kind, stamp in (
        (Evidence, "upload", Evidence.uploaded_at),
        (SceneProtocol, "scene", SceneProtocol.created_at),
        (InterviewProtocol, "interview", InterviewProtocol.created_at),
    ):
        rows = db.session.scalars(db.select(model).where(model.case_id == case.id).order_by(stamp))
        events += [(getattr(r, stamp.key), kind, r) for r in rows]
    events += [(c.created_at, "comment", c) for c in comments.for_case(case, reader)]
    for package in db.session.scalars(
        db.select(InsurerPackage).where(InsurerPackage.case_id == case.id)
    ):
        events.append((package.created_at, "package", package))
        if package.answered_at is not None:
            events.append((package.answered_at, "answer", package))
    return sorted(events, key=lambda e: e[0])


def _shown(value) -> str:
    """A stored or entered value as the conflict table shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return format_datetime(value, "dd.MM.yyyy HH:mm", rebase=False)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Enum):
        return label(value)
    return str(value)


def differences(form, saved) -> list[tuple[str, str, str]]:
    """(field, saved now, your entry) for every field where the two differ."""
    rows = []
    for name in getattr(form, "FIELDS", ()):
        now = getattr(saved, name, None)
        if isinstance(now, datetime):
            now = to_local(now).replace(tzinfo=None)
        mine = form.to_dict().get(name)
        if isinstance(now, Enum) and isinstance(mine, str) and mine in type(now).__members__:
            mine = type(now)(mine)  # compare and show the entry as the stored kind
        if _shown(now) != _shown(mine):
            rows.append((str(form[name].label.text), _shown(now), _shown(mine)))
    return rows
