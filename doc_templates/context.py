"""The plain-dict context each document template is rendered from.

`build_context` reads a case duck-typed (the ORM `Case`, or anything shaped like it) and returns
only strings, lists and dicts of strings: templates can't lazy-load relationships or write to the
database, and every value is already formatted in the document's language. Optional values that
were not recorded become a dash or "не указано" / "көрсөтүлгөн эмес", so no variable is ever
undefined. The variable contract per template is in README.md."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from .labels import BLANK, DASH, NOT_GIVEN, label

SIGN_LINE = "________________"
# A longer line for a fact written in by hand (dependants of a dead victim).
FILL_LINE = "________________________________________"

LOCAL_TZ = ZoneInfo("Asia/Bishkek")
DATE = "dd.MM.yyyy"
TIME = "HH:mm"
DATETIME = "dd.MM.yyyy HH:mm"
KINDS = (
    "notice",
    "commission_order",
    "act_n1",
    "investigation_act",
    "insurer_notice",
    "closure_summary",
)
SHORT_CIRCUMSTANCES = 200

# The heading of a notice built without an addressee (callers from before notices per addressee).
GENERIC_NOTICE_TITLE = {"ru": "Извещение", "ky": "Кабарлама"}


# -- formatting ---------------------------------------------------------------------------


def _local(dt: datetime) -> datetime:
    """The database keeps naive UTC; documents show Bishkek wall-clock time."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(LOCAL_TZ)


def fmt_date(value, language: str, missing: str = DASH) -> str:
    if value is None:
        return missing
    if isinstance(value, datetime):
        value = _local(value).date()
    return format_date(value, DATE, locale=language)


def fmt_time(value: datetime | None, language: str, missing: str = DASH) -> str:
    if value is None:
        return missing
    return format_datetime(_local(value), TIME, tzinfo=LOCAL_TZ, locale=language)


def fmt_datetime(value: datetime | None, language: str, missing: str = DASH) -> str:
    if value is None:
        return missing
    return format_datetime(_local(value), DATETIME, tzinfo=LOCAL_TZ, locale=language)


