"""Builders with sensible defaults, so a test states only what it is about."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

from incidents.auth import hash_password
from incidents.extensions import db
from incidents.models import (
    CommissionRole,
    Organisation,
    OrgKind,
    Outcome,
    Policy,
    Role,
    User,
)
from incidents.models.timeutil import LOCAL_TZ, utcnow
from incidents.services import cases

PASSWORD = "correct horse battery"


def make_org(name="ОсОО «Ала-Тоо Курулуш»", **kw) -> Organisation:
    kw.setdefault("kind", OrgKind.employer)
    org = Organisation(name=name, **kw)
    db.session.add(org)
    return org


def make_user(role: Role, org: Organisation | None, email: str | None = None, **kw) -> User:
    user = User(
        email=email or f"{role.value}-{id(org) % 100000}@example.kg",
        name=kw.pop("name", f"{role.value.title()} Тестов"),
        role=role,
        organisation=org,
        password_hash=hash_password(kw.pop("password", PASSWORD)),
        language=kw.pop("language", "ru"),
        **kw,
    )
    db.session.add(user)
    return user


def make_policy(employer, insurer, number, valid_from=date(2020, 1, 1), valid_to=None):
    """A policy valid from `valid_from` to a year after today unless `valid_to` is given."""
    policy = Policy(
        employer=employer,
        insurer=insurer,
        number=number,
        valid_from=valid_from,
        valid_to=valid_to or date.today() + timedelta(days=365),
    )
    db.session.add(policy)
    return policy


def make_world() -> SimpleNamespace:
    insurer = make_org("ОАО «Ак-Суу Камсыздандыруу»", kind=OrgKind.insurer)
    employer = make_org(
        "ОсОО «Ак & Көк» <тест>",
        tax_id="02512201810045",
        activity_code="41.20.0",
        address="г. Бишкек, ул. Токтогула, 125",
        headcount=120,
        region="bishkek",
    )
    other = make_org("ОсОО «Башка Компания»", region="osh")
    inspectorate = make_org(
        "Служба по надзору в сфере труда", kind=OrgKind.inspectorate, region="bishkek"
    )
    w = SimpleNamespace(employer=employer, insurer_org=insurer, other=other)
    w.policy = make_policy(employer, insurer, "ГО-2026-00417")
    make_policy(other, insurer, "ГО-2026-1")
    w.specialist = make_user(Role.specialist, employer, "specialist@example.kg")
    w.head = make_user(Role.head, employer, "head@example.kg")
    w.member = make_user(Role.member, employer, "member@example.kg")
    w.inspector = make_user(Role.inspector, inspectorate, "inspector@example.kg")
    w.union = make_user(Role.union_inspector, None, "union@example.kg")
    w.insurer = make_user(Role.insurer, insurer, "insurer@example.kg")
    w.stranger = make_user(Role.specialist, other, "stranger@example.kg")
    w.stranger_head = make_user(Role.head, other, "stranger-head@example.kg")
    db.session.flush()
    return w


def local(days_ago: float = 0, hour: int = 9, minute: int = 30) -> datetime:
    """A Bishkek wall-clock time some days ago (naive, as forms deliver it)."""
    now = datetime.now(LOCAL_TZ).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return (now - timedelta(days=days_ago)).replace(tzinfo=None)


def ago(hours: float) -> datetime:
    """A Bishkek wall-clock time `hours` before now, to the minute."""
    now = datetime.now(LOCAL_TZ).replace(second=0, microsecond=0, tzinfo=None)
    return now - timedelta(hours=hours)


def victim_data(**kw) -> dict:
    data = {
        "full_name": "Талант Асанов",
        "sex": "male",
        "birth_date": date(1990, 5, 17),
        "person_category": "employee",
        "occupation": "Монтажник",
        "service_total_years": Decimal("5.5"),
        "service_employer_years": Decimal("2.0"),
        "induction_briefing_date": date(2024, 3, 1),
        "workplace_briefing_type": "repeated",
        "workplace_briefing_date": date(2026, 9, 1),
        "internship": "01.03.2024–14.03.2024",
        "training_date": date(2024, 3, 20),
        "knowledge_test_date": date(2024, 3, 25),
        "knowledge_test_protocol": "17",
        "injury_nature": "Перелом",
        "body_part": "Левое предплечье",
        "medical_severity": None,
        "intoxication": "none",
        "intoxication_degree": None,
    }
    data.update(kw)
    return data


def case_data(**kw) -> dict:
    data = {
        "category": "light",
        "occurred_at": ago(3),
        "reported_at": ago(2),
        "shift_started_at": ago(5),
        "place": "Строительный объект, ул. Ахунбаева, 97",
        "structural_unit": "Участок № 2",
        "work_performed": "Монтаж опалубки",
        "circumstances": "Работник оступился на незакреплённой доске настила и упал.",
        "first_aid": "Оказана мастером участка",
    }
    data.update(kw)
    return data


def make_case(w, actor=None, victim=None, **kw):
    return cases.report(actor or w.specialist, case_data(**kw), victim or victim_data())


MEMBERS = [
    ("Бакыт Осмонов", "Директор", CommissionRole.chair),
    ("Айгүл Токтосунова", "Специалист по охране труда", CommissionRole.member),
    ("Жылдыз Мамытова", "Технический инспектор профсоюза", CommissionRole.member),
]


def add_commission(case, actor, members=MEMBERS, **kw):
    for name, position, role in members:
        cases.add_child(
            case,
            actor,
            "commission",
            {
                "full_name": name,
                "position": position,
                "organisation_name": "ОсОО «Ала-Тоо»",
                "role": role,
                "responsible_for_site_safety": False,
                **kw,
            },
            None,
        )


def add_findings(case, actor):
    for v in case.victims:
        cases.update_child(case, actor, "victims", v.id, {"medical_severity": "light"}, None)
    cases.update_findings(
        case,
        actor,
        {
            "event_type_code": "02",
            "equipment": "Леса ЛСП-40",
            "workplace_assessment": "класс 3.1",
            "work_related": True,
            "work_related_ground": "В рабочее время при исполнении обязанностей",
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
            "description": "Доска настила не закреплена",
            "violated_norm": "Правила ОТ в строительстве, п. 6.2.18",
        },
        None,
    )
    cases.add_child(
        case,
        actor,
        "responsible",
        {
            "full_name": "Кубат Эсенов",
            "position": "Мастер участка",
            "violated_norms": "п. 6.2.18 Правил",
        },
        None,
    )
    cases.add_child(
        case,
        actor,
        "measures",
        {
            "action": "Внеплановый инструктаж",
            "due_date": date.today() + timedelta(days=7),
            "owner": "Айгүл Токтосунова",
        },
        None,
    )


def send_notices(case, actor, **kw):
    """Record the delivery of every notice not yet sent, now, by e-mail."""
    for notice in case.notices:
        if notice.sent_at is None:
            cases.record_delivery(
                case,
                actor,
                notice.id,
                {
                    "method": "email",
                    "recipient": f"{notice.addressee}@example.kg",
                    "sent_at": ago(0),
                    "acknowledged_at": None,
                    **kw,
                },
                None,
            )


# The path of a light accident, and what each step needs before it.
PATH = [
    ("notify", send_notices),
    ("form_commission", add_commission),
    ("start_investigation", None),
    ("draft_act", add_findings),
    ("approve_act", None),
    ("notify_insurer", None),
    (
        "close",
        lambda case, actor: [
            cases.record_outcome(
                case, actor, v.id, {"outcome": Outcome.recovered, "days_lost": 12}, None
            )
            for v in case.victims
        ],
    ),
]


def advance_to(case, w, status: str):
    """Drive a case along the light-accident path, from wherever it is, until it reaches
    `status`."""
    from workflows import accident

    for trigger, prepare in PATH:
        if case.status.value == status:
            return case
        if trigger not in accident.available(case):
            continue  # a step already behind the case
        if prepare:
            prepare(case, w.specialist)
        actor = w.head if trigger == "approve_act" else w.specialist
        cases.advance(case, actor, trigger)
    assert case.status.value == status
    return case


def on_the_clock(world, hours_ago: float, **kw):
    """A case whose investigation started `hours_ago` (reported two hours before that, so
    not on the late-reported track), with every notice sent in time: only the investigation
    clock runs (light: 3 days, severe: 15 days)."""
    case = make_case(
        world,
        occurred_at=ago(hours_ago + 3),
        reported_at=ago(hours_ago + 2),
        **kw,
    )
    case.investigation_started_at = utcnow() - timedelta(hours=hours_ago)
    case.commission_formed_at = case.investigation_started_at
    for notice in case.notices:
        notice.sent_at = case.reported_at
    return case
