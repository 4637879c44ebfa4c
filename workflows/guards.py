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
