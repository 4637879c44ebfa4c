"""Signing the drafted acts: each drafted version is a round the commission members sign with
their password; any change of the acts' data voids the round and opens a new one.

A signature records the SHA-256 of every act file it covers, so what exactly was signed stays
provable. A member may sign with a dissenting opinion: it is issued as its own document (ru and
ky) and attached to the act. Members without an account sign the printed act on paper.
Flush, never commit."""

from __future__ import annotations

import re
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _

from doc_templates.context import build_context

from ..auth import locked_for, record_success, too_many, verify_password
from ..extensions import db
from ..models import (
    Case,
    CaseStatus,
    CaseTransition,
    CommissionMember,
    DocumentKind,
    GeneratedDocument,
    Signature,
    User,
)
from ..models.timeutil import utcnow
from ..rules import for_case
from . import documents
from .errors import Forbidden, Invalid, Locked, WrongPassword, WrongState

# The timeline's names for a signature and for a voided round (not triggers).
SIGNED = "sign"
VOIDED = "signatures_voided"
DISSENT_MAX = 5000


def _act_kinds(case: Case) -> tuple[DocumentKind, ...]:
    import workflows  # the workflows import this module for their guard

    return workflows.for_case(case).ACTS


def _signatures(case: Case) -> list[Signature]:
    if case.id is None:
        return []
    return list(
        db.session.execute(
            db.select(Signature).where(Signature.case_id == case.id).order_by(Signature.id)
        ).scalars()
    )


def current_signatures(case: Case) -> list[Signature]:
    """The signatures that count: the current round's, not voided."""
    return [s for s in _signatures(case) if s.round == case.signing_round and s.voided_at is None]


def member_for(case: Case, user: User) -> CommissionMember | None:
    """The live commission member of `case` that `user`'s account is linked to."""
    if user is None or not getattr(user, "is_authenticated", True):
        return None
    return next((m for m in case.commission if m.user_id == user.id), None)


def missing_signers(case: Case) -> list[CommissionMember]:
    """Live members with an account who have not signed the current round."""
    signed = {s.member_id for s in current_signatures(case)}
    return [m for m in case.commission if m.user_id is not None and m.id not in signed]


def all_signed(case: Case) -> bool:
    return not missing_signers(case)


def signed_files(case: Case) -> str:
    """The SHA-256 of each current act file (every act, every language), sorted and joined."""
    kinds = {k.value for k in _act_kinds(case)}
    return ",".join(sorted(d.sha256 for d in case.current_documents() if d.kind in kinds))


def open_round(case: Case, actor: User | None = None) -> None:
    """Freeze the acts as issued now for signing: a new round. Signatures of earlier rounds are
    voided (the timeline says so when there were any) and their dissenting opinions superseded."""
    now = utcnow()
    voided = [s for s in _signatures(case) if s.voided_at is None]
    for signature in voided:
        signature.voided_at = now
    if voided:
        case.transitions.append(
            CaseTransition(
                trigger=VOIDED,
                from_state=case.status.value,
                to_state=case.status.value,
                actor=actor,
                comment=None,
                at=now,
            )
        )
    documents.supersede(case, DocumentKind.dissent)
    case.signing_round = (case.signing_round or 0) + 1
    case.touch()
    db.session.flush()


def sign(case: Case, user: User, password: str, dissent: str | None = None) -> Signature:
    """`user` signs the current round as the commission member their account is linked to,
    re-entering their password; with `dissent`, a dissenting opinion is issued and attached.
    Raises and changes nothing on refusal."""
    if case.status != CaseStatus.act_drafted:
        raise WrongState(_("The act can be signed only while it is drafted."))
    member = member_for(case, user)
    if member is None:
        raise Forbidden(_("Only a member of this commission can sign its act."))
    if any(s.member_id == member.id for s in current_signatures(case)):
        raise WrongState(_("You have already signed this version of the act."))
    files = signed_files(case)
    if not files:
        raise WrongState(_("There is no drafted act to sign."))
    # the password is the login's, and so is its lock: a wrong one here counts as a failed
    # login (the view records it), and a locked address signs nothing, with the right one either
    wait = locked_for(user.email)
    if wait is not None:
        raise Locked(too_many(wait), field="password")
    if not verify_password(user, password or ""):
        raise WrongPassword(_("The password is wrong. Nothing was signed."), field="password")
    record_success(user.email)
    dissent = (dissent or "").strip() or None
    if dissent is not None and len(dissent) > DISSENT_MAX:
        raise Invalid(_("Keep it to at most %(max)d characters.", max=DISSENT_MAX), field="dissent")
    now = utcnow()
    signature = Signature(
        case_id=case.id,
        round=case.signing_round,
        member_id=member.id,
        user_id=user.id,
        signed_at=now,
        documents_sha256=files,
        dissent=dissent,
    )
    db.session.add(signature)
    case.transitions.append(
        CaseTransition(
            trigger=SIGNED,
            from_state=case.status.value,
            to_state=case.status.value,
            actor=user,
            comment=None,
            at=now,
        )
    )
    if dissent is not None:
        issue_dissent(case, member, dissent, user, now=now)
    case.touch()  # a concurrent change of the act conflicts instead of passing unnoticed
    db.session.flush()
    return signature


def _member_tag(member: CommissionMember) -> str:
    return f"m{member.id}"


def issue_dissent(
    case: Case, member: CommissionMember, text: str, actor: User | None, *, now: datetime
) -> list[GeneratedDocument]:
    """Render `member`'s dissenting opinion in every document language and attach it to the
    case; its version is the signing round, its file name names the member."""
    rules = for_case(case)
    kind = DocumentKind.dissent.value
    tag = _member_tag(member)
    issued = []
    for language in current_app.config["DOCUMENT_LANGUAGES"]:

        def build(at, language=language):
            return build_context(
                case, kind, language, rules=rules, now=at, member=member, dissent=text
            )

        def name(version, language=language):
            return documents.file_name(case, kind, language, version, tag)

        doc, _new = documents.issue_document(
            case,
            kind,
            language,
            build,
            now=now,
            actor=actor,
            filename=name,
            addressee=tag,
            version=case.signing_round,
        )
        issued.append(doc)
    db.session.flush()
    return issued


def dissent_documents(case: Case, member: CommissionMember) -> list[GeneratedDocument]:
    """`member`'s current dissenting opinion files (one per language)."""
    tag = re.compile(rf"-{_member_tag(member)}-")
    return [
        d
        for d in case.current_documents()
        if d.kind == DocumentKind.dissent.value and tag.search(d.filename)
    ]


def board(case: Case) -> list[dict]:
    """Each live member and where they stand in the current round, for the signatures card:
    `state` is "signed", "dissent", "unsigned" or "paper" (no account: signs on paper)."""
    by_member = {s.member_id: s for s in current_signatures(case)}
    rows = []
    for member in case.commission:
        signature = by_member.get(member.id)
        if signature is not None:
            state = "dissent" if signature.dissent else "signed"
        else:
            state = "unsigned" if member.user_id is not None else "paper"
        rows.append(
            {
                "member": member,
                "signature": signature,
                "state": state,
                "documents": dissent_documents(case, member) if signature else [],
            }
        )
    return rows


def may_sign(case: Case, user: User) -> bool:
    """Whether `user` has a signature to give now (the card shows them the form)."""
    if case.status != CaseStatus.act_drafted:
        return False
    member = member_for(case, user)
    return member is not None and all(s.member_id != member.id for s in current_signatures(case))
