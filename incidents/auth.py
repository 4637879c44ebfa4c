"""Authentication: password hashing (argon2), the session user loader, and API tokens with their
scopes and expiry."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .extensions import db, login_manager
from .models import ApiToken, LoginThrottle, Role, User
from .models.timeutil import utcnow

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to open this page.")
login_manager.login_message_category = "warning"


def _hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=current_app.config["PASSWORD_HASH_TIME_COST"],
        memory_cost=current_app.config["PASSWORD_HASH_MEMORY_COST"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(user: User | None, password: str) -> bool:
    if user is None or not user.active:
        _hasher().hash(password)  # same cost whether or not the account exists
        return False
    try:
        return _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def find_user(email: str) -> User | None:
    return db.session.execute(
        db.select(User).where(User.email == email.strip().lower())
    ).scalar_one_or_none()


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# What an API token may do, on top of what its user may do: a token never widens the user's
# rights (permissions.py still decides per case), it narrows them for one integration.
SCOPES = {
    "cases:read": _l("See the cases the user may see, with their deadlines and documents."),
    "cases:write": _l("Report cases, edit them and move them through the investigation."),
    "packages:read": _l("Fetch the hand-off packages sent to the user's insurer."),
    "packages:ack": _l("Acknowledge or reject a hand-off package."),
}
_ROLE_SCOPES = {Role.insurer: ("cases:read", "packages:read", "packages:ack")}
_OTHER_ROLES_SCOPES = ("cases:read", "cases:write")


def role_scopes(role: Role) -> tuple[str, ...]:
    """The scopes a token of a user with this role may carry; a new token gets all of them
    unless it asks for fewer."""
    return _ROLE_SCOPES.get(role, _OTHER_ROLES_SCOPES)


def token_scopes(row: ApiToken) -> frozenset[str]:
    """What the token may do now: its scopes, less any its user's role no longer allows."""
    return frozenset(row.scopes.split()) & frozenset(role_scopes(row.user.role))


def issue_token(
    user: User, scopes: Iterable[str] | None = None, days: int | None = None
) -> tuple[str, ApiToken]:
    """A new bearer token; the plain value is returned once and only its hash is kept.
    `scopes` default to all the user's role may use, `days` to API_TOKEN_DAYS."""
    allowed = role_scopes(user.role)
    wanted = set(allowed if scopes is None else scopes)
    if not wanted <= set(allowed):
        raise ValueError(f"scopes {sorted(wanted - set(allowed))} are not for {user.role}")
    longest = current_app.config["API_TOKEN_DAYS"]
    if days is not None and not 1 <= days <= longest:
        raise ValueError(f"a token lives 1 to {longest} days, not {days}")
    token = secrets.token_urlsafe(32)
    row = ApiToken(
        user=user,
        token_hash=_digest(token),
        expires_at=utcnow() + timedelta(days=days or longest),
        scopes=" ".join(s for s in SCOPES if s in wanted),  # canonical order
    )
    db.session.add(row)
    return token, row


def live_token(token: str) -> ApiToken | None:
    """The token's row, if it is known, unrevoked, unexpired and its user still active."""
    row = db.session.execute(
        db.select(ApiToken).where(ApiToken.token_hash == _digest(token))
    ).scalar_one_or_none()
    if row is None or row.revoked or row.expires_at < utcnow() or not row.user.active:
        return None
    return row


# -- login throttling -----------------------------------------------------------------------


def _throttle_key(email: str) -> str:
    return hashlib.sha256((email or "").strip().lower().encode()).hexdigest()


def _throttle(key: str) -> LoginThrottle | None:
    return db.session.scalar(db.select(LoginThrottle).where(LoginThrottle.key == key))


def locked_for(email: str) -> timedelta | None:
    """How long logins with this e-mail address stay refused, or None when they are not."""
    row = _throttle(_throttle_key(email))
    now = utcnow()
    if row is None or row.locked_until is None or row.locked_until <= now:
        return None
    return row.locked_until - now


def record_failure(email: str) -> None:
    """Count a failed login; the MAX-th within the window locks the address. Flush only."""
    try:
        with db.session.begin_nested():  # a savepoint: a race loses one count, not the request
            _count_failure(_throttle_key(email))
    except IntegrityError:
        pass  # another request counted this address's first failure at the same moment


def _count_failure(key: str) -> None:
    config, now = current_app.config, utcnow()
    row = _throttle(key)
    if row is None:
        row = LoginThrottle(key=key, failures=0)
        db.session.add(row)
    window = timedelta(minutes=config["LOGIN_WINDOW_MINUTES"])
    if row.first_failure_at is None or now - row.first_failure_at > window:
        row.failures, row.first_failure_at = 0, now
    row.failures += 1
    if row.failures >= config["LOGIN_MAX_FAILURES"]:
        row.locked_until = now + timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
        row.failures, row.first_failure_at = 0, None


def record_success(email: str) -> None:
    row = _throttle(_throttle_key(email))
    if row is not None:
        row.failures, row.first_failure_at, row.locked_until = 0, None, None


def minutes_left(wait: timedelta) -> int:
    return max(1, -(-int(wait.total_seconds()) // 60))


def too_many(wait: timedelta) -> str:
    """What a locked address is told, wherever it typed its password."""
    return _(
        "Too many failed attempts with this e-mail address. Try again in %(minutes)s min.",
        minutes=minutes_left(wait),
    )
