"""E-mails to the people concerned by a case: a signature request when the acts are drafted or
reissued, the approval of the act, a new comment, the insurer's answer.

The functions here compute the recipients and render each mail in the recipient's language;
they return (email, subject, body) and send nothing. The use cases hand the result to `queue`
inside their transaction: each mail is a background job sent after the commit (incidents/mail.py),
so the change is saved whether or not the mail server answers, and a rollback sends nothing."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ..extensions import db
from ..mail import queue_mail
from ..models import (
    AnswerKind,
    Case,
    CaseParticipant,
    Comment,
    InsurerPackage,
    Role,
    User,
)
from ..models.timeutil import to_local
from . import comments

Mail = tuple[str, str, str]  # (email, subject, body)


def _language(user: User) -> str:
    language = user.language or "ru"
    if language not in current_app.config.get("LANGUAGES", ("ky", "ru", "en")):
        language = "ru"
    return language


def case_path(case: Case) -> str:
    return current_app.url_map.bind("localhost").build("cases.detail", {"case_id": case.id})


def case_url(case: Case, anchor: str | None = None) -> str:
    """An absolute link to the case page: BASE_URL (with any path prefix) + path."""
    base = current_app.config.get("BASE_URL") or "http://127.0.0.1:5000"
    return base.rstrip("/") + case_path(case) + (f"#{anchor}" if anchor else "")


def _unique(users: Iterable[User | None], exclude: User | None = None) -> list[User]:
    """Active users with an e-mail, each once, in order; without `exclude`."""
    seen: set[int] = set()
    out = []
    for user in users:
        if user is None or not user.active or not user.email or user.id in seen:
            continue
        if exclude is not None and user.id == exclude.id:
            continue
        seen.add(user.id)
        out.append(user)
    return out


def signers(case: Case) -> list[User]:
    """The users linked to a live commission seat: they sign the act."""
    ids = [m.user_id for m in case.commission if m.user_id is not None]
    if not ids:
        return []
    by_id = {u.id: u for u in db.session.execute(db.select(User).where(User.id.in_(ids))).scalars()}
    return [by_id[i] for i in ids if i in by_id]


def participants(case: Case) -> list[User]:
    """The users granted the case by an invitation (not revoked)."""
    return list(
        db.session.execute(
            db.select(User)
            .join(CaseParticipant, CaseParticipant.user_id == User.id)
            .where(CaseParticipant.case_id == case.id, CaseParticipant.revoked_at.is_(None))
            .order_by(CaseParticipant.id)
        ).scalars()
    )


def _footer() -> list[str]:
    return [
        "",
        "-- ",
        _("You receive this message because you work on this accident case."),
    ]


def signature_requested(
    case: Case, actor: User | None = None, reissued: bool = False
) -> list[Mail]:
    """Ask to sign: every commission member with an account, when the acts are drafted
    (`reissued` False) or a changed act opens a new signing round (`reissued` True)."""
    mails = []
    for user in _unique(signers(case), exclude=actor):
        with force_locale(_language(user)):
            if reissued:
                subject = _("Case %(number)s: a new version of the act to sign", number=case.number)
                lead = _(
                    "The act of accident case %(number)s was changed and issued again "
                    "(version %(round)s). Signatures given to the earlier version no longer "
                    "count: please read the new version and sign it.",
                    number=case.number,
                    round=case.signing_round,
                )
            else:
                subject = _("Case %(number)s: your signature is requested", number=case.number)
                lead = _(
                    "The act of accident case %(number)s has been drafted. As a member of the "
                    "commission, please read it and sign it.",
                    number=case.number,
                )
            body = [
                lead,
                "",
                _("Open the case: %(url)s", url=case_url(case, "signatures")),
                *_footer(),
            ]
        mails.append((user.email, subject, "\n".join(body)))
    return mails


def act_approved(case: Case, actor: User | None = None) -> list[Mail]:
    """The act was approved: to the commission members with accounts and the participants."""
    mails = []
    for user in _unique([*signers(case), *participants(case)], exclude=actor):
        with force_locale(_language(user)):
            subject = _("Case %(number)s: the act was approved", number=case.number)
            body = [
                _(
                    "The act of accident case %(number)s was approved by the employer's head.",
                    number=case.number,
                ),
                "",
                _("Open the case: %(url)s", url=case_url(case)),
                *_footer(),
            ]
        mails.append((user.email, subject, "\n".join(body)))
    return mails


def new_comment(case: Case, comment: Comment) -> list[Mail]:
    """A new comment: to the other people on the case with accounts (the commission members'
    users, the participants and the person who reported the case) who may read it, not to
    its author. A comment for the commission only never goes to the victim's side."""
    author = db.session.get(User, comment.author_id)
    people = [*signers(case), *participants(case), case.created_by]
    mails = []
    for user in _unique(people, exclude=author):
        if not comments.may_read(user, case, comment):
            continue
        with force_locale(_language(user)):
            subject = _("Case %(number)s: a new comment", number=case.number)
            body = [
                _(
                    "%(name)s commented on accident case %(number)s on %(when)s (Bishkek time):",
                    name=author.name if author else "—",
                    number=case.number,
                    when=to_local(comment.created_at).strftime("%d.%m.%Y %H:%M"),
                ),
                "",
                comment.body,
                "",
                _("Open the case: %(url)s", url=case_url(case, "comments")),
                *_footer(),
            ]
        mails.append((user.email, subject, "\n".join(body)))
    return mails


def after_fire(case: Case, trigger: str, actor: User | None = None) -> list[Mail]:
    """The mails a fired trigger calls for (queued by the use case, cases.advance)."""
    if trigger == "draft_act":
        return signature_requested(case, actor)
    if trigger == "approve_act":
        return act_approved(case, actor)
    return []


def insurer_answered(package: InsurerPackage) -> list[Mail]:
    """The insurer acknowledged or rejected the package: tell the employer's staff."""
    case = package.case
    staff = db.session.scalars(
        db.select(User)
        .where(
            User.organisation_id == case.organisation_id,
            User.role.in_([Role.specialist, Role.head]),
        )
        .order_by(User.id)
    )
    mails = []
    for user in _unique([case.created_by, *staff]):
        with force_locale(_language(user)):
            if package.answer == AnswerKind.acknowledged:
                subject = _(
                    "Case %(number)s: the insurer acknowledged the documents", number=case.number
                )
                lead = _(
                    "%(insurer)s acknowledged receipt of the documents of accident case "
                    "%(number)s.",
                    insurer=package.insurer.name,
                    number=case.number,
                )
            else:
                subject = _(
                    "Case %(number)s: the insurer rejected the documents", number=case.number
                )
                lead = _(
                    "%(insurer)s rejected the documents of accident case %(number)s: %(reason)s",
                    insurer=package.insurer.name,
                    number=case.number,
                    reason=package.answer_reason,
                )
            body = [lead, "", _("Open the case: %(url)s", url=case_url(case, "insurer")), ""]
        mails.append((user.email, subject, "\n".join(body)))
    return mails


def queue(mails: list[Mail]) -> None:
    """Queue each mail as a job of its own in the current transaction: sent after the commit,
    retried when the server fails; nothing goes out if the transaction rolls back."""
    for email, subject, body in mails:
        queue_mail([email], subject, body)
