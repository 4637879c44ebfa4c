"""Explainable conditions: a guard knows why it fails, in words the UI can show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Guard:
    name: str
    check: Callable[[Any], bool]
    reason: Any  # a lazy gettext string, or a callable(case) -> str for reasons that cite data

    def reason_for(self, case) -> Any:
        return self.reason(case) if callable(self.reason) else self.reason

    def __call__(self, event) -> bool:  # transitions passes EventData (send_event=True)
        return bool(self.check(event.model))

    def __str__(self) -> str:  # the mermaid diagram names conditions by str()
        return self.name

    @property
    def __name__(self) -> str:  # transitions' diagram code reads __name__ of callables
        return self.name


def available(machine, triggers, case) -> list[str]:
    """Triggers defined from the case's current state, in table order."""
    possible = set(machine.get_triggers(case.status.name))
    return [t for t in triggers if t in possible]


def blockers(machine, case, trigger: str) -> list:
    """The reasons (lazy strings) why the guards of `trigger` fail now; empty when it can fire."""
    reasons = []
    for t in machine.events[trigger].transitions.get(case.status.name, []):
        for cond in t.conditions:
            guard = cond.func
            if isinstance(guard, Guard) and bool(guard.check(case)) != cond.target:
                reasons.append(guard.reason_for(case))
    return reasons
