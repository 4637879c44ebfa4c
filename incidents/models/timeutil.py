"""Time conventions: the database stores naive UTC; people see Asia/Bishkek."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Bishkek")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def to_local(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC).astimezone(LOCAL_TZ)


def local_to_utc(dt: datetime) -> datetime:
    """A wall-clock time entered in Bishkek -> naive UTC for storage."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=LOCAL_TZ)
    return dt.astimezone(UTC).replace(tzinfo=None)
