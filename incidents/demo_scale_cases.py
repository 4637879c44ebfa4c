"""One generated case as table rows (demo_scale.py writes them in bulk): its victims, its
path through the workflow up to now (each step a `case_transition` row and the case's
timestamps), its notices, causes, measure, disease file, insurer package and the metadata
of the documents each step issues. Only steps dated before `now` happen, so old cases are
closed and this year's stand at every stage; a few stall on the way (they run late) and a
few are cancelled. Every value is drawn from the caller's seeded `random.Random`."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from . import demo_scale_data as words
from . import demo_scale_parts as parts
from .demo_scale_parts import Context, Org, Rows, hours, pick
from .models import CaseKind, CaseStatus, Category, Severity
from .services.derived import fold

S = CaseStatus
ACCIDENT_PATH = (
    ("notify", S.reported, S.notified),
    ("form_commission", S.notified, S.commission_formed),
    ("start_investigation", S.commission_formed, S.investigating),
    ("draft_act", S.investigating, S.act_drafted),
    ("approve_act", S.act_drafted, S.act_approved),
    ("notify_insurer", S.act_approved, S.insurer_notified),
    ("close", S.insurer_notified, S.closed),
)
DISEASE_PATH = (
    ("describe_conditions", S.suspected, S.conditions_described),
    ("confirm_diagnosis", S.conditions_described, S.diagnosis_confirmed),
    ("form_commission", S.diagnosis_confirmed, S.commission_formed),
    *ACCIDENT_PATH[2:],
)
# the case's timestamp each step stamps (workflows/accident.py and disease.py, _EFFECTS)
STAMPS = {
    "notify": ("notified_at",),
    "form_commission": ("commission_formed_at", "investigation_started_at"),
    "draft_act": ("investigation_ended_at",),
    "approve_act": ("act_approved_at",),
    "notify_insurer": ("insurer_notified_at",),
    "close": ("closed_at",),
}
_CANCELLABLE = {S.reported, S.notified, S.commission_formed, S.investigating, S.suspended}
_CANCELLABLE |= {S.act_drafted, S.suspected, S.conditions_described, S.diagnosis_confirmed}
CANCEL_SHARE, STALL_SHARE, SUSPEND_SHARE, EXTEND_SHARE = 0.015, 0.02, 0.04, 0.06


def _plan(ctx: Context, disease: bool, serious: bool, reported: datetime, waits: dict):
    """Every step of the case's path with its time, as if nothing stopped it: (trigger, from,
    to, at, comment) tuples. `waits` holds when the notices are all sent and when the
    outcome is known; the extension's days are added to it."""
    rng = ctx.rng
    path = DISEASE_PATH if disease else ACCIDENT_PATH
    at, steps = reported, []
    for trigger, src, dst in path:
        if trigger == "notify":
            at = max(at + hours(rng, 2, 22), waits["notices_sent"] + hours(rng, 0.1, 1))
        elif trigger == "describe_conditions":
            at += hours(rng, 48, 320)
        elif trigger == "confirm_diagnosis":
            at += hours(rng, 160, 900)
        elif trigger == "form_commission":
            at += hours(rng, 1, 22)
        elif trigger == "start_investigation":
            at += hours(rng, 0.5, 20)
        elif trigger == "draft_act":
            days = rng.uniform(4, 14) if serious or disease else rng.uniform(0.5, 2.8)
            if serious and rng.random() < EXTEND_SHARE:  # before any suspension
                waits["extension_days"] = rng.randint(5, 15)
                steps.append(("extend_deadline", src, src, at + hours(rng, 6, 20), "Экспертиза"))
                days += waits["extension_days"] * rng.uniform(0.5, 0.95)
            if serious and rng.random() < SUSPEND_SHARE:
                start = at + hours(rng, 24, 48)
                end = start + timedelta(days=rng.uniform(5, 40))
                steps.append(("suspend", S.investigating, S.suspended, start, "Ожидание СМЭ"))
                steps.append(("resume", S.suspended, S.investigating, end, None))
                days += (end - start).total_seconds() / 86400
            at += timedelta(days=days)
        elif trigger == "approve_act":
            at += hours(rng, 4, 44)
        elif trigger == "notify_insurer":
            at += hours(rng, 2, 50)
        elif trigger == "close":
            at = max(at, waits["outcome_known"]) + hours(rng, 24, 216)
        steps.append((trigger, src, dst, at, None))
    return steps


def _cut(ctx: Context, steps: list, initial: CaseStatus) -> list:
    """The steps that happened by now: a few cases are cancelled or stall on the way."""
    rng, now = ctx.rng, ctx.now
    done = [s for s in steps if s[3] <= now]
    roll = rng.random()
    if roll < CANCEL_SHARE + STALL_SHARE and done:
        done = done[: rng.randrange(len(done))]
        if roll < CANCEL_SHARE:
            state = done[-1][2] if done else initial
            at = (done[-1][3] if done else steps[0][3] - timedelta(hours=1)) + hours(rng, 2, 100)
            if state in _CANCELLABLE and at <= now:
                done.append(("cancel", state, S.cancelled, at, "Случай не подлежит расследованию"))
    return done


