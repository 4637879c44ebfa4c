"""Deadline reminders: `flask reminders send` through a real SMTP server on loopback, once per
reminder however often cron runs it, to the right people in their own language."""

from __future__ import annotations

import socket
from collections import Counter
from datetime import timedelta
from email import message_from_bytes, policy
from types import SimpleNamespace

import pytest
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from sqlalchemy import update

from incidents import jobs
from incidents.models import CommissionMember, CommissionRole, Job, JobStatus, ReminderSent, Role
from incidents.models.timeutil import to_local, utcnow
from incidents.services.reminders import send_due_reminders
from tests import factories
from tests.smtp import smtp_server

TITLE = {"ky": "Териштирүү", "ru": "Расследование"}  # the investigation deadline
KEY = "investigation"


@pytest.fixture
def smtp():
    with smtp_server() as server:
        yield server


@pytest.fixture
def scene(db, world):
    """Case A (severe, 15 days) whose investigation deadline passed a day ago, case B (light,
    3 days) whose investigation deadline runs out in 12 hours, a commission member with an
    account, inspectors in and out of the employer's region, and an inactive specialist."""
    world.employer.region = "bishkek"
    world.inspector.organisation.region = "bishkek"
    osh = factories.make_org("Инспекция Ош", kind=world.inspector.organisation.kind, region="osh")
    far_inspector = factories.make_user(Role.inspector, osh, "osh-inspector@example.kg")
    retired = factories.make_user(
        Role.specialist, world.employer, "retired@example.kg", active=False
    )
    world.specialist.language = "ky"
    overdue = factories.on_the_clock(world, 16 * 24, category="severe")
    soon = factories.on_the_clock(world, 60)
    db.session.add(
        CommissionMember(
            case_id=overdue.id,
            user_id=world.union.id,
            full_name="Жылдыз Мамытова",
            position="Технический инспектор профсоюза",
            organisation_name="Профсоюз",
            role=CommissionRole.member,
        )
    )
    db.session.commit()
    return SimpleNamespace(
        w=world, overdue=overdue, soon=soon, far_inspector=far_inspector, retired=retired
    )


def _run(app):
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    return int(result.output.split()[0])


def _rows(db, case, key=KEY):
    return (
        db.session.execute(
            db.select(ReminderSent).where(
                ReminderSent.case_id == case.id, ReminderSent.deadline_key == key
            )
        )
        .scalars()
        .all()
    )


def test_each_reminder_arrives_once_to_the_right_people_in_their_language(app, db, scene, smtp):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    w = scene.w

    sent = _run(app)
    assert sent == len(smtp.messages) == db.session.query(ReminderSent).count() > 0
    # one recipient per mail, and no mail twice
    assert all(len(m.rcpt) == 1 for m in smtp.messages)
    assert max(Counter((m.rcpt[0], m.msg["Subject"]) for m in smtp.messages).values()) == 1

    # a second cron run sends nothing new
    assert _run(app) == 0
    assert len(smtp.messages) == sent

    overdue = _rows(db, scene.overdue)
    assert {r.kind for r in overdue} == {"overdue"}
    # the employer's specialist and head, the commission member with an account, and the
    # inspector of the employer's region (a severe case); not the member role, not the
    # inspector of another region, not an inactive user, not another employer
    assert {r.user_id for r in overdue} == {w.specialist.id, w.head.id, w.union.id, w.inspector.id}
    soon = _rows(db, scene.soon)
    assert {r.kind for r in soon} == {"before"}
    assert {r.user_id for r in soon} == {w.specialist.id, w.head.id}  # light: no inspector
    everyone = {r.user_id for r in db.session.query(ReminderSent)}
    assert not everyone & {scene.far_inspector.id, scene.retired.id, w.stranger.id, w.member.id}

    def mail(to, case, template, lang):
        title = TITLE[lang]
        with force_locale(lang):
            # whatever the catalog gives: the ky catalog may not translate these msgids yet,
            # then the frame is English but the deadline title is Kyrgyz
            subject = _(template, title=title, number=case.number)
        found = [m.msg for m in smtp.messages if m.rcpt == [to] and m.msg["Subject"] == subject]
        assert len(found) == 1, (subject, [(m.rcpt, m.msg["Subject"]) for m in smtp.messages])
        return found[0]

    passed = "Deadline passed: %(title)s, case %(number)s"
    approaching = "Deadline approaching: %(title)s, case %(number)s"
    msg = mail(w.specialist.email, scene.overdue, passed, "ky")
    assert TITLE["ky"] in msg["Subject"]
    body = msg.get_content()
    assert f"/cases/{scene.overdue.id}" in body and "http://127.0.0.1:5000/cases/" in body
    due = overdue[0].due_at
    with force_locale("ky"):
        assert format_datetime(to_local(due), "dd.MM.yyyy HH:mm", rebase=False) in body
    assert msg["From"] == "incidents@localhost"
    assert TITLE["ru"] in mail(w.head.email, scene.overdue, passed, "ru")["Subject"]
    mail(w.union.email, scene.overdue, passed, "ru")
    mail(w.inspector.email, scene.overdue, passed, "ru")
    mail(w.specialist.email, scene.soon, approaching, "ky")
    mail(w.head.email, scene.soon, approaching, "ru")


