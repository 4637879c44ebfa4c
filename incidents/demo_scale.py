"""`flask demo scale N`: load data for measuring the service at the size of a country — N
realistic cases (demo_scale_cases.py) across K employers of every region over ten years,
with the users who see them (a specialist and a head per employer, an inspector per
region, one insurer that insures them all).

Fast because it bypasses the ORM: the rows are plain dicts written in batches of a few
thousand by demo_scale_writer.py (a Core `insert()` per table through the driver's
executemany; COPY on PostgreSQL), in a thread, while the next batch is built. What
bypassing the ORM means, on purpose, for generated load data:
  - the audit log (incidents/audit.py) chains ORM flushes only: no event records these rows;
  - the derived columns are filled here: `search_text` as each case is built, `next_due_at`
    by derived.refresh() over the generated open cases at the end;
  - no document is rendered: `generated_document` rows carry a plausible SHA-256 and size,
    but no file exists, so downloading a generated case's documents is not possible and
    `flask integrity check` lists those files as missing.
Case and victim ids are assigned here (the next free ones); run it on a database nobody
else is writing to."""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import click
from flask import current_app
from sqlalchemy import text

from . import demo_scale_data as words
from .auth import hash_password
from .demo_scale_cases import build
from .demo_scale_parts import Context, Org, Rows
from .demo_scale_writer import Writer
from .extensions import db
from .models import Case, Organisation, OrgKind, Policy, Role, User, Victim
from .models.timeutil import utcnow
from .rules import load
from .services import derived
from .services.case_list import OPEN

BATCH_ROWS = 5000  # rows of the largest table (the documents) written at once
# the order rows go in: parents first, for the foreign keys
TABLES = (
    "case_file",
    "victim",
    "disease_file",
    "case_notice",
    "case_transition",
    "cause",
    "measure",
    "generated_document",
    "insurer_package",
)


@dataclass
class Result:
    cases: int
    rows: int
    seconds: float
    organisations: int
    password: str


def _next_id(model) -> int:
    return (db.session.scalar(db.select(db.func.max(model.id))) or 0) + 1


def _world(rng: random.Random, k: int, years: int, password: str, today: date):
    """The employers (with their weights: how many of the cases each has), the users and an
    insurer, through the ORM (a few thousand rows); the users share one password hash."""
    pack = load("kr")
    regions = [r.code for r in pack.regions]
    tag = _next_id(Organisation)  # unique per run: e-mails never collide with an earlier run
    secret = hash_password(password)

    def user(role, org, name, email):
        row = User(email=email, name=name, role=role, organisation=org, password_hash=secret)
        db.session.add(row)
        return row

    insurer = Organisation(kind=OrgKind.insurer, name=f"ОАО «Камсыздандыруу {tag}»")
    user(Role.insurer, insurer, "Страховщик Нагрузочный", f"scale{tag}-insurer@example.kg")
    for region in regions:
        office = Organisation(kind=OrgKind.inspectorate, name=f"Инспекция труда ({region})")
        office.region = region
        user(Role.inspector, office, f"Инспектор {region}", f"scale{tag}-{region}@example.kg")
    weights = [rng.lognormvariate(0, 1) for _ in range(k)]
    employers = []
    for i in range(k):
        org = Organisation(
            kind=OrgKind.employer,
            name=f"{rng.choice(words.ORG_FORMS)} «{rng.choice(words.ORG_STEMS)} {tag}-{i + 1}»",
            tax_id=f"{rng.randrange(10**13, 10**14)}",
            activity_code=rng.choice(words.ACTIVITY_CODES),
            address="Кыргызская Республика",
            region=regions[0] if rng.random() < 0.3 else rng.choice(regions),
        )
        specialist = user(Role.specialist, org, "Специалист ОТ", f"scale{tag}-{i + 1}@example.kg")
        head = user(Role.head, org, "Руководитель", f"scale{tag}-{i + 1}-head@example.kg")
        policy = Policy(
            employer=org,
            insurer=insurer,
            number=f"ГО-{tag}-{i + 1}",
            valid_from=date(today.year - years, 1, 1),
            valid_to=date(today.year + 1, 12, 31),
        )
        db.session.add_all([org, policy])
        employers.append((org, specialist, head, policy))
    db.session.flush()
    orgs = [Org(o.id, o.region, s.id, h.id, p.id) for o, s, h, p in employers]
    return orgs, weights, insurer.id, [o for o, *_ in employers]


