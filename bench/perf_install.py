"""The benchmark's throw-away installations (bench/run.py): a temporary folder per run, a new
SQLite file or a new PostgreSQL database `bench_<random>` per data set (created on
127.0.0.1:5432 as user postgres with trust auth, dropped at the end), the schema made by
`flask db upgrade`, data loaded by `flask demo` / `flask demo scale N`, and gunicorn started
the way production starts it. Everything started here is stopped on exit and on Ctrl+C.

The flask commands and the in-process measurements use the factory with the temporary
instance folder, so nothing is written into the checkout's instance/. gunicorn serves
`wsgi:app` as production does; its instance folder is the checkout's, but the database, the
document store and the secret key come from the environment, and a GET writes nothing there."""

from __future__ import annotations

import contextlib
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent  # .venv/bin: run with .venv/bin/python
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
WORKERS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Database:
    """One data set: a SQLite file in the run's folder or a PostgreSQL database of its own."""

    def __init__(self, backend: str, folder: Path, name: str) -> None:
        self.backend = backend
        self.name = name
        self.folder = folder / name
        self.folder.mkdir(parents=True)
        self.pg_name: str | None = None
        if backend == "postgresql":
            self.pg_name = f"bench_{secrets.token_hex(4)}"
            _pg_admin(f'CREATE DATABASE "{self.pg_name}"')
            self.url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{self.pg_name}"
        else:
            self.url = f"sqlite:///{self.folder / 'incidents.sqlite3'}"

    def env(self) -> dict[str, str]:
        """The environment of every process that uses this data set."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("INCIDENTS_")
            and k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "FLASK_APP")
        }
        instance = self.folder / "instance"
        env.update(
            DATABASE_URL=self.url,
            SECRET_KEY=f"bench-{self.name}",
            FLASK_APP=f"incidents:create_app(instance_path={str(instance)!r})",
            INCIDENTS_DOCUMENT_STORE=str(self.folder / "documents"),
            # the start-up scan of the document store reads every generated_document row
            # and finds no file behind any generated one: a one-off, not the steady state
            INCIDENTS_INTEGRITY_CHECK_ON_START="false",
            PYTHONPATH=str(BENCH),
        )
        return env

    def flask(self, *args: str, echo: bool = False) -> str:
        """Run `flask ARGS` on this data set; its output (shown live when `echo`)."""
        cmd = [str(BIN / "flask"), *args]
        if echo:  # the generator's progress bar goes to the terminal
            done = subprocess.run(cmd, cwd=ROOT, env=self.env(), check=False)  # noqa: S603
            if done.returncode != 0:
                raise SystemExit(f"flask {' '.join(args)} failed ({done.returncode})")
            return ""
        done = subprocess.run(  # noqa: S603 - our venv's flask with our arguments
            cmd, cwd=ROOT, env=self.env(), capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def analyze(self) -> None:
        """PostgreSQL: fresh planner statistics after a bulk load, as autovacuum would gather
        them within a minute or so on a live server. SQLite gathers none by itself and the
        service never runs ANALYZE, so a SQLite file is measured as it is."""
        if self.pg_name:
            from sqlalchemy import create_engine

            engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
            engine.dispose()

    def version(self) -> str:
        if self.backend == "sqlite":
            return f"SQLite {sqlite3.sqlite_version}"
        return f"PostgreSQL {_pg_admin('SHOW server_version')}"

    def size(self) -> int:
        """Bytes on disk."""
        if self.pg_name:
            return int(_pg_admin(f"SELECT pg_database_size('{self.pg_name}')"))
        return (self.folder / "incidents.sqlite3").stat().st_size

    def drop(self) -> None:
        if self.pg_name:
            _pg_admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
            self.pg_name = None


def _pg_admin(sql: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            result = conn.execute(text(sql))
            return str(result.scalar()) if result.returns_rows else ""
    finally:
        engine.dispose()


class Gunicorn:
    """`gunicorn -w 2 -k sync` on a free loopback port, in a process group of its own."""

    def __init__(self, app: str, env: dict[str, str], log: Path, chdir: Path = ROOT) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("wb") as out:
            self.proc = subprocess.Popen(  # noqa: S603 - our venv's gunicorn
                [
                    str(BIN / "gunicorn"),
                    "--workers",
                    str(WORKERS),
                    "--worker-class",
                    "sync",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--no-control-socket",
                    "--chdir",
                    str(chdir),
                    app,
                ],
                cwd=chdir,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: stopped as a whole, never by name
            )
        _RUNNING.append(self)
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{self.log.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(self.url + "/", timeout=5):  # noqa: S310
                    pass
                if len(self.workers()) == WORKERS:
                    return
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer in 90 s:\n{self.log.read_text()[-3000:]}")

    def workers(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            return sorted(int(pid) for pid in path.read_text().split())
        except OSError:
            return []

    def worker_rss_mib(self) -> list[float]:
        return [rss_kib(pid) / 1024 for pid in self.workers()]

    def stop(self) -> None:
        if self in _RUNNING:
            _RUNNING.remove(self)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # the group this class started
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)


_RUNNING: list[Gunicorn] = []


def stop_all() -> None:
    """Every gunicorn started here (on exit, on Ctrl+C, on an error)."""
    for server in list(_RUNNING):
        server.stop()


class Run:
    """The run's folder and data sets; `close()` stops servers, drops databases, removes it."""

    def __init__(self, keep: bool = False) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="incidents-bench-"))
        self.keep = keep
        self.databases: list[Database] = []

    def database(self, backend: str, name: str) -> Database:
        db = Database(backend, self.dir, f"{backend}-{name}")
        self.databases.append(db)
        db.flask("db", "upgrade")
        return db

    def close(self) -> None:
        stop_all()
        for db in self.databases:
            with contextlib.suppress(Exception):
                db.drop()
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)


def rss_kib(pid: int) -> int:
    return _status_kib(pid, "VmRSS")


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    meminfo = Path("/proc/meminfo").read_text()
    total_kib = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    release = Path("/etc/os-release")
    pretty = re.search(r'PRETTY_NAME="([^"]+)"', release.read_text()) if release.exists() else None
    wrk = shutil.which("wrk")
    wrk_version = ""
    if wrk:
        out = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
        wrk_version = (out.stdout or out.stderr).split("Copyright")[0].strip()
    from importlib.metadata import version

    return {
        "nproc": str(len(os.sched_getaffinity(0))),
        "CPU": cpu.group(1).strip() if cpu else platform.machine(),
        "RAM": f"{total_kib / 1024 / 1024:.1f} GiB",
        "OS": pretty.group(1) if pretty else platform.platform(),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": _pg_version(),
        "gunicorn": f"{version('gunicorn')} ({WORKERS} sync workers)",
        "Flask / SQLAlchemy": f"{version('flask')} / {version('sqlalchemy')}",
        "docxtpl / XlsxWriter": f"{version('docxtpl')} / {version('xlsxwriter')}",
        "load tool": wrk_version or "wrk (not found)",
    }


def _pg_version() -> str:
    try:
        return f"{_pg_admin('SHOW server_version')} on 127.0.0.1:5432"
    except Exception as exc:  # noqa: BLE001 - the description says it is not there
        return f"not reachable ({type(exc).__name__})"


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
