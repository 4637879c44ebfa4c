"""Invitations: a single-use, expiring link that grants one case in one role.

The link carries a random token; only its SHA-256 is stored. Accepting it creates a
CaseParticipant (and, for a commission seat, links the seat to the account); revoking ends
the access at once. Services flush and never commit; the view queues the mail (a job sent
after the commit) and commits."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import update

from .. import audit
from ..extensions import db
from ..labels import label
from ..models import Case, CaseParticipant, CommissionMember, Invitation, Role, User
from ..models.timeutil import to_local, utcnow
from ..permissions import INVITABLE_ROLES, can_invite
from .errors import Forbidden, Invalid, WrongState
from .locking import lock

DEFAULT_DAYS = 7


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _days() -> float:
    return float(current_app.config.get("INVITATION_DAYS") or DEFAULT_DAYS)


def _seat(case: Case, member_id: int) -> CommissionMember:
    member = next((m for m in case.commission if m.id == member_id), None)
    if member is None:
        raise Invalid(_("Choose a member of this case's commission."), field="member_id")
    return member


def invite(
    case: Case,
    actor: User,
    email: str,
    role: str,
    name: str | None = None,
    member_id: int | None = None,
) -> tuple[Invitation, str]:
    """A new invitation and its plain token (returned once: only the hash is kept)."""
    if not can_invite(actor, case):
        raise Forbidden(_("You may not invite people to this case."))
    email = normalise_email(email)
    if "@" not in email:
        raise Invalid(_("Enter a valid e-mail address."), field="email")
    if role not in {r.value for r in INVITABLE_ROLES}:
        raise Invalid(_("Choose a value from the list."), field="role")
    if member_id is not None:
        if role == Role.victim:
            raise Invalid(
                _("A victim or trusted person is invited without a commission seat."),
                field="member_id",
            )
        member = _seat(case, member_id)
        if member.user_id is not None:
            raise Invalid(
                _("This commission member already has an account on the case."),
                field="member_id",
            )
    existing = db.session.execute(
        db.select(CaseParticipant)
        .join(User, User.id == CaseParticipant.user_id)
        .where(
            CaseParticipant.case_id == case.id,
            CaseParticipant.revoked_at.is_(None),
            User.email == email,
        )
    ).first()
    if existing is not None:
        raise Invalid(_("This person already has access to the case."), field="email")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        case_id=case.id,
        email=email,
        name=(name or "").strip() or None,
        role=str(role),
        commission_member_id=member_id,
        token_hash=digest(token),
        created_by_id=actor.id,
        expires_at=utcnow() + timedelta(days=_days()),
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def find(token: str) -> Invitation:
    """The invitation a link names, if it can still be accepted; raises otherwise."""
    invitation = None
    if token and len(token) <= 200:
        invitation = db.session.execute(
            db.select(Invitation).where(Invitation.token_hash == digest(token))
        ).scalar_one_or_none()
    if invitation is None:
        raise Invalid(_("This invitation link is not valid."))
    if invitation.revoked_at is not None:
        raise WrongState(_("This invitation was withdrawn."))
    if invitation.accepted_at is not None:
        raise WrongState(_("This invitation has already been used."))
    if invitation.expires_at <= utcnow():
        raise WrongState(_("This invitation has expired. Ask for a new one."))
    return invitation


def accept(token: str, user: User) -> CaseParticipant:
    """Grant the invitation's case to `user` (whose e-mail must be the invited one)."""
    invitation = find(token)
    if not user.active:
        raise Forbidden(_("This account is disabled."))
    if normalise_email(user.email) != invitation.email:
        raise Forbidden(
            _(
                "This invitation was sent to %(email)s. Log in with that address to accept it.",
                email=invitation.email,
            )
        )
    member = None
    if invitation.commission_member_id is not None:
        member = db.session.get(CommissionMember, invitation.commission_member_id)
        if (
            member is None
            or member.removed_at is not None
            or member.case_id != invitation.case_id
            or member.user_id not in (None, user.id)
        ):
            raise WrongState(_("The commission seat of this invitation is no longer free."))
    now = utcnow()
    # claim the invitation with a conditional UPDATE: of two clicks at once only one wins
    claimed = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(accepted_at=now, accepted_by_id=user.id)
        .execution_options(synchronize_session="fetch")
    )
    if claimed.rowcount != 1:
        raise WrongState(_("This invitation has already been used."))
    # a Core UPDATE is not seen by the ORM's flush: record it in the audit chain ourselves
    audit.record(
        db.session,
        "change",
        case_id=invitation.case_id,
        op="update",
        table="invitation",
        row=invitation.id,
        values={"accepted_at": [None, now.isoformat()], "accepted_by_id": [None, user.id]},
    )
    participant = CaseParticipant(
        case_id=invitation.case_id,
        user_id=user.id,
        role=invitation.role,
        commission_member_id=invitation.commission_member_id,
        granted_by_id=invitation.created_by_id,
        created_at=now,
    )
    db.session.add(participant)
    if member is not None:
        member.user_id = user.id
    db.session.flush()
    return participant


