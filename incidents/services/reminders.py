"""Deadline reminder mails: "approaching" before a deadline runs out, "passed" after it.

Run from cron through `flask reminders send`; every run sends only what no earlier run sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..mail import queue_mail
from ..models import (
    Case,
    CaseStatus,
    Category,
    Organisation,
    ReminderSent,
    Role,
    User,
)
from ..models.timeutil import to_local, utcnow
from ..rules import for_case
from . import deadlines

BEFORE = "before"
OVERDUE = "overdue"
_CLOSED = (CaseStatus.closed, CaseStatus.cancelled)
_EMPLOYER_RECIPIENTS = (Role.specialist, Role.head)


@dataclass(frozen=True)
class Reminder:
    """One mail to send, as plain data: it outlives the per-reminder commits."""

    case_id: int
    case_number: str
    deadline_key: str
    title: dict[str, str]
    kind: str
    due_at: datetime
    user_id: int
    email: str
    language: str

    @property
    def key(self) -> tuple:
        return (self.case_id, self.deadline_key, self.kind, self.user_id, self.due_at)


def send_due_reminders(now: datetime | None = None) -> int:
    """Queue every reminder that is due and was never sent; return how many were queued.

    For each open case, each deadline that is not met and not paused gets a "before"
    reminder when it runs out within REMINDER_BEFORE_HOURS (default 24) and an "overdue"
    reminder once it has passed, to every recipient (see `recipients`). The key
    (case, deadline key, kind, user, due time) is sent at most once: a ReminderSent row is
    inserted and flushed (a concurrent run that got there first makes the insert fail, and
    the reminder is skipped), the mail is queued as a job, and both are committed together. A
    deadline whose due time moves (an extension) is a new key and is reminded again.

    The mail job is sent after the commit; a mail server that fails is retried by the job
    (with back-off, then shown failed at /admin/jobs to be run again), not by the next run.
    """
    now = now or utcnow()
    sent = 0
    for reminder in due_reminders(now):
        db.session.add(
            ReminderSent(
                case_id=reminder.case_id,
                deadline_key=reminder.deadline_key,
                kind=reminder.kind,
                user_id=reminder.user_id,
                due_at=reminder.due_at,
                sent_at=now,
            )
        )
        try:
            db.session.flush()
        except IntegrityError:  # another run sent it a moment ago
            db.session.rollback()
            continue
        subject, body = render(reminder)
        queue_mail([reminder.email], subject, body)
        db.session.commit()
        sent += 1
    return sent


def due_reminders(now: datetime) -> list[Reminder]:
    """The reminders due at `now` that no earlier run has recorded."""
    hours = current_app.config.get("REMINDER_BEFORE_HOURS", 24)
    horizon = now + timedelta(hours=float(hours))
    cases = (
        db.session.execute(
            select(Case)
            .where(Case.status.not_in(_CLOSED))
            .options(selectinload(Case.organisation), selectinload(Case.commission_all))
            .order_by(Case.id)
        )
        .scalars()
        .all()
    )
    if not cases:
        return []
    done = set(
        db.session.execute(
            select(
                ReminderSent.case_id,
                ReminderSent.deadline_key,
                ReminderSent.kind,
                ReminderSent.user_id,
                ReminderSent.due_at,
            ).where(ReminderSent.case_id.in_([c.id for c in cases]))
        ).all()
    )
    result = []
    for case in cases:
        due = []
        for d in deadlines.compute(case, for_case(case), now):
            if d.met or d.state == "paused":
                continue  # a paused clock's due time slides with every run
            if d.due_at < now:
                due.append((d, OVERDUE))
            elif d.due_at <= horizon:
                due.append((d, BEFORE))
        if not due:
            continue
        people = recipients(case)
        for d, kind in due:
            for user in people:
                reminder = Reminder(
                    case_id=case.id,
                    case_number=case.number,
                    deadline_key=d.key,
                    title=dict(d.rule.title),
                    kind=kind,
                    due_at=d.due_at,
                    user_id=user.id,
                    email=user.email,
                    language=_language(user),
                )
                if reminder.key not in done:
                    result.append(reminder)
    return result


def _language(user: User) -> str:
    config = current_app.config
    if user.language in config.get("LANGUAGES", ()):
        return user.language
    return config.get("BABEL_DEFAULT_LOCALE", "ru")


def recipients(case: Case) -> list[User]:
    """Who is reminded of the case's deadlines: the employer's active specialists and heads,
    the users sitting on its commission, and, unless the accident is light, the active state
    inspectors of the employer's region."""
    linked = {m.user_id for m in case.commission if m.user_id is not None}
    conditions = [
        (User.organisation_id == case.organisation_id) & User.role.in_(_EMPLOYER_RECIPIENTS)
    ]
    if linked:
        conditions.append(User.id.in_(linked))
    region = case.organisation.region
    if case.category != Category.light and region:
        inspectorate = select(Organisation.id).where(Organisation.region == region)
        conditions.append((User.role == Role.inspector) & User.organisation_id.in_(inspectorate))
    query = select(User).where(User.active.is_(True), or_(*conditions)).order_by(User.id)
    return list(db.session.execute(query).scalars())


def render(reminder: Reminder) -> tuple[str, str]:
    """Subject and body in the recipient's language."""
    with force_locale(reminder.language):
        title = _title(reminder)
        if reminder.kind == OVERDUE:
            subject = _(
                "Deadline passed: %(title)s, case %(number)s",
                title=title,
                number=reminder.case_number,
            )
            lead = _("The deadline has passed and is not met.")
        else:
            subject = _(
                "Deadline approaching: %(title)s, case %(number)s",
                title=title,
                number=reminder.case_number,
            )
            lead = _("The deadline runs out soon.")
        due = format_datetime(to_local(reminder.due_at), "dd.MM.yyyy HH:mm", rebase=False)
        lines = [
            lead,
            "",
            _("Case: %(number)s", number=reminder.case_number),
            _("Deadline: %(title)s", title=title),
            _("Due: %(due)s (Bishkek time)", due=due),
            "",
            _("Open the case: %(url)s", url=case_url(reminder.case_id)),
            "",
            "-- ",
            _("An automatic reminder of the accident investigation service."),
        ]
    return subject, "\n".join(lines) + "\n"


def _title(reminder: Reminder) -> str:
    t = reminder.title
    return t.get(reminder.language) or t.get("ru") or next(iter(t.values()), reminder.deadline_key)


def case_url(case_id: int) -> str:
    """An absolute link without a request: BASE_URL (including any path prefix the site is
    mounted under) + the route's path."""
    base = current_app.config.get("BASE_URL") or "http://127.0.0.1:5000"
    path = current_app.url_map.bind("localhost").build("cases.detail", {"case_id": case_id})
    return base.rstrip("/") + path
