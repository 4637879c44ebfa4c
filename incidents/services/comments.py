"""Comments on a case: a remark by one of the people working on it. No edits, no deletes.

Anyone who can view the case may comment, except the insurer (read-only). Flush, never commit."""

from __future__ import annotations

from flask_babel import gettext as _

from ..extensions import db
from ..models import Case, Comment, Role, User
from ..models.timeutil import utcnow
from ..permissions import can_view_case
from .errors import Forbidden, Invalid

BODY_MAX = 3000


def can_comment(user: User, case: Case) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.role != Role.insurer
        and can_view_case(user, case)
    )


def for_case(case: Case) -> list[Comment]:
    """The comments of the case, oldest first (newest last)."""
    if case.id is None:
        return []
    return list(
        db.session.execute(
            db.select(Comment)
            .where(Comment.case_id == case.id)
            .order_by(Comment.created_at, Comment.id)
        ).scalars()
    )


def add(case: Case, author: User, body: str) -> Comment:
    """A new comment by `author`; raises and changes nothing on refusal."""
    if not can_comment(author, case):
        raise Forbidden(_("You may not comment on this case."))
    body = (body or "").strip()
    if not body:
        raise Invalid(_("Write a comment first."), field="body")
    if len(body) > BODY_MAX:
        raise Invalid(_("Keep it to at most %(max)d characters.", max=BODY_MAX), field="body")
    comment = Comment(case_id=case.id, author_id=author.id, body=body, created_at=utcnow())
    db.session.add(comment)
    db.session.flush()
    return comment