def _produced(invitation: Invitation) -> list[CaseParticipant]:
    """The active participant rows an accepted invitation created."""
    if invitation.accepted_by_id is None:
        return []
    query = db.select(CaseParticipant).where(
        CaseParticipant.case_id == invitation.case_id,
        CaseParticipant.user_id == invitation.accepted_by_id,
        CaseParticipant.role == invitation.role,
        CaseParticipant.revoked_at.is_(None),
    )
    if invitation.commission_member_id is None:
        query = query.where(CaseParticipant.commission_member_id.is_(None))
    else:
        query = query.where(CaseParticipant.commission_member_id == invitation.commission_member_id)
    return list(db.session.execute(query).scalars())


def revoke(case: Case, actor: User, invitation_id: int) -> Invitation:
    """Withdraw an invitation; if it was accepted, the access it gave ends now (and the
    commission seat it linked is unlinked)."""
    if not can_invite(actor, case):
        raise Forbidden(_("You may not invite people to this case."))
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.case_id != case.id:
        raise Invalid(_("No such invitation on this case."))
    lock(invitation)  # of two people revoking it at once, the second is told it is withdrawn
    if invitation.revoked_at is not None:
        raise WrongState(_("This invitation was withdrawn."))
    now = utcnow()
    invitation.revoked_at = now
    for participant in _produced(invitation):
        participant.revoked_at = now
        if participant.commission_member_id is not None:
            member = db.session.get(CommissionMember, participant.commission_member_id)
            if member is not None and member.user_id == participant.user_id:
                member.user_id = None
    db.session.flush()
    return invitation


@dataclass
class Entry:
    """One line of the "People on this case" card."""

    email: str
    name: str | None
    role: str
    member: CommissionMember | None
    invitation: Invitation | None
    participant: CaseParticipant | None

    @property
    def pending(self) -> bool:
        return self.participant is None

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


def people(case: Case) -> tuple[list[Entry], list[Entry]]:
    """(active participants, pending invitations) of the case, oldest first."""
    now = utcnow()
    invitations = list(
        db.session.execute(
            db.select(Invitation)
            .where(Invitation.case_id == case.id, Invitation.revoked_at.is_(None))
            .order_by(Invitation.id)
        ).scalars()
    )
    participants = list(
        db.session.execute(
            db.select(CaseParticipant)
            .where(CaseParticipant.case_id == case.id, CaseParticipant.revoked_at.is_(None))
            .order_by(CaseParticipant.id)
        ).scalars()
    )
    members = {m.id: m for m in case.commission_all}
    accepted = [i for i in invitations if i.accepted_at is not None]
    active = []
    for p in participants:
        inv = next(
            (
                i
                for i in accepted
                if i.accepted_by_id == p.user_id
                and i.role == p.role
                and i.commission_member_id == p.commission_member_id
            ),
            None,
        )
        active.append(
            Entry(
                email=p.user.email,
                name=p.user.name,
                role=p.role,
                member=members.get(p.commission_member_id),
                invitation=inv,
                participant=p,
            )
        )
    pending = [
        Entry(
            email=i.email,
            name=i.name,
            role=i.role,
            member=members.get(i.commission_member_id),
            invitation=i,
            participant=None,
        )
        for i in invitations
        if i.accepted_at is None and i.expires_at > now
    ]
    return active, pending


def invitation_path(token: str) -> str:
    return current_app.url_map.bind("localhost").build("invitations.accept", {"token": token})


def invitation_url(token: str) -> str:
    """An absolute link: BASE_URL (with any path prefix the site is mounted under) + path."""
    base = current_app.config.get("BASE_URL") or "http://127.0.0.1:5000"
    return base.rstrip("/") + invitation_path(token)


def render_mail(invitation: Invitation, token: str, case: Case, inviter: User) -> tuple[str, str]:
    """Subject and body, in the invitee's language if they have an account, else the
    inviter's."""
    existing = db.session.execute(
        db.select(User).where(User.email == invitation.email)
    ).scalar_one_or_none()
    language = (existing.language if existing is not None else inviter.language) or "ru"
    if language not in current_app.config.get("LANGUAGES", ("ky", "ru", "en")):
        language = "ru"
    with force_locale(language):
        role = label(Role(invitation.role))
        subject = _(
            "Invitation to accident case %(number)s",
            number=case.number,
        )
        who = inviter.name
        if inviter.organisation is not None:
            who = f"{inviter.name} ({inviter.organisation.name})"
        expires = to_local(invitation.expires_at).strftime("%d.%m.%Y %H:%M")
        lines = [
            _(
                "%(who)s invites you to the investigation of accident case %(number)s.",
                who=who,
                number=case.number,
            ),
            "",
            _("Your role on the case: %(role)s", role=role),
        ]
        if invitation.commission_member_id is not None:
            member = db.session.get(CommissionMember, invitation.commission_member_id)
            if member is not None:
                lines.append(_("Commission seat: %(name)s", name=member.full_name))
        lines += [
            "",
            _("Open this link to accept: %(url)s", url=invitation_url(token)),
            _(
                "The link works once and until %(when)s (Bishkek time).",
                when=expires,
            ),
            "",
            "-- ",
            _("If you did not expect this invitation, ignore this message."),
        ]
    return subject, "\n".join(lines) + "\n"
