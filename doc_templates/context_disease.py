"""The contexts of the occupational-disease documents (docs/procedure.md §4 and §5).

Like `context.py`, it reads the case duck-typed and returns only strings, lists and dicts of
strings, dates in Bishkek time. The disease documents share `language`, `doc_date`,
`case_number`, `employer`, `worker`, `disease` and `work`; they have no accident `category` or
`accident`. What each kind adds is in README.md ("Occupational-disease documents").

Over-limit factors are decided here, once (measured > limit, as `HarmfulFactor.over_limit`):
a template only prints the marks and the cell shading this module hands it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from babel.numbers import format_decimal

from .formatting import (
    DISEASE_KINDS,
    _local,
    _text,
    _value,
    fmt_date,
    fmt_datetime,
    fmt_years,
)
from .labels import BLANK, DASH, NOT_GIVEN, label
from .parts import _employer, _measures, _member, _responsible

# Cell fill of a measured value over its limit (light red), and of one within it (no fill).
OVER_FILL = "FFC7CE"
WITHIN_FILL = "auto"
# The marks of the factors table: printed bold (over) / plain (within) by the templates.
OVER_MARK = {"ru": "▲ превышение на {}", "ky": "▲ ашып кетүү: {}"}
WITHIN_MARK = {"ru": "в пределах норматива", "ky": "ченемдин чегинде"}
# A line of the act's list of excesses over the limits.
EXCESS_LINE = {
    "ru": "{name}: {measured} при нормативе {limit}, превышение в {ratio} раза (на {excess})",
    "ky": "{name}: {measured}, ченеми {limit}, ченемден {ratio} эсе ашык ({excess})",
}
TO_DATE = {"ru": "по настоящее время", "ky": "азыркы убакытка чейин"}
DISTRIBUTION = ("worker", "employer", "sanitary_body", "pathology_centre", "insurer")

__all__ = ["DISEASE_KINDS", "build_disease_context"]


def _number(value, language: str, pattern: str = "#,##0.###") -> str:
    if value is None:
        return DASH
    return format_decimal(Decimal(str(value)), format=pattern, locale=language)


def _diagnosis(code, name) -> str:
    """ "H83.3 — Шумовые эффекты внутреннего уха"; just the one that is recorded, else "—"."""
    parts = [_text(v) for v in (code, name) if _text(v) != DASH]
    return " — ".join(parts) or DASH


def _worker(case, victim, disease, language: str) -> dict:
    born = victim.birth_date
    day = disease.preliminary_at or _local(case.occurred_at).date()
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return {
        "name": _text(victim.full_name),
        "sex": label("sex", victim.sex, language),
        "birth_date": fmt_date(born, language),
        "birth_year": str(born.year),
        "age": fmt_years(age, language),
        "occupation": _text(victim.occupation),
        "unit": _text(case.structural_unit, language),
        "service_total": fmt_years(victim.service_total_years, language),
        "service_employer": fmt_years(victim.service_employer_years, language),
        "service_harmful": fmt_years(disease.harmful_service_years, language),
    }


def _disease(case, disease, language: str) -> dict:
    final_on = disease.final_on or disease.diagnosis_confirmed_at
    return {
        "form": label("disease_form", disease.form, language),
        "health_organisation": _text(disease.health_organisation),
        "preliminary_diagnosis": _text(disease.preliminary_diagnosis),
        "preliminary_icd10": _text(disease.preliminary_icd10),
        "preliminary": _diagnosis(disease.preliminary_icd10, disease.preliminary_diagnosis),
        "preliminary_date": fmt_date(disease.preliminary_at or case.occurred_at, language),
        "received_at": fmt_datetime(case.reported_at, language),
        "sanitary_body": _text(disease.sanitary_body, language),
        "pathology_centre": _text(disease.pathology_centre, language),
        "final_diagnosis": _text(disease.final_diagnosis, language),
        "final_icd10": _text(disease.final_icd10, language),
        "final": _diagnosis(disease.final_icd10, disease.final_diagnosis),
        "final_date": fmt_date(final_on, language, missing=NOT_GIVEN[language]),
    }


def _work(case) -> dict:
    return {
        "place": _text(case.place),
        "performed": _text(case.work_performed),
        "circumstances": _text(case.circumstances),
    }


def _conditions(disease, language: str) -> dict:
    described = disease.described_on or disease.conditions_described_at
    code = _text(disease.conditions_class)
    return {
        "class": label("conditions_class", code, language) if code != DASH else DASH,
        "ppe": _text(disease.ppe, language),
        "summary": _text(disease.conditions_summary, language),
        "date": fmt_date(described, language),
    }


def _factor(f, language: str) -> dict:
    measured, limit, unit = Decimal(str(f.measured)), Decimal(str(f.limit)), _text(f.unit)
    over = measured > limit
    excess = f"{_number(measured - limit, language)} {unit}"
    return {
        "name": _text(f.name),
        "measured": _number(measured, language),
        "limit": _number(limit, language),
        "unit": unit,
        "hours": _number(f.exposure_hours, language, "#,##0.#"),
        "ratio": _number(measured / limit, language, "#,##0.##") if limit else DASH,
        "excess": excess if over else DASH,
        "mark_over": OVER_MARK[language].format(excess) if over else "",
        "mark_within": "" if over else WITHIN_MARK[language],
        "fill": OVER_FILL if over else WITHIN_FILL,
    }


def _factors(case, language: str) -> tuple[list[dict], list[str]]:
    """The factors table and the act's lines on the factors over their limits."""
    rows, excesses = [], []
    for f in case.factors:
        row = _factor(f, language)
        rows.append(row)
        if row["mark_over"]:
            unit = row["unit"]
            excesses.append(
                EXCESS_LINE[language].format(
                    name=row["name"],
                    measured=f"{row['measured']} {unit}",
                    limit=f"{row['limit']} {unit}",
                    ratio=row["ratio"],
                    excess=row["excess"],
                )
            )
    return rows, excesses


