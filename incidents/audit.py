"""The tamper-evident audit log.

Every change the ORM writes (a transition, a data change, a signature, an upload, a generated
document with its SHA-256, a delivery) and every event a view records itself (a download)
becomes an `AuditEvent` in the same transaction. Events are chained:

    hash = SHA-256(prev_hash || content)

where `content` is the event's canonical JSON (sorted keys, no spaces, UTF-8). Changing,
deleting or reordering any stored event breaks the chain from that event on; `verify` names
the first broken link.

How it is wired: an `after_flush` listener turns the flushed rows into pending events (the
attribute history is still there), and a `before_commit` listener appends them all at once,
after taking the chain's head row — the last lock a transaction takes, so it cannot deadlock
with the case and organisation locks taken earlier. Events are inserted with Core statements,
so writing them does not flush or audit itself. A rolled-back transaction leaves no events.

Who acted: the logged-in user of the request, or, for the API, the user of the bearer token
(`acting_as`), whose token id the event then carries too. Outside a request: the system.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from .models.audit import AuditEvent, AuditHead
from .models.timeutil import utcnow

GENESIS = "0" * 64

# Operational tables whose rows are not case records (and the log itself).
NOT_AUDITED = frozenset(
    {"audit_event", "audit_head", "audit_check", "background_job", "login_throttle"}
)
# Secrets are never copied into the log; the event says only that they changed.
SECRET_COLUMNS = frozenset({"password_hash", "token_hash", "webhook_secret"})
# Tables whose rows may never be deleted, by anyone (soft removal only).
_KINDS = {
    "case_transition": "transition",
    "signature": "signature",
    "evidence": "upload",
    "generated_document": "document",
    "package_file": "document",
    "package_delivery": "delivery",
    "delivery_attempt": "delivery",
}
_INFO_KEY = "audit_pending"
_ACTOR_KEY = "audit_actor"


class HardDeleteRefused(Exception):
    """Case data is never deleted: rows are marked removed, superseded or revoked instead."""


def canonical(value) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain
    )


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()  # full precision, as stored
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return "sha256:" + hashlib.sha256(value).hexdigest()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def chain_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


# -- recording --------------------------------------------------------------------------------


def record(session: Session, kind: str, *, case_id: int | None = None, **data) -> None:
    """Add an event the ORM cannot see (a download, a verification) to this transaction; it
    is written at commit. The caller commits."""
    _pending(session).append(
        {"kind": kind, "case": case_id, **_actor(), "at": utcnow(), "data": data}
    )


def acting_as(user, token=None) -> None:
    """Name who acts in this request when no one is logged in through the session: the user
    of an API request's bearer token (and the token). Every event of the request names them."""
    setattr(g, _ACTOR_KEY, {"actor": user.id, "token": token.id if token is not None else None})


def _pending(session: Session) -> list:
    return session.info.setdefault(_INFO_KEY, [])


def _actor() -> dict:
    """{"actor": user id or None, "token": API token id or None} for the current request."""
    if not has_request_context():
        return {"actor": None, "token": None}  # a command, a background job: the system
    named = g.get(_ACTOR_KEY)
    if named is not None:
        return dict(named)
    try:
        actor = current_user.id if current_user.is_authenticated else None
    except Exception:  # noqa: BLE001 - e.g. the user row is gone: still record the event
        actor = None
    return {"actor": actor, "token": None}


def _value(value):
    return json.loads(canonical(value))


def _row_values(state, mapper) -> dict:
    out = {}
    for attr in mapper.column_attrs:
        key = attr.key
        if key in SECRET_COLUMNS:
            out[key] = "[secret]"
        else:
            out[key] = _value(state.dict.get(key))
    return out


def _changed_values(state, mapper) -> dict:
    out = {}
    for attr in mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if not hist.has_changes():
            continue
        if attr.key in SECRET_COLUMNS:
            out[attr.key] = "[secret changed]"
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else None
        if _value(old) != _value(new):
            out[attr.key] = [_value(old), _value(new)]
    return out


