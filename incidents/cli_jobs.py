"""`flask jobs …`: the background-job worker (RQ on Redis) and a one-off run of due jobs."""

from __future__ import annotations

import click
from flask import Flask, current_app


def register(app: Flask) -> None:
    """Registers the `jobs` command group."""

    @app.cli.group("jobs")
    def jobs_group():
        """Background jobs: PDF copies, e-mails and webhooks to insurers."""

    @jobs_group.command("worker")
    @click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
    def worker(burst):
        """Run an RQ worker (needs REDIS_URL): INCIDENTS_REDIS_URL=redis://127.0.0.1:6379/0
        flask jobs worker. It first re-queues whatever the database still has queued."""
        from .jobs import RQTransport

        transport = current_app.extensions["incidents_jobs"]
        if not isinstance(transport, RQTransport):
            raise click.ClickException("Set REDIS_URL to use the RQ worker.")
        transport.work(burst=burst)

    @jobs_group.command("run")
    def run():
        """Run every due job once, in this process (cron, or without Redis and threads)."""
        from .jobs import recover_stale, run_due

        recovered = recover_stale()
        click.echo(f"{run_due()} job(s) run, {recovered} stale job(s) re-queued.")
