"""Injury statistics on a small hand-made data set: every count and rate worked out by hand
below, the month buckets on the Bishkek clock, the XLSX read back, the dashboard's charts as
SVG, and who may see which organisations.

The employer (headcount 200) has, in 2025 (Bishkek dates):
  light   10 Mar  one victim, recovered, 12 days (plus a removed victim row of 100 days)
  group   20 Mar  two victims: one died (after 3 days), one recovered after 30 days
  severe  1 Feb 02:00 Bishkek = 31 Jan 20:00 UTC  one victim, 45 days; its main cause was
          changed (the first main cause row was removed)
  disease (chronic) 15 Apr, one worker, 60 days
and, not counted: an accident at 23:30 on 31 Dec 2024 Bishkek, a cancelled one, one declared
unrelated to work, and a disease the commission found not connected to work.

Accidents: 3 cases, 4 victims, 1 death, 12 + 3 + 30 + 45 = 90 days;
  Кч = 3 × 1000 / 200 = 15.0; Кт = (12 + 30 + 45) / 3 injured survivors = 29.0;
  fatality = 1 × 1000 / 200 = 5.0.
Diseases: 1 case, 1 victim, 0 deaths, 60 days; Кч = 5.0; Кт = 60.0; fatality 0.0."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from io import BytesIO
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from incidents.models import (
    Case,
    CaseKind,
    CaseStatus,
    Category,
    Cause,
    DiseaseFile,
    DiseaseForm,
    InsurerPackage,
    OrgKind,
    Outcome,
    PackageStatus,
    Role,
    User,
    Victim,
)
from incidents.models.timeutil import utcnow
from incidents.rules import for_case
from incidents.rules import load as load_rules
from incidents.services import dashboard, deadlines, statistics
from incidents.services.statistics import Period
from tests import factories

EVENT_02 = load_rules("kr").label("event_types", "02", "ru")
EVENT_05 = load_rules("kr").label("event_types", "05", "ru")
YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))
ARGS = "from=2025-01-01&to=2025-12-31"
_seq = itertools.count(1)


def _victim(outcome=Outcome.recovered, days=12, removed=False) -> Victim:
    return Victim(
        full_name="Талант Асанов",
        sex="male",
        birth_date=date(1990, 5, 17),
        person_category="employee",
        occupation="Монтажник",
        outcome=outcome,
        days_lost=days,
        removed_at=datetime(2025, 6, 1) if removed else None,
    )


def _case(org, occurred: datetime, victims=None, causes=(("09", True, False),), **kw) -> Case:
    """An accident as the register holds it after the investigation; `causes` are
    (code, is_main, removed)."""
    kw.setdefault("category", Category.light)
    kw.setdefault("status", CaseStatus.closed)
    kw.setdefault("event_type_code", "02")
    kw.setdefault("structural_unit", "Участок № 2")
    kw.setdefault("work_related", True)
    case = Case(
        organisation=org,
        year=occurred.year,
        seq=next(_seq),
        occurred_at=occurred,
        reported_at=occurred,
        place="Строительный объект",
        work_performed="Монтаж",
        circumstances="Упал с настила.",
        **kw,
    )
    case.victims_all.extend(victims if victims is not None else [_victim()])
    case.causes_all.extend(
        Cause(code=code, is_main=main, description="—", removed_at=datetime(2025, 6, 1))
        if removed
        else Cause(code=code, is_main=main, description="—")
        for code, main, removed in causes
    )
    factories.db.session.add(case)
    return case


def _disease(org, occurred: datetime, connected=True, days=60) -> Case:
    case = _case(
        org,
        occurred,
        victims=[_victim(Outcome.transferred, days)],
        causes=(),
        kind=CaseKind.occupational_disease,
        category=None,
        event_type_code=None,
        structural_unit="Ткацкое производство",
        work_related=None,
    )
    case.disease = DiseaseFile(
        form=DiseaseForm.chronic,
        health_organisation="ЦСМ № 7",
        preliminary_diagnosis="Тугоухость",
        preliminary_icd10="H90.3",
        preliminary_at=occurred.date(),
        final_icd10="H83.3",
        connected_to_work=connected,
    )
    return case


@pytest.fixture
def data(world, db):
    w = world
    w.employer.headcount = 200
    org = w.employer
    w.light = _case(
        org, datetime(2025, 3, 10, 4), victims=[_victim(days=12), _victim(days=100, removed=True)]
    )
    w.group = _case(
        org,
        datetime(2025, 3, 20, 5),
        category=Category.group,
        event_type_code="05",
        victims=[_victim(Outcome.died, 3), _victim(Outcome.recovered, 30)],
    )
    w.severe = _case(
        org,
        datetime(2025, 1, 31, 20),  # 1 Feb 02:00 in Bishkek
        category=Category.severe,
        structural_unit="Цех № 1",
        victims=[_victim(days=45)],
        causes=(("07", True, True), ("03", True, False), ("11", False, False)),
    )
    w.disease = _disease(org, datetime(2025, 4, 15, 6))
    # not counted
    _case(org, datetime(2024, 12, 31, 17, 30))  # 31 Dec 23:30 in Bishkek
    _case(org, datetime(2025, 5, 5), status=CaseStatus.cancelled)
    _case(org, datetime(2025, 6, 6), category=Category.severe, work_related=False)
    _disease(org, datetime(2025, 7, 7), connected=False)
    # another region's employer
    w.osh_case = _case(w.other, datetime(2025, 8, 8), category=Category.fatal)
    db.session.commit()
    return w


def _figures(user, org_id=None, period=YEAR):
    return statistics.compute(statistics.scope_for(user, period, org_id), period)


def test_the_employers_year_counted_by_hand(data, db):
    specialist_id = data.specialist.id
    db.session.expunge_all()
    stats = _figures(db.session.get(User, specialist_id))
    a, d = stats.accidents, stats.diseases
    assert (stats.organisations, stats.headcount, stats.without_headcount) == (1, 200, 0)
    assert (a.cases, a.victims, a.deaths, a.days_lost) == (3, 4, 1, 90)
    assert (a.injured, a.injured_days) == (3, 87)
    assert a.frequency == 3 * 1000 / 200 == 15.0
    assert a.severity == (12 + 30 + 45) / 3 == 29.0
    assert a.fatality == 1 * 1000 / 200 == 5.0
    assert a.by["category"] == [("light", 1), ("severe", 1), ("group", 1)]
    assert a.by["event_type"] == [("02", 2), ("05", 1)]
    assert a.by["cause"] == [("09", 2), ("03", 1)]  # the removed main cause "07" is gone
    assert a.by["unit"] == [("Участок № 2", 2), ("Цех № 1", 1)]
    months = dict(a.by["month"])
    assert len(months) == 12 and sum(months.values()) == 3
    assert (months["2025-01"], months["2025-02"], months["2025-03"]) == (0, 1, 2)
    assert (d.cases, d.victims, d.deaths, d.days_lost) == (1, 1, 0, 60)
    assert (d.frequency, d.severity, d.fatality) == (5.0, 60.0, 0.0)
    assert d.by["category"] == [("chronic", 1)]
    assert d.by["diagnosis"] == [("H83.3", 1)]  # the final diagnosis, not the preliminary
    assert dict(d.by["month"])["2025-04"] == 1
    # aggregated in the database: not one case was loaded
    assert not [o for o in db.session.identity_map.values() if isinstance(o, Case)]


def test_rates_are_none_without_a_headcount(data, db):
    data.employer.headcount = None
    db.session.commit()
    a = _figures(data.head).accidents
    assert a.cases == 3 and a.frequency is None and a.fatality is None
    assert a.severity == 29.0  # needs no headcount


def test_months_and_period_follow_the_bishkek_clock(world, db):
    org = world.employer
    _case(org, datetime(2025, 1, 31, 17, 59))  # 31 Jan 23:59 in Bishkek
    _case(org, datetime(2025, 1, 31, 18, 0))  # 1 Feb 00:00 in Bishkek
    db.session.commit()
    months = dict(_figures(world.specialist).accidents.by["month"])
    assert (months["2025-01"], months["2025-02"]) == (1, 1)
    january = Period(date(2025, 1, 1), date(2025, 1, 31))
    assert _figures(world.specialist, period=january).accidents.cases == 1
    assert dict(_figures(world.specialist, period=january).accidents.by["month"]) == {"2025-01": 1}


def test_who_sees_which_organisations(data, db):
    inspectorate = factories.make_org("Инспекция Ош", kind=OrgKind.inspectorate, region="osh")
    osh_inspector = factories.make_user(Role.inspector, inspectorate, "osh-inspector@example.kg")
    db.session.commit()
    # the region's inspector: every employer of the region, light cases included
    mine = _figures(data.inspector)
    assert (mine.accidents.cases, mine.organisations) == (3, 1)
    assert _figures(data.inspector, data.employer.id).accidents.cases == 3
    # another region's inspector, the other employer's staff: not this employer
    assert statistics.scope_for(osh_inspector, YEAR, data.employer.id) is None
    assert _figures(osh_inspector).accidents.cases == 1
    assert statistics.scope_for(data.stranger, YEAR, data.employer.id) is None
    assert _figures(data.stranger).accidents.by["category"] == [("fatal", 1)]
    for user in (data.member, data.union):
        assert statistics.scope_for(user, YEAR) is None


def test_the_insurer_counts_only_the_cases_handed_to_it(data, db):
    assert _figures(data.insurer).accidents.cases == 0
    db.session.add(
        InsurerPackage(
            uid="0f6a8c1e-0000-4000-8000-000000000001",
            case_id=data.group.id,
            insurer_id=data.insurer_org.id,
            policy_id=data.policy.id,
            version=1,
            status=PackageStatus.ready,
        )
    )
    db.session.commit()
    stats = _figures(data.insurer)
    # both insured employers' workers (200 + unknown) but only the case handed over
    assert (stats.organisations, stats.headcount, stats.without_headcount) == (2, 200, 1)
    assert (stats.accidents.cases, stats.accidents.victims, stats.accidents.deaths) == (1, 2, 1)
    assert statistics.scope_for(data.insurer, YEAR, data.employer.id) is not None
    assert _figures(data.insurer, data.other.id).accidents.cases == 0


def _hand_over(case, insurer, policy, n: int) -> None:
    factories.db.session.add(
        InsurerPackage(
            uid=f"0f6a8c1e-0000-4000-8000-{n:012d}",
            case_id=case.id,
            insurer_id=insurer.id,
            policy_id=policy.id,
            version=1,
            status=PackageStatus.ready,
        )
    )


def test_the_insurer_keeps_an_employer_whose_policy_lapsed_for_its_cases_of_the_period(data, db):
    """Two employers whose policies with the insurer ended in mid-2024: one's 2025 accident was
    handed to the insurer all the same (it occurred before the policy was found to have
    lapsed), so it is in the insurer's 2025 scope; the other's handed case is of 2023, when
    its policy still ran, so it is in the 2023 scope and not in 2025's."""
    ended = date(2024, 6, 30)
    lapsed = factories.make_org("ОсОО «Тоо-Таш»")
    lapsed_policy = factories.make_policy(lapsed, data.insurer_org, "ГО-2020-7", valid_to=ended)
    older = factories.make_org("ОсОО «Эски-Кен»")
    older_policy = factories.make_policy(older, data.insurer_org, "ГО-2020-8", valid_to=ended)
    handed = _case(lapsed, datetime(2025, 9, 1, 6))
    old = _case(older, datetime(2023, 9, 1, 6), category=Category.severe)
    db.session.flush()
    _hand_over(handed, data.insurer_org, lapsed_policy, 2)
    _hand_over(old, data.insurer_org, older_policy, 3)
    db.session.commit()

    stats = _figures(data.insurer)
    # the employer and the other one through their running policies, and `lapsed`
    assert (stats.organisations, stats.accidents.cases) == (3, 1)
    assert statistics.scope_for(data.insurer, YEAR, lapsed.id) is not None
    assert statistics.scope_for(data.insurer, YEAR, older.id) is None
    y2023 = Period(date(2023, 1, 1), date(2023, 12, 31))
    assert statistics.scope_for(data.insurer, y2023, older.id) is not None
    earlier = _figures(data.insurer, period=y2023)
    assert (earlier.organisations, earlier.accidents.cases) == (4, 1)
    assert earlier.accidents.by["category"] == [("severe", 1)]


