"""How a backup writes a column's values as JSON and reads them back exactly.

The column's type decides, not the value's: a JSON string could be a date, a Decimal or base64,
and only the schema knows which. Decoding gives the Python values SQLAlchemy itself returns, so
the target dialect's own type processing stores them, and a SQLite backup restores into
PostgreSQL (and back) with the same values: datetimes keep microseconds and whether they carry
a time zone, Decimals are strings (no float rounding), enums are stored by canonical name,
bytes are base64, JSON columns are their JSON text (SQL NULL stays distinct from JSON null)."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Text, bindparam, cast, null, type_coerce
from sqlalchemy.types import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Integer,
    Interval,
    LargeBinary,
    Numeric,
    String,
    Time,
    TypeDecorator,
    TypeEngine,
    Uuid,
)


class UnsupportedValue(TypeError):
    """A value of a type this codec cannot write faithfully (a new column type: add it here)."""


def _same(value):
    return value


def _native(value):
    if isinstance(value, str | int | float | bool):
        return value
    raise UnsupportedValue(type(value).__name__)


def _json_text(text):
    """SQL NULL arrives as None (the dump is never called with it); JSON null as 'null'."""
    value = json.loads(text)
    return JSON.NULL if value is None else value


def storage_type(column: Column) -> TypeEngine:
    """The type the database holds. A TypeDecorator is read and written through its impl, so
    its Python-side conversion is neither needed here nor applied twice; Interval stays itself
    because its impl differs between dialects (a DATETIME on SQLite, INTERVAL on PostgreSQL)."""
    kind = column.type
    while isinstance(kind, TypeDecorator) and not isinstance(kind, Interval):
        kind = kind.impl_instance
    return kind


def _codec(kind: TypeEngine) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """(encode, decode) for non-NULL values of a storage type."""
    if isinstance(kind, Enum):  # before String, which it extends
        if kind.enum_class is None:
            return _same, _same
        enum_class = kind.enum_class
        return (lambda v: v.name), (lambda v: enum_class[v])
    if isinstance(kind, Boolean | Integer | String):
        return _native, _same
    if isinstance(kind, Numeric):  # Float and Double too
        if kind.asdecimal:
            return str, Decimal
        return _native, float
    if isinstance(kind, DateTime):
        return datetime.isoformat, datetime.fromisoformat
    if isinstance(kind, Date):
        return date.isoformat, date.fromisoformat
    if isinstance(kind, Time):
        return time.isoformat, time.fromisoformat
    if isinstance(kind, Interval):
        return (lambda v: [v.days, v.seconds, v.microseconds]), (lambda v: timedelta(*v))
    if isinstance(kind, LargeBinary):
        return (lambda v: base64.b64encode(v).decode("ascii")), base64.b64decode
    if isinstance(kind, JSON):
        return _same, _json_text  # read as text, see read_expression
    if isinstance(kind, Uuid):
        return (str, uuid.UUID) if kind.as_uuid else (_same, _same)
    return _native, _same


class ColumnCodec:
    """Reads, encodes, decodes and binds one column."""

    def __init__(self, column: Column, position: int):
        self.column = column
        self.name = column.name
        self.kind = storage_type(column)
        self.param = f"p{position}"  # a column's own name is reserved in insert().values()
        self._encode, self._decode = _codec(self.kind)

    def read_expression(self):
        if isinstance(self.kind, JSON):
            # its text on every dialect: NULL for SQL NULL, 'null' for JSON null
            return cast(self.column, Text)
        return type_coerce(self.column, self.kind)

    def bind(self):
        return bindparam(self.param, type_=self.kind)

    def encode(self, value):
        if value is None:
            return None
        try:
            return self._encode(value)
        except (UnsupportedValue, AttributeError, TypeError) as exc:
            raise UnsupportedValue(
                f"{self.column.table.name}.{self.name}: cannot back up a {type(value).__name__}"
                f" value of type {self.kind!r}"
            ) from exc

    def decode(self, value):
        if value is None:
            return null() if isinstance(self.kind, JSON) else None
        return self._decode(value)


def codecs(table) -> list[ColumnCodec]:
    return [ColumnCodec(column, i) for i, column in enumerate(table.columns)]
