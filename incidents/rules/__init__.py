"""Jurisdiction rule packs: deadlines, notices, commission rules and code lists kept as
reviewable TOML data (one file per pack in this directory: kr.toml, rf.toml, kz.toml).

A pack is read once per process and is immutable afterwards. `check.validate()` lists what
is wrong with a pack without raising; `flask rules check` prints it (incidents/cli_rules.py).

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
  [disease]                      optional: the occupational-disease case (see below)
    [disease.deadlines.<key>]    as [deadlines.<key>], but `duration` is keyed by the disease
                                 form (acute, chronic): a rule applies to the forms it names
    [disease.commission]         chair, must_include, basis, verified
    [[disease.icd10]]            code, label: the names of the ICD-10 codes the pack knows (a
                                 code not listed is still allowed); taken from the `include`d
                                 pack when not written, `icd10 = []` stays empty
  [[retention]]                  class, years, kinds (document kinds), title, basis, verified:
                                 how long a closed case's records are kept; taken from the
                                 `include`d pack when not written
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
FORMS = ("acute", "chronic")  # of an occupational disease
LANGUAGES = ("ru", "ky", "en")
CODE_LISTS = ("person_categories", "event_types", "causes", "regions")
NOTICE_WHEN = ("always", "death", "hazardous_facility")
_DURATION = re.compile(r"^(\d+)(h|d|wd|mo)$")

__all__ = [
    "CATEGORIES",
    "FORMS",
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
    # keyed by accident category (`[deadlines]`) or by disease form (`[disease.deadlines]`)
    duration: dict[str, Duration]
    basis: dict[str, str]
    verified: bool
    pausable: bool = False
    # the late-reported track: the same deadline counted from another timestamp, with its
    # own duration and basis (a DeadlineRule with the same key)
    late: DeadlineRule | None = None

    def applies_to(self, key: str | None) -> bool:
        """Whether the rule runs for this category or disease form."""
        return key is not None and key in self.duration

    def duration_for(self, key: str | None) -> Duration | None:
        """The duration for a category (an accident rule) or a disease form (a disease rule);
        None when the rule does not apply to it. Enum members work as keys too."""
        return self.duration.get(key) if key is not None else None


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
class RetentionClass:
    name: str
    years: int
    kinds: tuple[str, ...]
    title: dict[str, str]
    basis: dict[str, str]
    verified: bool


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
    # the occupational-disease case ([disease]); empty / None for a pack without it
    disease_deadlines: tuple[DeadlineRule, ...] = ()
    disease_commission: CommissionRule | None = None
    icd10: tuple[Code, ...] = ()  # a code list: code_list("icd10"), label("icd10", …)
    retention: tuple[RetentionClass, ...] = ()

    def retention_for(self, kind: str) -> RetentionClass | None:
        """The class that keeps documents of `kind`; a kind no class names is kept as long
        as the longest class."""
        named = next((r for r in self.retention if kind in r.kinds), None)
        return named or max(self.retention, key=lambda r: r.years, default=None)

    @property
    def calendar(self) -> Calendar:
        return calendar_for(self.jurisdiction, self.timezone)

    def deadline(self, key: str) -> DeadlineRule | None:
        return next((d for d in self.deadlines if d.key == key), None)

    def disease_deadline(self, key: str) -> DeadlineRule | None:
        return next((d for d in self.disease_deadlines if d.key == key), None)

    def disease_deadlines_for(self, form: str | None) -> list[DeadlineRule]:
        """The disease deadlines that run for a case of this form ("acute", "chronic")."""
        return [d for d in self.disease_deadlines if d.applies_to(form)]

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
        # the ICD-10 names too, for a pack with a [disease] part that lists none of its own
        disease, inherited = raw.get("disease"), parent.get("disease") or {}
        if isinstance(disease, dict) and "icd10" not in disease and "icd10" in inherited:
            disease["icd10"] = inherited["icd10"]
        if "retention" not in raw and "retention" in parent:
            raw["retention"] = parent["retention"]
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


def _commission_rule(rule: dict) -> CommissionRule:
    return CommissionRule(
        chair=rule["chair"],
        must_include=tuple(rule.get("must_include", ())),
        basis=rule["basis"],
        verified=rule.get("verified", False),
    )


def _commission(raw: dict) -> dict[str, CommissionRule]:
    return {
        category: _commission_rule(raw[rule["same_as"]] if "same_as" in rule else rule)
        for category, rule in raw.items()
    }


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
    disease = raw.get("disease", {})
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
        disease_deadlines=tuple(
            _deadline(k, d, cal) for k, d in disease.get("deadlines", {}).items()
        ),
        disease_commission=(
            _commission_rule(disease["commission"]) if "commission" in disease else None
        ),
        icd10=_codes(disease.get("icd10", ())),
        retention=tuple(
            RetentionClass(
                name=r["class"],
                years=r["years"],
                kinds=tuple(r["kinds"]),
                title=r["title"],
                basis=r["basis"],
                verified=r.get("verified", False),
            )
            for r in raw.get("retention", ())
        ),
    )


def for_case(case) -> RulePack:
    """The pack the case's employer follows (the KR pack unless the organisation says else)."""
    return load(getattr(case.organisation, "rule_pack", None) or "kr")
