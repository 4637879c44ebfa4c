"""HTTP load for bench/run.py: log in once through the real login form, then let wrk drive
16 connections at a served app with that session cookie, and read the throughput and the
latency percentiles from wrk's own histogram (a Lua `done` hook prints them exactly).

wrk counts a redirect as a success, so every path is fetched with the cookie before and after
the run and must answer 200 (a lost session would otherwise measure the login page); during
the run wrk counts the answers that are neither 2xx nor 3xx. No Lua `response` hook: it
makes wrk parse every answer and slows the client more for the faster server."""

from __future__ import annotations

import http.cookiejar
import re
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

CONNECTIONS = 16
THREADS = 2

_LUA = """
local paths = {%(paths)s}
local threads = {}
local counter = 0
function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  i = offset
end
function request()
  i = i + 1
  return wrk.format(nil, paths[(i %% #paths) + 1])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%%d duration_us=%%d p50_us=%%d p90_us=%%d " ..
    "p99_us=%%d max_us=%%d errors=%%d status=%%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


@dataclass
class Load:
    """One wrk run."""

    requests: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int  # socket errors and timeouts
    bad_status: int  # answers neither 2xx nor 3xx

    def as_dict(self) -> dict:
        return asdict(self)


def login(base_url: str, email: str, password: str) -> str:
    """The Cookie header of a session opened through the login form (CSRF token and all)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base_url + "/login", timeout=30) as r:
        page = r.read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if token is None:
        raise SystemExit("no CSRF token on the login page")
    form = urllib.parse.urlencode(
        {"csrf_token": token.group(1), "email": email, "password": password}
    ).encode()
    with opener.open(base_url + "/login", data=form, timeout=60) as r:
        landed = urllib.parse.urlsplit(r.geturl()).path
    cookies = {c.name: c.value for c in jar}
    if landed.startswith("/login") or "session" not in cookies:
        raise SystemExit(f"login as {email} failed (landed on {landed})")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def check(base_url: str, paths: list[str], cookie: str, must_contain: str | None = None) -> None:
    """Every path answers 200 to this cookie, without a redirect (see the module docstring)."""
    opener = urllib.request.build_opener(_NoRedirect)
    for path in paths:
        request = urllib.request.Request(base_url + path, headers={"Cookie": cookie})  # noqa: S310
        try:
            with opener.open(request, timeout=60) as r:
                body = r.read().decode(errors="replace")
                status = r.status
        except urllib.error.HTTPError as exc:
            status, body = exc.code, ""
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}, not 200")
        if must_contain and must_contain not in body:
            raise SystemExit(f"GET {path} does not contain {must_contain!r}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wrk(base_url: str, paths: list[str], cookie: str, seconds: float, folder: Path) -> Load:
    """`wrk -t2 -c16 -dS` over `paths` in turn (each thread starts at another one)."""
    exe = shutil.which("wrk")
    if exe is None:
        raise SystemExit("wrk is not installed: apt-get install -y --no-install-recommends wrk")
    script = folder / "paths.lua"
    quoted = ", ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
    script.write_text(_LUA % {"paths": quoted})
    done = subprocess.run(  # noqa: S603 - wrk with our own arguments
        [
            exe,
            f"-t{THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-H",
            f"Cookie: {cookie}",
            "-s",
            str(script),
            base_url,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"^BENCH (.+)$", done.stdout, re.M)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    v = {k: int(x) for k, x in (pair.split("=") for pair in found.group(1).split())}
    return Load(
        requests=v["requests"],
        rps=v["requests"] / (v["duration_us"] / 1e6),
        p50_ms=v["p50_us"] / 1000,
        p90_ms=v["p90_us"] / 1000,
        p99_ms=v["p99_us"] / 1000,
        max_ms=v["max_us"] / 1000,
        errors=v["errors"],
        bad_status=v["status"],
    )