def _headcounts(organisations, weights, n: int, years: int, rng: random.Random) -> None:
    """Headcounts that give each employer a plausible frequency rate (0.8–4 cases a year per
    1,000 workers) for the cases it gets."""
    total = sum(weights)
    for org, weight in zip(organisations, weights, strict=True):
        per_year = n * weight / total / years
        org.headcount = max(5, round(per_year * 1000 / rng.uniform(0.8, 4.0)))


def generate(
    n: int,
    k: int,
    years: int = 10,
    seed: int = 0,
    password: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Result:
    """Generate and commit; see the module docstring."""
    started = time.perf_counter()
    rng = random.Random(seed)
    password = password or f"scale-{rng.getrandbits(40):010x}"
    now = utcnow()
    orgs, weights, insurer_id, organisations = _world(rng, k, years, password, now.date())
    _headcounts(organisations, weights, n, years, rng)
    db.session.commit()
    pack = load("kr")
    ctx = Context(
        rng=rng,
        now=now,
        insurer_id=insurer_id,
        languages=tuple(current_app.config["DOCUMENT_LANGUAGES"]),
        icd10=tuple((c.code, c.label_in("ru")) for c in pack.icd10),
        cause_labels={c.code: c.label_in("ru") for c in pack.causes},
    )
    span = timedelta(days=365.25 * years).total_seconds()
    start = now - timedelta(seconds=span)
    # ids grow with the time of the accident, as reports come in
    moments = sorted(rng.random() for _ in range(n))
    cumulative = list(itertools.accumulate(weights))
    first_id = case_id = _next_id(Case)
    victim_ids = itertools.count(_next_id(Victim))
    seqs: dict[tuple[int, int], int] = {}

    def numbering(org_id: int, year: int) -> int:
        seqs[org_id, year] = seqs.get((org_id, year), 0) + 1
        return seqs[org_id, year]

    writer, rows, pending = Writer(db.engine, TABLES), Rows(), 0
    writer.start()
    try:
        for moment in moments:
            org = rng.choices(orgs, cum_weights=cumulative)[0]
            occurred = start + timedelta(seconds=moment * span)
            build(ctx, org, case_id, victim_ids, numbering, occurred, rows)
            case_id, pending = case_id + 1, pending + 1
            if len(rows.tables.get("generated_document", ())) >= BATCH_ROWS:
                writer.put(rows.tables)
                if progress is not None:
                    progress(pending)
                rows, pending = Rows(), 0
        writer.put(rows.tables)
    finally:
        written = writer.finish()
    if progress is not None:
        progress(pending)
    _after_ids()
    derived.refresh([Case.id >= first_id, Case.status.in_(OPEN)])
    db.session.commit()
    return Result(n, written, time.perf_counter() - started, k, password)


def _after_ids() -> None:
    """PostgreSQL hands out ids from sequences: move them past the ids given here; and let
    its planner see the new rows now (ANALYZE: 10 s after a million cases; until autovacuum
    got to it, a list page took 100 ms instead of 15)."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("case_file", "victim"):
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
        )
    db.session.execute(text("ANALYZE"))


@click.command("scale")
@click.argument("n", type=click.IntRange(min=1))
@click.option("--orgs", "k", type=click.IntRange(min=1), help="Employers (default: N / 200).")
@click.option("--years", type=click.IntRange(1, 45), default=10, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same data.")
@click.option("--password", default=None, help="One password for every generated user.")
def scale(n, k, years, seed, password):
    """Generate N realistic cases across many employers and YEARS years, for load tests.

    Categories in realistic shares (mostly light), event types and causes from the rule
    pack, one to three victims (outcomes, days lost, deaths), occupational diseases, each
    case's transition history up to its status (old years closed, this year's at every
    stage), notices, insurer packages and the documents' metadata.

    Written with bulk Core inserts that bypass the ORM, so the audit log records none of
    these rows (meant for generated load data only). No document file is rendered: downloads
    of generated cases are not available and `flask integrity check` reports their files as
    missing. Use a database of its own."""
    k = k or max(1, n // 200)
    with click.progressbar(length=n, label=f"Generating {n} cases") as bar:
        result = generate(n, k, years, seed, password, progress=bar.update)
    rate = result.rows / result.seconds if result.seconds else math.inf
    click.echo(
        f"{result.cases} cases, {result.rows} rows across {result.organisations} employers "
        f"in {result.seconds:.1f} s ({rate:,.0f} rows/s)."
    )
    click.echo(f"Every generated user's password: {result.password}")
