"""Background jobs: PDF conversion, e-mail and webhooks run off the request path.

Which function runs for a job name is the table in incidents/job_table.py, given to `init_app`
by the app factory.

The `background_job` row is the truth. `enqueue` adds a row inside the caller's transaction;
only once that transaction commits is the job handed to a transport:

- ``rq``: a real queue (RQ on Redis, chosen when REDIS_URL is set); run ``flask jobs worker``.
  Redis may forget (it keeps nothing on disk here), so the worker re-queues every row still
  queued when it starts.
- ``thread``: the embedded default, a daemon thread in each web process that polls the table,
  so the two-command start needs no Redis.
- ``manual``: nothing runs until `run_due` is called (the tests drive jobs this way).

A job that raises is retried with exponential back-off and, after its last attempt (at once
if it raised `GiveUp`: running it again cannot help), marked failed with the error; the
administrator sees it and may run it again. A job left ``running`` by a killed process is put
back in the queue after JOB_STALE_SECONDS."""

from __future__ import annotations

import json
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from .extensions import db
from .models import Job, JobStatus
from .models.timeutil import utcnow

_PENDING = "incidents_jobs"  # session.info key: (job id, delay) to hand over after commit


class GiveUp(Exception):
    """Raised by a job that can never succeed as it stands: it fails now, without retries."""


@dataclass(frozen=True)
class JobSpec:
    """What runs for a job name: `func(*args)`; `max_attempts_key` and `backoff_key` name its
    config keys, and `on_give_up(*args, error)` records the final failure where the user will
    see it."""

    func: Callable
    max_attempts_key: str = "JOB_MAX_ATTEMPTS"
    backoff_key: str = "JOB_BACKOFF_SECONDS"
    on_give_up: Callable | None = None
    # what is kept of the args once the job is done (`keep_when_done(*args)`): a mail's body
    # may carry a single-use link that must not outlive the sending in the database
    keep_when_done: Callable | None = None


def _table() -> dict[str, JobSpec]:
    """The app's job table (incidents/job_table.py), handed over by `init_app`."""
    return current_app.extensions["incidents_job_table"]


def enqueue(name: str, *args, delay: float = 0) -> Job:
    """Add a job in the current transaction; it is handed to the transport after the commit."""
    spec = _table()[name]
    row = Job(
        name=name,
        args=json.dumps(list(args)),
        status=JobStatus.queued,
        max_attempts=int(current_app.config[spec.max_attempts_key]),
        run_at=utcnow() + timedelta(seconds=delay),
    )
    db.session.add(row)
    db.session.flush()
    db.session().info.setdefault(_PENDING, []).append((row.id, delay))
    return row


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    pending = session.info.pop(_PENDING, None)
    if pending:
        transport = current_app.extensions["incidents_jobs"]
        for job_id, delay in pending:
            transport.dispatch(job_id, delay)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session, _previous):
    session.info.pop(_PENDING, None)


# -- running --------------------------------------------------------------------------------