def test_the_page_shows_the_tables(data, client_for):
    page = client_for(data.specialist).get(f"/statistics?{ARGS}")
    assert page.status_code == 200
    html = page.text
    for text in ("15,00", "29,00", "5,00", "Участок № 2", "Цех № 1", "H83.3", "Хроническое"):
        assert text in html, text
    assert 'id="organisation"' not in html  # one employer: nothing to choose
    inspector = client_for(data.inspector).get(f"/statistics?{ARGS}").text
    assert 'id="organisation"' in inspector and "Ак &amp; Көк" in inspector
    unreadable = client_for(data.specialist).get("/statistics?from=2025-13-01&to=x")
    assert unreadable.status_code == 200 and "alert-warning" in unreadable.text


def test_the_xlsx_export_reads_back(data, client_for):
    response = client_for(data.specialist).get(f"/statistics.xlsx?{ARGS}")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "statistics-2025-01-01-2025-12-31.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(BytesIO(response.data), read_only=True)
    summary = [row for row in book.worksheets[0].iter_rows(values_only=True) if any(row)]
    assert "01.01.2025 – 31.12.2025" in summary[0][0]
    values = {row[0]: row[1:3] for row in summary[2:]}
    assert values["Дела"] == (3, 1)
    assert values["Пострадавшие"] == (4, 1)
    assert values["Дней нетрудоспособности"] == (90, 60)
    assert values["Численность работников"] == (200, 200)
    rates = [row[1:3] for row in summary[-3:]]
    assert rates == [(15.0, 5.0), (29.0, 60.0), (5.0, 0.0)]
    sheets = {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets[1:]}
    assert len(sheets) == 6  # one per breakdown; a column per kind of case that has it
    category = sheets["Категория"]
    assert category[0][0] == "Категория" and len(category[0]) == 3
    assert category[1:] == [
        ("Лёгкий", 1, 0),
        ("Тяжёлый", 1, 0),
        ("Групповой", 1, 0),
        ("Хроническое", 0, 1),
    ]
    assert sheets["Вид происшествия"][1:] == [(f"02 — {EVENT_02}", 2), (f"05 — {EVENT_05}", 1)]
    assert [row[0][:2] for row in sheets["Основная причина"][1:]] == ["09", "03"]
    assert sheets["Структурное подразделение"][1:] == [
        ("Участок № 2", 2, 0),
        ("Цех № 1", 1, 0),
        ("Ткацкое производство", 0, 1),
    ]
    months = next(rows for rows in sheets.values() if len(rows) == 13)
    assert months[2] == ("февраль 2025", 1, 0) and months[4] == ("апрель 2025", 0, 1)