def build(ctx: Context, org: Org, case_id: int, victim_ids, numbering, occurred, rows: Rows):
    """Add one case that happened at `occurred` (naive UTC) to `rows`. `victim_ids` yields
    the victims' ids; `numbering(org_id, year)` gives the next number in the register."""
    rng = ctx.rng
    disease = rng.random() < words.DISEASE_SHARE
    category = None if disease else pick(rng, words.CATEGORY_SHARES)
    serious = category not in (None, "light")
    late = not disease and rng.random() < 0.03  # reported after the late-report limit
    reported = occurred + (hours(rng, 26, 200) if late else hours(rng, 0.3, 6))
    victims = parts.victims(ctx, category, disease, occurred)
    death = any(v["medical_severity"] == Severity.fatal for v, _ in victims)
    hazardous = serious and rng.random() < 0.05
    notices = [] if disease else parts.notices(ctx, category, death, hazardous, reported)
    waits = {
        "notices_sent": max((sent for _, sent in notices), default=reported),
        "outcome_known": occurred + max(after for _, after in victims),
        "extension_days": 0,
    }
    initial = S.suspected if disease else S.reported
    done = _cut(ctx, _plan(ctx, disease, serious, reported, waits), initial)
    steps = {t[0]: t for t in done}
    year = (reported + timedelta(hours=6)).year  # the register's year, in Bishkek
    case = {
        "id": case_id,
        "organisation_id": org.id,
        "year": year,
        "seq": numbering(org.id, year),
        "kind": CaseKind.occupational_disease if disease else CaseKind.accident,
        "category": Category(category) if category else None,
        "status": done[-1][2] if done else initial,
        "version": 1 + len(done),
        "occurred_at": occurred,
        "reported_at": reported,
        "shift_started_at": occurred - hours(rng, 0.5, 8),
        "place": rng.choice(words.PLACES),
        "structural_unit": rng.choice(words.UNITS),
        "work_performed": rng.choice(words.WORK),
        "first_aid": "Оказана на месте, вызвана скорая помощь.",
        "hazardous_facility": hazardous,
        "extension_days": waits["extension_days"] if "extend_deadline" in steps else 0,
        "paused_seconds": 0,
        "signing_round": 1 if "draft_act" in steps else 0,
        "created_by_id": org.specialist_id,
        "created_at": reported,
        "updated_at": done[-1][3] if done else reported,
    }
    event = None if disease else pick(rng, words.EVENT_TYPE_SHARES)
    case["circumstances"] = words.CIRCUMSTANCES.get(event, words.CIRCUMSTANCES["14"])
    _stamp(case, done)
    known = waits["outcome_known"] <= ctx.now
    case["outcome_known_at"] = waits["outcome_known"] if known else None
    if "draft_act" in steps and not disease:
        case.update(
            event_type_code=event,
            equipment="Леса строительные",
            workplace_assessment="класс 3.1",
            work_related=rng.random() < 0.96,
            work_related_ground="В рабочее время при исполнении трудовых обязанностей",
        )
    victim_rows = [{**v, "id": next(victim_ids), "case_id": case_id} for v, _ in victims]
    for row in victim_rows:
        if not known:  # still being treated: what became of them is not known yet
            row["outcome"] = row["days_lost"] = None
    words_of = [f"{case['seq']}/{year}", *(v["full_name"] for v in victim_rows)]
    case["search_text"] = fold(" ".join([*words_of, case["structural_unit"], case["place"]]))
    rows.add("case_file", case)
    for row in victim_rows:
        rows.add("victim", row)
    if disease:
        parts.disease_file(ctx, case, steps, rows)
    _notices(ctx, org, case, notices, rows)
    _transitions(org, case, done, rows)
    if "draft_act" in steps:
        parts.findings(ctx, case, disease, rows)
    parts.documents(ctx, org, case, notices, [v["id"] for v in victim_rows], steps, rows)
    if "notify_insurer" in steps:
        _package(ctx, org, case, steps["notify_insurer"][3], rows)


def _stamp(case: dict, done: list) -> None:
    """The case's timestamps as the steps' effects set them."""
    for trigger, _src, _dst, at, comment in done:
        for column in STAMPS.get(trigger, ()):
            case[column] = at
        if trigger == "form_commission":
            case["commission_order_number"] = f"{case['seq']}-к"
        elif trigger == "suspend":
            case["suspended_at"] = at
        elif trigger == "resume":
            case["paused_seconds"] += int((at - case.pop("suspended_at")).total_seconds())
        elif trigger == "extend_deadline":
            case["extension_reason"] = comment
        elif trigger == "cancel":
            case["cancel_reason"] = comment


def _notices(ctx: Context, org: Org, case: dict, notices: list, rows: Rows) -> None:
    reported = case["reported_at"]
    for addressee, sent in notices:
        sent = sent if sent <= ctx.now else None
        rows.add(
            "case_notice",
            {
                "case_id": case["id"],
                "addressee": addressee,
                "due_at": reported + timedelta(hours=24),
                "created_at": reported,
                "sent_at": sent,
                "method": "email" if sent else None,
                "recipient": f"{addressee}@{org.region}.example.kg" if sent else None,
                "sent_by_id": org.specialist_id if sent else None,
            },
        )


def _transitions(org: Org, case: dict, done: list, rows: Rows) -> None:
    for trigger, src, dst, at, comment in done:
        actor = org.head_id if trigger in ("approve_act", "cancel") else org.specialist_id
        rows.add(
            "case_transition",
            {
                "case_id": case["id"],
                "at": at,
                "actor_id": actor,
                "trigger": trigger,
                "from_state": src.value,
                "to_state": dst.value,
                "comment": comment,
            },
        )


def _package(ctx: Context, org: Org, case: dict, at: datetime, rows: Rows) -> None:
    """The package handed to the insurer (its files are not built: no file exists)."""
    rows.add(
        "insurer_package",
        {
            "uid": str(uuid.UUID(int=ctx.rng.getrandbits(128), version=4)),
            "case_id": case["id"],
            "insurer_id": ctx.insurer_id,
            "policy_id": org.policy_id,
            "version": 1,
            "status": "ready",
            "manifest_sha256": f"{ctx.rng.getrandbits(256):064x}",
            "created_by_id": org.specialist_id,
            "created_at": at,
            "ready_at": at + timedelta(minutes=2),
        },
    )
