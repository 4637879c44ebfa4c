"""The plain-dict context each document template is rendered from.

`build_context` reads a case duck-typed (the ORM `Case`, or anything shaped like it) and returns
only strings, lists and dicts of strings: templates can't lazy-load relationships or write to the
database, and every value is already formatted in the document's language. Optional values that
were not recorded become a dash or "не указано" / "көрсөтүлгөн эмес", so no variable is ever
undefined. The variable contract per template is in README.md."""

from __future__ import annotations

from datetime import UTC, datetime

from .context_disease import build_disease_context
from .formatting import (
    DISEASE_KINDS,
    FILL_LINE,
    KINDS,
    SIGN_LINE,
    _text,
    fmt_date,
    fmt_datetime,
    fmt_time,
)
from .labels import BLANK, DASH, NOT_GIVEN, label
from .parts import (
    _accident,
    _act_number,
    _addressee,
    _causes,
    _deadline,
    _deaths,
    _employer,
    _is_dead,
    _measures,
    _member,
    _notice_row,
    _responsible,
    _victim,
    _witnesses,
)

# -- the contexts -------------------------------------------------------------------------


def _person(case, trigger: str, language: str, actor=None) -> dict:
    """`actor`, else the user who last fired `trigger` (the act's approver); blanks for a
    hand-written line when nobody has yet."""
    actor = actor or next(
        (t.actor for t in reversed(case.transitions) if t.trigger == trigger and t.actor), None
    )
    if actor is None:
        return {"name": SIGN_LINE, "position": SIGN_LINE, "phone": DASH}
    return {
        "name": _text(actor.name),
        "position": _text(actor.position, language),
        "phone": _text(actor.phone or case.organisation.phone),
    }


def _common(case, language: str, rules, now: datetime) -> dict:
    return {
        "language": language,
        "doc_date": fmt_date(now, language),
        "case_number": case.number,
        "category": label("category", case.category, language),
        "employer": _employer(case.organisation, language, getattr(case, "policy", None)),
        "accident": _accident(case, language, rules),
    }


def _notice(case, language, rules, now, addressee) -> dict:
    victims = [_victim(case, v, language, rules) for v in case.victims]
    to = _addressee(case, addressee, language, rules)
    row = _notice_row(case, to["code"])
    sent = (row.sent_at if row is not None else None) or case.notified_at or now
    return {
        "victims": victims,
        "victims_count": str(len(victims)),
        "dead_count": _deaths(case),
        "sent_at": fmt_datetime(sent, language),
        # whoever recorded sending this notice
        "sender": _person(case, "notify", language, getattr(row, "sent_by", None)),
        "addressee": to,
    }


def _commission_order(case, language, rules, now) -> dict:
    chair = case.chair
    return {
        "order_number": _text(case.commission_order_number or case.number),
        "order_date": fmt_date(case.commission_formed_at or now, language),
        "commission": [_member(m, language) for m in case.commission],
        "chair": _member(chair, language)
        if chair is not None
        else {"name": DASH, "position": DASH, "organisation": DASH, "role": DASH},
        "victims": [_victim(case, v, language, rules) for v in case.victims],
        "investigation_start": fmt_date(case.investigation_started_at, language),
        "deadline": _deadline(case, "investigation", language, rules),
    }


def _findings(case, language, rules, now) -> dict:
    """What the commission established: the part Act N-1 and the investigation act share."""
    work_related = case.work_related
    return {
        "act_date": fmt_date(case.investigation_ended_at or now, language),
        "investigation_period": (
            f"{fmt_date(case.investigation_started_at, language)} – "
            f"{fmt_date(case.investigation_ended_at or now, language)}"
        ),
        "equipment": _text(case.equipment, language),
        "workplace_assessment": _text(case.workplace_assessment, language),
        "work_related": label(
            "work_related", "unknown" if work_related is None else work_related, language
        ),
        "work_related_ground": _text(case.work_related_ground, language),
        "commission": [_member(m, language) for m in case.commission],
        "witnesses": _witnesses(case),
        "causes": _causes(case, language, rules),
        "responsible": _responsible(case),
        "measures": _measures(case, language),
    }


def _attachments(materials, language: str) -> list[dict]:
    """The case's materials as a numbered list: "<kind> — <description or name>, <date>".
    `materials` are `(kind_code, text, datetime)` tuples in the order to print (the service
    sorts them by time); kind codes are the `material` labels (photo, sketch, medical, other,
    scene_protocol, interview_victim, interview_witness, interview_official)."""
    return [
        {
            "no": str(i),
            "title": f"{label('material', code, language)} — {_text(text)}, "
            f"{fmt_date(when, language)}",
        }
        for i, (code, text, when) in enumerate(materials or [], start=1)
    ]


