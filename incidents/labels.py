"""Display labels of stored enum values and rule-pack codes, in the user's language."""

from __future__ import annotations

import json

from flask import current_app, has_app_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from .models import (
    AnswerKind,
    BriefingType,
    CaseKind,
    CaseStatus,
    Category,
    CommentVisibility,
    CommissionRole,
    DeliveryChannel,
    DeliveryError,
    DeliveryStatus,
    DiseaseForm,
    ExamKind,
    HoldKind,
    Intoxication,
    JobStatus,
    NoticeMethod,
    Outcome,
    PackageStatus,
    Represents,
    Role,
    Severity,
    Sex,
    TrackKind,
)
from .rules import load as load_rules

LABELS = {
    CaseKind: {
        CaseKind.accident: _l("Accident"),
        CaseKind.occupational_disease: _l("Occupational disease"),
    },
    DiseaseForm: {DiseaseForm.acute: _l("Acute"), DiseaseForm.chronic: _l("Chronic")},
    ExamKind: {
        ExamKind.preliminary: _l("Preliminary (on hiring)"),
        ExamKind.periodic: _l("Periodic"),
        ExamKind.extraordinary: _l("Extraordinary"),
    },
    CaseStatus: {
        CaseStatus.suspected: _l("Preliminary diagnosis registered"),
        CaseStatus.conditions_described: _l("Working conditions described"),
        CaseStatus.diagnosis_confirmed: _l("Final diagnosis made"),
        CaseStatus.reported: _l("Reported"),
        CaseStatus.notified: _l("Notices sent"),
        CaseStatus.commission_formed: _l("Commission formed"),
        CaseStatus.investigating: _l("Investigating"),
        CaseStatus.suspended: _l("Suspended"),
        CaseStatus.act_drafted: _l("Act drafted"),
        CaseStatus.act_approved: _l("Act approved"),
        CaseStatus.insurer_notified: _l("Insurer notified"),
        CaseStatus.closed: _l("Closed"),
        CaseStatus.cancelled: _l("Cancelled"),
    },
    Category: {
        Category.light: _l("Light"),
        Category.severe: _l("Severe"),
        Category.fatal: _l("Fatal"),
        Category.group: _l("Group"),
    },
    Severity: {
        Severity.light: _l("Light injury"),
        Severity.severe: _l("Severe injury"),
        Severity.fatal: _l("Fatal"),
    },
    Sex: {Sex.male: _l("Male"), Sex.female: _l("Female")},
    Outcome: {
        Outcome.under_treatment: _l("Under treatment"),
        Outcome.recovered: _l("Recovered"),
        Outcome.transferred: _l("Transferred to other work"),
        Outcome.disability: _l("Disability established"),
        Outcome.died: _l("Died"),
    },
    Intoxication: {
        Intoxication.none: _l("None"),
        Intoxication.alcohol: _l("Alcohol"),
        Intoxication.narcotic: _l("Narcotic"),
        Intoxication.toxic: _l("Toxic"),
    },
    BriefingType: {
        BriefingType.primary: _l("Primary"),
        BriefingType.repeated: _l("Repeated"),
        BriefingType.unscheduled: _l("Unscheduled"),
        BriefingType.targeted: _l("Targeted"),
    },
    CommissionRole: {CommissionRole.chair: _l("Chair"), CommissionRole.member: _l("Member")},
    Represents: {
        Represents.employer: _l("The employer"),
        Represents.state_inspector: _l("State labour inspectorate"),
        Represents.trade_union: _l("Trade union"),
        Represents.victim: _l("The victim or a trusted person"),
        Represents.sanitary_body: _l("Sanitary body"),
        Represents.health_organisation: _l("Health organisation"),
        Represents.insurer: _l("Insurer"),
        Represents.other: _l("Other"),
    },
    NoticeMethod: {
        NoticeMethod.email: _l("E-mail"),
        NoticeMethod.courier: _l("By hand, against signature"),
        NoticeMethod.fax: _l("Fax"),
        NoticeMethod.phone: _l("Telephone, confirmed in writing"),
        NoticeMethod.in_person: _l("In person"),
        NoticeMethod.post: _l("Registered post"),
    },
    TrackKind: {
        TrackKind.technical_investigation: _l("Technical investigation (hazardous facility)"),
        TrackKind.criminal_referral: _l("Criminal referral"),
    },
    CommentVisibility: {
        CommentVisibility.commission: _l("Commission only"),
        CommentVisibility.everyone: _l("Everyone on the case"),
    },
    HoldKind: {
        HoldKind.criminal_case: _l("Criminal case"),
        HoldKind.court: _l("Court proceedings"),
        HoldKind.other: _l("Other legal requirement"),
    },
    PackageStatus: {
        PackageStatus.building: _l("Being prepared"),
        PackageStatus.ready: _l("Ready"),
        PackageStatus.failed: _l("Failed"),
    },
    AnswerKind: {
        AnswerKind.acknowledged: _l("Acknowledged"),
        AnswerKind.rejected: _l("Rejected"),
    },
    DeliveryChannel: {
        DeliveryChannel.inbox: _l("Insurer inbox"),
        DeliveryChannel.email: _l("E-mail"),
        DeliveryChannel.webhook: _l("Webhook"),
    },
    DeliveryStatus: {
        DeliveryStatus.pending: _l("Pending"),
        DeliveryStatus.delivered: _l("Delivered"),
        DeliveryStatus.failed: _l("Failed"),
    },
    DeliveryError: {
        DeliveryError.http_error: _l("error answer"),
        DeliveryError.redirect_not_followed: _l("redirect not followed"),
        DeliveryError.address_not_allowed: _l("address not allowed"),
        DeliveryError.host_not_found: _l("host name not found"),
        DeliveryError.connection_refused: _l("connection refused"),
        DeliveryError.timeout: _l("timeout"),
        DeliveryError.tls_failed: _l("secure connection failed"),
        DeliveryError.connection_failed: _l("connection failed"),
        DeliveryError.mail_not_sent: _l("the mail server did not take the message"),
    },
    JobStatus: {
        JobStatus.queued: _l("Queued"),
        JobStatus.running: _l("Running"),
        JobStatus.done: _l("Done"),
        JobStatus.failed: _l("Failed"),
    },
    Role: {
        Role.admin: _l("Administrator"),
        Role.specialist: _l("Labour-protection specialist"),
        Role.head: _l("Employer head"),
        Role.member: _l("Commission member"),
        Role.inspector: _l("State labour inspector"),
        Role.union_inspector: _l("Trade-union inspector"),
        Role.victim: _l("Victim or trusted person"),
        Role.insurer: _l("Insurer"),
    },
}

