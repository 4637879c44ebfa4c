"""Demo data: an employer, its insurer, the inspectors, a user per role, and cases at every
stage, driven through the same services a person uses, so every document is real."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app

from . import demo_disease
from .auth import hash_password
from .demo_data import DOMAIN, LIGHT_COMMISSION, SEVERE_COMMISSION, USERS, victim
from .extensions import db
from .models import (
    NoticeMethod,
    Organisation,
    OrgKind,
    Outcome,
    Policy,
    Severity,
    User,
)
from .models.timeutil import LOCAL_TZ, to_local
from .services import cases


def _local(days_ago: float, hour: int = 10, minute: int = 0) -> datetime:
    today = datetime.now(LOCAL_TZ).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return (today - timedelta(days=days_ago)).replace(tzinfo=None)


def _report(actor, days_ago, place, victim_data, category="light"):
    case = cases.report(
        actor,
        {
            "category": category,
            "occurred_at": _local(days_ago, 9, 40),
            "reported_at": _local(days_ago, 10, 15),
            "shift_started_at": _local(days_ago, 8, 0),
            "place": place,
            "structural_unit": "Участок № 2",
            "work_performed": "Монтаж опалубки перекрытия второго этажа",
            "circumstances": (
                "При переходе по настилу лесов работник оступился на незакреплённой доске "
                "и упал с высоты около 1,5 м на бетонное основание."
            ),
            "first_aid": "Первая помощь оказана мастером участка, вызвана скорая помощь.",
        },
        victim_data,
    )
    case.created_at = case.reported_at  # entered as the employer learned of it
    return case


def _commission(case, actor, members=LIGHT_COMMISSION, users=None):
    users = users or {}
    for name, position, org, role, represents in members:
        row = cases.add_child(
            case,
            actor,
            "commission",
            {
                "full_name": name,
                "position": position,
                "organisation_name": org,
                "role": role,
                "represents": represents,
                "responsible_for_site_safety": False,
            },
            None,
        )
        if name in users:
            row.user_id = users[name].id  # the member works on the case from their own login


def _send_notices(case, actor, hours_after_report):
    """Record each notice as sent by e-mail some hours after the report."""
    sent = case.reported_at + timedelta(hours=hours_after_report)
    for notice in case.notices:
        if notice.sent_at is None:
            cases.record_delivery(
                case,
                actor,
                notice.id,
                {
                    "method": NoticeMethod.email,
                    "recipient": f"{notice.addressee}@gov.kg (демо)",
                    "sent_at": to_local(sent).replace(tzinfo=None),
                    "acknowledged_at": None,
                },
                None,
            )


def _findings(case, actor):
    for v in case.victims:
        cases.update_child(case, actor, "victims", v.id, {"medical_severity": Severity.light}, None)
    cases.update_findings(
        case,
        actor,
        {
            "event_type_code": "02",
            "equipment": "Инвентарные строительные леса ЛСП-40, настил из досок 50 мм.",
            "workplace_assessment": "Аттестация рабочего места проведена 12.02.2025, класс 3.1",
            "work_related": True,
            "work_related_ground": "Несчастный случай произошёл в рабочее время при выполнении "
            "трудовых обязанностей.",
        },
        None,
    )
    cases.add_child(
        case,
        actor,
        "causes",
        {
            "code": "09",
            "is_main": True,
            "description": "Неудовлетворительное содержание настила лесов: доска не закреплена.",
            "violated_norm": "Правила охраны труда в строительстве, п. 6.2.18",
        },
        None,
    )
    cases.add_child(
        case,
        actor,
        "causes",
        {
            "code": "10",
            "is_main": False,
            "description": "Недостаточный контроль за соблюдением инструкции по охране труда.",
            "violated_norm": "Инструкция по охране труда для монтажника, п. 3.4",
        },
        None,
    )
    cases.add_child(
        case,
        actor,
        "responsible",
        {
            "full_name": "Кубат Эсенов",
            "position": "Мастер участка № 2",
            "violated_norms": "Не обеспечил закрепление настила лесов (п. 6.2.18 Правил).",
        },
        None,
    )
    cases.add_child(
        case,
        actor,
        "measures",
        {
            "action": "Провести внеплановый инструктаж работников участка № 2.",
            "due_date": (datetime.now(LOCAL_TZ) + timedelta(days=7)).date(),
            "owner": "Айгүл Токтосунова",
        },
        None,
    )
    cases.add_child(
        case,
        actor,
        "witnesses",
        {
            "full_name": "Азамат Бекболотов",
            "position": "Монтажник",
            "contact": "+996 555 123 456",
        },
        None,
    )


def _fire(case, actor, *triggers, hours_after_report: float | None = None):
    """Fire triggers, back-dated to some hours after the report so the clock looks lived-in."""
    now = None
    if hours_after_report is not None:
        now = case.reported_at + timedelta(hours=hours_after_report)
    for trigger in triggers:
        cases.advance(case, actor, trigger, now=now)


def load_demo(password: str | None = None):
    """Returns [(email, password, role)] or None when the demo is already there."""
    if db.session.execute(
        db.select(User).where(User.email == f"specialist@{DOMAIN}")
    ).scalar_one_or_none():
        return None
    insurer = Organisation(
        kind=OrgKind.insurer,
        name="ОАО «Ак-Суу Камсыздандыруу»",
        tax_id="01204199910012",
        address="г. Бишкек, ул. Киевская, 77",
        phone="+996 312 610 000",
    )
    orgs = {
        "employer": Organisation(
            kind=OrgKind.employer,
            name="ОсОО «Ала-Тоо Курулуш»",
            tax_id="02512201810045",
            activity_code="41.20.0",
            address="г. Бишкек, ул. Токтогула, 125",
            phone="+996 312 900 100",
            headcount=120,
            region="bishkek",
        ),
        "inspectorate": Organisation(
            kind=OrgKind.inspectorate,
            name="Служба по надзору в сфере труда, г. Бишкек",
            region="bishkek",
        ),
        "union": Organisation(kind=OrgKind.trade_union, name="Профсоюз работников строительства"),
        "insurer": insurer,
    }
    db.session.add_all(orgs.values())
    insurer.notice_email = f"claims@{DOMAIN}"
    # the policy in force this year; last year's ended, so older accidents cite that one
    this_year = date.today().year
    db.session.add_all(
        [
            Policy(
                employer=orgs["employer"],
                insurer=insurer,
                number=f"ГО-{this_year - 1}-00388",
                valid_from=date(this_year - 1, 1, 1),
                valid_to=date(this_year - 1, 12, 31),
            ),
            Policy(
                employer=orgs["employer"],
                insurer=insurer,
                number=f"ГО-{this_year}-00417",
                valid_from=date(this_year, 1, 1),
                valid_to=date(this_year, 12, 31),
            ),
        ]
    )
    created, users = [], {}
    for login, name, position, role, org in USERS:
        pw = password or secrets.token_urlsafe(9)
        user = User(
            email=f"{login}@{DOMAIN}",
            name=name,
            position=position,
            role=role,
            organisation=orgs[org] if org else None,
            password_hash=hash_password(pw),
            language="ru",
        )
        db.session.add(user)
        users[login] = user
        created.append((user.email, pw, role.value))
    db.session.flush()
    spec, head = users["specialist"], users["head"]

    # 1. just reported
    _report(
        spec, 0.1, "Строительный объект «Жилой дом», ул. Ахунбаева, 97", victim("Талант Асанов")
    )
    # 2. reported three days ago and never notified: the notice deadline is overdue
    _report(
        spec,
        3,
        "Склад материалов, ул. Льва Толстого, 19",
        victim("Гүлнара Өмүрбекова", sex="female", born=date(1995, 11, 2), occupation="Кладовщик"),
    )
    # 3. under investigation
    c3 = _report(
        spec, 1, "Строительный объект «Бизнес-центр», пр. Чуй, 160", victim("Эрлан Кадыров")
    )
    _send_notices(c3, spec, 2)
    _fire(c3, spec, "notify", hours_after_report=2)
    _commission(c3, spec)
    _fire(c3, spec, "form_commission", "start_investigation", hours_after_report=4)
    # 4. act drafted, waiting for approval
    c4 = _report(spec, 2, "Строительный объект «Школа», с. Кой-Таш", victim("Руслан Абдиев"))
    _send_notices(c4, spec, 1)
    _fire(c4, spec, "notify", hours_after_report=1)
    # the trade-union inspector signs from their own login before the head can approve
    _commission(c4, spec, users={"Жылдыз Мамытова": users["union"]})
    _fire(c4, spec, "form_commission", "start_investigation", hours_after_report=3)
    _findings(c4, spec)
    _fire(c4, spec, "draft_act", hours_after_report=40)
    # 5. closed, with every document
    c5 = _report(
        spec, 20, "Строительный объект «Жилой дом», ул. Ахунбаева, 97", victim("Мирлан Токтогулов")
    )
    _send_notices(c5, spec, 3)
    _fire(c5, spec, "notify", hours_after_report=3)
    _commission(c5, spec)
    _fire(c5, spec, "form_commission", "start_investigation", hours_after_report=24)
    _findings(c5, spec)
    _fire(c5, spec, "draft_act", hours_after_report=70)
    _fire(c5, head, "approve_act", hours_after_report=75)
    _fire(c5, spec, "notify_insurer", hours_after_report=96)
    for v in c5.victims:
        cases.record_outcome(c5, spec, v.id, {"outcome": Outcome.recovered, "days_lost": 18}, None)
    _fire(c5, spec, "close", hours_after_report=19 * 24)
    # 6. a group accident, one worker dead: inspector-led, every notice out, investigating
    c6 = _report(
        spec,
        2,
        "Котлован, ЖК «Ынтымак», ул. Фучика, 3",
        victim("Азамат Кулматов", severity=Severity.fatal),
        category="fatal",
    )
    cases.add_child(
        c6,
        spec,
        "victims",
        victim(
            "Данияр Осмоналиев",
            born=date(1979, 1, 23),
            occupation="Бетонщик",
            severity=Severity.severe,
        ),
        None,
    )
    escalation = c6.transitions[-1]  # the second victim made it a group accident, that morning
    escalation.at = c6.escalated_at = c6.reported_at + timedelta(hours=1)
    _send_notices(c6, spec, 5)
    _fire(c6, spec, "notify", hours_after_report=5)
    _commission(c6, spec, SEVERE_COMMISSION, users={"Эрмек Сыдыков": users["inspector"]})
    _fire(c6, users["inspector"], "form_commission", "start_investigation", hours_after_report=20)
    # 7. reported light, then the victim's severity came back severe: escalated, new notices
    # due, the commission must be re-formed under the inspector
    c7 = _report(
        spec,
        1.5,
        "Цех металлоконструкций, ул. Жибек Жолу, 480",
        victim("Бекзат Маматов", occupation="Сварщик"),
    )
    _send_notices(c7, spec, 1)
    _fire(c7, spec, "notify", hours_after_report=1)
    _commission(c7, spec)
    _fire(c7, spec, "form_commission", "start_investigation", hours_after_report=3)
    cases.update_child(
        c7, spec, "victims", c7.victims[0].id, {"medical_severity": Severity.severe}, None
    )
    # 8, 9. occupational diseases: a chronic one under way, an acute one just registered
    demo_disease.load(spec, orgs["employer"].name)
    db.session.commit()
    _remember(created)
    return created


def _remember(created) -> None:
    """Keep the generated demo passwords beside the database so the start script can show them."""
    path = Path(current_app.instance_path, "demo-users.txt")
    path.write_text("".join(f"{e}\t{p}\t{r}\n" for e, p, r in created), encoding="utf-8")
    path.chmod(0o600)
