"""Comments on a case: a remark by one of the people working on it. No edits, no deletes.

Anyone who can view the case may comment, except the insurer (read-only). A comment is for the
commission only (its default) or for everyone on the case: the victim or their trusted
person, invited to follow the case, read and write only the latter
(permissions.reads_internal_comments). Flush, never commit."""

from __future__ import annotations

from flask_babel import gettext as _

from ..extensions import db
from ..models import Case, Comment, CommentVisibility, Role, User
from ..models.timeutil import utcnow
from ..permissions import can_view_case, reads_internal_comments
from .errors import Forbidden, Invalid

BODY_MAX = 3000


def can_comment(user: User, case: Case) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.role != Role.insurer
        and can_view_case(user, case)
    )


def visibilities(user: User, case: Case) -> list[CommentVisibility]:
    """What `user` may write, their default first."""
    if reads_internal_comments(user, case):
        return [CommentVisibility.commission, CommentVisibility.everyone]
    return [CommentVisibility.everyone]


def may_read(user: User, case: Case, comment: Comment) -> bool:
    return comment.visibility == CommentVisibility.everyone or reads_internal_comments(user, case)


def for_case(case: Case, reader: User) -> list[Comment]:
    """The comments of the case `reader` may read, oldest first (newest last)."""
    if case.id is None or not can_view_case(reader, case):
        return []
    query = db.select(Comment).where(Comment.case_id == case.id)
    if not reads_internal_comments(reader, case):
        query = query.where(Comment.visibility == CommentVisibility.everyone)
    return list(db.session.execute(query.order_by(Comment.created_at, Comment.id)).scalars())


def add(
    case: Case, author: User, body: str, visibility: str | CommentVisibility | None = None
) -> Comment:
    """A new comment by `author`, for the commission or for everyone (None: the author's
    default); raises and changes nothing on refusal."""
    if not can_comment(author, case):
        raise Forbidden(_("You may not comment on this case."))
    allowed = visibilities(author, case)
    if visibility in (None, ""):
        visibility = allowed[0]
    if visibility not in {v.value for v in CommentVisibility}:
        raise Invalid(_("Choose a value from the list."), field="visibility")
    if visibility not in {v.value for v in allowed}:
        raise Invalid(_("You may not write a comment for the commission only."), field="visibility")
    body = (body or "").strip()
    if not body:
        raise Invalid(_("Write a comment first."), field="body")
    if len(body) > BODY_MAX:
        raise Invalid(_("Keep it to at most %(max)d characters.", max=BODY_MAX), field="body")
    comment = Comment(
        case_id=case.id,
        author_id=author.id,
        body=body,
        created_at=utcnow(),
        visibility=CommentVisibility(visibility),
    )
    db.session.add(comment)
    db.session.flush()
    return comment
