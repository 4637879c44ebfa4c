"""What the form fuzzing (tests/test_form_fuzz.py) posts: every HTML form route, as the role
that uses it, with the WTForms classes its view builds, on a case in the stage where the form
is accepted (a scene). A new form or route is added here; the coverage tests in
test_form_fuzz.py say when one is missing."""

from __future__ import annotations

from dataclasses import dataclass

from flask_wtf import FlaskForm

from forms.auth import LoginForm
from forms.case import (
    FORMS,
    CaseForm,
    DeliveryForm,
    FindingsForm,
    OutcomeForm,
    TransitionForm,
    VictimForm,
)
from forms.comment import CommentForm
from forms.disease import DISEASE_FORMS, DISEASE_OVERRIDES, SECTIONS, DiseaseReportForm
from forms.evidence import EvidenceForm
from forms.insurer import AnswerForm, ChannelsForm
from forms.invitation import AcceptForm, AccountForm, InvitationForm
from forms.org import OrganisationForm, PolicyForm
from forms.password import ForgotPasswordForm, ResetPasswordForm
from forms.protocol import InterviewProtocolForm, SceneProtocolForm
from forms.retention import HoldForm, LiftHoldForm
from forms.signing import SignForm
from forms.track import TrackForm
from incidents.extensions import db
from incidents.services import cases as case_service
from incidents.services import evidence as evidence_service
from incidents.services import invitations as invitation_service
from incidents.services import protocols as protocol_service
from incidents.services import retention
from incidents.views import password

from . import disease_factories, factories
from .form_strategies import _png as png
from .test_insurer_packages import built, notified_case

EXAMPLES = 8  # per route: the file stays within ~60 s per database

# -- scenes: cases in the stages where the forms are accepted, and the ids their URLs need ---


def _world(app, w) -> dict:
    """No case: the forms that make one, the organisation's, and the password reset link of a
    user nobody else logs in as here."""
    return {"reset_token": password.make_token(w.stranger)}


def _accident(app, w) -> dict:
    """An accident under investigation with a row of every part, its notices, a photo (one of
    the small ids a scene protocol's photo field is fuzzed with), a scene protocol, an
    interview, two pending invitations (a new person's, world.union's) and a legal hold."""
    case = factories.make_case(w)
    factories.advance_to(case, w, "investigating")
    factories.add_findings(case, w.specialist)
    case_service.add_child(case, w.specialist, "witnesses", {"full_name": "Нурлан"}, None)
    evidence_service.upload(case, w.specialist, kind="photo", name="a.png", data=png())
    db.session.flush()
    scene = protocol_service.save_scene(
        case,
        w.specialist,
        {"inspected_on": factories.local(1), "place": "Цех", "inspected_by": "Комиссия"},
    )
    interview = protocol_service.save_interview(
        case,
        w.specialist,
        {"interviewee_kind": "witness", "place": "Цех", "started_at": factories.local(1),
         "interviewer": "Председатель", "full_name": "Нурлан", "statement": "Видел падение."},
    )  # fmt: skip
    _inv, new = invitation_service.invite(case, w.specialist, "new.person@example.kg", "member")
    _inv, union = invitation_service.invite(case, w.specialist, w.union.email, "union_inspector")
    hold = retention.place_hold(case, w.specialist, {"kind": "court", "reference": "№ 2-117"})
    db.session.commit()
    parts = {part: getattr(case, part)[0].id for part in FORMS if part not in DISEASE_FORMS}
    return {
        **parts,
        "case": case.id,
        "notice": case.notices[0].id,
        "scene": scene.id,
        "interview": interview.id,
        "new_token": new,
        "union_token": union,
        "hold": hold.id,
    }


def _disease(app, w) -> dict:
    """An occupational disease under investigation: every section and row may change."""
    case = disease_factories.make_disease_case(w)
    disease_factories.advance_disease_to(case, w, "investigating")
    db.session.commit()
    parts = {part: getattr(case, part)[0].id for part in (*DISEASE_FORMS, *DISEASE_OVERRIDES)}
    return {"case": case.id, **parts}


def _handover(app, w) -> dict:
    """A drafted act whose chair is world.member's account (they may sign it), and a case
    handed to the insurer with its package built (without PDF copies: seconds each)."""
    drafted = factories.make_case(w)
    factories.advance_to(drafted, w, "investigating")
    drafted.commission[0].user_id = w.member.id
    factories.advance_to(drafted, w, "act_drafted")
    db.session.commit()
    app.config["SOFFICE_BINARY"] = ""
    handed = notified_case(w, db)
    return {"drafted": drafted.id, "handed": handed.id, "uid": built(handed).uid}


SCENES = {"world": _world, "accident": _accident, "disease": _disease, "handover": _handover}

# -- the routes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    id: str
    urls: tuple[str, ...]  # one is drawn per example, filled with the scene's ids
    forms: tuple[tuple[type[FlaskForm], str | None], ...]  # (class, prefix) as the view builds it
    scene: str = "accident"
    user: str | None = "specialist"  # the world's user who posts; None: nobody logged in
    examples: int = EXAMPLES
    case: str | None = "case"  # the scene's id of the case that must still open after a save
    # tables a refusal writes on purpose: a failed login is counted against its address
    may_write: frozenset[str] = frozenset()
    fresh_client: bool = False  # a new client per example (a login must not stay logged in)
    case_url: str | None = None  # filled in from `case` and the scene's ids


