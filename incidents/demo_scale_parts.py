"""The parts of one generated case (demo_scale_cases.py assembles them): its victims and
notices, the commission's findings, the disease file and the metadata of the documents the
steps of its path issue. Every value comes from the caller's seeded `random.Random`."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from . import demo_scale_data as words
from .models import DiseaseForm, DocumentKind, Outcome, Severity
from .models.timeutil import to_local

D = DocumentKind


@dataclass
class Org:
    id: int
    region: str
    specialist_id: int
    head_id: int
    policy_id: int


@dataclass
class Context:
    rng: random.Random
    now: datetime
    insurer_id: int
    languages: tuple[str, ...]
    icd10: tuple[tuple[str, str], ...]  # (code, Russian name) of the pack's diagnoses
    cause_labels: dict[str, str]  # the pack's cause codes, in Russian


@dataclass
class Rows:
    """What a batch of cases adds, per table name."""

    tables: dict[str, list[dict]] = field(default_factory=dict)

    def add(self, table: str, row: dict) -> None:
        self.tables.setdefault(table, []).append(row)

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


def pick(rng: random.Random, shares: dict):
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def hours(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(hours=rng.uniform(low, high))


def victims(ctx: Context, category: str | None, disease: bool, occurred: datetime) -> list:
    """(row, known_after) per victim: its outcome becomes known `known_after` the accident.
    A group accident hurts two or three; the category follows the victims as routing's
    derived_category reads them (a death: fatal; a severe injury: severe)."""
    rng = ctx.rng
    count = rng.choice((2, 2, 3)) if category == "group" else 1
    dying = category == "fatal" or (category == "group" and rng.random() < 0.15)
    result = []
    for i in range(count):
        female = rng.random() < 0.18
        first = rng.choice(words.FEMALE_FIRST if female else words.MALE_FIRST)
        surname = rng.choice(words.SURNAMES) + ("а" if female else "")
        age = rng.randint(18, 63)
        total = Decimal(rng.randint(0, min(45, age - 17) * 10)) / 10
        severity = None if disease else Severity.light
        if dying and i == 0:
            severity, outcome, days = Severity.fatal, Outcome.died, None
        elif disease:
            outcome = rng.choice((Outcome.transferred, Outcome.disability, Outcome.recovered))
            days = rng.randint(14, 120)
        elif category in ("severe", "group") and (i == 0 or rng.random() < 0.4):
            severity = Severity.severe
            outcome = rng.choices(
                (Outcome.recovered, Outcome.disability, Outcome.transferred), (7, 2, 1)
            )[0]
            days = rng.randint(21, 240)
        else:
            outcome = Outcome.recovered if rng.random() < 0.95 else Outcome.transferred
            days = rng.randint(1, 30)
        row = {
            "full_name": f"{surname} {first}",
            "sex": "female" if female else "male",
            "birth_date": date(occurred.year - age, rng.randint(1, 12), rng.randint(1, 28)),
            "person_category": "employee",
            "occupation": rng.choice(words.OCCUPATIONS),
            "service_total_years": total,
            "service_employer_years": min(total, Decimal(rng.randint(0, 150)) / 10),
            "injury_nature": None if disease else "Травма",
            "medical_severity": severity,
            "intoxication": "none",
            "outcome": outcome,
            "days_lost": days,
        }
        result.append((row, timedelta(days=days or 0)))
    return result


def notices(ctx: Context, category: str, death: bool, hazardous: bool, reported: datetime):
    """(addressee, sent_at) per notice the pack requires (kr.toml [[notices]]); a few go out
    late."""
    addressees = ["insurer"]
    if category != "light":
        addressees += ["state_inspector", "trade_union"]
    if death:
        addressees.append("prosecutor")
    if hazardous:
        addressees.append("industrial_safety")
    late = ctx.rng.random() < 0.04
    return [
        (a, reported + (hours(ctx.rng, 25, 70) if late else hours(ctx.rng, 0.3, 20)))
        for a in addressees
    ]


def findings(ctx: Context, case: dict, disease: bool, rows: Rows) -> None:
    """What the commission found by the draft act: an accident's causes (a main one and
    perhaps another), and a preventive measure (done once the case is closed)."""
    rng = ctx.rng
    drafted = case["investigation_ended_at"]
    if not disease:
        codes = [pick(rng, words.CAUSE_SHARES)]
        if rng.random() < 0.4:
            codes.append(pick(rng, words.CAUSE_SHARES))
        for i, code in enumerate(dict.fromkeys(codes)):
            rows.add(
                "cause",
                {
                    "case_id": case["id"],
                    "code": code,
                    "is_main": i == 0,
                    "description": ctx.cause_labels[code],
                    "violated_norm": "Правила по охране труда, п. 6.2",
                },
            )
    closed = case.get("closed_at")
    rows.add(
        "measure",
        {
            "case_id": case["id"],
            "action": "Внеплановый инструктаж по охране труда",
            "due_date": (drafted + timedelta(days=30)).date(),
            "owner": "Специалист по охране труда",
            "done_at": to_local(closed).date() if closed else None,
        },
    )


def disease_file(ctx: Context, case: dict, steps: dict, rows: Rows) -> None:
    """The disease's file, filled section by section as far as its path went."""
    rng = ctx.rng
    code, name = rng.choice(ctx.icd10)
    form = DiseaseForm.acute if rng.random() < 0.25 else DiseaseForm.chronic
    row = {
        "case_id": case["id"],
        "form": form,
        "health_organisation": rng.choice(words.HEALTH_ORGS),
        "preliminary_diagnosis": name,
        "preliminary_icd10": code,
        "preliminary_at": to_local(case["occurred_at"]).date(),
    }
    if "describe_conditions" in steps:
        at = steps["describe_conditions"][3]
        row.update(
            sanitary_body=words.SANITARY_BODY,
            conditions_class=rng.choice(("3.1", "3.2", "3.3")),
            ppe="Респиратор, перчатки",
            conditions_summary="Превышение ПДК вредных веществ в воздухе рабочей зоны",
            described_on=to_local(at).date(),
            harmful_service_years=Decimal(rng.randint(20, 250)) / 10,
            conditions_described_at=at,
        )
    if "confirm_diagnosis" in steps:
        at = steps["confirm_diagnosis"][3]
        row.update(
            pathology_centre=words.PATHOLOGY_CENTRE,
            final_diagnosis=name,
            final_icd10=code,
            final_on=to_local(at).date(),
            diagnosis_confirmed_at=at,
        )
    if "draft_act" in steps:
        row.update(connected_to_work=rng.random() < 0.92, conclusion_causes="Вредные факторы")
    rows.add("disease_file", row)


