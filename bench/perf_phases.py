"""The measurements of bench/run.py that it runs itself: the served pages (gunicorn and wrk) and
the register exports (a process each, its peak RSS from os.wait4); and the subprocess runner
of the in-process ones (perf_inproc.py, perf_act.py, perf_export.py)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from datetime import datetime

from perf_install import BENCH, ROOT, Database, Gunicorn, Run
from perf_load import check, login, wrk

PYTHON = sys.executable


def say(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


def child(script: str, *args: str, env: dict) -> dict:
    """Run bench/SCRIPT in a subprocess; its last line on stdout is JSON."""
    done = subprocess.run(  # noqa: S603 - our venv's python on our scripts
        [PYTHON, str(BENCH / script), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{script} {args[:1]} failed ({done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def served(run: Run, big: Database, picks: dict, plan, password: str) -> dict:
    """Throughput and latency of the case page and the list against hello-world, served by
    gunicorn side by side and measured in turn."""
    app = Gunicorn("wsgi:app", big.env(), run.dir / f"{big.name}-gunicorn.log")
    hello = Gunicorn("hello:app", dict(os.environ), run.dir / "hello.log", chdir=BENCH)
    try:
        cookie = login(app.url, picks["users"]["employer"]["email"], password)
        ids = picks["case_ids"][: plan.case_pages]
        pages = {
            "hello-world": (hello, ["/"], "Hello"),
            "case page": (app, [f"/cases/{i}" for i in ids], None),
            "case list": (app, ["/"], None),
        }
        for server, paths, text in pages.values():
            check(server.url, paths, cookie, text)
        say(f"  all {len(ids)} case pages answer 200; warming up…")
        for server, paths, _text in pages.values():
            wrk(server.url, paths, cookie, 2, run.dir)
        runs: dict[str, list] = {name: [] for name in pages}
        for r in range(plan.wrk_rounds):
            for name, (server, paths, _text) in pages.items():
                last = wrk(server.url, paths, cookie, plan.wrk_seconds, run.dir).as_dict()
                runs[name].append(last)
                say(
                    f"  round {r + 1} {name}: {last['rps']:.0f} req/s, "
                    f"p50 {last['p50_ms']:.1f} ms, p99 {last['p99_ms']:.1f} ms"
                )
        for server, paths, text in pages.values():  # the session held to the end
            check(server.url, paths[:5], cookie, text)
        rss = app.worker_rss_mib()
    finally:
        app.stop()
        hello.stop()
    summary = {
        name: {k: _median(rs, k) for k in ("rps", "p50_ms", "p90_ms", "p99_ms")}
        | {"bad": sum(r["bad_status"] + r["errors"] for r in rs)}
        for name, rs in runs.items()
    }
    return {"runs": runs, "summary": summary, "worker_rss_mib": rss, "cases": picks["cases"]}


def _export(run: Run, work: Database, org_id: int, year: int, fmt: str, rows: int) -> dict:
    out = run.dir / f"register-{rows}.{fmt}"
    proc = subprocess.Popen(  # noqa: S603 - our venv's python on our script
        [
            PYTHON,
            str(BENCH / "perf_export.py"),
            work.url,
            str(work.folder),
            str(org_id),
            str(year),
            fmt,
            str(rows),
            str(out),
        ],
        cwd=ROOT,
        env=work.env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    output = proc.stdout.read()
    proc.stdout.close()
    _pid, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"export {fmt} {rows} failed")
    found = json.loads(output.strip().splitlines()[-1])
    found["peak_rss_mib"] = usage.ru_maxrss / 1024
    out.unlink(missing_ok=True)
    say(
        f"  {fmt} {found['rows']:,} rows: {found['seconds']:.2f} s, "
        f"peak RSS {found['peak_rss_mib']:.0f} MiB"
    )
    return found


def exports(run: Run, work: Database, org_id: int, year: int, register_rows) -> dict:
    """Each export in a process of its own; first one that exports nothing (the baseline)."""
    result = {"baseline/0": _export(run, work, org_id, year, "csv", 0)}
    for fmt in ("csv", "xlsx"):
        for rows in register_rows:
            result[f"{fmt}/{rows}"] = _export(run, work, org_id, year, fmt, rows)
    return result


def export_profiles(run: Run, work: Database, org_id: int, year: int, rows, found: dict) -> dict:
    """A cProfile of the smaller export of each format that missed its time target."""
    profiles = {}
    for fmt, limit in (("csv", 5), ("xlsx", 30)):
        if found[f"{fmt}/{rows[1]}"]["seconds"] >= limit:
            profiles[fmt] = child(
                "perf_export.py",
                work.url,
                str(work.folder),
                str(org_id),
                str(year),
                fmt,
                str(rows[0]),
                str(run.dir / f"profile.{fmt}"),
                "--profile",
                env=work.env(),
            )["profile"]
    return profiles
