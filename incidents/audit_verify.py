"""Verifying the audit chain (see incidents/audit.py): walk every event in sequence order and
name the first link that does not hold.

A link holds when the event's sequence number follows the previous one, its `prev_hash` is
the previous event's hash, its hash is SHA-256(prev_hash || content), and its searchable
columns (seq, case, kind, actor, time) say what its content says. At the end the chain's head
row must point at the last event, and an event a previous verification vouched for must still
carry the hash it had then — so cutting off the tail, or rewriting the log and the head
together after a verification, shows too.

An intact chain is then replayed against the live rows (incidents/audit_replay.py): a row
edited, inserted or deleted in the database behind the service's back fails the verification
too, naming the row; `broken_seq` is None then, since no link is broken."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .audit import GENESIS, chain_hash
from .audit_replay import Difference, replay, snapshot
from .models.audit import AuditCheck, AuditEvent, AuditHead

_BATCH = 5000


@dataclass
class Verdict:
    ok: bool
    events: int
    last_seq: int | None
    last_hash: str | None
    broken_seq: int | None = None
    problem: str | None = None
    seconds: float = 0.0
    rows: int = 0  # live rows replayed against the chain
    differing: int = 0  # of them, how many differ from it


def verify(conn: Connection, on_difference: Callable[[Difference], None] | None = None) -> Verdict:
    """Check the whole chain through `conn`; stream it in batches (a national log is big).
    Then replay it against the live rows; `on_difference` hears of each row that differs."""
    started = time.perf_counter()
    events = AuditEvent.__table__
    expected_seq, prev = 1, GENESIS
    count, last_seq = 0, None
    after = 0
    while True:
        batch = conn.execute(
            select(events).where(events.c.seq >= after).order_by(events.c.seq).limit(_BATCH)
        ).all()
        for row in batch:
            problem = _link_problem(row, expected_seq, prev)
            if problem:
                return _done(started, False, count, last_seq, prev, expected_seq, problem)
            count, last_seq, prev = count + 1, row.seq, row.hash
            expected_seq += 1
        if len(batch) < _BATCH:
            break
        after = last_seq + 1
    problem, broken = _head_problem(conn, last_seq, prev)
    if problem is None:
        problem, broken = _earlier_check_problem(conn)
    if problem:
        return _done(started, False, count, last_seq, prev, broken, problem)
    rows = replay(conn, on_difference)
    problem = None if rows.ok else rows.summary()
    verdict = _done(started, rows.ok, count, last_seq, prev if count else None, None, problem)
    verdict.rows, verdict.differing = rows.rows, rows.differing
    return verdict


def _link_problem(row, expected_seq: int, prev: str) -> str | None:
    if row.seq != expected_seq:
        return f"event {expected_seq} is missing (found {row.seq} next)"
    if row.prev_hash != prev:
        return f"event {row.seq} does not follow the previous event's hash"
    if chain_hash(row.prev_hash, row.content) != row.hash:
        return f"event {row.seq}: its content does not match its hash"
    try:
        content = json.loads(row.content)
    except ValueError:
        return f"event {row.seq}: its content is not JSON"
    columns = {
        "seq": row.seq,
        "case": row.case_id,
        "kind": row.kind,
        "actor": row.actor_id,
        "at": row.at.isoformat() if row.at else None,
    }
    for key, value in columns.items():
        if content.get(key) != value:
            return f"event {row.seq}: column {key} differs from the hashed content"
    return None


def _head_problem(conn: Connection, last_seq: int | None, last_hash: str):
    head = conn.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
    if head is None:
        if last_seq is None:
            return None, None
        return "the chain's head row is missing", last_seq
    if head.seq != (last_seq or 0):
        return f"the chain should end at event {head.seq}, it ends at {last_seq or 0}", (
            min(head.seq, last_seq or 0) + 1
        )
    if last_seq is not None and head.hash != last_hash:
        return f"the chain's head does not match event {last_seq}", last_seq
    return None, None


def _earlier_check_problem(conn: Connection):
    """An event an earlier successful verification vouched for must be unchanged."""
    checks = AuditCheck.__table__
    earlier = conn.execute(
        select(checks.c.last_seq, checks.c.last_hash)
        .where(checks.c.ok.is_(True), checks.c.last_seq.is_not(None))
        .order_by(checks.c.id.desc())
        .limit(1)
    ).first()
    if earlier is None:
        return None, None
    vouched = conn.execute(
        select(AuditEvent.hash).where(AuditEvent.seq == earlier.last_seq)
    ).scalar()
    if vouched != earlier.last_hash:
        return (
            f"event {earlier.last_seq} no longer has the hash verified earlier",
            earlier.last_seq,
        )
    return None, None


def _done(started, ok, count, last_seq, last_hash, broken, problem) -> Verdict:
    return Verdict(
        ok=ok,
        events=count,
        last_seq=last_seq,
        last_hash=last_hash,
        broken_seq=broken,
        problem=problem,
        seconds=round(time.perf_counter() - started, 3),
    )


def verify_and_record(session, on_difference=None) -> Verdict:
    """Verify on a connection of its own (reading as of one moment) and keep the verdict for
    the administrator's page."""
    with session.get_bind().connect() as conn:
        verdict = verify(snapshot(conn), on_difference)
    session.add(
        AuditCheck(
            ok=verdict.ok,
            events=verdict.events,
            last_seq=verdict.last_seq,
            last_hash=verdict.last_hash,
            broken_seq=verdict.broken_seq,
            problem=verdict.problem,
            seconds=verdict.seconds,
        )
    )
    session.commit()
    return verdict
