"""The demo's people and fixed data: users, the victim template, the commissions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .models import CommissionRole, Represents, Role

DOMAIN = "demo.kg"
USERS = [
    ("specialist", "Айгүл Токтосунова", "Специалист по охране труда", Role.specialist, "employer"),
    ("head", "Бакыт Осмонов", "Директор", Role.head, "employer"),
    ("member", "Нурлан Жумабеков", "Главный инженер", Role.member, "employer"),
    (
        "inspector",
        "Эрмек Сыдыков",
        "Государственный инспектор труда",
        Role.inspector,
        "inspectorate",
    ),
    ("union", "Жылдыз Мамытова", "Технический инспектор профсоюза", Role.union_inspector, "union"),
    ("insurer", "Марат Абдыкадыров", "Специалист по урегулированию", Role.insurer, "insurer"),
    ("admin", "Администратор системы", "Администратор", Role.admin, None),
]


def victim(name, sex="male", born=date(1988, 4, 12), occupation="Монтажник", severity=None):
    return {
        "full_name": name,
        "sex": sex,
        "birth_date": born,
        "person_category": "employee",
        "occupation": occupation,
        "service_total_years": Decimal("6.5"),
        "service_employer_years": Decimal("2.0"),
        "induction_briefing_date": date(2024, 3, 1),
        "workplace_briefing_type": "repeated",
        "workplace_briefing_date": date(2026, 9, 1),
        "internship": "01.03.2024–14.03.2024",
        "training_date": date(2024, 3, 20),
        "knowledge_test_date": date(2024, 3, 25),
        "knowledge_test_protocol": "17",
        "injury_nature": "Перелом лучевой кости",
        "body_part": "Левое предплечье",
        "medical_severity": severity,
        "intoxication": "none",
        "intoxication_degree": None,
    }


EMPLOYER_NAME = "ОсОО «Ала-Тоо Курулуш»"
LIGHT_COMMISSION = [
    ("Бакыт Осмонов", "Директор", EMPLOYER_NAME, CommissionRole.chair, Represents.employer),
    (
        "Айгүл Токтосунова",
        "Специалист по охране труда",
        EMPLOYER_NAME,
        CommissionRole.member,
        Represents.employer,
    ),
    (
        "Жылдыз Мамытова",
        "Технический инспектор профсоюза",
        "Профсоюз строителей",
        CommissionRole.member,
        Represents.trade_union,
    ),
]
SEVERE_COMMISSION = [
    (
        "Эрмек Сыдыков",
        "Государственный инспектор труда",
        "Служба по надзору в сфере труда",
        CommissionRole.chair,
        Represents.state_inspector,
    ),
    *LIGHT_COMMISSION[1:],
]
