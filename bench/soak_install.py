"""The soak's throw-away installation: a temporary instance folder, a new SQLite file or a new
PostgreSQL database, the schema and demo data made by the same commands as scripts/start, and
gunicorn with 2 sync workers as in production. Everything is removed again on exit.

The only difference from scripts/start: the app comes from the factory with the temporary
instance folder (`incidents:create_app(instance_path=...)`, which both flask and gunicorn
accept), and gunicorn's control socket lives in that folder so a running service keeps its own."""

from __future__ import annotations

import contextlib
import importlib.metadata
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
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # .venv/bin: the soak runs with .venv/bin/python
WORKERS = 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Installation:
    """`with Installation(url) as inst:` a running service at inst.base_url."""

    def __init__(self, database_url: str | None = None, keep: bool = False) -> None:
        self.admin_url = database_url
        self.keep = keep
        self.dir = Path(tempfile.mkdtemp(prefix="incidents-soak-"))
        self.instance = self.dir / "instance"
        self.log_path = self.dir / "gunicorn.log"
        self.db_url: str | None = None
        self.db_name: str | None = None
        self.proc: subprocess.Popen | None = None
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.users: list[tuple[str, str, str]] = []

    # -- lifecycle -----------------------------------------------------------------------

    def __enter__(self) -> Installation:
        try:
            self._create_database()
            self._flask("db", "upgrade")
            self._flask("demo")
            self.users = [
                tuple(line.split("\t"))  # type: ignore[misc]
                for line in (self.instance / "demo-users.txt").read_text().splitlines()
            ]
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop gunicorn, drop the database, remove the folder; safe to call twice."""
        self._stop()
        self._drop_database()
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    # -- the database --------------------------------------------------------------------

    def _create_database(self) -> None:
        if not self.admin_url:
            return
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        url = make_url(self.admin_url)
        self.db_name = f"incidents_soak_{os.getpid()}_{secrets.token_hex(3)}"
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.db_name}"'))
        engine.dispose()
        self.db_url = url.set(database=self.db_name).render_as_string(hide_password=False)

    def _drop_database(self) -> None:
        if not self.db_name:
            return
        from sqlalchemy import create_engine, text

        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)'))
        engine.dispose()
        self.db_name = None

    def _engine(self):
        from sqlalchemy import create_engine

        return create_engine(self.db_url or f"sqlite:///{self.instance / 'incidents.sqlite3'}")

    def jobs(self) -> tuple[Counter[str], list[str]]:
        """The background jobs by name and state (a retried one counted apart), and the last
        error of each job that failed or needed another attempt."""
        from sqlalchemy import text

        states: Counter[str] = Counter()
        errors = []
        engine = self._engine()
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT name, status, attempts, last_error FROM background_job")
            )
            for name, status, attempts, last_error in rows:
                retried = " after a retry" if attempts > 1 else ""
                states[f"{name}: {status}{retried}"] += 1
                if last_error:
                    errors.append(f"{name} ({status}): {last_error.strip().splitlines()[-1]}")
        engine.dispose()
        return states, errors

    def database(self) -> str:
        """What the soak ran on, for the report."""
        if not self.db_url:
            return f"SQLite {sqlite3.sqlite_version} (file in the instance folder)"
        from sqlalchemy import text

        engine = self._engine()
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
        engine.dispose()
        return f"PostgreSQL {version} on 127.0.0.1"

    # -- the service ---------------------------------------------------------------------

    def _env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("INCIDENTS_")
            and k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "FLASK_APP")
        }
        env["FLASK_APP"] = self.factory
        # links in package.json, the API's file URLs and mails point here, as BASE_URL must
        # in any deployment
        env["INCIDENTS_BASE_URL"] = self.base_url
        if self.db_url:
            env["DATABASE_URL"] = self.db_url
        return env

    @property
    def factory(self) -> str:
        return f"incidents:create_app(instance_path={str(self.instance)!r})"

    def _flask(self, *args: str) -> None:
        done = subprocess.run(  # noqa: S603 - our own venv's flask with fixed arguments
            [str(BIN / "flask"), *args],
            cwd=ROOT,
            env=self._env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")

    def _start(self) -> None:
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn, as scripts/start
            [
                str(BIN / "gunicorn"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(WORKERS),
                "--access-logfile",
                "-",
                "--control-socket",
                str(self.dir / "gunicorn.ctl"),
                self.factory,
            ],
            cwd=ROOT,
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl+C reaches the soak, which stops gunicorn itself
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.base_url + "/login", timeout=5) as r:  # noqa: S310
                    if r.status == 200 and len(self.workers()) == WORKERS:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer in 60 s:\n{self.log_path.read_text()[-3000:]}")

    def _stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # graceful: workers finish their request
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        # anything the workers started (a LibreOffice conversion) goes with them
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc = None

    # -- memory and health ---------------------------------------------------------------

    @property
    def master(self) -> int | None:
        return self.proc.pid if self.proc and self.proc.poll() is None else None

    def workers(self) -> list[int]:
        if self.master is None:
            return []
        try:
            children = Path(f"/proc/{self.master}/task/{self.master}/children").read_text()
        except OSError:
            return []
        return sorted(int(pid) for pid in children.split())

    def problems(self) -> Counter[str]:
        """What gunicorn logged that is not an access line: errors, tracebacks, timeouts."""
        found: Counter[str] = Counter()
        in_traceback = False
        for line in self.log_path.read_text(errors="replace").splitlines():
            if line.startswith("Traceback"):
                in_traceback = True
            elif in_traceback and not line.startswith((" ", "\t")):
                found[f"exception: {line[:300]}"] += 1
                in_traceback = False
            elif re.search(r"\[(ERROR|CRITICAL|WARNING)\]|^\[[^]]+\] (ERROR|WARNING) in ", line):
                # gunicorn's "[time] [pid] [LEVEL]" and Flask's "[time] LEVEL in module:"
                found[re.sub(r"^\[[^]]+\] (\[\d+\] )?", "", line)[:300]] += 1
        return found


def rss_kib(pid: int) -> int | None:
    """The resident set size of a process, from /proc/<pid>/status."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def machine(database: str) -> dict[str, str]:
    """The machine the numbers were measured on."""
    meminfo = Path("/proc/meminfo").read_text()
    total_kib = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    release = Path("/etc/os-release")
    pretty = re.search(r'PRETTY_NAME="([^"]+)"', release.read_text()) if release.exists() else None
    return {
        "nproc": str(len(os.sched_getaffinity(0))),
        "CPU": cpu.group(1).strip() if cpu else platform.machine(),
        "RAM": f"{total_kib / 1024 / 1024:.1f} GiB",
        "OS": pretty.group(1) if pretty else platform.platform(),
        "Python": platform.python_version(),
        "gunicorn": f"{importlib.metadata.version('gunicorn')}, {WORKERS} sync workers",
        "Database": database,
    }
