"""Builders for occupational-disease cases: a chronic noise-induced hearing loss after years
above the limit, and an acute poisoning, each step with the data its guards ask for."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from incidents.models import CommissionRole, DiseaseForm, ExamKind, Outcome, Represents
from incidents.services import cases
from incidents.services import disease as service

from .factories import ago

WEAVER = "Гүлзада Өмүрбекова"
PAINTER = "Нурлан Үсөнов"

CHRONIC = {
    "worker": {
        "full_name": WEAVER,
        "sex": "female",
        "birth_date": date(1975, 3, 8),
        "person_category": "employee",
        "occupation": "Ткачиха",
        "service_total_years": Decimal("22.0"),
        "service_employer_years": Decimal("14.0"),
    },
    "case": {
        "place": "Ткацкий цех № 2",
        "structural_unit": "Ткацкое производство",
        "work_performed": "Обслуживание ткацких станков СТБ",
        "circumstances": "Снижение слуха выявлено при периодическом медосмотре.",
    },
    "disease": {
        "form": DiseaseForm.chronic,
        "health_organisation": "ЦСМ № 7 г. Бишкек",
        "preliminary_diagnosis": "Двусторонняя нейросенсорная тугоухость",
        "preliminary_icd10": "H83.3",
    },
    "conditions": {
        "sanitary_body": "Департамент профилактики заболеваний и ГСЭН, г. Бишкек",
        "described_on": None,  # filled in with a date after the report
        "conditions_class": "3.2",
        "harmful_service_years": Decimal("14.0"),
        "ppe": "Противошумные вкладыши выдавались нерегулярно",
        "conditions_summary": "Шум от ткацких станков превышает ПДУ в течение всей смены.",
    },
    "factors": [
        ("Шум", "92", "80", "дБА", "8"),
        ("Локальная вибрация", "110", "126", "дБ", "2"),
    ],
    "diagnosis": {
        "pathology_centre": "Республиканский центр профпатологии",
        "final_diagnosis": "Двусторонняя нейросенсорная тугоухость II степени от воздействия шума",
        "final_icd10": "H83.3",
    },
}

ACUTE = {
    "worker": {
        "full_name": PAINTER,
        "sex": "male",
        "birth_date": date(1990, 7, 1),
        "person_category": "employee",
        "occupation": "Маляр",
        "service_total_years": Decimal("6.0"),
        "service_employer_years": Decimal("1.5"),
    },
    "case": {
        "place": "Окрасочная камера, корпус Б",
        "structural_unit": "Цех покраски",
        "work_performed": "Окраска металлоконструкций растворителем 646",
        "circumstances": "Через 3 часа работы без вентиляции — головокружение, рвота.",
    },
    "disease": {
        "form": DiseaseForm.acute,
        "health_organisation": "Городская клиническая больница № 1",
        "preliminary_diagnosis": "Острое отравление парами органических растворителей",
        "preliminary_icd10": "T52.8",
    },
    "conditions": {
        "sanitary_body": "Департамент профилактики заболеваний и ГСЭН, г. Бишкек",
        "described_on": None,
        "conditions_class": "3.4",
        "harmful_service_years": Decimal("1.5"),
        "ppe": "Респиратор не выдан",
        "conditions_summary": "Вытяжная вентиляция камеры не работала.",
    },
    "factors": [("Толуол", "480", "50", "мг/м³", "3")],
    "diagnosis": {
        "pathology_centre": "Республиканский центр профпатологии",
        "final_diagnosis": "Острое отравление толуолом средней степени тяжести",
        "final_icd10": "T52.2",
    },
}

COMMISSION = [
    ("Айнура Бекова", "Врач-гигиенист", "ДПЗиГСЭН", CommissionRole.chair, Represents.sanitary_body),
    ("Бакыт Осмонов", "Директор", "ОсОО «Ак & Көк»", CommissionRole.member, Represents.employer),
    (
        "Айгүл Токтосунова",
        "Специалист по охране труда",
        "ОсОО «Ак & Көк»",
        CommissionRole.member,
        Represents.employer,
    ),
    (
        "Мира Асанова",
        "Врач-профпатолог",
        "ЦСМ № 7",
        CommissionRole.member,
        Represents.health_organisation,
    ),
    (
        "Жылдыз Мамытова",
        "Председатель профкома",
        "Профсоюз",
        CommissionRole.member,
        Represents.trade_union,
    ),
    ("Марат Абдыкадыров", "Специалист", "ОАО «Ак-Суу»", CommissionRole.member, Represents.insurer),
]


def make_disease_case(w, spec=CHRONIC, hours_ago: float = 30, received_after: float = 6):
    data = {
        **spec["case"],
        "occurred_at": ago(hours_ago),
        "reported_at": ago(hours_ago - received_after),
    }
    return service.report(w.specialist, data, dict(spec["worker"]), dict(spec["disease"]))


def describe_conditions(case, actor, spec=CHRONIC):
    conditions = {**spec["conditions"], "described_on": date.today()}
    service.update_section(case, actor, "conditions", conditions, None)
    for name, measured, limit, unit, hours in spec["factors"]:
        cases.add_child(
            case,
            actor,
            "factors",
            {
                "name": name,
                "measured": Decimal(measured),
                "limit": Decimal(limit),
                "unit": unit,
                "exposure_hours": Decimal(hours),
            },
            None,
        )
    cases.add_child(
        case,
        actor,
        "exposures",
        {
            "employer_name": case.organisation.name,
            "job_title": spec["worker"]["occupation"],
            "year_from": date.today().year - int(spec["conditions"]["harmful_service_years"]),
            "year_to": None,
            "harmful_factors": ", ".join(f[0] for f in spec["factors"]),
        },
        None,
    )
    cases.add_child(
        case,
        actor,
        "exams",
        {
            "kind": ExamKind.periodic,
            "examined_on": date.today() - timedelta(days=2),
            "organisation": spec["disease"]["health_organisation"],
            "result": "Выявлены признаки профессионального заболевания",
        },
        None,
    )


def confirm_diagnosis(case, actor, spec=CHRONIC):
    service.update_section(
        case, actor, "diagnosis", {**spec["diagnosis"], "final_on": date.today()}, None
    )


def add_disease_commission(case, actor, spec=None):
    for name, position, org, role, represents in COMMISSION:
        cases.add_child(
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


def add_conclusion(case, actor, spec=None):
    service.update_section(
        case,
        actor,
        "conclusion",
        {
            "connected_to_work": True,
            "conclusion_causes": "Несовершенство технологии, отсутствие средств защиты",
        },
        None,
    )
    cases.add_child(
        case,
        actor,
        "responsible",
        {"full_name": "Кубат Эсенов", "position": "Начальник цеха", "violated_norms": "СанПиН"},
        None,
    )
    cases.add_child(
        case,
        actor,
        "measures",
        {
            "action": "Установить шумопоглощающие кожухи",
            "due_date": date.today() + timedelta(days=30),
            "owner": "Главный инженер",
        },
        None,
    )


def _outcome(case, actor, spec=None):
    for v in case.victims:
        cases.record_outcome(
            case, actor, v.id, {"outcome": Outcome.transferred, "days_lost": 30}, None
        )


PATH = [
    ("describe_conditions", describe_conditions),
    ("confirm_diagnosis", confirm_diagnosis),
    ("form_commission", add_disease_commission),
    ("start_investigation", None),
    ("draft_act", add_conclusion),
    ("approve_act", None),
    ("notify_insurer", None),
    ("close", _outcome),
]


def advance_disease_to(case, w, status: str, spec=CHRONIC):
    """Drive a disease case along its path until it reaches `status`."""
    from workflows import disease

    for trigger, prepare in PATH:
        if case.status.value == status:
            return case
        if trigger not in disease.available(case):
            continue
        if prepare:
            prepare(case, w.specialist, spec)
        actor = w.head if trigger == "approve_act" else w.specialist
        cases.advance(case, actor, trigger)
    assert case.status.value == status
    return case