def test_a_reminder_before_the_deadline_is_followed_by_one_after_it(app, db, scene, tmp_path):
    app.instance_path = str(tmp_path)
    app.config["MAIL_SERVER"] = None
    assert send_due_reminders() > 0
    due = _rows(db, scene.soon)[0].due_at
    later = due + timedelta(hours=1)
    assert send_due_reminders(later) > 0
    assert send_due_reminders(later) == 0
    assert Counter(r.kind for r in _rows(db, scene.soon)) == {"before": 2, "overdue": 2}


def test_without_a_mail_server_the_mails_are_written_as_eml_files(app, db, world, tmp_path):
    app.instance_path = str(tmp_path)
    app.config["MAIL_SERVER"] = None
    world.specialist.language = "ky"
    case = factories.on_the_clock(world, 60)
    db.session.commit()

    assert _run(app) == 2  # the specialist and the head, about the investigation deadline
    folder = tmp_path / "mail"
    files = sorted(folder.iterdir())
    assert [f.suffix for f in files] == [".eml", ".eml"]  # no temporary file left behind
    mails = {}
    for f in files:
        msg = message_from_bytes(f.read_bytes(), policy=policy.default)
        mails[msg["To"]] = msg
    assert set(mails) == {world.specialist.email, world.head.email}
    assert TITLE["ky"] in mails[world.specialist.email]["Subject"]
    assert case.number in mails[world.specialist.email]["Subject"]
    assert TITLE["ru"] in mails[world.head.email].get_content()
    assert _run(app) == 0
    assert len(list(folder.iterdir())) == 2


def test_a_reminder_another_run_just_sent_is_skipped(app, db, scene, monkeypatch, tmp_path):
    """Two cron runs at once: the unique key lets only one of them send each reminder."""
    from incidents.services import reminders

    app.instance_path = str(tmp_path)
    app.config["MAIL_SERVER"] = None
    planned = reminders.due_reminders(utcnow())
    assert planned
    monkeypatch.setattr(reminders, "due_reminders", lambda now: planned)
    assert send_due_reminders() == len(planned)
    assert send_due_reminders() == 0  # every insert hits the unique key: nothing sent again
    assert jobs.run_due() == len(planned)  # each reminder is one mail job
    assert len(list((tmp_path / "mail").iterdir())) == len(planned)


def test_a_mail_that_fails_is_retried_by_its_job_not_queued_again(app, db, scene, smtp):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port, JOB_BACKOFF_SECONDS=60)
    queued = _run(app)
    assert queued == db.session.query(ReminderSent).count() > 0  # recorded with its mail job
    waiting = db.session.query(Job).filter_by(name="send_mail").all()
    assert len(waiting) == queued and not smtp.messages
    assert all(j.status == JobStatus.queued and j.attempts == 1 and j.last_error for j in waiting)
    # the server is back and the back-off has run out: the next cron run sends each mail once
    app.config["MAIL_PORT"] = smtp.port
    db.session.execute(update(Job).values(run_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert _run(app) == 0  # nothing queued twice
    assert len(smtp.messages) == queued
    assert len({(m.rcpt[0], m.msg["Subject"]) for m in smtp.messages}) == queued