TRIGGER_LABELS = {
    "describe_conditions": _l("Record the description of the working conditions"),
    "confirm_diagnosis": _l("Record the final diagnosis"),
    "notify": _l("Send notices"),
    "form_commission": _l("Form the commission"),
    "reform_commission": _l("Re-form the commission"),
    "start_investigation": _l("Start the investigation"),
    "extend_deadline": _l("Extend the deadline"),
    "suspend": _l("Suspend"),
    "resume": _l("Resume"),
    "draft_act": _l("Draft the act"),
    "approve_act": _l("Approve the act"),
    "notify_insurer": _l("Notify the insurer"),
    "close": _l("Close the case"),
    "reopen": _l("Reopen"),
    "cancel": _l("Cancel the case"),
    "escalate": _l("Category raised"),  # not a trigger: the log of an escalation
    # not triggers: the log of the signing of the drafted act
    "sign": _l("Sign"),
    "signatures_voided": _l("Signatures voided: the act changed"),
}

DOCUMENT_LABELS = {
    "notice": _l("Accident notice"),
    "commission_order": _l("Order forming the commission"),
    "act_n1": _l("Act N-1"),
    "investigation_act": _l("Act of investigation (severe, fatal, group)"),
    "insurer_notice": _l("Notice to the insurer"),
    "closure_summary": _l("Closure summary and register entry"),
    "dissent": _l("Dissenting opinion"),
    "scene_protocol": _l("Scene inspection protocol"),
    "interview_protocol": _l("Interview protocol"),
    "disease_notice": _l("Registration of the preliminary-diagnosis notice"),
    "working_conditions": _l("Description of the working conditions"),
    "disease_act": _l("Act on the case of an occupational disease"),
    "disease_insurer_notice": _l("Notice to the insurer of an occupational disease"),
}


def label(value) -> str:
    """The translated label of an enum member; '' for None."""
    if value is None:
        return ""
    return str(LABELS[type(value)].get(value, value))


def delivery_error(stored: str | None) -> str:
    """The translated reason of a failed delivery attempt. Only the fixed reasons are shown:
    rows written before there were any hold the receiver's answer, which nobody may read."""
    if stored not in DeliveryError.__members__:
        return ""
    return label(DeliveryError(stored))


def job_error(stored: str | None) -> str:
    """A failed job's error as the administrator sees it: the exception's class and, for a
    delivery, its fixed reason — not the exception's text, which may quote a remote answer
    or a path on the server (the log has the details)."""
    if not stored:
        return ""
    kind, _sep, reason = stored.partition(": ")
    kind = kind.strip().rsplit(".", 1)[-1]
    return f"{kind}: {delivery_error(reason.strip())}" if delivery_error(reason.strip()) else kind


def job_args(name: str, args: str) -> str:
    """A job's arguments as the administrator sees them: a mail's addresses and subject only,
    since its body may carry someone's single-use link (an invitation, a password reset)."""
    if name == "send_mail":
        try:
            to, subject, _body = json.loads(args)
        except (ValueError, TypeError):
            return ""
        return json.dumps([to, subject], ensure_ascii=False)
    return args


def choices(enum_cls, blank: bool = False) -> list[tuple[str, object]]:
    items = [(m.value, LABELS[enum_cls][m]) for m in enum_cls]
    return [("", "—"), *items] if blank else items


def lang() -> str:
    return str(get_locale() or "ru") if has_app_context() else "ru"


def rules():
    pack = current_app.config["RULE_PACK"] if has_app_context() else "kr"
    return load_rules(pack)


def code_label(which: str, code: str | None) -> str:
    if not code:
        return ""
    return rules().label(which, code, lang())


def code_choices(which: str, blank: bool = False, with_code: bool = True):
    items = [
        (c.code, f"{c.code} — {c.label_in(lang())}" if with_code else c.label_in(lang()))
        for c in rules().code_list(which)
    ]
    return [("", "—"), *items] if blank else items


def notice_title(addressee: str, case=None) -> str:
    """The addressee of a notice, from the case's rule pack."""
    from .rules import for_case

    pack = for_case(case) if case is not None else rules()
    rule = pack.notice_rule(addressee)
    return (rule.title.get(lang()) or rule.title["ru"]) if rule else addressee
