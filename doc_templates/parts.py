"""Pieces shared by several document contexts: the employer, the accident, a victim, the
commission, causes, measures, a notice's addressee, a stated deadline."""

from __future__ import annotations

from datetime import date

from .formatting import (
    GENERIC_NOTICE_TITLE,
    _local,
    _short,
    _text,
    _value,
    fmt_date,
    fmt_datetime,
    fmt_time,
    fmt_years,
)
from .labels import DASH, label


def _employer(org, language: str, policy=None) -> dict:
    insurer = policy.insurer if policy is not None else None
    return {
        "name": _text(org.name),
        "tax_id": _text(org.tax_id, language),
        "activity_code": _text(org.activity_code, language),
        "address": _text(org.address, language),
        "phone": _text(org.phone, language),
        "policy_number": _text(policy.number if policy is not None else None, language),
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
