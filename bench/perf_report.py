"""The verdicts and the Markdown of bench/run.py: each measurement against the issue's target
(PASS / FAIL; "info" where the issue sets none), the details, and for a missed target the
profile that shows what bounds it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from perf_inproc import LIST_PAGES, ROLES

NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def p95(samples: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def p50(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.5 * len(ordered)) - 1)]


@dataclass
class Verdict:
    backend: str
    key: str  # the row of the table
    value: str
    target: str
    ok: bool | None  # None: no target (information)

    @property
    def mark(self) -> str:
        return {True: "PASS", False: "FAIL", None: "info"}[self.ok]

    def text(self) -> str:
        where = f"{self.mark:4}  {NAMES[self.backend]:10}"
        return f"{where}  {self.key}: {self.value}  (target {self.target})"


def _size(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    return f"{n // 1000}k" if n % 1000 == 0 else f"{n:,}"


def _series(lists: dict, index: int, key: str) -> tuple[list[float], float | None]:
    data = lists["sets"][index]
    return data["samples"].get(key, []), data["timed_out"].get(key)


def _list_verdicts(name: str, out: dict, plan: dict) -> list[Verdict]:
    lists, result = out["lists"], []
    small, big = _size(plan["small"]), _size(plan["scale"])
    keys = [f"list/{role}/{page}" for role in ROLES for page in LIST_PAGES]
    for key in keys:
        a, a_stop = _series(lists, 0, key)
        b, b_stop = _series(lists, 1, key)
        label = f"{key.replace('/', ' ')}: p95 {big} / p95 {small}"
        if a_stop or b_stop or not a or not b:
            stop = b_stop or a_stop
            result.append(Verdict(name, label, f"stopped after {stop:.0f} s", "≤ 1.5", False))
            continue
        ratio = p95(b) / p95(a)
        value = f"{ratio:.2f} ({p95(b):.0f} / {p95(a):.0f} ms)"
        result.append(Verdict(name, label, value, "≤ 1.5", ratio <= 1.5))
    for role, target in (("employer", True), ("inspector", None), ("insurer", None)):
        key = f"statistics/{role}"
        b, b_stop = _series(lists, 1, key)
        a, _ = _series(lists, 0, key)
        what = "one organisation-year" if role == "employer" else f"the {role}'s scope, one year"
        label = f"statistics, {what}: p95 at {big}"
        if b_stop or not b:
            result.append(
                Verdict(
                    name,
                    label,
                    f"stopped after {b_stop:.0f} s",
                    "< 200 ms" if target else "—",
                    False if target else None,
                )
            )
            continue
        ratio = f", {p95(b) / p95(a):.1f} × {small}" if a else ""
        value = f"{p95(b):.0f} ms{ratio}"
        result.append(
            Verdict(
                name, label, value, "< 200 ms" if target else "—", p95(b) < 200 if target else None
            )
        )
    for key, label in (
        ("statistics page/inspector", "statistics page, inspector, this year"),
        ("dashboard/inspector", "dashboard, inspector (page + every chart)"),
    ):
        b, b_stop = _series(lists, 1, key)
        value = f"stopped after {b_stop:.0f} s" if b_stop or not b else f"{p95(b):.0f} ms"
        result.append(Verdict(name, f"{label}: p95 at {big}", value, "—", None))
    return result


def _served(name: str, out: dict, plan: dict) -> list[Verdict]:
    s = out["served"]["summary"]
    hello, page, listed = s["hello-world"], s["case page"], s["case list"]
    at = _size(out["served"]["cases"])
    ratio = page["rps"] / hello["rps"]
    mb = max(out["served"]["worker_rss_mib"] or [0]) * 2**20 / 1e6
    rps = f"{page['rps']:.0f} / {hello['rps']:.0f} req/s"
    return [
        Verdict(
            name,
            f"case page throughput / hello-world ({at} cases)",
            f"{ratio:.2f} ({rps})",
            "≥ 0.30",
            ratio >= 0.30,
        ),
        Verdict(
            name,
            f"case page p99 ({at} cases)",
            f"{page['p99_ms']:.0f} ms",
            "< 50 ms",
            page["p99_ms"] < 50,
        ),
        Verdict(
            name,
            f"case list throughput / hello-world ({at} cases)",
            f"{listed['rps'] / hello['rps']:.2f} ({listed['rps']:.0f} req/s)",
            "—",
            None,
        ),
        Verdict(name, f"case list p99 ({at} cases)", f"{listed['p99_ms']:.0f} ms", "—", None),
        Verdict(
            name,
            "gunicorn worker RSS after the benchmark (the larger worker)",
            f"{mb:.0f} MB",
            "< 150 MB",
            mb < 150,
        ),
    ]


def _act(name: str, out: dict, plan: dict) -> list[Verdict]:
    act = out["act"]
    ratio = act["service_median_s"] / act["bare_median_s"]
    ms = f"{act['service_median_s'] * 1000:.0f} / {act['bare_median_s'] * 1000:.0f} ms"
    return [
        Verdict(
            name,
            "Act N-1: service transition / bare docxtpl (medians)",
            f"{ratio:.2f} ({ms})",
            "≤ 1.25",
            ratio <= 1.25,
        )
    ]


def _exports(name: str, out: dict, plan: dict) -> list[Verdict]:
    ex, found = out["exports"], []
    lo, hi = plan["register_rows"]
    for fmt, limit in (("csv", 5), ("xlsx", 30)):
        run = ex[f"{fmt}/{hi}"]
        found.append(
            Verdict(
                name,
                f"{fmt.upper()} export of {_size(hi)} rows: time",
                f"{run['seconds']:.1f} s",
                f"< {limit} s",
                run["seconds"] < limit,
            )
        )
    for fmt in ("csv", "xlsx"):
        small, big = ex[f"{fmt}/{lo}"]["peak_rss_mib"], ex[f"{fmt}/{hi}"]["peak_rss_mib"]
        found.append(
            Verdict(
                name,
                f"{fmt.upper()} export peak RSS: {_size(hi)} / {_size(lo)} rows",
                f"{big / small:.2f} ({big:.0f} / {small:.0f} MiB)",
                "≤ 1.2",
                big / small <= 1.2,
            )
        )
    return found


# what each part of the results is checked by, and the verdict rows it stands for when a
# part could not be measured
SECTIONS = (
    ("served", _served, "case page under gunicorn"),
    ("lists", _list_verdicts, "list and statistics"),
    ("act", _act, "Act N-1"),
    ("exports", _exports, "register exports"),
)


def verdicts(results: dict) -> list[Verdict]:
    plan, found = results["plan"], []
    for name, out in results["backends"].items():
        for key, check, title in SECTIONS:
            if key in out:
                found += check(name, out, plan)
            else:
                error = out.get("errors", {}).get(key, "not run")
                found.append(Verdict(name, title, f"not measured: {error[:200]}", "—", False))
    return found


def render(results: dict) -> str:
    from perf_report_md import markdown

    return markdown(results, verdicts(results))