def _act_n1(case, language, rules, now, victim) -> dict:
    occurred, shift = case.occurred_at, case.shift_started_at
    hours = DASH
    if shift is not None and shift <= occurred:
        hours = str(int((occurred - shift).total_seconds() // 3600))
    return {
        **_findings(case, language, rules, now),
        "act_number": _act_number(case, victim),
        "approved_date": fmt_date(case.act_approved_at, language, missing=BLANK),
        "approver": _person(case, "approve_act", language),
        "shift_start": fmt_time(shift, language),
        "hours_since_shift": hours,
        "sending_organisation": DASH,
        "victim": _victim(case, victim, language, rules),
    }


def _investigation_act(case, language, rules, now) -> dict:
    """The act of investigation of a group, severe or fatal accident: all victims in one act.
    Dependants of the dead are not recorded yet: a line to fill in by hand (dash otherwise)."""
    victims = [
        {**_victim(case, v, language, rules), "dependants": FILL_LINE if _is_dead(v) else DASH}
        for v in case.victims
    ]
    return {
        **_findings(case, language, rules, now),
        "victims": victims,
        "victims_count": str(len(victims)),
        "deaths_count": _deaths(case),
    }


def _insurer_notice(case, language, rules, now) -> dict:
    return {
        "victims": [_victim(case, v, language, rules) for v in case.victims],
        "act_date": fmt_date(case.investigation_ended_at, language),
        "approved_date": fmt_date(case.act_approved_at, language),
        "sent_at": fmt_datetime(case.insurer_notified_at or now, language),
        # not recorded by the service yet (docs/procedure.md §5, Law 194)
        "disability": NOT_GIVEN[language],
        "beneficiaries": NOT_GIVEN[language],
        "deadline": _deadline(case, "insurer_notice", language, rules),
    }


def _closure_summary(case, language, rules, now) -> dict:
    measures = _measures(case, language)
    act_date = fmt_date(case.act_approved_at or case.investigation_ended_at, language)
    accident = _accident(case, language, rules)
    register = []
    for v in case.victims:
        victim = _victim(case, v, language, rules)
        register.append(
            {
                "number": case.number,
                "datetime": accident["datetime"],
                "victim": f"{victim['name']}, {victim['birth_year']}, {victim['service_total']}",
                "occupation": victim["occupation"],
                "unit": accident["unit"],
                "event_type": accident["event_type"],
                "circumstances": accident["circumstances_short"],
                "act": f"№ {victim['act_number']}, {act_date}",
                "outcome": victim["outcome"],
                "measures": "; ".join(m["action"] for m in measures) or DASH,
            }
        )
    return {
        "victims": [_victim(case, v, language, rules) for v in case.victims],
        "register": register,
        "measures": measures,
        "act_date": act_date,
        "closed_date": fmt_date(case.closed_at or now, language),
    }


def _dissent(case, language, rules, now, member, dissent) -> dict:
    """A member's dissenting opinion on the drafted act: who, on which act, the points of
    disagreement with their reasoning (one paragraph per paragraph of the text), the date."""
    victims = [_victim(case, v, language, rules) for v in case.victims]
    numbers = [v["act_number"] for v in victims] or [case.number]
    points = [line.strip() for line in str(dissent or "").splitlines() if line.strip()]
    out = {
        "member": _member(member, language),
        "victims": victims,
        "act_number": ", ".join(numbers),
        "act_date": fmt_date(case.investigation_ended_at or now, language),
        "points": points or [DASH],
        "disease": "",  # the template contract is strings only: "" is false, "yes" true
    }
    if getattr(case, "is_disease", False):  # the opinion on an occupational-disease act
        out.update(
            disease="yes",
            act_number=case.number,
            category=label("disease_form", case.disease.form, language),
        )
    return out


# -- protocols (docs/procedure.md §5) ------------------------------------------------------

INTERVIEWEE = {
    "ru": {
        "victim": "пострадавший",
        "witness": "свидетель (очевидец)",
        "official": "должностное лицо",
    },
    "ky": {"victim": "жабыркаган", "witness": "күбө", "official": "кызмат адамы"},
}
YES_NO = {"ru": ("да", "нет"), "ky": ("ооба", "жок")}
CONFIRMED = {"ru": "подтверждено {}", "ky": "ырасталды {}"}


def _paragraphs(value) -> list[str]:
    """Free text as one item per non-empty paragraph; ["—"] when empty."""
    lines = [line.strip() for line in str(value or "").splitlines() if line.strip()]
    return lines or [DASH]


def _scene_protocol(case, language, rules, now, protocol, photos) -> dict:
    """The scene inspection protocol. `photos` are the evidence rows chosen as attachments, in
    order; the images themselves are added by `render(..., images={"photo_images": …})`."""
    p = protocol
    return {
        "victims": [_victim(case, v, language, rules) for v in case.victims],
        "scene": {
            "date": fmt_date(p.inspected_on, language),
            "start": fmt_time(p.inspected_on, language),
            "end": fmt_time(p.ended_at, language),
            "place": _text(p.place),
            "inspected_by": _text(p.inspected_by),
            "present": _text(p.present, language),
            "conditions": _text(p.conditions, language),
            "workplace": _text(p.workplace, language),
            "harmful_object": _text(p.harmful_object, language),
            "guards": _text(p.guards, language),
            "ppe": _text(p.ppe, language),
            "environment": _text(p.environment, language),
            "remarks": _text(p.remarks, language),
        },
        "photos": [
            {"number": str(i), "caption": _text(getattr(e, "description", None) or e.filename)}
            for i, e in enumerate(photos or [], start=1)
        ],
        "photo_images": [],
    }


def _interview_protocol(case, language, rules, now, protocol) -> dict:
    """The protocol of an interview of the victim, a witness or an official."""
    p = protocol
    yes, no = YES_NO[language]
    confirmed = getattr(p, "confirmed_at", None)
    return {
        "victims": [_victim(case, v, language, rules) for v in case.victims],
        "interview": {
            "kind": INTERVIEWEE[language].get(p.interviewee_kind, _text(p.interviewee_kind)),
            "place": _text(p.place),
            "date": fmt_date(p.started_at, language),
            "start": fmt_time(p.started_at, language),
            "end": fmt_time(p.ended_at, language),
            "interviewer": _text(p.interviewer),
            "full_name": _text(p.full_name),
            "birth_date": fmt_date(p.birth_date, language, missing=NOT_GIVEN[language]),
            "birth_place": _text(p.birth_place, language),
            "address": _text(p.address, language),
            "citizenship": _text(p.citizenship, language),
            "occupation": _text(p.occupation, language),
            "service": _text(p.service, language),
            "others_present": _text(p.others_present, language),
            "rights_explained": yes if p.rights_explained else no,
            "statement": _paragraphs(p.statement),
            "questions_answers": _paragraphs(p.questions_answers),
            "confirmed": CONFIRMED[language].format(fmt_datetime(confirmed, language))
            if confirmed
            else SIGN_LINE,
        },
    }


_BUILDERS = {
    "commission_order": _commission_order,
    "investigation_act": _investigation_act,
    "insurer_notice": _insurer_notice,
    "closure_summary": _closure_summary,
}


# The deadline a document states, by kind (see `clock` in build_context).
_STATED_DEADLINE = {"commission_order": "investigation", "insurer_notice": "insurer_notice"}


def build_context(
    case,
    kind,
    language: str,
    *,
    rules,
    victim=None,
    addressee=None,
    now=None,
    clock=None,
    member=None,
    dissent=None,
    protocol=None,
    photos=None,
    materials=None,
) -> dict:
    """The context of document `kind` in `language` ("ru" or "ky").

    `rules` is the jurisdiction rule pack (code labels, deadlines, notice addressees). Act N-1
    is per victim: pass `victim` (the first live victim is used when it is omitted). A notice is
    per addressee: pass `addressee`, a `[[notices]]` code of the pack ("prosecutor", …; an
    unknown code raises ValueError); without it the notice has a generic heading and no
    addressee line. `now` (naive UTC or aware) stands for the dates not yet stamped on the case,
    e.g. the date of a document being issued. `clock` maps deadline keys to the due moments
    the service computed (late-reported track, pauses, holidays); a document states those
    rather than the plain rule arithmetic. A dissenting opinion is a commission member's:
    pass `member` (a commission member row; required) and `dissent`, its text. A protocol
    (`scene_protocol`, `interview_protocol`) is of one `protocol` row (required); a scene
    protocol also takes `photos`, the evidence rows attached to it. The occupational-disease
    documents (DISEASE_KINDS) are built by context_disease.py: `victim` is the worker."""
    kind = str(getattr(kind, "value", kind))
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    if kind == "register":
        raise ValueError("the register is not one case's: see context_register.py")
    if language not in NOT_GIVEN:
        raise ValueError(f"unsupported document language {language!r}")
    now = now or datetime.now(UTC)
    if kind in DISEASE_KINDS:
        return build_disease_context(case, kind, language, now=now, victim=victim)
    context = _common(case, language, rules, now)
    if kind == "act_n1":
        if victim is None:
            if not case.victims:
                raise ValueError("Act N-1 needs a victim")
            victim = case.victims[0]
        context.update(_act_n1(case, language, rules, now, victim))
    elif kind == "notice":
        context.update(_notice(case, language, rules, now, addressee))
    elif kind == "dissent":
        if member is None:
            raise ValueError("a dissenting opinion needs the commission member")
        context.update(_dissent(case, language, rules, now, member, dissent))
    elif kind in ("scene_protocol", "interview_protocol"):
        if protocol is None:
            raise ValueError("a protocol document needs the protocol")
        if kind == "scene_protocol":
            context.update(_scene_protocol(case, language, rules, now, protocol, photos))
        else:
            context.update(_interview_protocol(case, language, rules, now, protocol))
    else:
        context.update(_BUILDERS[kind](case, language, rules, now))
    if kind in ("act_n1", "investigation_act"):
        context["attachments"] = _attachments(materials, language)
    key = _STATED_DEADLINE.get(kind)
    if clock and key in clock and "deadline" in context:
        context["deadline"]["due"] = fmt_datetime(clock[key], language)
    return context
