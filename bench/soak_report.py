"""The soak's samples, its verdict and its Markdown report.

Memory is judged per process: the median RSS of the last third of the samples against the
median of the first third. Medians, because a single request that builds a document or a ZIP
lifts the RSS for a moment; thirds, because the first minutes include the warm-up (templates
compiled, modules imported lazily) that a leak must not be confused with."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from soak_http import Stats, percentile

GROWTH_LIMIT = 0.10  # +10 % between the first and the last third is "growing"


@dataclass
class Sample:
    t: float  # seconds since the load started
    requests: int
    errors: int
    p50: float  # milliseconds
    p95: float
    rss: dict[str, int]  # process label -> KiB


@dataclass
class Trend:
    label: str
    first: float  # MiB, median of the first third
    last: float
    samples: int
    slope: float  # MiB per minute over the judged samples (Theil-Sen: a spike does not tilt it)

    @property
    def growth(self) -> float:
        return (self.last - self.first) / self.first if self.first else 0.0

    @property
    def flat(self) -> bool:
        return self.growth < GROWTH_LIMIT

    def line(self) -> str:
        verdict = "flat" if self.flat else "**growing**"
        return (
            f"{self.label}: {self.first:.1f} → {self.last:.1f} MiB "
            f"({self.growth * 100:+.1f} %, {self.samples} samples, "
            f"{self.slope:+.2f} MiB/min): {verdict}"
        )


@dataclass
class Result:
    samples: list[Sample]
    stats: Stats
    labels: list[str]  # master first, then the workers in the order they appeared
    restarts: int
    warmup: float = 0.0  # seconds at the start left out of the memory trend
    start_rss: dict[str, int] = field(default_factory=dict)
    log_problems: Counter[str] = field(default_factory=Counter)
    jobs: Counter[str] = field(default_factory=Counter)
    job_errors: list[str] = field(default_factory=list)

    @property
    def failed_jobs(self) -> int:
        return sum(n for k, n in self.jobs.items() if ": failed" in k)

    def trends(self) -> list[Trend]:
        out = []
        for label in self.labels:
            judged = [s for s in self.samples if label in s.rss and s.t > self.warmup]
            values = [s.rss[label] / 1024 for s in judged]
            third = len(values) // 3
            if third == 0:
                continue
            minutes = [s.t / 60 for s in judged]
            pairs = [
                (values[j] - values[i]) / (minutes[j] - minutes[i])
                for i in range(len(values))
                for j in range(i + 1, len(values))
            ]
            slope = statistics.median(pairs) if pairs else 0.0
            out.append(
                Trend(
                    label,
                    statistics.median(values[:third]),
                    statistics.median(values[-third:]),
                    len(values),
                    slope,
                )
            )
        return out

    @property
    def passed(self) -> bool:
        return (
            self.stats.errors == 0
            and self.restarts == 0
            and self.failed_jobs == 0
            and all(t.flat for t in self.trends())
            and bool(self.trends())
        )

    # -- text ----------------------------------------------------------------------------

    def header(self) -> str:
        cols = " ".join(f"{label:>10}" for label in self.labels)
        first = f"{'min':>6} {'requests':>8} {'req/s':>6} {'errors':>6}"
        return f"{first} {'p50 ms':>7} {'p95 ms':>7} {cols}"

    def row(self, sample: Sample, previous_t: float) -> str:
        rate = sample.requests / max(sample.t - previous_t, 1e-9)
        cols = " ".join(
            f"{sample.rss[label] / 1024:>10.1f}" if label in sample.rss else f"{'—':>10}"
            for label in self.labels
        )
        return (
            f"{sample.t / 60:>6.1f} {sample.requests:>8} {rate:>6.1f} {sample.errors:>6} "
            f"{sample.p50:>7.0f} {sample.p95:>7.0f} {cols}"
        )

    def table(self) -> list[str]:
        lines, previous = [self.header()], 0.0
        for sample in self.samples:
            lines.append(self.row(sample, previous))
            previous = sample.t
        return lines

    def verdict_lines(self) -> list[str]:
        total = self.stats.requests
        expected = sum(self.stats.expected_4xx.values())
        lines = [
            f"Errors: {self.stats.errors} in {total} requests "
            f"({expected} expected 4xx answers not counted)"
            + (" ✓" if self.stats.errors == 0 else " ✗"),
            f"Worker restarts: {self.restarts}" + (" ✓" if self.restarts == 0 else " ✗"),
            f"Background jobs: {sum(self.jobs.values())}, failed: {self.failed_jobs}"
            + (" ✓" if self.failed_jobs == 0 else " ✗"),
        ]
        trends = self.trends()
        if not trends:
            lines.append("Memory: too few samples to judge ✗")
        after = f" (after {self.warmup / 60:.1f} min of warm-up)" if self.warmup else ""
        lines += [f"Memory{after}, {t.line()}" for t in trends]
        lines.append("PASS" if self.passed else "FAIL")
        return lines

    def markdown(self, title: str, run: dict[str, str], machine: dict[str, str]) -> str:
        out = [f"# {title}", ""]
        out += [f"- {k}: {v}" for k, v in run.items()]
        out += ["", "## Machine", "", "| | |", "|---|---|"]
        out += [f"| {k} | {v} |" for k, v in machine.items()]
        out += ["", "## Verdict", ""]
        out += [f"- {line}" for line in self.verdict_lines()]
        out += ["", "## Over time", ""]
        out += [
            "RSS in MiB (master, then each worker). Requests, errors and latency are per sample "
            "interval.",
            "",
        ]
        heads = ["min", "requests", "req/s", "errors", "p50 ms", "p95 ms", *self.labels]
        out += ["| " + " | ".join(heads) + " |", "|" + "---:|" * len(heads)]
        if self.start_rss:
            out.append(
                "| 0 (idle) | | | | | | "
                + " | ".join(f"{self.start_rss.get(x, 0) / 1024:.1f}" for x in self.labels)
                + " |"
            )
        previous = 0.0
        for s in self.samples:
            cells = self.row(s, previous).split()
            previous = s.t
            out.append("| " + " | ".join(cells) + " |")
        out += ["", "## Endpoints", "", "By number of requests; latency in ms.", ""]
        out += ["| endpoint | requests | p50 | p95 | max |", "|---|---:|---:|---:|---:|"]
        routes = sorted(self.stats.by_route.items(), key=lambda kv: -len(kv[1]))
        for route, values in routes:
            out.append(
                f"| `{route}` | {len(values)} | {percentile(values, 0.5) * 1000:.0f} | "
                f"{percentile(values, 0.95) * 1000:.0f} | {max(values) * 1000:.0f} |"
            )
        out += ["", "## Flows completed", ""]
        out += [f"- {k}: {v}" for k, v in sorted(self.stats.flows.items())] or ["- none"]
        if self.stats.expected_4xx:
            out += ["", "## Expected 4xx answers (not errors)", ""]
            out += [f"- `{k}`: {v}" for k, v in sorted(self.stats.expected_4xx.items())]
        out += ["", "## Background jobs", ""]
        out += [f"- {k}: {v}" for k, v in sorted(self.jobs.items())] or ["- none"]
        if self.job_errors:
            out += ["", "Errors recorded on jobs:", "", "```", *self.job_errors[:20], "```"]
        out += ["", "## Errors", ""]
        if self.stats.errors:
            out += [f"- {k}: {v}" for k, v in self.stats.error_kinds.most_common()]
            out += ["", "First ones:", "", "```", *self.stats.examples, "```"]
        else:
            out.append("None.")
        out += ["", "## gunicorn log (besides access lines)", ""]
        if self.log_problems:
            out += [f"- {v} × `{k}`" for k, v in self.log_problems.most_common(20)]
        else:
            out.append("Nothing.")
        return "\n".join(out) + "\n"