def _doc(rows: Rows, ctx: Context, case: dict, kind: D, at: datetime, actor: int, **kw):
    """The metadata of one issued document in every document language (no file)."""
    version, who = kw.get("version", 1), ""
    if kw.get("victim_id"):
        who = f"-v{kw['victim_id']}"
    elif kw.get("addressee"):
        who = f"-{kw['addressee']}"
    number = re.sub(r"[^0-9A-Za-z-]+", "-", f"{case['seq']}/{case['year']}")
    for language in ctx.languages:
        rows.add(
            "generated_document",
            {
                "case_id": case["id"],
                "victim_id": kw.get("victim_id"),
                "addressee": kw.get("addressee"),
                "kind": kind.value,
                "language": language,
                "version": version,
                "filename": f"{kind.value}-{number}{who}-{language}-r{version}.docx",
                "sha256": f"{ctx.rng.getrandbits(256):064x}",
                "size": ctx.rng.randint(18_000, 64_000),
                "created_by_id": actor,
                "created_at": at,
                "superseded_at": kw.get("superseded_at"),
                "frozen": kw.get("frozen", False),
            },
        )


def documents(ctx: Context, org: Org, case: dict, notice_rows, victim_ids, steps, rows) -> None:
    """The documents the steps issued, as the services issue them (workflows' DOCUMENTS):
    the acts drafted (version 1) and approved (version 2, frozen), the rest once."""
    disease = case["category"] is None
    by = org.specialist_id
    if disease:
        _doc(rows, ctx, case, D.disease_notice, case["reported_at"], by)
    for addressee, _sent in notice_rows:
        _doc(rows, ctx, case, D.notice, case["reported_at"], by, addressee=addressee)
    if "describe_conditions" in steps:
        _doc(rows, ctx, case, D.working_conditions, steps["describe_conditions"][3], by)
    if "form_commission" in steps and not disease:
        _doc(rows, ctx, case, D.commission_order, steps["form_commission"][3], by)
    if "draft_act" in steps:
        acts = [(D.disease_act, None)] if disease else [(D.act_n1, v) for v in victim_ids]
        if case["category"] not in (None, "light"):
            acts.append((D.investigation_act, None))
        approved = steps.get("approve_act")
        for kind, victim_id in acts:
            drafted = steps["draft_act"][3]
            superseded = approved[3] if approved else None
            _doc(rows, ctx, case, kind, drafted, by, victim_id=victim_id, superseded_at=superseded)
            if approved:
                _doc(rows, ctx, case, kind, approved[3], org.head_id, victim_id=victim_id,
                     version=2, frozen=True)  # fmt: skip
    if "notify_insurer" in steps:
        kind = D.disease_insurer_notice if disease else D.insurer_notice
        _doc(rows, ctx, case, kind, steps["notify_insurer"][3], by)
    if "close" in steps and not disease:
        _doc(rows, ctx, case, D.closure_summary, steps["close"][3], by)
