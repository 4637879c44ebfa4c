"""Validation of a rule pack: everything wrong with it, as readable lines."""

from __future__ import annotations

import tomllib

from . import CATEGORIES, CODE_LISTS, FORMS, LANGUAGES, NOTICE_WHEN, Duration, _read
from .icd10 import valid as valid_icd10

# Case properties a clock may run by besides the timestamp columns of case_file: the disease
# case's clock, kept on its disease_file row (incidents/models/case.py)
CASE_TIMESTAMP_PROPERTIES = ("conditions_described_at", "diagnosis_confirmed_at")
DISEASE_PARTS = ("deadlines", "commission", "icd10")


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

        if value in CASE_TIMESTAMP_PROPERTIES and isinstance(getattr(Case, value, None), property):
            return
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
        self.disease()
        self.retention()
        return self.errors

    def retention(self) -> None:
        """[[retention]]: classes with positive years over known document kinds, each kind in
        one class at most."""
        from ..models.enums import DocumentKind

        known = {k.value for k in DocumentKind} | {"register"}
        seen: dict[str, str] = {}
        classes = self.raw.get("retention")
        if not classes:
            self.err("retention", "no [[retention]] classes: how long are records kept?")
            return
        for i, rule in enumerate(classes):
            where = f"retention[{i}]"
            if not isinstance(rule.get("years"), int) or rule["years"] <= 0:
                self.err(where, "years must be a positive whole number")
            for kind in rule.get("kinds", ()):
                if kind not in known:
                    self.err(where, f"{kind!r} is not a document kind")
                elif kind in seen:
                    self.err(where, f"{kind!r} is already kept by {seen[kind]}")
                else:
                    seen[kind] = rule.get("class", where)
            self.texts(where, rule.get("title"), "title")
            self.texts(where, rule.get("basis"), "basis")

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
            self.deadline(f"deadlines.{key}", d, CATEGORIES, "category", every=True)

    def deadline(self, where: str, d, keys: tuple[str, ...], per: str, *, every: bool) -> None:
        """One deadline rule, its durations keyed by `keys` (categories or disease forms):
        every one of them (an accident rule), or those it applies to, at least one (a disease
        rule)."""
        if not isinstance(d, dict):
            self.err(where, "must be a table")
            return
        self.texts(where, d.get("title"), "title")
        self.texts(where, d.get("basis"), "basis")
        self.timestamp(f"{where}.starts", d.get("starts"))
        self.timestamp(f"{where}.stops", d.get("stops"))
        durations = d.get("duration")
        if not isinstance(durations, dict):
            self.err(f"{where}.duration", f"must be a table per {per}")
            durations = {}
        if every:
            for key in keys:
                if key not in durations:
                    self.err(f"{where}.duration", f"no duration for {key}")
        elif not durations:
            self.err(f"{where}.duration", f"no duration for any {per} ({', '.join(keys)})")
        for key, value in durations.items():
            if key not in keys:
                self.err(f"{where}.duration", f"unknown {per} {key!r}")
            self.duration(f"{where}.duration.{key}", value)
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
        raw = self.raw.get("commission")
        if not isinstance(raw, dict):
            self.err("commission", "the [commission] tables are missing")
            return
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
            self.commission_rule(where, rule)

    def commission_rule(self, where: str, rule) -> None:
        from ..models.enums import Represents

        if not isinstance(rule, dict):
            self.err(where, "must be a table")
            return
        parties = {r.value for r in Represents}
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
            self.codes(which, items)

    def codes(self, which: str, items, shape=None, shape_text: str = "") -> None:
        """The items of a code list: each code present and listed once, labelled in every
        language, and of the list's shape when it has one."""
        if not isinstance(items, list):
            self.err(which, "must be a list of [[tables]] with code and label")
            return
        codes = set()
        for item in items:
            code = item.get("code") if isinstance(item, dict) else None
            if not code or code in codes:
                self.err(which, f"code {code!r} missing or repeated")
            elif shape is not None and not shape(code):
                self.err(f"{which}[{code}]", f"{code!r} is not {shape_text}")
            codes.add(code)
            label = item.get("label") if isinstance(item, dict) else None
            self.texts(f"{which}[{code}]", label, "label")

    def disease(self) -> None:
        """The optional [disease] part: deadlines keyed by form, the commission, ICD-10 names."""
        raw = self.raw.get("disease")
        if raw is None:
            return
        if not isinstance(raw, dict):
            self.err("disease", "must be a table")
            return
        for key in raw:
            if key not in DISEASE_PARTS:
                self.err(f"disease.{key}", f"unknown part: expected {', '.join(DISEASE_PARTS)}")
        deadlines = raw.get("deadlines")
        if not isinstance(deadlines, dict) or not deadlines:
            self.err("disease.deadlines", "no deadlines")
            deadlines = {}
        for key, d in deadlines.items():
            self.deadline(f"disease.deadlines.{key}", d, FORMS, "disease form", every=False)
        if "commission" in raw:
            self.commission_rule("disease.commission", raw["commission"])
        else:
            self.err("disease.commission", "the [disease.commission] table is missing")
        if "icd10" in raw:
            self.codes(
                "disease.icd10",
                raw["icd10"],
                valid_icd10,
                "an ICD-10 code (a letter, two digits, optionally a dot and one or two digits)",
            )
