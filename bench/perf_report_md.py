"""docs/performance.md from the results of bench/run.py (perf_report.py decides PASS/FAIL)."""

from __future__ import annotations

from perf_inproc import ROLES
from perf_method import METHOD
from perf_report import NAMES, Verdict, _size, p50, p95


def _table(head: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out + [""]


def _n(value) -> str:
    return "?" if value is None else f"{value:,}"


def _having(results: dict, key: str):
    """The backends that measured `key` (a part that failed is reported in the verdicts)."""
    return [(name, res) for name, res in results["backends"].items() if key in res]


def _verdict_table(results: dict, verdicts: list[Verdict]) -> list[str]:
    backends = list(results["backends"])
    keys: list[str] = []
    cells: dict[tuple[str, str], Verdict] = {}
    for v in verdicts:
        if v.key not in keys:
            keys.append(v.key)
        cells[(v.key, v.backend)] = v
    rows = []
    for key in keys:
        row = [key]
        target = "—"
        for b in backends:
            v = cells.get((key, b))
            target = v.target if v else target
            row.append(
                f"{v.value} **{v.mark}**" if v and v.ok is not None else (v.value if v else "")
            )
        rows.append([*row, target])
    return _table(["measurement", *(NAMES[b] for b in backends), "target"], rows)


def _served(results: dict) -> list[str]:
    out = ["## 1. The case page and the case list served by gunicorn", ""]
    for name, res in _having(results, "served"):
        served = res["served"]
        out.append(
            f"**{NAMES[name]}**, {served['cases']:,} cases loaded (the big data set before "
            f"it grows), median of {len(served['runs']['hello-world'])} rounds:"
        )
        out.append("")
        rows = []
        for page, s in served["summary"].items():
            rounds = ", ".join(f"{r['rps']:.0f}" for r in served["runs"][page])
            rows.append(
                [
                    page,
                    f"{s['rps']:.0f}",
                    f"{s['p50_ms']:.1f}",
                    f"{s['p90_ms']:.1f}",
                    f"{s['p99_ms']:.1f}",
                    s["bad"],
                    rounds,
                ]
            )
        out += _table(
            ["", "req/s", "p50 ms", "p90 ms", "p99 ms", "errors", "req/s per round"], rows
        )
        rss = ", ".join(f"{m:.0f} MiB" for m in served["worker_rss_mib"])
        out += [f"gunicorn workers' RSS after the runs: {rss}.", ""]
    return out


def _act(results: dict) -> list[str]:
    out = ["## 2. Act N-1: the transition against a bare docxtpl render", ""]
    rows = []
    for name, res in _having(results, "act"):
        a = res["act"]
        rows.append(
            [
                NAMES[name],
                a["reps"],
                a["renders_per_transition"],
                f"{a['service_median_s'] * 1000:.0f}",
                f"{a['bare_median_s'] * 1000:.0f}",
                f"{a['service_median_s'] / a['bare_median_s']:.2f}",
                "yes" if a["same_text"] else "**no**",
            ]
        )
    return out + _table(
        [
            "",
            "repetitions",
            "renders each",
            "service ms (median)",
            "bare docxtpl ms (median)",
            "ratio",
            "same text as the stored act",
        ],
        rows,
    )


def _lists(results: dict) -> list[str]:
    plan = results["plan"]
    small, big = _size(plan["small"]), _size(plan["scale"])
    out = [f"## 3. The list and the statistics at {small} and at {big} cases", ""]
    for name, res in _having(results, "lists"):
        lists = res["lists"]
        a, b = lists["sets"]
        seen = "; ".join(
            f"{role} {_n(a['visible'][role])} → {_n(b['visible'][role])}" for role in ROLES
        )
        out += [f"**{NAMES[name]}** — cases each person sees ({small} → {big}): {seen}.", ""]
        rows = []
        for key in a["samples"]:
            sa, sb = a["samples"][key], b["samples"][key]
            stop = b["timed_out"].get(key) or a["timed_out"].get(key)
            sql, sql_small = b["sql"].get(key, {}), a["sql"].get(key, {})
            shown = (a["rows"].get(key), b["rows"].get(key))
            rows.append(
                [
                    key,
                    f"`{b['paths'].get(key, '')}`" if key in b["paths"] else "",
                    f"{shown[0]} / {shown[1]}" if shown[1] is not None else "",
                    f"{p50(sa):.0f}" if sa else "—",
                    f"{p95(sa):.0f}" if sa else "—",
                    f"{p50(sb):.0f}" if sb else "—",
                    f"{p95(sb):.0f}" if sb else f"> {stop * 1000:.0f}" if stop else "—",
                    f"{p95(sb) / p95(sa):.2f}" if sa and sb else "—",
                    f"{len(sa)} / {len(sb)}",
                    sql.get("statements", "—"),
                    f"{sql_small.get('sql_ms', '—')} / {sql.get('sql_ms', '—')}",
                ]
            )
        out += _table(
            [
                "measured",
                f"path ({big})",
                f"rows shown {small} / {big}",
                f"p50 {small}",
                f"p95 {small}",
                f"p50 {big}",
                f"p95 {big}",
                "ratio",
                "samples",
                f"SQL statements ({big})",
                f"SQL ms {small} / {big}",
            ],
            rows,
        )
        out += [
            "A filtered page of the small set often has fewer rows than a page holds (the "
            "employer has one case under investigation, say): the big set's page then renders "
            "up to 20 × as many rows, and the SQL columns show how much of a difference is "
            "the database's.",
            "",
        ]
    return out


def _exports(results: dict) -> list[str]:
    out = ["## 4. Register exports", ""]
    rows = []
    for name, res in _having(results, "exports"):
        for key, e in res["exports"].items():
            fmt, _rows = key.split("/")
            rows.append(
                [
                    NAMES[name],
                    fmt.upper(),
                    f"{e['rows']:,}",
                    f"{e['seconds']:.2f}",
                    f"{e['bytes'] / 1e6:.1f}",
                    f"{e['peak_rss_mib']:.0f}",
                ]
            )
    out += _table(["", "format", "rows", "seconds", "file MB", "peak RSS MiB"], rows)
    out += [
        "The row with 0 rows is the same process loading everything but exporting nothing: "
        "what any export process needs before its first row.",
        "",
    ]
    return out


def _data(results: dict) -> list[str]:
    out = ["## Data sets", ""]
    rows = []
    for name, res in results["backends"].items():
        gen = ", ".join(f"{k} {v / 60:.1f} min" for k, v in res["generation_s"].items())
        size = res.get("sizes_mib", {"small": 0, "big": 0})
        rows.append(
            [
                NAMES[name],
                gen,
                f"{size['small']:.0f} MiB / {size['big']:,.0f} MiB",
                f"{res['measuring_s'] / 60:.0f} min",
            ]
        )
    head = ["", "generated by flask demo scale (+ ANALYZE)", "size small / big", "measuring"]
    out += _table(head, rows)
    out += [
        "The data sets of both databases are generated at the same time (each generation waits "
        "on the CPU of the shared machine, not on the other); the measurements run one at a "
        "time, with nothing else of the benchmark running.",
        "",
    ]
    return out


def _profile_lines(profile: dict, top: int = 10) -> list[str]:
    out = [
        f"Wall time under cProfile: {profile['wall_ms']:.1f} ms per call. Own time by library:",
        "",
    ]
    out += _table(
        ["library", "ms per call"], [[g, f"{t:.1f}"] for g, t in profile["by_library"][:10]]
    )
    out += ["Functions by own time (ms per call, cumulative ms, calls):", "", "```"]
    out += [f"{o:8.2f} {c:8.2f} {n:6d}  {w}" for o, c, n, w in profile["by_own"][:top]]
    return out + ["```", ""]


def _sql_lines(sql: dict) -> list[str]:
    out = [
        f"{sql['statements']} SQL statements, {sql['sql_ms']} ms in the database. "
        "The slowest (ms):",
        "",
        "```",
    ]
    out += [f"{ms:8.1f}  {text}" for ms, text in sql["slowest"]]
    out += ["```", "", "Its plan:", "", "```", sql["plan"], "```", ""]
    return out


def _queueing(hello_rps: float, page_ms: float) -> list[str]:
    """What the two served targets ask of one request, from this run's own numbers."""
    from perf_install import WORKERS
    from perf_load import CONNECTIONS

    whole = 2000 / hello_rps  # ms of the two cores one hello-world request costs, wrk included
    budget = whole / 0.30 - whole
    queue = CONNECTIONS // WORKERS
    return [
        f"What the targets ask: a hello-world request costs {whole:.2f} ms of the two cores "
        f"(2 s / {hello_rps:.0f} requests, the client's share included), so 0.30 × its "
        f"throughput leaves the page {budget:.1f} ms of work per request — "
        f"{page_ms / budget:.0f} × less than it does. And with {CONNECTIONS} connections on "
        f"{WORKERS} sync workers each worker always has {queue} requests in hand, so a request "
        f"waits for up to {queue - 1} others: p99 is at least {queue} × the service time "
        f"({queue} × {page_ms:.0f} ms = {queue * page_ms:.0f} ms here), and under 50 ms needs a "
        f"page under {50 / queue:.1f} ms.",
        "",
    ]


def _bounds(results: dict, verdicts: list[Verdict]) -> list[str]:
    failed = [v for v in verdicts if v.ok is False]
    out = ["## What bounds the missed targets (profiles)", ""]
    if not failed:
        return out + ["Every target was met.", ""]
    for name, res in results["backends"].items():
        mine = [v for v in failed if v.backend == name]
        if not mine:
            continue
        out += [f"### {NAMES[name]}", ""]
        if any(v.key.startswith("case page") for v in mine) and "page_profile" in res:
            prof = res["page_profile"]
            out += [
                "**The case page** (in-process, the Flask test client, "
                f"{_size(res['served']['cases'])} cases):",
                "",
            ]
            plain = prof["plain_ms"]
            hello, page, listed = plain["hello-world"], plain["case page"], plain["case list"]
            out += [
                f"In one process, without a profiler (median of {prof['repeat']}"
                f" calls): hello-world {hello:.2f} ms, the case page {page:.1f} ms, the case list "
                f"{listed:.1f} ms. The page's own work is {page / hello:.0f} × hello-world's, so "
                f"two workers serve it at most {hello / page:.3f} × as fast however idle the "
                "machine — with the client on the same two cores, less.",
                "",
                *_queueing(res["served"]["summary"]["hello-world"]["rps"], page),
            ]
            out += _profile_lines(prof["python"]["case page"])
            sql = prof["sql"]["case page"]
            out += [
                f"One case page runs {sql['statements']} SQL statements "
                f"({sql['sql_ms']} ms in the database).",
                "",
            ]
        lists = res["lists"]["sets"][1] if "lists" in res else {"samples": {}, "sql": {}}
        for v in mine:
            if not v.key.startswith(("list ", "statistics")) or "lists" not in res:
                continue
            key = v.key.split(":")[0]
            key = next((k for k in lists["samples"] if k.replace("/", " ") == key), None)
            if key is None:
                key = {"statistics, one organisation-year": "statistics/employer"}.get(
                    v.key.split(":")[0]
                )
            if key and "stopped_in" in lists["sql"].get(key, {}):
                sql = lists["sql"][key]
                out += [
                    f"**{v.key}** — `{lists['paths'].get(key, key)}`: stopped after "
                    f"{lists['timed_out'][key]:.0f} s, in its statement no. {sql['statements']}:",
                    "",
                    "```",
                    sql["stopped_in"][:1500],
                    "```",
                    "",
                    "Its plan (EXPLAIN, not run to the end):",
                    "",
                    "```",
                    sql["plan"],
                    "```",
                    "",
                ]
            elif key and key in lists["sql"]:
                out += [f"**{v.key}** — `{lists['paths'].get(key, key)}`:", ""]
                out += _sql_lines(lists["sql"][key])
            elif key:
                out += [f"**{v.key}**: stopped; no plan was taken.", ""]
        if any(v.key.startswith("Act N-1") for v in mine) and "act" in res:
            out += ["**Act N-1 through the service** (one transition):", ""]
            out += _profile_lines(res["act"]["profile"])
            sql = res["act"]["sql"]
            out += [
                f"One transition runs {sql['statements']} SQL statements, "
                f"{sql['sql_ms']} ms in the database; the slowest (ms):",
                "",
                "```",
            ]
            out += [f"{ms:8.1f}  {text}" for ms, text in sql["slowest"]]
            out += ["```", ""]
        for fmt, prof in res.get("export_profiles", {}).items():
            out += [
                f"**{fmt.upper()} export** ({_size(results['plan']['register_rows'][0])} rows):",
                "",
            ]
            out += _profile_lines(prof)
    return out


def markdown(results: dict, verdicts: list[Verdict]) -> str:
    plan = results["plan"]
    mode = "a quick run, --quick" if plan["quick"] else "a full run"
    lines = [
        "# Performance",
        "",
        f"Written by `bench/run.py` ({mode}, `--db {' and '.join(results['backends'])}`), "
        f"started {results['started']}, took {results['seconds'] / 60:.0f} min. Every ratio "
        "compares two things measured in the same run on the same machine: the machine is "
        "shared and its load changes by the minute (see the load average), so the absolute "
        "numbers are this machine's at that time and the ratios are what to read.",
        "",
        "## Verdicts",
        "",
        *_verdict_table(results, verdicts),
        "## The machine",
        "",
        *_table(
            ["", ""],
            [
                *results["machine"].items(),
                ("load average (1, 5, 15 min) before", results["loadavg_before"]),
                ("load average after", results["loadavg_after"]),
            ],
        ),
        *METHOD.format(
            small=_size(plan["small"]),
            big=_size(plan["scale"]),
            page=_size(plan["page"]),
            grown=f", then grown to {_size(plan['scale'])} with a second one"
            if plan["scale"] > plan["page"]
            else "",
            case_pages=plan["case_pages"],
            budget=plan["budget"],
            seconds=plan["wrk_seconds"],
            rounds=plan["wrk_rounds"],
            list_rounds=plan["list_rounds"],
            limit=plan["limit"],
            reps=plan["act_reps"],
            lo=_size(plan["register_rows"][0]),
            hi=_size(plan["register_rows"][1]),
        ).splitlines(),
        "",
        *_served(results),
        *_act(results),
        *_lists(results),
        *_exports(results),
        *_data(results),
        *_bounds(results, verdicts),
    ]
    return "\n".join(lines).rstrip() + "\n"
