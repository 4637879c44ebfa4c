"""The register (журнал регистрации несчастных случаев, docs/procedure.md §5) as legal output: its
columns in Russian and Kyrgyz, one entry per victim as strings for the .docx template, and as
typed cells (dates as dates, years as numbers) for the spreadsheet exports.

An occupational disease has its own register with the same shape: the disease's form (acute,
chronic) stands where an accident's category stands, and the diagnosis with its ICD-10 code
where the event type stands, so one table reads naturally for either kind.

A row is read duck-typed (the service's ``RegisterRow`` or anything shaped like it): ``number``,
``kind``, ``category``, ``disease_form``, ``occurred_at`` (naive UTC), ``victim_name``,
``birth_year``, ``service_total_years``, ``occupation``, ``unit``, ``event_type_code``,
``icd10``, ``diagnosis``, ``circumstances``, ``act_number``, ``act_approved_at``, ``outcome``,
``measures`` (a sequence of strings)."""

from __future__ import annotations

from datetime import UTC, datetime

from .formatting import _local, _short, _text, fmt_date, fmt_datetime, fmt_years
from .labels import DASH, LABELS
from .parts import _employer

ACCIDENT = "accident"
DISEASE = "occupational_disease"
REGISTER_KINDS = (ACCIDENT, DISEASE)

# (key, accident title, disease title): each title is {language: text}; None = same as accident
_COLUMNS = (
    ("number", {"ru": "№ дела", "ky": "Иштин №"}, None),
    (
        "occurred_at",
        {"ru": "Дата и время несчастного случая", "ky": "Кырсыктын датасы жана убактысы"},
        {
            "ru": "Дата и время установления предварительного диагноза",
            "ky": "Алдын ала диагноз коюлган дата жана убакыт",
        },
    ),
    (
        "category",
        {"ru": "Категория несчастного случая", "ky": "Кырсыктын категориясы"},
        {"ru": "Форма заболевания", "ky": "Оорунун формасы"},
    ),
    (
        "victim",
        {"ru": "Ф.И.О. пострадавшего", "ky": "Жабыркагандын аты-жөнү"},
        {"ru": "Ф.И.О. работника", "ky": "Кызматкердин аты-жөнү"},
    ),
    ("birth_year", {"ru": "Год рождения", "ky": "Туулган жылы"}, None),
    ("service", {"ru": "Стаж работы, лет", "ky": "Эмгек стажы, жыл"}, None),
    ("occupation", {"ru": "Профессия (должность)", "ky": "Кесиби (кызматы)"}, None),
    ("unit", {"ru": "Структурное подразделение", "ky": "Түзүмдүк бөлүм"}, None),
    (
        "event",
        {"ru": "Вид происшествия", "ky": "Окуянын түрү"},
        {"ru": "Диагноз (код по МКБ-10)", "ky": "Диагноз (ЭОК-10 боюнча коду)"},
    ),
    (
        "circumstances",
        {"ru": "Краткие обстоятельства", "ky": "Кыскача жагдайлары"},
        {"ru": "Краткие обстоятельства и условия", "ky": "Кыскача жагдайлары жана шарттары"},
    ),
    ("act_number", {"ru": "№ акта", "ky": "Актынын №"}, None),
    ("act_date", {"ru": "Дата утверждения акта", "ky": "Акт бекитилген күн"}, None),
    ("outcome", {"ru": "Исход", "ky": "Натыйжасы"}, None),
    ("measures", {"ru": "Принятые меры", "ky": "Көрүлгөн чаралар"}, None),
)
COLUMN_KEYS = tuple(key for key, _, _ in _COLUMNS)


def _kind(value) -> str:
    kind = str(getattr(value, "value", value))
    if kind not in REGISTER_KINDS:
        raise ValueError(f"unknown register kind {kind!r}")
    return kind


def register_columns(kind, language: str) -> list[str]:
    """The column titles of the spreadsheet exports, in the order of `register_cells`."""
    disease = _kind(kind) == DISEASE
    return [((d if disease and d else a)[language]) for _, a, d in _COLUMNS]


def _diagnosis(row) -> str | None:
    """ "H83.3 — Нейросенсорная тугоухость": the code and the name that are recorded."""
    parts = [str(v).strip() for v in (row.icd10, row.diagnosis) if v and str(v).strip()]
    return " — ".join(parts) or None


def cell_maker(language: str, rules):
    """`register_cells` for many rows of one language: the labels are looked up once, not
    once a row (an export of 100,000 rows calls it 100,000 times)."""
    categories = LABELS["category"][language]
    forms = LABELS["disease_form"][language]
    outcomes = LABELS["outcome"][language]
    events: dict[str, str] = {}

    def event(code: str) -> str:
        text = events.get(code)
        if text is None:
            text = events[code] = f"{code} — {rules.label('event_types', code, language)}"
        return text

    def cells(row) -> list:
        disease = row.kind == DISEASE  # a StrEnum member or its value
        if disease:
            kind_label = forms.get(str(row.disease_form)) if row.disease_form else None
            what = _diagnosis(row)
        else:
            kind_label = categories.get(str(row.category)) if row.category else None
            what = event(row.event_type_code) if row.event_type_code else None
        approved = row.act_approved_at
        return [
            row.number,
            _local(row.occurred_at).replace(tzinfo=None),
            kind_label,
            row.victim_name,
            row.birth_year,
            row.service_total_years,
            row.occupation or None,
            row.unit or None,
            what,
            _short(row.circumstances) if row.circumstances else None,
            row.act_number if approved is not None else None,
            _local(approved).date() if approved is not None else None,
            outcomes.get(str(row.outcome)) if row.outcome else None,
            "; ".join(row.measures) or None,
        ]

    return cells


def register_cells(row, language: str, rules) -> list:
    """One spreadsheet row: strings, an int (birth year), a Decimal (service), a naive Bishkek
    datetime and date; None where nothing was recorded (an empty cell, not a dash, so the
    sheet can be filtered and summed). The labels are the document labels of `language`."""
    return cell_maker(language, rules)(row)


def register_entry(row, language: str, rules) -> dict[str, str]:
    """One row of the .docx register, all strings: the victim's name, birth year and service
    in one cell and the act's number and date in another, as the paper register has them."""
    cells = dict(zip(COLUMN_KEYS, register_cells(row, language, rules), strict=True))
    approved = row.act_approved_at
    act = f"№ {row.act_number}, {fmt_date(approved, language)}" if approved else DASH
    service = fmt_years(row.service_total_years, language)
    return {
        "number": _text(row.number),
        "datetime": fmt_datetime(row.occurred_at, language),
        "category": cells["category"] or DASH,
        "victim": f"{_text(row.victim_name)}, {row.birth_year}, {service}",
        "occupation": _text(row.occupation),
        "unit": _text(row.unit),
        "event": cells["event"] or DASH,
        "circumstances": cells["circumstances"] or DASH,
        "act": act,
        "outcome": cells["outcome"] or DASH,
        "measures": cells["measures"] or DASH,
    }


def build_register_context(
    employer, year: int, kind, entries: list[dict], language: str, now=None
) -> dict:
    """The context of the `register` template: the employer (duck-typed organisation), the
    year, the register's kind ("accident" or "occupational_disease") and its entries (from
    `register_entry`)."""
    if language not in ("ru", "ky"):
        raise ValueError(f"unsupported document language {language!r}")
    now = now or datetime.now(UTC)
    return {
        "language": language,
        "doc_date": fmt_date(now, language),
        "kind": _kind(kind),
        "year": str(year),
        "employer": _employer(employer, language),
        "entries": list(entries),
        "entries_count": str(len(entries)),
    }
