"""Jurisdiction rule packs: deadlines and code lists kept as reviewable TOML data.

A pack is read once per process and is immutable afterwards."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

RULES_DIR = Path(__file__).parent
_DURATION = re.compile(r"^(\d+)(h|d|wd)$")


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: str  # "h" hours, "d" calendar days, "wd" working days (Mon-Fri)

    @classmethod
    def parse(cls, text: str) -> Duration:
        m = _DURATION.match(text)
        if not m:
            raise ValueError(f"bad duration {text!r}: expected <n>h, <n>d or <n>wd")
        return cls(int(m.group(1)), m.group(2))

    def add_to(self, start, extra_days: int = 0):
        """The moment this duration (plus extra calendar days) ends, counted from start."""
        if self.unit == "h":
            return start + timedelta(hours=self.amount, days=extra_days)
        if self.unit == "d":
            return start + timedelta(days=self.amount + extra_days)
        end, left = start, self.amount
        while left:
            end += timedelta(days=1)
            if end.weekday() < 5:
                left -= 1
        return end + timedelta(days=extra_days)


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


@dataclass(frozen=True)
class NoticeRule:
    addressee: str
    title: dict[str, str]
    when: str | tuple[str, ...]  # "always", "death", "hazardous_facility" or categories
    due: Duration
    basis: dict[str, str]
    verified: bool

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


def _codes(raw) -> tuple[Code, ...]:
    return tuple(Code(c["code"], c["label"]) for c in raw)


def _notice(raw) -> NoticeRule:
    when = raw["when"]
    return NoticeRule(
        addressee=raw["addressee"],
        title=raw["title"],
        when=when if isinstance(when, str) else tuple(when),
        due=Duration.parse(raw["due"]),
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


@cache
def load(name: str = "kr") -> RulePack:
    with open(RULES_DIR / f"{name}.toml", "rb") as fh:
        raw = tomllib.load(fh)
    deadlines = tuple(
        DeadlineRule(
            key=key,
            title=d["title"],
            starts=d["starts"],
            stops=d["stops"],
            duration={cat: Duration.parse(v) for cat, v in d["duration"].items()},
            basis=d["basis"],
            verified=d.get("verified", False),
            pausable=d.get("pausable", False),
        )
        for key, d in raw["deadlines"].items()
    )
    return RulePack(
        name=name,
        title=raw["name"],
        deadlines=deadlines,
        person_categories=_codes(raw["person_categories"]),
        event_types=_codes(raw["event_types"]),
        causes=_codes(raw["causes"]),
        max_extension_days=raw["limits"]["max_extension_days"],
        min_commission_members=raw["limits"]["min_commission_members"],
        notices=tuple(_notice(n) for n in raw.get("notices", ())),
        commission=_commission(raw.get("commission", {})),
        regions=_codes(raw.get("regions", ())),
        late_report_after=(
            Duration.parse(raw["limits"]["late_report_after"])
            if "late_report_after" in raw["limits"]
            else None
        ),
    )


def for_case(case) -> RulePack:
    """The pack the case's employer follows (the KR pack unless the organisation says else)."""
    return load(getattr(case.organisation, "rule_pack", None) or "kr")