def _route(case, language: str, now: datetime) -> list[dict]:
    """The occupational route; a stretch still going on counts to the current year."""
    this_year = _local(now).year
    rows = []
    for e in case.exposures:
        until = str(e.year_to) if e.year_to else TO_DATE[language]
        rows.append(
            {
                "employer": _text(e.employer_name),
                "job": _text(e.job_title),
                "year_from": str(e.year_from),
                "year_to": until,
                "period": f"{e.year_from} – {until}",
                "years": fmt_years((e.year_to or this_year) - e.year_from, language),
                "factors": _text(e.harmful_factors),
            }
        )
    return rows


def _exams(case, language: str) -> list[dict]:
    return [
        {
            "kind": label("exam_kind", x.kind, language),
            "date": fmt_date(x.examined_on, language),
            "organisation": _text(x.organisation),
            "result": _text(x.result),
        }
        for x in case.exams
    ]


def _commission(case, language: str) -> list[dict]:
    """The members, the chair (the sanitary body's representative) first."""
    members = sorted(case.commission, key=lambda m: _value(m.role) != "chair")
    return [_member(m, language) for m in members]


def _conclusion(disease, language: str) -> dict:
    connected = disease.connected_to_work
    return {
        "connected": label("connected", "unknown" if connected is None else connected, language),
        "causes": _text(disease.conclusion_causes, language),
    }


def _distribution(context: dict, language: str) -> list[dict]:
    """The five copies of the act: who gets each, and the name of that person or body."""
    disease, employer = context["disease"], context["employer"]
    names = {
        "worker": context["worker"]["name"],
        "employer": employer["name"],
        "sanitary_body": disease["sanitary_body"],
        "pathology_centre": disease["pathology_centre"],
        "insurer": employer["insurer_name"],
    }
    return [
        {"no": str(i), "addressee": label("distribution", code, language), "name": names[code]}
        for i, code in enumerate(DISTRIBUTION, start=1)
    ]


def build_disease_context(case, kind: str, language: str, *, now=None, victim=None) -> dict:
    """The context of occupational-disease document `kind` in `language`. The worker is
    `victim`, else the case's first live victim. `now` stands for dates not yet stamped on the
    case (the act's date while it is drafted, the time the insurer notice is sent)."""
    if kind not in DISEASE_KINDS:
        raise ValueError(f"not an occupational-disease document: {kind!r}")
    disease = case.disease
    if disease is None:
        raise ValueError("an occupational-disease document needs the case's disease file")
    if victim is None:
        if not case.victims:
            raise ValueError("an occupational-disease document needs the worker (a victim)")
        victim = case.victims[0]
    now = now or datetime.now(UTC)
    context = {
        "language": language,
        "doc_date": fmt_date(now, language),
        "case_number": case.number,
        "employer": _employer(case.organisation, language, getattr(case, "policy", None)),
        "worker": _worker(case, victim, disease, language),
        "disease": _disease(case, disease, language),
        "work": _work(case),
    }
    act_date = fmt_date(case.investigation_ended_at or now, language)
    if kind == "working_conditions":
        factors, excesses = _factors(case, language)
        conditions = _conditions(disease, language)
        if conditions["date"] == DASH:  # the description being issued is dated today
            conditions["date"] = context["doc_date"]
        context.update(
            route=_route(case, language, now),
            factors=factors,
            factors_over=excesses,
            conditions=conditions,
        )
    elif kind == "disease_act":
        factors, excesses = _factors(case, language)
        context.update(
            act_number=case.number,
            act_date=act_date,
            approved_date=fmt_date(case.act_approved_at, language, missing=BLANK),
            exams=_exams(case, language),
            route=_route(case, language, now),
            factors=factors,
            factors_over=excesses,
            conditions=_conditions(disease, language),
            conclusion=_conclusion(disease, language),
            responsible=_responsible(case),
            measures=_measures(case, language),
            commission=_commission(case, language),
        )
        context["distribution"] = _distribution(context, language)
    elif kind == "disease_insurer_notice":
        context.update(
            act_number=case.number,
            act_date=act_date,
            conclusion=_conclusion(disease, language),
            sent_at=fmt_datetime(case.insurer_notified_at or now, language),
            # not recorded by the service yet (docs/procedure.md §5, Law 194)
            disability=NOT_GIVEN[language],
        )
    return context
