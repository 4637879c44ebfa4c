"""The benchmark of issue 7: is the service as fast with a million cases as with a thousand?

    .venv/bin/python bench/run.py [--db sqlite|postgresql|both] [--scale 1000000] [--quick]
        [--report docs/performance.md] [--keep]

Every number is a ratio against a baseline measured in the same run (the machines are shared
and noisy), and every run uses its own throw-away installation (bench/perf_install.py). Per
database it builds three data sets with `flask demo scale` / `flask demo`:

  small  1,000 cases;
  big    100,000 cases (the case page and the list served by gunicorn, against a bare Flask
         hello-world served the same way), then grown to --scale cases;
  work   the demo, and one employer with over 100,000 register rows in one year (the act
         generation and the register exports).

The data sets of both databases are generated at the same time; everything is measured one
thing at a time. It prints each measurement with PASS/FAIL against the issue's targets and
writes the results with the machine description to --report (a full run: docs/performance.md;
--quick, 1,000 and 20,000 cases, writes to a file in the temporary folder unless --report is
given) and the raw numbers as JSON beside the temporary folder. Ctrl+C stops gunicorn and
drops the databases. Needs wrk (bench/README.md); exit status 1 when a target is missed."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from perf_install import ROOT, Database, Run, loadavg, machine
from perf_phases import child, export_profiles, exports, say, served
from perf_report import render, verdicts


@dataclass
class Plan:
    quick: bool
    small: int
    page: int  # cases loaded for the gunicorn test
    scale: int
    register_rows: tuple[int, int]
    wrk_seconds: int
    wrk_rounds: int
    case_pages: int  # how many of the employer's cases the case-page test rotates over
    list_rounds: int
    budget: float  # seconds of samples after which an in-process call is not repeated
    limit: float  # seconds after which an in-process call is stopped
    act_reps: int

    @classmethod
    def make(cls, quick: bool, scale: int | None) -> Plan:
        if quick:
            scale = scale or 20_000
            return cls(
                True, 1_000, min(scale, 100_000), scale, (1_000, 5_000), 3, 1, 50, 5, 10, 10, 5
            )
        scale = scale or 1_000_000
        return cls(
            False, 1_000, min(scale, 100_000), scale, (10_000, 100_000), 10, 3, 200, 30, 60, 30, 20
        )


def _args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--scale", type=int, help="cases of the big data set")
    parser.add_argument("--quick", action="store_true", help="1,000 and 20,000 cases")
    parser.add_argument("--report", help="Markdown file (relative: to the repository)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args(argv)


class Backend:
    """One database's part of the run: its data sets and what was measured on them."""

    def __init__(self, run: Run, name: str, plan: Plan, password: str) -> None:
        self.run, self.name, self.plan, self.password = run, name, plan, password
        self.out: dict = {"generation_s": {}, "measuring_s": 0.0}
        self.small = self.big = self.work = None

    def _generate(self, db: Database, label: str, n: int, seed: int, *extra: str) -> None:
        started = time.perf_counter()
        db.flask("demo", "scale", str(n), "--seed", str(seed), "--password", self.password, *extra)
        db.analyze()
        self.out["generation_s"][label] = seconds = time.perf_counter() - started
        say(f"{db.name}: {n:,} cases generated in {seconds / 60:.1f} min")

    def prepare(self) -> None:
        """The small set, the big one at the size of the page test, the work set."""
        self.small = self.run.database(self.name, "small")
        self.out["database"] = self.small.version()
        self._generate(self.small, "small", self.plan.small, 1)
        self.big = self.run.database(self.name, "big")
        self._generate(self.big, "big, first part", self.plan.page, 2)
        self.work = self.run.database(self.name, "work")
        self.work.flask("demo", "--password", self.password)
        rows = int(self.plan.register_rows[1] * 1.12)  # ~0.93 register row per case this year
        self._generate(self.work, "register", rows, 3, "--orgs", "1", "--years", "1")

    def grow(self) -> None:
        if self.plan.scale > self.plan.page:
            self._generate(self.big, "big, the rest", self.plan.scale - self.plan.page, 4)
        self.out["sizes_mib"] = {"small": self.small.size() / 2**20, "big": self.big.size() / 2**20}

    def _part(self, key: str, call) -> None:
        """One measurement; a failure is recorded and reported, and the run goes on."""
        started = time.perf_counter()
        try:
            self.out[key] = call()
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - one part, not the run
            self.out.setdefault("errors", {})[key] = f"{type(exc).__name__}: {exc}"[-2000:]
            say(f"{self.name}: {key} failed: {str(exc)[:300]}")
        self.out["measuring_s"] += time.perf_counter() - started

    def measure_served(self) -> None:
        plan, big, env = self.plan, self.big, self.big.env()
        say(f"{self.name}: gunicorn at {plan.page:,} cases: hello-world, case page, case list")

        def page_test():
            picks = child("perf_inproc.py", "picks", big.url, str(big.folder), env=env)
            return served(self.run, big, picks, plan, self.password)

        self._part("served", page_test)
        say(f"{self.name}: profiling the case page and the list at {plan.page:,} cases")
        password = f"--password={self.password}"
        self._part(
            "page_profile",
            lambda: child("perf_inproc.py", "profile", big.url, str(big.folder), password, env=env),
        )

    def measure_rest(self) -> None:
        plan, small, big, work = self.plan, self.small, self.big, self.work
        say(f"{self.name}: list pages and statistics at {plan.small:,} and {plan.scale:,} cases")
        options = [f"--rounds={plan.list_rounds}", f"--budget={plan.budget}"]
        options += [f"--limit={plan.limit}", f"--password={self.password}"]
        sets = [small.url, str(small.folder), big.url, str(big.folder)]
        self._part(
            "lists", lambda: child("perf_inproc.py", "lists", *sets, *options, env=big.env())
        )
        small.drop()
        big.drop()
        say(f"{self.name}: Act N-1 through the service against bare docxtpl ({plan.act_reps}×)")
        reps = f"--reps={plan.act_reps}"
        self._part(
            "act", lambda: child("perf_act.py", work.url, str(work.folder), reps, env=work.env())
        )
        org_id, year = _register_org(work), datetime.now(UTC).year
        say(f"{self.name}: register exports of organisation {org_id}, {year}")
        self._part("exports", lambda: exports(self.run, work, org_id, year, plan.register_rows))
        if "exports" in self.out:
            rows, found = plan.register_rows, self.out["exports"]
            self._part(
                "export_profiles",
                lambda: export_profiles(self.run, work, org_id, year, rows, found),
            )
        work.drop()