def _text(value, language: str | None = None) -> str:
    """A free-text value; empty becomes "—", or "не указано" when a language is given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return NOT_GIVEN[language] if language else DASH
    return str(value).strip()


def _years_word(amount: Decimal, language: str) -> str:
    if language != "ru":
        return "жыл"
    if amount != amount.to_integral_value():
        return "года"
    n = int(amount)
    if n % 10 == 1 and n % 100 != 11:
        return "год"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "года"
    return "лет"


def fmt_years(value, language: str) -> str:
    """Length of service or age: "5,5 года" / "5,5 жыл"; "—" when unknown."""
    if value is None:
        return DASH
    amount = Decimal(str(value))
    number = format_decimal(amount, format="#,##0.#", locale=language)
    return f"{number} {_years_word(amount, language)}"


def _short(text: str, limit: int = SHORT_CIRCUMSTANCES) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return f"{cut}…"


def _value(enum_or_str) -> str | None:
    return None if enum_or_str is None else str(getattr(enum_or_str, "value", enum_or_str))


# -- parts --------------------------------------------------------------------------------


def _employer(org, language: str) -> dict:
    insurer = getattr(org, "insurer", None)
    return {
        "name": _text(org.name),
        "tax_id": _text(org.tax_id, language),
        "activity_code": _text(org.activity_code, language),
        "address": _text(org.address, language),
        "phone": _text(org.phone, language),
        "policy_number": _text(org.policy_number, language),
        "insurer_name": _text(insurer.name if insurer is not None else None, language),
    }


def _accident(case, language: str, rules) -> dict:
    code = case.event_type_code
    event_type = f"{code} — {rules.label('event_types', code, language)}" if code else DASH
    return {
        "date": fmt_date(case.occurred_at, language),
        "time": fmt_time(case.occurred_at, language),
        "datetime": fmt_datetime(case.occurred_at, language),
        "reported_at": fmt_datetime(case.reported_at, language),
        "place": _text(case.place),
        "work_performed": _text(case.work_performed),
        "circumstances": _text(case.circumstances),
        "circumstances_short": _short(_text(case.circumstances)),
        "first_aid": _text(case.first_aid, language),
        "unit": _text(case.structural_unit, language),
        "event_type": event_type,
        "event_type_code": _text(code),
    }


def _act_number(case, victim) -> str:
    """Act numbering is per employer per year: the case number, plus the victim's position in a
    case with several victims (one act per victim)."""
    victims = list(case.victims)
    if len(victims) <= 1:
        return case.number
    index = next((i for i, v in enumerate(victims, 1) if v is victim), None)
    if index is None:  # a different object for the same row (e.g. reloaded): match by id
        vid = getattr(victim, "id", None)
        index = next((i for i, v in enumerate(victims, 1) if getattr(v, "id", 0) == vid), 1)
    return f"{case.number}-{index}"


def _victim(case, victim, language: str, rules) -> dict:
    day = _local(case.occurred_at).date()
    born: date = victim.birth_date
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    briefing_type = victim.workplace_briefing_type
    return {
        "name": _text(victim.full_name),
        "sex": label("sex", victim.sex, language),
        "birth_date": fmt_date(born, language),
        "birth_year": str(born.year),
        "age": fmt_years(age, language),
        "person_category": rules.label("person_categories", victim.person_category, language)
        or DASH,
        "occupation": _text(victim.occupation),
        "service_total": fmt_years(victim.service_total_years, language),
        "service_employer": fmt_years(victim.service_employer_years, language),
        "induction_briefing_date": fmt_date(victim.induction_briefing_date, language),
        "workplace_briefing_type": label("briefing", briefing_type, language),
        "workplace_briefing_date": fmt_date(victim.workplace_briefing_date, language),
        "internship": _text(victim.internship, language),
        "training_date": fmt_date(victim.training_date, language),
        "knowledge_test_date": fmt_date(victim.knowledge_test_date, language),
        "knowledge_test_protocol": _text(victim.knowledge_test_protocol),
        "injury_nature": _text(victim.injury_nature, language),
        "body_part": _text(victim.body_part, language),
        "severity": label("severity", victim.medical_severity, language),
        "intoxication": label("intoxication", victim.intoxication, language),
        "intoxication_degree": _text(victim.intoxication_degree),
        "outcome": label("outcome", victim.outcome, language),
        "days_lost": DASH if victim.days_lost is None else str(victim.days_lost),
        "act_number": _act_number(case, victim),
    }


def _is_dead(victim) -> bool:
    return _value(victim.medical_severity) == "fatal" or _value(victim.outcome) == "died"


def _deaths(case) -> str:
    return str(sum(1 for v in case.victims if _is_dead(v)))


def _member(m, language: str) -> dict:
    return {
        "name": _text(m.full_name),
        "position": _text(m.position),
        "organisation": _text(m.organisation_name),
        "role": label("role", m.role, language),
    }


def _causes(case, language: str, rules) -> list[dict]:
    # main causes first, each group in the order recorded
    rows = sorted(case.causes, key=lambda c: not c.is_main)
    return [
        {
            "code": _text(c.code),
            "title": rules.label("causes", c.code, language) or DASH,
            "kind": label("cause_kind", "main" if c.is_main else "contributing", language),
            "description": _text(c.description),
            "violated_norm": _text(c.violated_norm, language),
        }
        for c in rows
    ]


def _witnesses(case) -> list[dict]:
    return [
        {"name": _text(w.full_name), "position": _text(w.position), "contact": _text(w.contact)}
        for w in case.witnesses
    ]


def _responsible(case) -> list[dict]:
    return [
        {
            "name": _text(p.full_name),
            "position": _text(p.position),
            "violated_norms": _text(p.violated_norms),
        }
        for p in case.responsible
    ]


def _measures(case, language: str) -> list[dict]:
    return [
        {
            "action": _text(m.action),
            "due_date": fmt_date(m.due_date, language),
            "owner": _text(m.owner),
            "done": label("done", m.done_at is not None, language),
            "done_date": fmt_date(m.done_at, language),
        }
        for m in case.measures
    ]


def _notice_row(case, code: str):
    """The case's record of notifying addressee `code` (a CaseNotice row), or None."""
    return next((n for n in getattr(case, "notices", ()) if n.addressee == code), None)


