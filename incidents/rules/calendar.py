"""Working-day and month arithmetic for the legal clock of one jurisdiction.

A working day is Monday-Friday that is not a public holiday of the country, as listed by the
`holidays` library (`holidays.country_holidays("KG")`, "RU", "KZ"). Only the PUBLIC category
counts: the library's WORKDAY category (e.g. KG's Days of History, working since 2025) is a
commemoration, not a day off. Weekend days moved to a working day by a government decree are
not modelled (the library does not list them).

Times: the database stores naive UTC. A calendar with a `timezone` reads a naive start as UTC,
counts days and months on the wall clock of that zone (a working day is a local day) and
returns naive UTC again. A calendar without a zone counts on the value as given."""

from __future__ import annotations

import calendar as _stdlib_calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays


@cache
def _holidays(country: str, year: int):
    return holidays.country_holidays(country, years=year)


def supported(country: str) -> bool:
    return country in holidays.list_supported_countries()


@dataclass(frozen=True)
class Calendar:
    country: str | None = None  # ISO code known to `holidays`; None: weekends only
    timezone: str | None = None  # IANA zone the days are counted in; None: as given

    def holiday(self, day: date) -> str | None:
        """The name of the public holiday on `day`, if any."""
        if self.country is None:
            return None
        return _holidays(self.country, day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.holiday(day) is None

    # -- arithmetic on the wall clock -------------------------------------------------------

    def _to_wall(self, start: datetime) -> datetime:
        if self.timezone is None:
            return start
        tz = ZoneInfo(self.timezone)
        aware = start if start.tzinfo else start.replace(tzinfo=UTC)
        return aware.astimezone(tz).replace(tzinfo=None)

    def _from_wall(self, wall: datetime, like: datetime) -> datetime:
        if self.timezone is None:
            return wall
        aware = wall.replace(tzinfo=ZoneInfo(self.timezone))
        if like.tzinfo:
            return aware.astimezone(like.tzinfo)
        return aware.astimezone(UTC).replace(tzinfo=None)

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """The same wall-clock time `n` working days after start."""
        end = self._to_wall(start)
        while n > 0:
            end += timedelta(days=1)
            if self.is_working_day(end.date()):
                n -= 1
        return self._from_wall(end, start)

    def add_months(self, start: datetime, n: int) -> datetime:
        """The same day `n` months later, clamped to the month's last day ("31 Jan + 1mo" is
        28/29 Feb), at the same wall-clock time."""
        wall = self._to_wall(start)
        months = wall.month - 1 + n
        year, month = wall.year + months // 12, months % 12 + 1
        day = min(wall.day, _stdlib_calendar.monthrange(year, month)[1])
        return self._from_wall(wall.replace(year=year, month=month, day=day), start)


WEEKENDS_ONLY = Calendar()


def calendar_for(country: str | Calendar | None, timezone: str | None = None) -> Calendar:
    if isinstance(country, Calendar):
        return country
    return Calendar(country, timezone)