def _register_org(work: Database) -> int:
    """The generated employer of the work data set: the one with the most cases (this year
    holds nearly all of them)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(work.url)
    with engine.connect() as conn:
        org_id = conn.execute(
            text(
                "SELECT organisation_id FROM case_file GROUP BY organisation_id "
                "ORDER BY count(*) DESC LIMIT 1"
            )
        ).scalar()
    engine.dispose()
    return int(org_id)


def _together(what: str, calls: list) -> None:
    """Run the data loads of both databases at once (they wait on the CPU of a shared
    machine, not on each other), with a line every few minutes; the first error stops it."""
    errors: list[BaseException] = []

    def guarded(call):
        try:
            call()
        except BaseException as exc:  # noqa: BLE001 - reported in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(c,), daemon=True) for c in calls]
    started = time.monotonic()
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads) and not errors:
        for t in threads:
            t.join(timeout=300 / len(threads))
        if any(t.is_alive() for t in threads) and not errors:
            say(f"  {what}: {(time.monotonic() - started) / 60:.0f} min so far (load {loadavg()})")
    if errors:
        raise errors[0]


def main(argv=None) -> int:
    args = _args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y --no-install-recommends wrk")
    plan = Plan.make(args.quick, args.scale)
    names = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    password = f"bench-{os.getpid()}-pw"
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # cleaned up like Ctrl+C
    run = Run(keep=args.keep)
    results = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "plan": plan.__dict__,
        "machine": machine(),
        "loadavg_before": loadavg(),
        "backends": {},
    }
    started = time.perf_counter()
    backends = [Backend(run, name, plan, password) for name in names]
    try:
        say(f"generating the data sets of {', '.join(names)} ({plan.page:,} cases and more)")
        _together("generating", [b.prepare for b in backends])
        for b in backends:
            b.measure_served()
        say(f"growing the big data set(s) to {plan.scale:,} cases")
        _together("growing", [b.grow for b in backends])
        for b in backends:
            b.measure_rest()
    except KeyboardInterrupt:
        print("\ninterrupted: gunicorn stopped, databases dropped", file=sys.stderr)
        return 130
    finally:
        run.close()
    results["backends"] = {b.name: b.out for b in backends}
    results["loadavg_after"] = loadavg()
    results["seconds"] = time.perf_counter() - started
    report = Path(args.report) if args.report else None
    if report is None:
        quick = Path(tempfile.gettempdir(), "incidents-bench-quick.md")
        report = quick if plan.quick else ROOT / "docs" / "performance.md"
    elif not report.is_absolute():
        report = ROOT / report
    raw = Path(tempfile.gettempdir(), f"incidents-bench-{datetime.now():%Y%m%d-%H%M%S}.json")
    raw.write_text(json.dumps(results, indent=1, default=str))  # first: kept if a report fails
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(render(results))
    failed = 0
    print()
    for line in verdicts(results):
        print(line.text())
        failed += line.ok is False
    print(f"\nTook {results['seconds'] / 60:.1f} min. Report: {report}; raw numbers: {raw}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