def _children(scene: str, parts: dict) -> list[Target]:
    """The rows of a case (forms.case.FORMS): added, and edited."""
    return [
        Target(
            f"{scene}-{part}",
            (f"/cases/{{case}}/{part}/new", f"/cases/{{case}}/{part}/{{{part}}}/edit"),
            ((cls, None),),
            scene,
        )
        for part, cls in parts.items()
    ]


CASE = "/cases/{case}"
WORLD = {"scene": "world", "case": None}  # no case to open after a save
# in the order they run on a scene: the ones that move the case (remove, fire) last
TARGETS = [
    # a failed login is counted against its address: the one write a refusal makes
    Target("login", ("/login",), ((LoginForm, None),), **WORLD, user=None, examples=16,
           may_write=frozenset({"login_throttle"}), fresh_client=True),
    # a save leads to the new case's page
    Target("report", ("/cases/new",), ((CaseForm, "case"), (VictimForm, "victim")), **WORLD),
    Target("report-disease", ("/cases/new-disease",),
           ((DiseaseReportForm, "case"), (VictimForm, "worker")), **WORLD),
    # the same answer whether or not the address has an account; the mails are counted, and a
    # mail to an account is a queued job (sent after the commit)
    Target("forgot-password", ("/password/forgot",), ((ForgotPasswordForm, None),), **WORLD,
           user=None, may_write=frozenset({"login_throttle", "background_job"})),
    Target("reset-password", ("/password/reset/{reset_token}",), ((ResetPasswordForm, None),),
           **WORLD, user=None),
    Target("channels", ("/insurer/settings",), ((ChannelsForm, None),), **WORLD, user="insurer"),
    Target("organisation", ("/organisation",), ((OrganisationForm, None),), **WORLD),
    Target("policy", ("/organisation/policies",), ((PolicyForm, None),), **WORLD),
    Target("case", (f"{CASE}/edit",), ((CaseForm, None),)),
    Target("findings", (f"{CASE}/findings",), ((FindingsForm, None),)),
    *_children("accident", {p: c for p, c in FORMS.items() if p not in DISEASE_FORMS}),
    Target("outcome", (f"{CASE}/victims/{{victims}}/outcome",), ((OutcomeForm, None),)),
    Target("delivery", (f"{CASE}/notices/{{notice}}",), ((DeliveryForm, None),)),
    Target("track", (f"{CASE}/tracks/new",), ((TrackForm, None),)),
    Target("evidence", (f"{CASE}/evidence",), ((EvidenceForm, None),)),
    Target("comment", (f"{CASE}/comments",), ((CommentForm, None),)),
    Target("invite", (f"{CASE}/invitations",), ((InvitationForm, None),)),
    Target("register", ("/invitations/{new_token}",), ((AccountForm, None),), user=None),
    Target("accept", ("/invitations/{union_token}",), ((AcceptForm, None),), user="union",
           examples=2),  # no field: the button
    Target("scene-protocol", (f"{CASE}/protocols/scene/new", f"{CASE}/protocols/scene/{{scene}}"),
           ((SceneProtocolForm, None),)),
    Target("interview-protocol",
           (f"{CASE}/protocols/interview/new", f"{CASE}/protocols/interview/{{interview}}"),
           ((InterviewProtocolForm, None),)),
    Target("hold", (f"{CASE}/holds/new",), ((HoldForm, None),)),
    Target("lift-hold", (f"{CASE}/holds/{{hold}}/lift",), ((LiftHoldForm, None),)),
    Target("remove", (f"{CASE}/witnesses/{{witnesses}}/remove",), ((TransitionForm, None),)),
    Target("fire", tuple(f"{CASE}/fire/{t}" for t in ("extend_deadline", "suspend", "resume")),
           ((TransitionForm, None),)),
    *_children("disease", {**DISEASE_FORMS, **DISEASE_OVERRIDES}),
    *[
        Target(f"disease-{name}", (f"{CASE}/disease/{name}",), ((cls, None),), "disease")
        for name, cls in SECTIONS.items()
    ],
    Target("sign", ("/cases/{drafted}/sign",), ((SignForm, None),), "handover", user="member",
           case="drafted"),
    Target("answer", ("/insurer/packages/{uid}/answer",), ((AnswerForm, None),), "handover",
           user="insurer", case="handed"),
]  # fmt: skip

# POST routes with no field to fuzz (a button), and why each is safe to leave out
NO_FIELDS = {
    "auth.logout": "logs out",
    "auth.set_language": "the language is the URL; `next` is checked in test_security.py",
    "records.close_track": "a button",
    "evidence.remove": "a button",
    "protocols.confirm_interview": "a button",
    "protocols.remove": "a button",
    "invitations.revoke": "a button",
    "insurer.new_secret": "a button",
    "admin.retry_job": "a button",
    "admin.verify_audit": "a button",
    "org.remove_policy": "a button",
}
# form classes no route posts as they are
NOT_POSTED = {
    "_Base": "the base of the case forms (its version field is fuzzed with each of them)",
    "_ProtocolForm": "the base of the two protocol forms",
}