def _svg(response) -> ElementTree.Element:
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'"
    )
    text = response.get_data(as_text=True)
    assert "<script" not in text
    assert 'href="http' not in text and "url(http" not in text  # nothing fetched
    return ElementTree.fromstring(response.data)  # noqa: S314  (our own response)


def _texts(svg: ElementTree.Element) -> list[str]:
    return ["".join(el.itertext()) for el in svg.iter() if el.tag.endswith("text")]


def test_charts_are_svg_images_with_translated_labels(data, client_for, db):
    # an open case whose investigation deadline has passed
    open_case = factories.make_case(data, category="light")
    factories.advance_to(open_case, data, "investigating")
    open_case.investigation_started_at = datetime(2025, 1, 1)
    factories.make_case(data)  # just reported: its notices are due within hours
    db.session.commit()
    client = client_for(data.specialist)
    texts = {
        name: _texts(_svg(client.get(f"/dashboard/{name}.svg?{ARGS}")))
        for name in ("month", "category", "cause", "stage", "overdue")
    }
    assert {"Лёгкий", "Тяжёлый", "Групповой", "Профессиональное заболевание"} <= set(
        texts["category"]
    )
    assert any("фев" in t.lower() for t in texts["month"])
    assert any(t.startswith("09 — ") for t in texts["cause"])
    assert "Идёт расследование" in texts["stage"]
    assert any(t.startswith("Просрочено: 1") for t in texts["overdue"])
    assert client.get("/dashboard/nothing.svg").status_code == 404
    counts = dashboard.open_by_overdue(statistics.scope_for(data.specialist, YEAR), utcnow())
    assert counts == {"overdue": 1, "on_time": 1, "no_deadline": 0}
    # what the Python clock says of the same open cases
    open_cases = db.session.scalars(
        db.select(Case).where(Case.status.not_in([CaseStatus.closed, CaseStatus.cancelled]))
    ).all()
    assert [deadlines.is_overdue(c, for_case(c), utcnow()) for c in open_cases].count(True) == 1


def test_the_dashboard_page_links_each_chart(data, client_for):
    page = client_for(data.inspector).get(f"/dashboard?{ARGS}")
    assert page.status_code == 200
    for name in ("month", "category", "cause", "stage", "overdue"):
        assert f'src="/dashboard/{name}.svg?from=2025-01-01&amp;to=2025-12-31"' in page.text


@pytest.mark.parametrize(
    "path", ["/statistics", "/statistics.xlsx", "/dashboard", "/dashboard/month.svg"]
)
def test_access(data, client, client_for, db, path):
    inspectorate = factories.make_org("Инспекция Ош", kind=OrgKind.inspectorate, region="osh")
    osh = factories.make_user(Role.inspector, inspectorate, "osh-inspector@example.kg")
    db.session.commit()
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous.location
    ours = f"{path}?organisation={data.employer.id}"
    for user in (data.stranger, osh, data.member):
        assert client_for(user).get(ours).status_code == 403, user.email
    for user in (data.specialist, data.inspector, data.insurer):
        assert client_for(user).get(ours).status_code == 200, user.email
    assert client_for(data.stranger).get(path).status_code == 200  # their own organisation