def _claim(job_id: int) -> bool:
    """Take a due queued job for this process; False if another worker has it or it waits."""
    now = utcnow()
    result = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.queued, Job.run_at <= now)
        .values(status=JobStatus.running, started_at=now, attempts=Job.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def run_one(job_id: int) -> bool:
    """Run one job if it is due and nobody else has it; whether it ran."""
    if not _claim(job_id):
        return False
    row = db.session.get(Job, job_id)
    db.session.refresh(row)
    spec = _table().get(row.name)
    try:
        if spec is None:
            raise LookupError(f"unknown job {row.name!r}")
        spec.func(*json.loads(row.args))
        db.session.commit()
    except Exception as exc:  # noqa: BLE001 - a job's failure is recorded, never lost
        db.session.rollback()
        _failed(job_id, spec, exc)
        return True
    row = db.session.get(Job, job_id)
    row.status, row.finished_at, row.last_error = JobStatus.done, utcnow(), None
    if spec.keep_when_done is not None:
        row.args = json.dumps(list(spec.keep_when_done(*json.loads(row.args))))
    db.session.commit()
    return True


def _failed(job_id: int, spec: JobSpec | None, exc: Exception) -> None:
    row = db.session.get(Job, job_id)
    row.last_error = "".join(traceback.format_exception_only(exc)).strip()[:4000]
    current_app.logger.warning("job %s #%s failed: %s", row.name, row.id, row.last_error)
    if spec is None or isinstance(exc, GiveUp) or row.attempts >= row.max_attempts:
        row.status, row.finished_at = JobStatus.failed, utcnow()
        if spec is not None and spec.on_give_up is not None:
            spec.on_give_up(*json.loads(row.args), row.last_error)
        db.session.commit()
        return
    delay = float(current_app.config[spec.backoff_key]) * 2 ** (row.attempts - 1)
    row.status, row.run_at = JobStatus.queued, utcnow() + timedelta(seconds=delay)
    db.session.commit()
    current_app.extensions["incidents_jobs"].dispatch(job_id, delay)


def run_due(limit: int | None = None) -> int:
    """Run the due jobs one by one (each in its own transaction); how many ran."""
    ran = 0
    while limit is None or ran < limit:
        job_id = db.session.scalar(
            db.select(Job.id)
            .where(Job.status == JobStatus.queued, Job.run_at <= utcnow())
            .order_by(Job.run_at, Job.id)
            .limit(1)
        )
        if job_id is None:
            break
        ran += run_one(job_id)
    return ran


def recover_stale() -> int:
    """Put back in the queue the jobs a killed process left running."""
    cutoff = utcnow() - timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])
    result = db.session.execute(
        update(Job)
        .where(Job.status == JobStatus.running, Job.started_at < cutoff)
        .values(status=JobStatus.queued, run_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


def retry(job: Job) -> None:
    """Run a failed job again from its first attempt (the administrator's button)."""
    job.status, job.attempts, job.run_at, job.finished_at = JobStatus.queued, 0, utcnow(), None
    db.session().info.setdefault(_PENDING, []).append((job.id, 0))


# -- transports -----------------------------------------------------------------------------


class ManualTransport:
    name = "manual"

    def dispatch(self, job_id: int, delay: float) -> None:
        pass


class ThreadTransport:
    """A daemon thread per process polling the job table; woken at once by a dispatch."""

    name = "thread"

    def __init__(self, app: Flask):
        self.app = app
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def start(self) -> None:
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._loop, name="jobs", daemon=True)
                self.thread.start()

    def dispatch(self, job_id: int, delay: float) -> None:
        self.start()
        self.wake.set()

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
        if self.thread is not None:
            self.thread.join(timeout=30)

    def _loop(self) -> None:
        with self.app.app_context():
            recover_stale()
        while not self.stopping.is_set():
            self.wake.wait(timeout=self.app.config["JOB_POLL_SECONDS"])
            self.wake.clear()
            if self.stopping.is_set():
                break
            try:
                with self.app.app_context():
                    run_due()
            except Exception:  # noqa: BLE001 - the database may be away; try again later
                self.app.logger.exception("the job thread could not run the queue")


class RQTransport:
    name = "rq"

    def __init__(self, app: Flask):
        from redis import Redis
        from rq import Queue

        self.redis = Redis.from_url(app.config["REDIS_URL"])
        self.queue = Queue(app.config["RQ_QUEUE"], connection=self.redis)

    def dispatch(self, job_id: int, delay: float) -> None:
        if delay > 0:
            self.queue.enqueue_in(timedelta(seconds=delay), run_one, job_id)
        else:
            self.queue.enqueue(run_one, job_id)

    def work(self, *, burst: bool = False) -> None:
        """Run an RQ worker in this process (no fork: the app context and the database
        connections stay valid); hand over first whatever the table still has queued."""
        from rq import SimpleWorker

        recover_stale()
        for job_id in db.session.scalars(
            db.select(Job.id).where(Job.status == JobStatus.queued).order_by(Job.id)
        ):
            self.queue.enqueue(run_one, job_id)
        worker = SimpleWorker([self.queue], connection=self.redis)
        worker.work(burst=burst, with_scheduler=True)


def init_app(app: Flask, table: dict[str, JobSpec]) -> None:
    """Bind the transport and the job table (name -> JobSpec; the app factory passes
    incidents/job_table.py's JOBS, so this module imports no job's module)."""
    app.extensions["incidents_job_table"] = table
    backend = app.config.get("JOBS_BACKEND") or ("rq" if app.config.get("REDIS_URL") else "thread")
    transport = {"manual": ManualTransport, "thread": ThreadTransport, "rq": RQTransport}[backend]
    app.extensions["incidents_jobs"] = (
        transport() if transport is ManualTransport else transport(app)
    )
    if backend == "thread":
        # jobs left queued by a stopped process run once this one serves its first request
        app.before_request(app.extensions["incidents_jobs"].start)
