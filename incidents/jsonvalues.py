"""Stored values as JSON writes them, the same in the API and in the insurer's package.json:
naive UTC datetimes as ISO 8601 with "Z", dates as YYYY-MM-DD, enums by value, Decimals as
numbers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum


def iso(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    return value.isoformat()


def plain(value):
    if isinstance(value, datetime | date):
        return iso(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    return value
