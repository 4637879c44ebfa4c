"""The demo's occupational-disease cases: a weaver's chronic noise-induced hearing loss with its
working conditions described (the next steps are the user's), and a painter's acute solvent
poisoning just registered."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from .models import DiseaseForm, ExamKind
from .models.timeutil import LOCAL_TZ
from .services import cases
from .services import disease as service


def _local(days_ago: float, hour: int) -> datetime:
    today = datetime.now(LOCAL_TZ).replace(hour=hour, minute=0, second=0, microsecond=0)
    return (today - timedelta(days=days_ago)).replace(tzinfo=None)


def _worker(name, sex, born, occupation, years) -> dict:
    return {
        "full_name": name,
        "sex": sex,
        "birth_date": born,
        "person_category": "employee",
        "occupation": occupation,
        "service_total_years": Decimal(years),
        "service_employer_years": Decimal(years),
    }


def load(spec, organisation_name: str) -> None:
    """Two disease cases reported by the specialist `spec`."""
    weaver = service.report(
        spec,
        {
            "occurred_at": _local(9, 11),
            "reported_at": _local(8, 9),
            "place": "Швейный цех № 2",
            "structural_unit": "Производственный участок",
            "work_performed": "Работа на швейных и раскройных машинах",
            "circumstances": "Снижение слуха выявлено при периодическом медицинском осмотре.",
        },
        _worker("Гүлзада Өмүрбекова", "female", date(1975, 3, 8), "Швея-мотористка", "14.0"),
        {
            "form": DiseaseForm.chronic,
            "health_organisation": "ЦСМ № 7 г. Бишкек",
            "preliminary_diagnosis": "Двусторонняя нейросенсорная тугоухость",
            "preliminary_icd10": "H83.3",
        },
    )
    service.update_section(
        weaver,
        spec,
        "conditions",
        {
            "sanitary_body": "Департамент профилактики заболеваний и ГСЭН, г. Бишкек",
            "described_on": date.today() - timedelta(days=2),
            "conditions_class": "3.2",
            "harmful_service_years": Decimal("14.0"),
            "ppe": "Противошумные вкладыши выдавались нерегулярно",
            "conditions_summary": "Шум от оборудования превышает ПДУ в течение всей смены.",
        },
        None,
    )
    for name, measured, limit, unit, hours in (
        ("Шум", "92", "80", "дБА", "8"),
        ("Локальная вибрация", "110", "126", "дБ", "2"),
    ):
        cases.add_child(
            weaver,
            spec,
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
        weaver,
        spec,
        "exposures",
        {
            "employer_name": organisation_name,
            "job_title": "Швея-мотористка",
            "year_from": date.today().year - 14,
            "year_to": None,
            "harmful_factors": "Шум, локальная вибрация",
        },
        None,
    )
    cases.add_child(
        weaver,
        spec,
        "exams",
        {
            "kind": ExamKind.periodic,
            "examined_on": date.today() - timedelta(days=10),
            "organisation": "ЦСМ № 7 г. Бишкек",
            "result": "Снижение слуха на оба уха, направлена к профпатологу",
        },
        None,
    )
    cases.advance(weaver, spec, "describe_conditions", now=_local(2, 15))
    service.report(
        spec,
        {
            "occurred_at": _local(0.5, 8),
            "reported_at": _local(0.4, 10),
            "place": "Окрасочная камера, корпус Б",
            "structural_unit": "Цех покраски",
            "work_performed": "Окраска металлоконструкций растворителем 646",
            "circumstances": "Через 3 часа работы без вентиляции — головокружение, рвота.",
        },
        _worker("Нурлан Үсөнов", "male", date(1990, 7, 1), "Маляр", "1.5"),
        {
            "form": DiseaseForm.acute,
            "health_organisation": "Городская клиническая больница № 1",
            "preliminary_diagnosis": "Острое отравление парами органических растворителей",
            "preliminary_icd10": "T52.8",
        },
    )
