"""A real gunicorn on loopback for the crash test: started again and again, killed with
SIGKILL as a whole process group, its log kept per start."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .smtp import free_port

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "incidents-crash-test"  # the server's connections on PostgreSQL


class Server:
    """gunicorn (two sync workers) in a process group of its own, its log in a file per start.

    Each start is forked by a launcher process that imported the application's modules once:
    a cold gunicorn spends about two seconds importing them, which over twenty restarts would
    be most of the test's time. The fork runs gunicorn's own command line (`gunicorn.app.wsgiapp`,
    what .venv/bin/gunicorn calls) on `wsgi:app`, so the workers import wsgi.py and create the
    app as in production, only without re-reading the modules from disk."""

    def __init__(self, app_config: dict, log_dir: Path):
        self.port = free_port()
        env = {
            **os.environ,
            "INCIDENTS_SQLALCHEMY_DATABASE_URI": app_config["SQLALCHEMY_DATABASE_URI"],
            "INCIDENTS_DOCUMENT_STORE": app_config["DOCUMENT_STORE"],
            "INCIDENTS_SECRET_KEY": "crash-test",
            "INCIDENTS_JOBS_BACKEND": "manual",
        }
        if app_config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            options = {"connect_args": {"application_name": APP_NAME}}
            env["INCIDENTS_SQLALCHEMY_ENGINE_OPTIONS"] = json.dumps(options)
        self.launcher = subprocess.Popen(
            [sys.executable, "-c", "from tests.server import launcher; launcher()"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.log_dir, self.starts, self.pgid = log_dir, 0, None

    def start(self) -> None:
        self.starts += 1
        self.log = self.log_dir / f"gunicorn-{self.starts}.log"
        argv = ["--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--worker-class", "sync"]
        argv += ["--no-control-socket", "--chdir", str(ROOT), "wsgi:app"]
        self.launcher.stdin.write(json.dumps({"log": str(self.log), "argv": argv}) + "\n")
        self.launcher.stdin.flush()
        self.pgid = int(self.launcher.stdout.readline())
        deadline = time.monotonic() + 120  # generous: only a machine under heavy load nears it
        while time.monotonic() < deadline:
            assert _alive_in_group(self.pgid), f"gunicorn exited:\n{self.log.read_text()}"
            try:
                if request(self.port, "GET", "/login", timeout=10)[0] == 200:
                    return
            except OSError:
                time.sleep(0.02)
        raise AssertionError(f"gunicorn did not answer:\n{self.log.read_text()}")

    def kill(self, sig=signal.SIGKILL) -> None:
        """`sig` to the master and every worker at once; back when they are all gone."""
        with contextlib.suppress(ProcessLookupError):  # it died on its own (start() says why)
            os.killpg(self.pgid, sig)
        deadline = time.monotonic() + 30
        while _alive_in_group(self.pgid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not _alive_in_group(self.pgid), f"gunicorn survived {sig!r}"
        self.pgid = None

    def stop(self) -> None:
        self.kill(signal.SIGTERM)  # gunicorn's graceful shutdown

    def close(self) -> None:
        if self.pgid is not None:
            self.kill()
        self.launcher.stdin.close()  # the launcher's loop ends
        self.launcher.wait(timeout=10)
        self.launcher.stdout.close()


def launcher() -> None:
    """The launcher's loop (run with `python -c`): for each request on stdin, fork a session
    running gunicorn with the given arguments, its output in the given log; answer its id.
    It adopts the killed masters' workers (a child subreaper) and reaps them."""
    import ctypes

    from incidents import create_app

    create_app()  # imports every module the app uses; no connection, no thread
    ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    for line in sys.stdin:
        while _reap():
            pass
        job = json.loads(line)
        log = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        pid = os.fork()
        if pid == 0:  # the server, in a process group of its own
            os.setpgid(0, 0)
            os.dup2(log, 1)
            os.dup2(log, 2)
            sys.argv = ["gunicorn", *job["argv"]]
            from gunicorn.app.wsgiapp import run

            code = 1
            try:
                run()
            except SystemExit as stop:  # how gunicorn's master and its workers end
                code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
            finally:
                os._exit(code)  # never back into this loop
        with contextlib.suppress(ProcessLookupError):  # (dead already: start() shows why)
            os.setpgid(pid, pid)  # here too: the group must exist before its id is answered
        os.close(log)
        print(pid, flush=True)


def _reap() -> bool:
    try:
        return os.waitpid(-1, os.WNOHANG)[0] != 0
    except ChildProcessError:
        return False


def _alive_in_group(pgid: int) -> bool:
    """A process of the group that is not yet dead (zombies hold no socket and no lock)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def request(port, method, path, body=None, token=None, timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, (json.loads(data) if data.startswith(b"{") else None)
    finally:
        conn.close()
