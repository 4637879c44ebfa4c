"""Formatting for documents: dates in Bishkek time, lengths of service, empty values."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from .labels import DASH, NOT_GIVEN

SIGN_LINE = "________________"
# A longer line for a fact written in by hand (dependants of a dead victim).
FILL_LINE = "________________________________________"

LOCAL_TZ = ZoneInfo("Asia/Bishkek")
DATE = "dd.MM.yyyy"
TIME = "HH:mm"
DATETIME = "dd.MM.yyyy HH:mm"
# The documents of an occupational-disease case (docs/procedure.md §4; context_disease.py).
DISEASE_KINDS = (
    "disease_notice",
    "working_conditions",
    "disease_act",
    "disease_insurer_notice",
)
KINDS = (
    "notice",
    "commission_order",
    "act_n1",
    "investigation_act",
    "insurer_notice",
    "closure_summary",
    "dissent",
    "scene_protocol",
    "interview_protocol",
    *DISEASE_KINDS,
    "register",  # not of one case: an employer's year (context_register.py)
)
SHORT_CIRCUMSTANCES = 200

# The heading of a notice built without an addressee (callers from before notices per addressee).
GENERIC_NOTICE_TITLE = {"ru": "Извещение", "ky": "Кабарлама"}


def _local(dt: datetime) -> datetime:
    """The database keeps naive UTC; documents show Bishkek wall-clock time."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(LOCAL_TZ)


def fmt_date(value, language: str, missing: str = DASH) -> str:
    if value is None:
        return missing
    if isinstance(value, datetime):
        value = _local(value).date()
    return format_date(value, DATE, locale=language)


def fmt_time(value: datetime | None, language: str, missing: str = DASH) -> str:
    if value is None:
        return missing
    return format_datetime(_local(value), TIME, tzinfo=LOCAL_TZ, locale=language)


def fmt_datetime(value: datetime | None, language: str, missing: str = DASH) -> str:
    if value is None:
        return missing
    return format_datetime(_local(value), DATETIME, tzinfo=LOCAL_TZ, locale=language)


def _text(value, language: str | None = None) -> str:
    """A free-text value; empty becomes "—", or "не указано" when a language is given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return NOT_GIVEN[language] if language else DASH
    return str(value).strip()


def _years_word(amount: Decimal, language: str) -> str:
    if language != "ru":
        return "жыл"
    if amount != amount.to_integral_value():
        return "года"
    n = int(amount)
    if n % 10 == 1 and n % 100 != 11:
        return "год"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "года"
    return "лет"


def fmt_years(value, language: str) -> str:
    """Length of service or age: "5,5 года" / "5,5 жыл"; "—" when unknown."""
    if value is None:
        return DASH
    amount = Decimal(str(value))
    number = format_decimal(amount, format="#,##0.#", locale=language)
    return f"{number} {_years_word(amount, language)}"


def _short(text: str, limit: int = SHORT_CIRCUMSTANCES) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return f"{cut}…"


def _value(enum_or_str) -> str | None:
    return None if enum_or_str is None else str(getattr(enum_or_str, "value", enum_or_str))
