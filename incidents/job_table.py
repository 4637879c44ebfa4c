"""Every background job by name: the one place that knows which function runs for a job.

The app factory hands JOBS to `jobs.init_app`; a module that queues a job only names it, so
incidents/jobs.py imports none of the jobs' modules and no module registers itself by being
imported."""

from __future__ import annotations

from .jobs import JobSpec
from .mail import send_mail, sent_args
from .services import deliveries, packages

JOBS: dict[str, JobSpec] = {
    "send_mail": JobSpec(send_mail, keep_when_done=sent_args),
    "build_package": JobSpec(packages.build, on_give_up=packages.gave_up),
    "deliver_email": JobSpec(deliveries.deliver_email, on_give_up=deliveries.give_up),
    "deliver_webhook": JobSpec(
        deliveries.deliver_webhook,
        max_attempts_key="WEBHOOK_MAX_ATTEMPTS",
        backoff_key="WEBHOOK_BACKOFF_SECONDS",
        on_give_up=deliveries.give_up,
    ),
}
