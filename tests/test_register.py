"""The register (журнал регистрации несчастных случаев): its rows for a hand-made year (see
register_fixtures.py), the filters, keyset paging, every export read back, and who may see it."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from doc_templates import docx_text
from incidents.models import CaseKind, Category, Outcome
from incidents.services import register
from incidents.services.register import Filters
from incidents.services.register_export import register_columns, write_csv, write_xlsx

from .register_fixtures import GROUP_CIRCUMSTANCES, make_register_year

ACCIDENTS_2025 = [
    ("1/2025", "Бекова Айнура Маратовна", "1/2025"),
    ("2/2025", "Асанов Бакыт Төлөгөнович", "2/2025-1"),
    ("2/2025", "Исаева Нургүл Бакытовна", "2/2025-2"),  # the removed second row is not counted
    ("3/2025", "Токтогулов Эрлан", None),  # no act approved yet
]
RU_HEADER = [
    "№ дела",
    "Дата и время несчастного случая",
    "Категория несчастного случая",
    "Ф.И.О. пострадавшего",
    "Год рождения",
    "Стаж работы, лет",
    "Профессия (должность)",
    "Структурное подразделение",
    "Вид происшествия",
    "Краткие обстоятельства",
    "№ акта",
    "Дата утверждения акта",
    "Исход",
    "Принятые меры",
]
# Исаева's row in Russian, cell by cell, as a CSV has it
ISAEVA_CSV = [
    "2/2025",
    "04.03.2025 10:10",  # 04:10 UTC
    "групповой",
    "Исаева Нургүл Бакытовна",
    "1995",
    "3",
    "Бетонщица",
    "Участок № 3",
    "03 — Падение предметов, обрушение",
    GROUP_CIRCUMSTANCES,
    "2/2025-2",
    "20.03.2025",
    "смерть",
    "Внеплановый инструктаж; Оградить опасную зону",  # the removed measure is not there
]


@pytest.fixture
def year(db, world):
    return make_register_year(db, world)


def _summary(rows):
    return [(r.number, r.victim_name, r.act_number) for r in rows]


def test_rows_are_one_per_live_victim_of_the_year(app, world, year):
    rows = list(register.rows(world.employer.id, 2025))
    assert _summary(rows) == ACCIDENTS_2025
    asanov = rows[1]
    assert asanov.case_id == year.group.id
    assert asanov.occurred_at == datetime(2025, 3, 4, 4, 10)
    assert asanov.category == Category.group
    assert asanov.birth_year == 1990
    assert asanov.service_total_years == Decimal("7.5")
    assert asanov.unit == "Участок № 3" and asanov.event_type_code == "03"
    assert asanov.act_approved_at == datetime(2025, 3, 20, 5, 0)
    assert asanov.outcome == Outcome.under_treatment
    assert asanov.measures == ("Внеплановый инструктаж", "Оградить опасную зону")
    assert rows[3].measures == () and rows[3].outcome is None and rows[3].act_number is None


def test_the_year_is_the_bishkek_year_of_the_accident(app, world, year):
    last = list(register.rows(world.employer.id, 2024))
    assert _summary(last) == [("6/2025", "Прошлогодний Работник", None)]
    assert register.year_bounds(2025) == (datetime(2024, 12, 31, 18), datetime(2025, 12, 31, 18))


def test_occupational_diseases_have_their_own_register(app, world, year):
    rows = list(register.rows(world.employer.id, 2025, Filters(kind=CaseKind.occupational_disease)))
    assert _summary(rows) == [("5/2025", "Өмүрбекова Гүлзада", "5/2025")]
    (row,) = rows
    assert (row.icd10, row.diagnosis) == (
        "H83.3",
        "Двусторонняя нейросенсорная тугоухость II степени",
    )
    assert row.disease_form.value == "chronic" and row.category is None


@pytest.mark.parametrize(
    ("args", "names"),
    [
        ({"category": "group"}, ["Асанов Бакыт Төлөгөнович", "Исаева Нургүл Бакытовна"]),
        ({"unit": "Цех № 1"}, ["Бекова Айнура Маратовна", "Токтогулов Эрлан"]),
        ({"event_type": "02"}, ["Бекова Айнура Маратовна", "Токтогулов Эрлан"]),
        ({"outcome": "died"}, ["Исаева Нургүл Бакытовна"]),
        ({"q": "исаева"}, ["Исаева Нургүл Бакытовна"]),  # Cyrillic, any case
        ({"q": "ТОКТОГУЛОВ"}, ["Токтогулов Эрлан"]),
        ({"q": "%"}, []),  # a LIKE wildcard is a plain character
        ({"category": "group", "outcome": "died"}, ["Исаева Нургүл Бакытовна"]),
        ({"category": "nonsense", "outcome": "nonsense"}, [r[1] for r in ACCIDENTS_2025]),
    ],
)
def test_filters(app, world, year, args, names):
    filters = Filters.from_args(args)
    rows = register.rows(world.employer.id, 2025, filters)
    assert [r.victim_name for r in rows] == names
    assert register.count(world.employer.id, 2025, filters) == len(names)


@pytest.mark.parametrize("batch", [1, 2, 3])
def test_streaming_in_small_batches_gives_the_same_rows(app, world, year, batch):
    rows = register.rows(world.employer.id, 2025, batch=batch)
    assert _summary(rows) == ACCIDENTS_2025


def test_keyset_pages_forward_and_back(app, world, year):
    """A page is some cases with all their rows: the group accident is never split."""
    org, f = world.employer.id, Filters()
    first = register.page(org, 2025, f, size=2)
    assert _summary(first.rows) == ACCIDENTS_2025[:3] and first.prev is None
    assert first.next == year.group.id
    second = register.page(org, 2025, f, size=2, after=first.next)
    assert _summary(second.rows) == ACCIDENTS_2025[3:] and second.next is None
    assert second.prev == year.open_light.id
    back = register.page(org, 2025, f, size=2, before=second.prev)
    assert _summary(back.rows) == ACCIDENTS_2025[:3] and back.prev is None
    assert back.next == year.group.id
    one = register.page(org, 2025, f, size=1, before=year.open_light.id)
    assert _summary(one.rows) == ACCIDENTS_2025[1:3] and one.prev == year.group.id


def test_page_shows_the_register_and_pages_by_keyset(app, world, year, client_for):
    app.config["REGISTER_PER_PAGE"] = 2  # cases
    client = client_for(world.specialist)
    page = client.get("/register?year=2025")
    assert page.status_code == 200
    text = page.text
    assert "Бекова Айнура Маратовна" in text and "Исаева Нургүл Бакытовна" in text
    assert "Токтогулов Эрлан" not in text  # the fourth row is on the next page
    assert "Отменённый Случай" not in text and "Чужой Работник" not in text
    assert "№ 2/2025-2, 20.03.2025" in text
    start = text.index('rel="next" href="') + len('rel="next" href="')
    following = client.get(text[start : text.index('"', start)].replace("&amp;", "&"))
    assert "Токтогулов Эрлан" in following.text and "Бекова" not in following.text


def _csv(response):
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads Cyrillic right
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_in_russian(app, world, year, client_for):
    response = client_for(world.specialist).get("/register/export.csv?year=2025&lang=ru")
    assert "register-2025-" in response.headers["Content-Disposition"]
    header, *rows = _csv(response)
    assert header == RU_HEADER
    assert [(r[0], r[3]) for r in rows] == [(n, v) for n, v, _ in ACCIDENTS_2025]
    assert rows[2] == ISAEVA_CSV
    assert rows[0][1] == "01.01.2025 00:30" and rows[0][5] == "4"
    assert rows[1][5] == "7,5" and rows[1][12] == "находится на лечении"
    assert rows[3][10:13] == ["", "", ""]  # no act, no outcome yet


def test_csv_export_keeps_the_filters(app, world, year, client_for):
    url = "/register/export.csv?year=2025&lang=ru&outcome=died&category=group"
    _, *rows = _csv(client_for(world.head).get(url))
    assert rows == [ISAEVA_CSV]


def test_xlsx_export_in_kyrgyz_has_real_dates(app, world, year, client_for):
    response = client_for(world.specialist).get("/register/export.xlsx?year=2025&lang=ky")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in ws[1]]
    assert header == register_columns("accident", "ky")
    assert header[:4] == [
        "Иштин №",
        "Кырсыктын датасы жана убактысы",
        "Кырсыктын категориясы",
        "Жабыркагандын аты-жөнү",
    ]
    assert ws["A1"].font.b and ws.freeze_panes == "A2"
    assert ws.column_dimensions["D"].width > 25
    assert ws.max_row == 5  # the header and four victims
    asanov = [c.value for c in ws[3]]
    assert asanov[:6] == [
        "2/2025",
        datetime(2025, 3, 4, 10, 10),
        "топтук",
        "Асанов Бакыт Төлөгөнович",
        1990,
        7.5,
    ]
    assert asanov[8] == "03 — Буюмдардын кулашы, урап түшүү"
    assert asanov[10:13] == ["2/2025-1", datetime(2025, 3, 20), "дарыланууда"]
    assert ws["B3"].number_format == "dd.mm.yyyy hh:mm" and ws["L3"].number_format == "dd.mm.yyyy"
    assert [c.value for c in ws[5]][10:] == [None, None, None, None]


def test_exports_default_to_the_ui_language(app, db, world, year, client_for):
    world.head.language = "ky"
    db.session.commit()
    header, *_ = _csv(client_for(world.head).get("/register/export.csv?year=2025"))
    assert header[0] == "Иштин №"


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_docx_register(app, world, year, client_for, lang):
    response = client_for(world.specialist).get(f"/register/export.docx?year=2025&lang={lang}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(
        f"register-2025-{world.employer.id}-{lang}.docx"
    )
    text = docx_text(response.data)
    rows = {
        r[3].split(",")[0]: r for r in (ln.split(" | ") for ln in text.splitlines()) if len(r) == 11
    }
    assert len(rows) == 5  # the header and four victims
    if lang == "ru":
        assert "регистрации несчастных случаев на производстве" in text
        assert "Число записей: 4" in text
        assert rows["Исаева Нургүл Бакытовна"] == [
            "2/2025",
            "04.03.2025 10:10",
            "групповой",
            "Исаева Нургүл Бакытовна, 1995, 3 года",
            "Бетонщица",
            "Участок № 3",
            "03 — Падение предметов, обрушение",
            GROUP_CIRCUMSTANCES,
            "№ 2/2025-2, 20.03.2025",
            "смерть",
            "Внеплановый инструктаж; Оградить опасную зону",
        ]
    else:
        assert "ӨНДҮРҮШТӨГҮ КЫРСЫКТАРДЫ" in text and "Жазуулардын саны: 4" in text
        assert "Жабыркаган: аты-жөнү, туулган жылы, эмгек стажы" in text  # the Kyrgyz header
        row = rows["Токтогулов Эрлан"]
        assert row[:4] == ["3/2025", "10.06.2025 09:00", "жеңил", "Токтогулов Эрлан, 1979, —"]
        assert row[8:] == ["—", "—", "—"]
    assert "Отменённый Случай" not in text and "Прошлогодний Работник" not in text


def test_a_register_too_long_for_word_is_refused_with_a_way_out(app, world, year, client_for):
    app.config["REGISTER_DOCX_MAX_ROWS"] = 3  # the register of 2025 has four rows
    client = client_for(world.specialist)
    response = client.get("/register/export.docx?year=2025&lang=ru&category=group")
    assert response.status_code == 200  # two rows fit
    response = client.get("/register/export.docx?year=2025&lang=ru")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/register?org=")
    page = client.get(response.headers["Location"])
    assert "more than 3 entries" in page.text or "больше 3 записей" in page.text


def test_docx_register_of_occupational_diseases_in_kyrgyz(app, world, year, client_for):
    url = "/register/export.docx?year=2025&lang=ky&kind=occupational_disease"
    response = client_for(world.specialist).get(url)
    assert "disease-register-2025" in response.headers["Content-Disposition"]
    text = docx_text(response.data)
    assert "КЕСИПТИК ООРУЛАРДЫ" in text and "Диагноз (ЭОК-10 боюнча коду)" in text
    row = next(line.split(" | ") for line in text.splitlines() if line.startswith("5/2025 | "))
    assert row[:3] == ["5/2025", "10.02.2025 11:30", "өнөкөт"]
    assert row[6] == "H83.3 — Двусторонняя нейросенсорная тугоухость II степени"
    assert row[8:10] == ["№ 5/2025, 26.03.2025", "башка жумушка которулду"]


def test_exporters_run_without_http(app, world, year):
    """What the benchmark does: the stream into a file, no request."""
    out = io.BytesIO()
    write_csv(register.register_stream(world.employer.id, 2025, "ru"), out, RU_HEADER)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert rows[3] == ISAEVA_CSV
    out = io.BytesIO()
    n = write_xlsx(register.register_stream(world.employer.id, 2025, "ru"), out, RU_HEADER)
    assert n == 4
    ws = load_workbook(out).active
    assert ws["E4"].value == 1995 and ws["L4"].value == datetime(2025, 3, 20)


def test_csv_cells_never_start_a_formula_and_quote_what_needs_it():
    out = io.BytesIO()
    hostile = ['=HYPERLINK("x")', "-1+2", "@a", "ok", None, date(2025, 1, 2)]
    awkward = ['Цех "А"; линия 2', "две\nстроки", Decimal("12.50"), 1990, Decimal("3"), ""]
    write_csv([hostile, awkward], out, list("abcdef"))
    data = out.getvalue()
    assert data.count(b"\r\n") == 3  # the header and two rows: the cell keeps its own "\n"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ['\'=HYPERLINK("x")', "'-1+2", "'@a", "ok", "", "02.01.2025"]
    assert rows[2] == ['Цех "А"; линия 2', "две\nстроки", "12,5", "1990", "3", ""]


# -- who may see it ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/register", "/register/export.csv", "/register/export.xlsx"])
def test_anonymous_goes_to_login(client, world, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("who", ["stranger", "insurer", "member", "union"])
def test_others_may_not_open_the_employers_register(app, world, year, client_for, who):
    client = client_for(getattr(world, who))
    for url in ("/register", "/register/export.csv", "/register/export.docx"):
        assert client.get(f"{url}?org={world.employer.id}&year=2025").status_code == 403


def test_a_stranger_sees_only_their_own_register(app, world, year, client_for):
    page = client_for(world.stranger).get("/register?year=2025")
    assert page.status_code == 200
    assert "Чужой Работник" in page.text and "Исаева" not in page.text


def test_inspector_picks_an_employer_of_the_region_and_sees_its_serious_cases(
    app, world, year, client_for
):
    client = client_for(world.inspector)
    picker = client.get("/register")
    assert picker.status_code == 200
    assert f'value="{world.employer.id}"' in picker.text
    assert f'value="{world.other.id}"' not in picker.text  # another region
    assert client.get(f"/register?org={world.other.id}").status_code == 403
    page = client.get(f"/register?org={world.employer.id}&year=2025")
    assert "Асанов Бакыт Төлөгөнович" in page.text and "Бекова" not in page.text
    assert "Цех № 1" not in page.text  # not even the unit of a case the inspector may not see
    _, *rows = _csv(client.get(f"/register/export.csv?org={world.employer.id}&year=2025&lang=ru"))
    # the group accident only: light cases and occupational diseases are not the inspector's
    assert [r[3] for r in rows] == ["Асанов Бакыт Төлөгөнович", "Исаева Нургүл Бакытовна"]
    diseases = client.get(
        f"/register/export.csv?org={world.employer.id}&year=2025&kind=occupational_disease"
    )
    assert len(_csv(diseases)) == 1  # the header alone