def _case_of(session: Session, obj, table: str) -> int | None:
    if table == "case_file":
        return obj.id
    case_id = getattr(obj, "case_id", None)
    if case_id is not None:
        return case_id
    from .models import Delivery, InsurerPackage

    package_id = getattr(obj, "package_id", None)
    if package_id is None and getattr(obj, "delivery_id", None) is not None:
        package_id = session.execute(
            select(Delivery.package_id).where(Delivery.id == obj.delivery_id)
        ).scalar()
    if package_id is not None:
        return session.execute(
            select(InsurerPackage.case_id).where(InsurerPackage.id == package_id)
        ).scalar()
    return None


def _after_flush(session: Session, _flush_context) -> None:
    pending = _pending(session)
    actor, now = _actor(), utcnow()
    for op, objects in (("insert", session.new), ("update", session.dirty)):
        for obj in objects:
            state = inspect(obj)
            mapper = state.mapper
            table = mapper.local_table.name
            if table in NOT_AUDITED:
                continue
            if op == "insert":
                values = _row_values(state, mapper)
            else:
                values = _changed_values(state, mapper)
                if not values:
                    continue
            pending.append(
                {
                    "kind": _KINDS.get(table, "change"),
                    "case": _case_of(session, obj, table),
                    **actor,
                    "at": now,
                    "data": {
                        "op": op,
                        "table": table,
                        "row": values.get("id", obj.id),
                        "values": values,
                    },
                }
            )


def _before_flush(session: Session, _flush_context, _instances) -> None:
    for obj in session.deleted:
        table = inspect(obj).mapper.local_table.name
        if table not in NOT_AUDITED:
            raise HardDeleteRefused(f"rows of {table} are never deleted")


def _before_commit(session: Session) -> None:
    session.flush()  # the last changes become pending events first
    pending = session.info.pop(_INFO_KEY, None)
    if pending:
        append(session, pending)


def append(session: Session, pending: list[dict]) -> None:
    """Chain and insert `pending` events in this transaction (see the module docstring)."""
    conn = session.connection()
    head = AuditHead.__table__
    moved = conn.execute(update(head).where(head.c.id == 1).values(seq=head.c.seq + len(pending)))
    if moved.rowcount == 0:  # a new installation: the chain starts here
        conn.execute(head.insert().values(id=1, seq=len(pending), hash=GENESIS))
    last_seq, prev = conn.execute(select(head.c.seq, head.c.hash).where(head.c.id == 1)).one()
    seq = last_seq - len(pending)
    rows = []
    for item in pending:
        seq += 1
        hashed = {
            "seq": seq,
            "at": item["at"],
            "actor": item["actor"],
            "case": item["case"],
            "kind": item["kind"],
            "data": item["data"],
        }
        if item.get("token") is not None:  # only API events name one: older events unchanged
            hashed["token"] = item["token"]
        content = canonical(hashed)
        digest = chain_hash(prev, content)
        rows.append(
            {
                "seq": seq,
                "at": item["at"],
                "actor_id": item["actor"],
                "case_id": item["case"],
                "kind": item["kind"],
                "content": content,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    conn.execute(AuditEvent.__table__.insert(), rows)
    conn.execute(update(head).where(head.c.id == 1).values(hash=prev))


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost one ended: commit popped, rollback drops
        session.info.pop(_INFO_KEY, None)


def install() -> None:
    """Listen on every ORM session (idempotent)."""
    if event.contains(Session, "after_flush", _after_flush):
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_transaction_end", _after_transaction_end)


def downloaded(case_id: int | None, **data) -> None:
    """Record that the current user downloaded a file (what, its SHA-256) and commit: a
    download changes nothing else, so the event is the request's only write."""
    from .extensions import db

    record(db.session, "download", case_id=case_id, **data)
    db.session.commit()
