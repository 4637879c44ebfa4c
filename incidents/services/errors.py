"""Domain errors the views map to form errors, 403, 409 or JSON."""

from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, message, *, reasons=None, field: str | None = None):
        self.message = message
        self.reasons = list(reasons or [])
        super().__init__("; ".join(str(x) for x in [message, *self.reasons]))
        self.field = field


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    """Someone else saved the case since this form was opened (version mismatch)."""

    status = 409


class Blocked(DomainError):
    """A guard blocks the trigger; `reasons` say what to fill in."""

    status = 409


class WrongState(DomainError):
    status = 409


class Invalid(DomainError):
    status = 400


class WrongPassword(Invalid):
    """A password re-entered to confirm an act was wrong: the view counts it as a failed login
    (after rolling the request back, so the count is all it keeps)."""


class Locked(DomainError):
    """Too many wrong passwords for the user's e-mail address: refused even with the right one."""

    status = 429
