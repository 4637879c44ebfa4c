"""Soak test: run the service as in production for a long while under mixed traffic from
several simulated people, and check that nothing fails and the memory stays flat.

    .venv/bin/python bench/soak.py [--minutes 30] [--users 8] [--interval 30]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
        [--warmup 2] [--report docs/soak.md] [--keep]

It sets up a throw-away installation (bench/soak_install.py: SQLite, or a new PostgreSQL
database created on the given server and dropped afterwards), loads the demo, starts gunicorn
with 2 sync workers on a free loopback port, and lets the people of bench/soak_users.py work
through the screens and the API. Every --interval seconds it samples the requests done, the
errors, the p50/p95 latency and the RSS of the gunicorn master and each worker. At the end it
prints the table and the verdict and writes them as Markdown to --report. The memory trend
leaves out the first --warmup minutes, while templates compile and modules load lazily.

Exit status: 0 when there were no errors, no worker restarts, no failed background job and no
growing memory; 1 otherwise; 130 on Ctrl+C (gunicorn is stopped and everything removed; no
report is written).
Not part of the test suite: it needs minutes, and its verdict is about time."""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from soak_http import Stats, percentile
from soak_install import ROOT, Installation, machine, rss_kib
from soak_report import Result, Sample
from soak_users import ROLE_ORDER, Hub, Person


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--interval", type=float, default=30, help="seconds between samples")
    parser.add_argument(
        "--warmup",
        type=float,
        default=2,
        help="minutes left out of the memory trend (at most a third of the run)",
    )
    parser.add_argument("--database-url", help="a PostgreSQL server (default: SQLite)")
    parser.add_argument(
        "--report", default="docs/soak.md", help="Markdown file (relative: to the repository)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args(argv)


class Sampler:
    """Reads the counters and the RSS of gunicorn's processes at each tick."""

    def __init__(self, inst: Installation, stats: Stats) -> None:
        self.inst, self.stats = inst, stats
        self.started = time.monotonic()
        self.labels = {inst.master: "master"}
        self.restarts = 0
        self.samples: list[Sample] = []
        self.start_rss = self._rss()

    def _rss(self) -> dict[str, int]:
        out = {}
        for pid in [self.inst.master, *self.inst.workers()]:
            if pid is None:
                continue
            if pid not in self.labels:
                workers_seen = len(self.labels) - 1
                if workers_seen >= 2:  # a worker that was not there at the start replaced one
                    self.restarts += 1
                self.labels[pid] = f"worker {workers_seen + 1}"
            if (kib := rss_kib(pid)) is not None:
                out[self.labels[pid]] = kib
        return out

    def sample(self) -> Sample:
        window = self.stats.drain()
        sample = Sample(
            t=time.monotonic() - self.started,
            requests=len(window.latencies),
            errors=window.errors,
            p50=percentile(window.latencies, 0.5) * 1000,
            p95=percentile(window.latencies, 0.95) * 1000,
            rss=self._rss(),
        )
        self.samples.append(sample)
        return sample


def _masked(text: str) -> str:
    """A database URL's password is not for the terminal or the report."""
    return re.sub(r"(://[^:/@\s]+):[^@\s]*@", r"\1:***@", text)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started ignoring it
    roles = [ROLE_ORDER[i % len(ROLE_ORDER)] for i in range(args.users)]
    started_at = datetime.now(UTC)
    interrupted = False
    print(f"Setting up a throw-away installation ({_masked(args.database_url or 'SQLite')}) ...")
    with Installation(args.database_url, keep=args.keep) as inst:
        logins = {role: (email, password) for email, password, role in inst.users}
        stats = Stats()
        hub = Hub(inst.base_url, stats, roles)
        people = [Person(hub, i + 1, *logins[r], r) for i, r in enumerate(roles)]
        sampler = Sampler(inst, stats)
        result = Result(sampler.samples, stats, [], 0, start_rss=sampler.start_rss)
        result.warmup = min(args.warmup, args.minutes / 3) * 60
        print(f"gunicorn at {inst.base_url}, folder {inst.dir}; {args.users} users: {roles}")
        load_before = os.getloadavg()[0]
        for person in people:
            person.start()
        end = time.monotonic() + args.minutes * 60
        result.labels = list(sampler.labels.values())
        print(result.header())
        try:
            previous = 0.0
            while (left := end - time.monotonic()) > 0:
                time.sleep(min(args.interval, left))
                sample = sampler.sample()
                result.labels = list(sampler.labels.values())
                print(result.row(sample, previous), flush=True)
                previous = sample.t
        except KeyboardInterrupt:
            interrupted = True
        finally:
            hub.stop.set()
            deadline = time.monotonic() + 20  # a request in flight may take a while to end
            for person in people:
                person.join(timeout=max(0.1, deadline - time.monotonic()))
        result.labels = list(sampler.labels.values())
        result.restarts = sampler.restarts
        result.log_problems = inst.problems()
        result.jobs, result.job_errors = inst.jobs()
        database = inst.database()
    print("gunicorn stopped, installation removed.\n")
    print("\n".join([*result.table(), "", *result.verdict_lines()]))
    if interrupted:
        print("Interrupted: no report written.")
        return 130
    run = {
        "Started": started_at.strftime("%Y-%m-%d %H:%M UTC"),
        "Duration": f"{args.minutes:g} min of load, a sample every {args.interval:g} s",
        "Users": f"{args.users} ({', '.join(roles)})",
        "Command": f"`.venv/bin/python bench/soak.py {_masked(' '.join(sys.argv[1:]))}`",
    }
    # the load generator shares the machine; so may others, which the latency would show
    load = f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after (1-minute average)"
    report = Path(args.report)
    report = report if report.is_absolute() else ROOT / report
    report.parent.mkdir(parents=True, exist_ok=True)
    title = "Soak test" + ("" if result.passed else " (FAILED)")
    described = {**machine(database), "Load average": load}
    report.write_text(result.markdown(title, run, described), encoding="utf-8")
    print(f"Report: {report}")
    return 0 if result.passed else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # during set-up or clean-up: Installation already cleaned up
        sys.exit(130)
