"""Validation of a rule pack: everything wrong with it, as readable lines."""

from __future__ import annotations

import tomllib

from . import CATEGORIES, CODE_LISTS, LANGUAGES, NOTICE_WHEN, Duration, _read


def validate(name: str, directory=None) -> list[str]:
    """Everything wrong with the pack, as readable lines; empty when it is sound."""
    try:
        raw = _read(name, directory)
    except (OSError, ValueError, tomllib.TOMLDecodeError) as exc:
        return [f"cannot read the pack: {exc}"]
    return _Checker(raw).run()


class _Checker:
    def __init__(self, raw: dict):
        self.raw = raw
        self.errors: list[str] = []

    def err(self, where: str, what: str) -> None:
        self.errors.append(f"{where}: {what}")

    def texts(self, where: str, value, what: str) -> None:
        if not isinstance(value, dict):
            self.err(where, f"{what} must be a table with {', '.join(LANGUAGES)}")
            return
        missing = [lang for lang in LANGUAGES if not str(value.get(lang) or "").strip()]
        if missing:
            self.err(where, f"{what} has no text in {', '.join(missing)}")

    def duration(self, where: str, value) -> None:
        try:
            Duration.parse(value)
        except ValueError as exc:
            self.err(where, str(exc))

    def timestamp(self, where: str, value) -> None:
        from ..models import Case

        column = Case.__table__.columns.get(value) if isinstance(value, str) else None
        if column is None or not str(column.type).upper().startswith(("DATETIME", "TIMESTAMP")):
            self.err(where, f"{value!r} is not a timestamp column of case_file")

    def run(self) -> list[str]:
        self.header()
        self.limits()
        self.deadlines()
        self.notices()
        self.commission()
        self.code_lists()
        return self.errors

    def header(self) -> None:
        from .calendar import supported

        raw = self.raw
        country = raw.get("jurisdiction")
        if not isinstance(country, str) or not supported(country):
            self.err("jurisdiction", f"{country!r} is not a country the holidays library knows")
        tz = raw.get("timezone")
        if tz is not None:
            from zoneinfo import ZoneInfo

            try:
                ZoneInfo(tz)
            except (ValueError, LookupError):
                self.err("timezone", f"{tz!r} is not a time zone")
        self.texts("name", raw.get("name"), "name")

    def limits(self) -> None:
        limits = self.raw.get("limits")
        if not isinstance(limits, dict):
            self.err("limits", "the [limits] table is missing")
            return
        for key in ("max_extension_days", "min_commission_members"):
            if not isinstance(limits.get(key), int) or limits[key] < 0:
                self.err(f"limits.{key}", "must be a whole number")
        if "late_report_after" in limits:
            self.duration("limits.late_report_after", limits["late_report_after"])
        if not isinstance(limits.get("victim_fault_percent"), bool):
            self.err("limits.victim_fault_percent", "must be true or false")

    def deadlines(self) -> None:
        deadlines = self.raw.get("deadlines")
        if not isinstance(deadlines, dict) or not deadlines:
            self.err("deadlines", "no deadlines")
            return
        for key, d in deadlines.items():
            where = f"deadlines.{key}"
            self.texts(where, d.get("title"), "title")
            self.texts(where, d.get("basis"), "basis")
            self.timestamp(f"{where}.starts", d.get("starts"))
            self.timestamp(f"{where}.stops", d.get("stops"))
            durations = d.get("duration")
            if not isinstance(durations, dict):
                self.err(f"{where}.duration", "must be a table per category")
                durations = {}
            for cat in CATEGORIES:
                if cat not in durations:
                    self.err(f"{where}.duration", f"no duration for {cat}")
            for cat, value in durations.items():
                if cat not in CATEGORIES:
                    self.err(f"{where}.duration", f"unknown category {cat!r}")
                self.duration(f"{where}.duration.{cat}", value)
            if "late_duration" in d:
                self.duration(f"{where}.late_duration", d["late_duration"])
                self.timestamp(f"{where}.late_starts", d.get("late_starts", "reported_at"))
                self.texts(where, d.get("late_basis"), "late_basis")
            elif any(k.startswith("late_") for k in d):
                self.err(where, "late_* keys without late_duration")

    def notices(self) -> None:
        seen = set()
        for i, n in enumerate(self.raw.get("notices", ())):
            addressee = n.get("addressee")
            where = f"notices[{addressee or i}]"
            if not addressee:
                self.err(where, "no addressee")
            elif addressee in seen:
                self.err(where, "addressee listed twice")
            seen.add(addressee)
            self.texts(where, n.get("title"), "title")
            self.texts(where, n.get("basis"), "basis")
            self.duration(f"{where}.due", n.get("due"))
            when = n.get("when")
            if isinstance(when, list):
                bad = [w for w in when if w not in CATEGORIES]
                if bad or not when:
                    self.err(f"{where}.when", f"unknown categories {bad}")
            elif when not in NOTICE_WHEN:
                self.err(
                    f"{where}.when",
                    f"{when!r}: expected {', '.join(NOTICE_WHEN)} or a list of categories",
                )

    def commission(self) -> None:
        from ..models.enums import Represents

        raw = self.raw.get("commission")
        if not isinstance(raw, dict):
            self.err("commission", "the [commission] tables are missing")
            return
        parties = {r.value for r in Represents}
        for cat in CATEGORIES:
            if cat not in raw:
                self.err("commission", f"no rule for {cat}")
        for cat, rule in raw.items():
            where = f"commission.{cat}"
            if cat not in CATEGORIES:
                self.err(where, "unknown category")
            if "same_as" in rule:
                target = raw.get(rule["same_as"])
                if not isinstance(target, dict) or "same_as" in target:
                    self.err(where, f"same_as {rule['same_as']!r} names no rule")
                continue
            if rule.get("chair") not in parties:
                self.err(f"{where}.chair", f"{rule.get('chair')!r} is not one of {sorted(parties)}")
            for party in rule.get("must_include", ()):
                if party not in parties:
                    self.err(f"{where}.must_include", f"{party!r} is not a party")
            self.texts(where, rule.get("basis"), "basis")

    def code_lists(self) -> None:
        for which in CODE_LISTS:
            items = self.raw.get(which)
            if items is None:
                if which != "regions":
                    self.err(which, "missing (define it or include a pack that does)")
                continue
            if not items and which != "regions":
                self.err(which, "empty")
            codes = set()
            for item in items:
                code = item.get("code")
                if not code or code in codes:
                    self.err(which, f"code {code!r} missing or repeated")
                codes.add(code)
                self.texts(f"{which}[{code}]", item.get("label"), "label")
