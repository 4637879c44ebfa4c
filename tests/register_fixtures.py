"""A hand-made year of one employer for the register tests, built straight from the models so
every date is exact (naive UTC as stored; Bishkek is UTC+6).

2025 in the employer's register, in the order the cases were registered:
  1/2025  light, 01.01.2025 00:30 Bishkek (31.12.2024 18:30 UTC): the year's first minutes
  2/2025  group, 04.03.2025 10:10: Асанов (under treatment) and Исаева (died); a third victim
          row and a measure were removed and must not count; act approved 20.03.2025
  3/2025  light, 10.06.2025 09:00: still investigated, no act, no outcome
  4/2025  cancelled: not registered
  5/2025  occupational disease (chronic hearing loss, final diagnosis H83.3)
and outside it: a case of another employer, and 6/2025, which happened at 23:59 on 31.12.2024
Bishkek time and was reported in January: it is in the register of 2024 under its 2025 number."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from incidents.models import (
    Case,
    CaseKind,
    CaseStatus,
    Category,
    DiseaseFile,
    DiseaseForm,
    Measure,
    Outcome,
    Victim,
)

GROUP_CIRCUMSTANCES = (
    "При подаче бадьи с бетоном стропальщик подал сигнал без проверки зоны; бадья качнулась "
    "и ударила бетонщиков."
)


def _victim(name, born, occupation, service=None, outcome=None, days_lost=None, removed=False):
    return Victim(
        full_name=name,
        sex="female" if name.split()[0].endswith("а") else "male",
        birth_date=born,
        person_category="employee",
        occupation=occupation,
        service_total_years=service,
        service_employer_years=None,
        outcome=outcome,
        days_lost=days_lost,
        removed_at=datetime(2025, 3, 5) if removed else None,
    )


def _measure(action, removed=False):
    return Measure(
        action=action,
        due_date=date(2025, 4, 1),
        owner="Главный инженер",
        removed_at=datetime(2025, 3, 21) if removed else None,
    )


def _case(org, seq, occurred_at, *, year=2025, victims, measures=(), **kw):
    kw.setdefault("kind", CaseKind.accident)
    kw.setdefault("status", CaseStatus.investigating)
    case = Case(
        organisation=org,
        year=year,
        seq=seq,
        occurred_at=occurred_at,
        reported_at=occurred_at,
        place="Строительная площадка",
        work_performed="Монолитные работы",
        circumstances=kw.pop("circumstances", "Работник оступился и упал."),
        **kw,
    )
    for v in victims:
        case.victims_all.append(v)
    for m in measures:
        case.measures_all.append(m)
    return case


def make_register_year(db, w) -> SimpleNamespace:
    org = w.employer
    light = _case(
        org,
        1,
        datetime(2024, 12, 31, 18, 30),
        category=Category.light,
        status=CaseStatus.closed,
        structural_unit="Цех № 1",
        event_type_code="02",
        circumstances="Поскользнулась на обледеневшем крыльце склада.",
        act_approved_at=datetime(2025, 1, 10, 4, 0),
        victims=[
            _victim(
                "Бекова Айнура Маратовна",
                date(1988, 2, 1),
                "Кладовщица",
                Decimal("4.0"),
                Outcome.recovered,
                9,
            )
        ],
        measures=[_measure("Нанести противоскользящее покрытие")],
    )
    group = _case(
        org,
        2,
        datetime(2025, 3, 4, 4, 10),
        category=Category.group,
        status=CaseStatus.act_approved,
        structural_unit="Участок № 3",
        event_type_code="03",
        circumstances=GROUP_CIRCUMSTANCES,
        act_approved_at=datetime(2025, 3, 20, 5, 0),
        victims=[
            _victim(
                "Асанов Бакыт Төлөгөнович",
                date(1990, 6, 15),
                "Бетонщик",
                Decimal("7.5"),
                Outcome.under_treatment,
            ),
            _victim("Ошибочная Запись", date(2000, 1, 1), "Никто", removed=True),
            _victim(
                "Исаева Нургүл Бакытовна",
                date(1995, 11, 2),
                "Бетонщица",
                Decimal("3.0"),
                Outcome.died,
            ),
        ],
        measures=[
            _measure("Внеплановый инструктаж"),
            _measure("Удалённое мероприятие", removed=True),
            _measure("Оградить опасную зону"),
        ],
    )
    open_light = _case(
        org,
        3,
        datetime(2025, 6, 10, 3, 0),
        category=Category.light,
        structural_unit="Цех № 1",
        event_type_code="02",
        circumstances="Упал со стремянки при замене лампы.",
        victims=[_victim("Токтогулов Эрлан", date(1979, 9, 9), "Слесарь")],
    )
    cancelled = _case(
        org,
        4,
        datetime(2025, 7, 1, 6, 0),
        category=Category.light,
        status=CaseStatus.cancelled,
        victims=[_victim("Отменённый Случай", date(1990, 1, 1), "Водитель")],
    )
    foreign = _case(
        w.other,
        1,
        datetime(2025, 5, 5, 5, 0),
        category=Category.severe,
        victims=[_victim("Чужой Работник", date(1985, 1, 1), "Грузчик")],
    )
    disease = _case(
        org,
        5,
        datetime(2025, 2, 10, 5, 30),
        kind=CaseKind.occupational_disease,
        category=None,
        status=CaseStatus.act_approved,
        structural_unit="Ткацкий цех № 2",
        circumstances="Снижение слуха выявлено при периодическом медосмотре.",
        act_approved_at=datetime(2025, 3, 26, 5, 0),
        victims=[
            _victim(
                "Өмүрбекова Гүлзада",
                date(1975, 3, 8),
                "Ткачиха",
                Decimal("22.0"),
                Outcome.transferred,
            )
        ],
    )
    disease.disease = DiseaseFile(
        form=DiseaseForm.chronic,
        health_organisation="ЦСМ № 7",
        preliminary_diagnosis="Нейросенсорная тугоухость",
        preliminary_icd10="H90.3",
        preliminary_at=date(2025, 2, 10),
        final_diagnosis="Двусторонняя нейросенсорная тугоухость II степени",
        final_icd10="H83.3",
    )
    last_year = _case(
        org,
        6,
        datetime(2024, 12, 31, 17, 59),
        category=Category.light,
        victims=[_victim("Прошлогодний Работник", date(1980, 1, 1), "Сторож")],
    )
    cases = [light, group, open_light, cancelled, foreign, disease, last_year]
    for case in cases:  # one by one: the ids follow the order of registration
        db.session.add(case)
        db.session.flush()
    db.session.commit()
    return SimpleNamespace(
        light=light, group=group, open_light=open_light, disease=disease, last_year=last_year
    )
