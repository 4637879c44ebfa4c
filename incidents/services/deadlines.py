"""The legal clock: each deadline of the rule pack, and each notice owed, computed for one
case at one moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..models import Case, CaseStatus
from ..rules import DeadlineRule, Duration, NoticeRule, RulePack


@dataclass(frozen=True)
class Deadline:
    """One running or met clock. `rule` is the pack's DeadlineRule (key = the rule's key) or,
    for a notice, its NoticeRule (key = "notice:<addressee>"); both carry title, basis and
    verified."""

    rule: DeadlineRule | NoticeRule
    started_at: datetime
    due_at: datetime
    met_at: datetime | None
    paused: bool
    now: datetime

    @property
    def key(self) -> str:
        return self.rule.key

    @property
    def title(self) -> dict[str, str]:
        return self.rule.title

    @property
    def basis(self) -> dict[str, str]:
        return self.rule.basis

    @property
    def verified(self) -> bool:
        return self.rule.verified

    @property
    def is_notice(self) -> bool:
        return isinstance(self.rule, NoticeRule)

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


def reported_late(case: Case, rules: RulePack) -> timedelta | None:
    """The gap between the accident and the report, when it exceeds the pack's
    `late_report_after` (the late-reported track is open); None otherwise."""
    limit = rules.late_report_after
    if case.is_disease:
        return None  # a disease's notice has its own clock (the pack's acute_notice)
    if limit is None or case.reported_at is None or case.occurred_at is None:
        return None
    if case.reported_at > limit.add_to(case.occurred_at):
        return case.reported_at - case.occurred_at
    return None


def _reopened(case: Case) -> bool:
    return any(t.trigger == "reopen" for t in case.transitions)


def _track(case: Case, rule: DeadlineRule, rules: RulePack) -> DeadlineRule:
    """The rule to count by: the late-reported track of the rule when the case was reported
    late (for its first investigation; a reopened investigation counts normally)."""
    if rule.late is not None and reported_late(case, rules) and not _reopened(case):
        return rule.late
    return rule


def _notice_rule(rules: RulePack, addressee: str) -> NoticeRule:
    """The pack's rule for the addressee, or a plain stand-in for a row the pack no longer
    lists (a pack edited after the notice was created)."""
    rule = rules.notice_rule(addressee)
    if rule is None:
        rule = NoticeRule(
            addressee=addressee,
            title=dict.fromkeys(("ru", "ky", "en"), addressee),
            when=(),
            due=Duration(0, "h"),
            basis=dict.fromkeys(("ru", "ky", "en"), ""),
            verified=False,
        )
    return rule


def compute(case: Case, rules: RulePack, now: datetime) -> list[Deadline]:
    """Deadlines whose clock has started: first one per notice owed (the case's CaseNotice
    rows), then the pack's deadlines. Counting follows the rule's `starts` and `stops`
    timestamps; a late-reported case counts the rule's late track; a pausable clock is
    extended by the granted extension and stops while the case is suspended. A cancelled
    case runs no clocks."""
    if case.status == CaseStatus.cancelled:
        return []
    result = [
        Deadline(_notice_rule(rules, n.addressee), n.created_at, n.due_at, n.sent_at, False, now)
        for n in case.notices
    ]
    if case.is_disease:
        # the disease's clocks are keyed by its form: a rule without the form does not apply
        key = case.disease.form.value if case.disease is not None else None
        pack_rules = [r for r in rules.disease_deadlines if key in r.duration]
    else:
        key = case.category.value
        pack_rules = rules.deadlines
    for base in pack_rules:
        rule = base if case.is_disease else _track(case, base, rules)
        started = getattr(case, rule.starts)
        if started is None:
            continue
        stopped = getattr(case, rule.stops)
        if stopped is not None and stopped < started:
            stopped = None  # the clock restarted (reopened case) after an earlier stop
        # a case not flushed yet has no column defaults: no extension, nothing paused
        extra_days = (case.extension_days or 0) if rule.pausable else 0
        due = rule.duration[key].add_to(started, extra_days)
        paused = False
        if rule.pausable:
            due += timedelta(seconds=case.paused_seconds or 0)
            if case.suspended_at is not None and stopped is None:
                paused = True
                due += now - case.suspended_at
        result.append(Deadline(rule, started, due, stopped, paused, now))
    return result


def is_overdue(case: Case, rules: RulePack, now: datetime) -> bool:
    return any(d.overdue and not d.met for d in compute(case, rules, now))


def find(case: Case, rules: RulePack, key: str, now: datetime) -> Deadline | None:
    """One deadline of the case by key ("investigation", "notice:insurer", …), counted as
    `compute` counts it (late track, extension, pauses), or None while its clock has not
    started."""
    return next((d for d in compute(case, rules, now) if d.key == key), None)
