"""The legal clock: each deadline of the rule pack, computed for one case at one moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..models import Case, CaseStatus
from ..rules import DeadlineRule, RulePack


@dataclass(frozen=True)
class Deadline:
    rule: DeadlineRule
    started_at: datetime
    due_at: datetime
    met_at: datetime | None
    paused: bool
    now: datetime

    @property
    def key(self) -> str:
        return self.rule.key

    @property
    def met(self) -> bool:
        return self.met_at is not None

    @property
    def overdue(self) -> bool:
        """Running past its due time, or met after it."""
        return (self.met_at or self.now) > self.due_at

    @property
    def time_left(self) -> timedelta:
        return self.due_at - self.now

    @property
    def state(self) -> str:
        if self.met:
            return "met_late" if self.overdue else "met"
        if self.paused:
            return "paused"
        return "overdue" if self.overdue else "running"


def compute(case: Case, rules: RulePack, now: datetime) -> list[Deadline]:
    """Deadlines whose clock has started. Counting follows the rule's `starts` and `stops`
    timestamps; a pausable clock is extended by the granted extension and stops while the
    case is suspended. A cancelled case runs no clocks."""
    result = []
    for rule in rules.deadlines:
        started = getattr(case, rule.starts)
        if started is None or case.status == CaseStatus.cancelled:
            continue
        stopped = getattr(case, rule.stops)
        if stopped is not None and stopped < started:
            stopped = None  # the clock restarted (reopened case) after an earlier stop
        extra_days = case.extension_days if rule.pausable else 0
        due = rule.duration[case.category.value].add_to(started, extra_days)
        paused = False
        if rule.pausable:
            due += timedelta(seconds=case.paused_seconds)
            if case.suspended_at is not None and stopped is None:
                paused = True
                due += now - case.suspended_at
        result.append(Deadline(rule, started, due, stopped, paused, now))
    return result


def is_overdue(case: Case, rules: RulePack, now: datetime) -> bool:
    return any(d.overdue and not d.met for d in compute(case, rules, now))