def _addressee(case, code, language: str, rules) -> dict:
    """Whom a notice is addressed to (a `[[notices]]` entry of the pack) and the case's record
    of telling them; a generic heading and dashes when the notice has no addressee."""
    if code is None:
        return {
            "code": "",
            "title": GENERIC_NOTICE_TITLE[language],
            "basis": DASH,
            "due": DASH,
            "sent_at": DASH,
            "method": DASH,
            "recipient": DASH,
        }
    code = str(getattr(code, "value", code))
    rule = rules.notice_rule(code)
    if rule is None:
        raise ValueError(f"the rule pack has no notice addressee {code!r}")
    row = _notice_row(case, code)
    return {
        "code": code,
        "title": rule.title.get(language) or rule.title["ru"],
        "basis": rule.basis.get(language) or rule.basis["ru"],
        "due": fmt_datetime(row.due_at if row else None, language),
        "sent_at": fmt_datetime(row.sent_at if row else None, language),
        "method": label("notice_method", row.method if row else None, language),
        "recipient": _text(row.recipient if row else None),
    }


def _deadline(case, key: str, language: str, rules) -> dict:
    rule = next((d for d in rules.deadlines if d.key == key), None)
    if rule is None:
        return {"title": DASH, "basis": DASH, "due": DASH, "extension_days": "0"}
    start = getattr(case, rule.starts, None)
    category = _value(case.category)
    extra = int(case.extension_days or 0) if rule.pausable else 0
    due = None
    if start is not None and category in rule.duration:
        due = rule.duration[category].add_to(start, extra)
    hourly = category in rule.duration and rule.duration[category].unit == "h"
    fmt = fmt_datetime if hourly else fmt_date
    return {
        "title": rule.title.get(language) or rule.title["ru"],
        "basis": rule.basis.get(language) or rule.basis["ru"],
        "due": fmt(due, language),
        "extension_days": str(extra),
    }


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
        "employer": _employer(case.organisation, language),
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
        # not recorded by the service yet (PROCEDURE.md §5, Law 194)
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


_BUILDERS = {
    "commission_order": _commission_order,
    "investigation_act": _investigation_act,
    "insurer_notice": _insurer_notice,
    "closure_summary": _closure_summary,
}


# The deadline a document states, by kind (see `clock` in build_context).
_STATED_DEADLINE = {"commission_order": "investigation", "insurer_notice": "insurer_notice"}


def build_context(
    case, kind, language: str, *, rules, victim=None, addressee=None, now=None, clock=None
) -> dict:
    """The context of document `kind` in `language` ("ru" or "ky").

    `rules` is the jurisdiction rule pack (code labels, deadlines, notice addressees). Act N-1
    is per victim: pass `victim` (the first live victim is used when it is omitted). A notice is
    per addressee: pass `addressee`, a `[[notices]]` code of the pack ("prosecutor", …; an
    unknown code raises ValueError); without it the notice has a generic heading and no
    addressee line. `now` (naive UTC or aware) stands for the dates not yet stamped on the case,
    e.g. the date of a document being issued. `clock` maps deadline keys to the due moments
    the service computed (late-reported track, pauses, holidays); a document states those
    rather than the plain rule arithmetic."""
    kind = str(getattr(kind, "value", kind))
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    if language not in NOT_GIVEN:
        raise ValueError(f"unsupported document language {language!r}")
    now = now or datetime.now(UTC)
    context = _common(case, language, rules, now)
    if kind == "act_n1":
        if victim is None:
            if not case.victims:
                raise ValueError("Act N-1 needs a victim")
            victim = case.victims[0]
        context.update(_act_n1(case, language, rules, now, victim))
    elif kind == "notice":
        context.update(_notice(case, language, rules, now, addressee))
    else:
        context.update(_BUILDERS[kind](case, language, rules, now))
    key = _STATED_DEADLINE.get(kind)
    if clock and key in clock and "deadline" in context:
        context["deadline"]["due"] = fmt_datetime(clock[key], language)
    return context
