"""Jurisdiction rule packs: deadlines, notices, commission rules and code lists kept as
reviewable TOML data (one file per pack in this directory: kr.toml, rf.toml, kz.toml).

A pack is read once per process and is immutable afterwards. `validate()` lists what is wrong
with a pack without raising; `flask rules check` prints it (incidents/cli_rules.py).

Pack format (see the header comment of kr.toml for the full description):
  jurisdiction = "KG"            ISO country code: public holidays for working days ("wd")
  timezone = "Asia/Bishkek"      the wall clock working days and months are counted on
  include = "kr"                 optional: code lists this pack does not define are taken
                                 from that pack (person_categories, event_types, causes,
                                 regions); a list written as `regions = []` stays empty
  [limits]                       max_extension_days, min_commission_members,
                                 late_report_after (a duration), victim_fault_percent (bool)
  [deadlines.<key>]              title, starts, stops, duration per category, pausable,
                                 basis, verified; optional late-reported track: late_duration,
                                 late_starts, late_basis, late_verified
  [[notices]]                    addressee, title, when, due, basis, verified
  [commission.<category>]        chair, must_include, basis, verified (or same_as)
Durations: "<n>h" hours, "<n>d" calendar days, "<n>wd" working days, "<n>mo" months."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import cache
from pathlib import Path

from .calendar import WEEKENDS_ONLY, Calendar, calendar_for

RULES_DIR = Path(__file__).parent
CATEGORIES = ("light", "severe", "fatal", "group")
LANGUAGES = ("ru", "ky", "en")
CODE_LISTS = ("person_categories", "event_types", "causes", "regions")
NOTICE_WHEN = ("always", "death", "hazardous_facility")
_DURATION = re.compile(r"^(\d+)(h|d|wd|mo)$")

__all__ = [
    "CATEGORIES",
    "Calendar",
    "Code",
    "CommissionRule",
    "DeadlineRule",
    "Duration",
    "NoticeRule",
    "RulePack",
    "for_case",
    "load",
    "pack_names",
    "validate",
]


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: str  # "h" hours, "d" calendar days, "wd" working days, "mo" months
    # the pack's calendar, bound when the pack is loaded; not part of the value
    calendar: Calendar | None = field(default=None, compare=False, repr=False)

    @classmethod
    def parse(cls, text: str, calendar: Calendar | None = None) -> Duration:
        m = _DURATION.match(text) if isinstance(text, str) else None
        if not m:
            raise ValueError(f"bad duration {text!r}: expected <n>h, <n>d, <n>wd or <n>mo")
        return cls(int(m.group(1)), m.group(2), calendar)

    def add_to(self, start, extra_days: int = 0, country: str | Calendar | None = None):
        """The moment this duration (plus extra calendar days) ends, counted from start.

        Working days skip weekends and the public holidays of `country` (an ISO code or a
        Calendar); without it, the calendar of the pack the duration was loaded from, and for
        a bare Duration weekends only."""
        cal = calendar_for(country) if country is not None else self.calendar or WEEKENDS_ONLY
        if self.unit == "h":
            end = start + timedelta(hours=self.amount)
        elif self.unit == "d":
            end = start + timedelta(days=self.amount)
        elif self.unit == "wd":
            end = cal.add_working_days(start, self.amount)
        else:
            end = cal.add_months(start, self.amount)
        return end + timedelta(days=extra_days)

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


@dataclass(frozen=True)
class DeadlineRule:
    key: str
    title: dict[str, str]
    starts: str
    stops: str
    duration: dict[str, Duration]
    basis: dict[str, str]
    verified: bool
    pausable: bool = False
    # the late-reported track: the same deadline counted from another timestamp, with its
    # own duration and basis (a DeadlineRule with the same key)
    late: DeadlineRule | None = None


@dataclass(frozen=True)
class NoticeRule:
    addressee: str
    title: dict[str, str]
    when: str | tuple[str, ...]  # "always", "death", "hazardous_facility" or categories
    due: Duration
    basis: dict[str, str]
    verified: bool

    @property
    def key(self) -> str:
        return f"notice:{self.addressee}"

    def applies(self, category: str, *, death: bool, hazardous_facility: bool) -> bool:
        if self.when == "always":
            return True
        if self.when == "death":
            return death
        if self.when == "hazardous_facility":
            return hazardous_facility
        return category in self.when


@dataclass(frozen=True)
class CommissionRule:
    chair: str  # whom the chair represents
    must_include: tuple[str, ...]
    basis: dict[str, str]
    verified: bool


@dataclass(frozen=True)
class Code:
    code: str
    label: dict[str, str]

    def label_in(self, lang: str) -> str:
        return self.label.get(lang) or self.label["ru"]


@dataclass(frozen=True)
class RulePack:
    name: str
    title: dict[str, str]
    deadlines: tuple[DeadlineRule, ...]
    person_categories: tuple[Code, ...]
    event_types: tuple[Code, ...]
    causes: tuple[Code, ...]
    max_extension_days: int
    min_commission_members: int
    notices: tuple[NoticeRule, ...] = ()
    commission: dict[str, CommissionRule] | None = None
    regions: tuple[Code, ...] = ()
    late_report_after: Duration | None = None
    jurisdiction: str = "KG"  # ISO country code ("KG", "RU", "KZ")
    timezone: str | None = None
    victim_fault_percent: bool = False  # the act may set the victim's share of fault in %

    @property
    def calendar(self) -> Calendar:
        return calendar_for(self.jurisdiction, self.timezone)

    def deadline(self, key: str) -> DeadlineRule | None:
        return next((d for d in self.deadlines if d.key == key), None)

    def notices_for(self, category: str, *, death: bool, hazardous_facility: bool):
        return [
            n
            for n in self.notices
            if n.applies(category, death=death, hazardous_facility=hazardous_facility)
        ]

    def notice_rule(self, addressee: str) -> NoticeRule | None:
        return next((n for n in self.notices if n.addressee == addressee), None)

    def code_list(self, which: str) -> tuple[Code, ...]:
        return getattr(self, which)

    def label(self, which: str, code: str | None, lang: str) -> str:
        if code is None:
            return ""
        for c in self.code_list(which):
            if c.code == code:
                return c.label_in(lang)
        return code

    def codes(self, which: str) -> set[str]:
        return {c.code for c in self.code_list(which)}


# -- reading ------------------------------------------------------------------------------


def _dir(directory) -> Path:
    return Path(directory) if directory is not None else RULES_DIR


def pack_names(directory=None) -> list[str]:
    """The packs in the directory (every *.toml file), sorted."""
    return sorted(p.stem for p in _dir(directory).glob("*.toml"))


def _read(name: str, directory=None, _seen: tuple[str, ...] = ()) -> dict:
    """The raw pack, with the code lists it does not define taken from its `include`."""
    if name in _seen:
        raise ValueError(f"include cycle: {' -> '.join((*_seen, name))}")
    path = _dir(directory) / f"{name}.toml"
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    base = raw.get("include")
    if base:
        parent = _read(base, directory, (*_seen, name))
        for which in CODE_LISTS:
            if which not in raw and which in parent:
                raw[which] = parent[which]
    return raw


def _codes(raw) -> tuple[Code, ...]:
    return tuple(Code(c["code"], c["label"]) for c in raw)


def _notice(raw, cal: Calendar) -> NoticeRule:
    when = raw["when"]
    return NoticeRule(
        addressee=raw["addressee"],
        title=raw["title"],
        when=when if isinstance(when, str) else tuple(when),
        due=Duration.parse(raw["due"], cal),
        basis=raw["basis"],
        verified=raw.get("verified", False),
    )


def _commission(raw: dict) -> dict[str, CommissionRule]:
    rules = {}
    for category, rule in raw.items():
        rule = raw[rule["same_as"]] if "same_as" in rule else rule
        rules[category] = CommissionRule(
            chair=rule["chair"],
            must_include=tuple(rule.get("must_include", ())),
            basis=rule["basis"],
            verified=rule.get("verified", False),
        )
    return rules


def _deadline(key: str, d: dict, cal: Calendar) -> DeadlineRule:
    rule = DeadlineRule(
        key=key,
        title=d["title"],
        starts=d["starts"],
        stops=d["stops"],
        duration={cat: Duration.parse(v, cal) for cat, v in d["duration"].items()},
        basis=d["basis"],
        verified=d.get("verified", False),
        pausable=d.get("pausable", False),
    )
    if "late_duration" in d:
        late = Duration.parse(d["late_duration"], cal)
        rule = replace(
            rule,
            late=replace(
                rule,
                starts=d.get("late_starts", "reported_at"),
                duration=dict.fromkeys(rule.duration, late),
                basis=d["late_basis"],
                verified=d.get("late_verified", False),
            ),
        )
    return rule


@cache
def load(name: str = "kr", directory: str | Path | None = None) -> RulePack:
    """The pack `name` from the rules directory (or `directory`, for tests and drafts)."""
    raw = _read(name, directory)
    cal = calendar_for(raw.get("jurisdiction"), raw.get("timezone"))
    limits = raw["limits"]
    return RulePack(
        name=name,
        title=raw["name"],
        deadlines=tuple(_deadline(k, d, cal) for k, d in raw["deadlines"].items()),
        person_categories=_codes(raw["person_categories"]),
        event_types=_codes(raw["event_types"]),
        causes=_codes(raw["causes"]),
        max_extension_days=limits["max_extension_days"],
        min_commission_members=limits["min_commission_members"],
        notices=tuple(_notice(n, cal) for n in raw.get("notices", ())),
        commission=_commission(raw.get("commission", {})),
        regions=_codes(raw.get("regions", ())),
        late_report_after=(
            Duration.parse(limits["late_report_after"], cal)
            if "late_report_after" in limits
            else None
        ),
        jurisdiction=raw["jurisdiction"],
        timezone=raw.get("timezone"),
        victim_fault_percent=limits.get("victim_fault_percent", False),
    )


def for_case(case) -> RulePack:
    """The pack the case's employer follows (the KR pack unless the organisation says else)."""
    return load(getattr(case.organisation, "rule_pack", None) or "kr")


# -- validation ---------------------------------------------------------------------------


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
