"""The numbers a URL carries: the ids in its path and the numbers in its query string.

Every id column is an INTEGER, so an id outside 1..MAX_ID names no row. Asking the database
for one is an error of its own (SQLite cannot bind a number past 64 bits), so such an id never
gets that far: the path does not match any route, and the answer is the same 404 as for an
id no row has, on every screen and in the API."""

from __future__ import annotations

from flask import request
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from ..openapi import MAX_ID


class IdConverter(IntegerConverter):
    """`<int:…>` on every route of the app: a whole number from 1 to MAX_ID, else 404.

    Not werkzeug's ValidationError ("try the next rule"): when the same path has a rule for
    another method (GET and PATCH /api/v1/cases/<id>), werkzeug would then answer 405."""

    def to_python(self, value: str) -> int:
        # the length first: Python refuses to read a number of thousands of digits
        if len(value.lstrip("0")) > len(str(MAX_ID)):
            raise NotFound()
        number = super().to_python(value)
        if not 1 <= number <= MAX_ID:
            raise NotFound()
        return number


def number_arg(name: str, default: int | None = None) -> int | None:
    """A whole number from 1 to MAX_ID in the query string of a screen (a page number, a
    cursor, an organisation's id), else `default`.

    Anything else (a word, zero, a negative or a number no id can reach) is treated as if it
    had not been given: a list shows its first page, a filter its default. It is only ever
    a link someone edited by hand, and a first page tells them more than an error page. The
    API is stricter and names the parameter in a 400 (api_json.page_arg)."""
    raw = request.args.get(name, "")
    if not (raw.isascii() and raw.isdigit()) or len(raw.lstrip("0")) > len(str(MAX_ID)):
        return default
    value = int(raw)
    return value if 1 <= value <= MAX_ID else default
