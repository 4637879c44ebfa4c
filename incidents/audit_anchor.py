"""Proving the audit chain against an anchor kept outside the database.

Plain verification (audit_verify.py) checks that the stored log is consistent with itself; a
forger who rewrites every hash from some event on, the head and the stored verdicts too, passes
it. Every issued document therefore carries the chain's head at its issue (doc_templates/
anchor.py): event number and hash. `prove` recomputes the chain from the first event, from the
stored contents alone, and checks that it still leads to that hash at that event.

When it does not, the one anchor only says that something at or before its event changed. To
say where, `prove` takes the anchors of the other issued documents as witnesses (their files
live in the document store, not in the database): the change lies after the last event a
witness still vouches for and at or before the first one it no longer does. The first event no
longer vouched for is named; documents are issued at most transactions, so that is usually the
changed event or the first event of its transaction, and the message gives the whole range."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Connection

from doc_templates import anchor as docx_anchor

from .audit import GENESIS, chain_hash
from .models.audit import AuditEvent, AuditHead

_BATCH = 5000
_HEX64 = re.compile(r"[0-9a-f]{64}")

PROVEN, BROKEN, UNKNOWN = "proven", "broken", "unknown"
EXIT_CODES = {PROVEN: 0, BROKEN: 1, UNKNOWN: 2}


class UnreadableAnchor(Exception):
    """The --anchor value is neither a hash nor a document carrying one."""


@dataclass(frozen=True)
class Anchor:
    seq: int | None  # None: a bare hash, its event is looked for
    hash: str
    source: str  # where it came from, for the messages


@dataclass(frozen=True)
class Proof:
    status: str  # PROVEN, BROKEN or UNKNOWN
    message: str
    seq: int | None = None  # the anchored event, when proven
    broken_seq: int | None = None  # the first event that no longer matches

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]


def head(session) -> tuple[int, str]:
    """The chain's head now (last event number, its hash); (0, GENESIS) before the first."""
    row = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
    return (row.seq, row.hash) if row is not None else (0, GENESIS)


def parse(value: str) -> Anchor:
    """A 64-digit hash, or the path of a .docx whose properties carry the anchor."""
    text = value.strip()
    if _HEX64.fullmatch(text.lower()):
        return Anchor(None, text.lower(), "the given hash")
    path = Path(text)
    if not path.is_file():
        raise UnreadableAnchor(f"{value!r} is neither a 64-digit hex hash nor a readable file")
    try:
        found = docx_anchor.read(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise UnreadableAnchor(f"{path}: {exc}") from None
    if found is None:
        raise UnreadableAnchor(f"{path}: the document carries no audit anchor in its keywords")
    return Anchor(found[0], found[1], path.name)


@dataclass
class _Walk:
    last: int  # the last event walked through intact
    hashes: dict[int, str]  # recomputed hashes at the requested events
    found: int | None = None  # where a bare hash was met
    broken_seq: int | None = None
    problem: str | None = None


def _walk(conn: Connection, upto: int | None, want: set[int], stop_at: str | None) -> _Walk:
    """Recompute the chain from the first event up to event `upto` (the end when None),
    keeping the hashes of the events in `want`; stop early where the hash `stop_at` is met or
    where the stored log contradicts itself (a missing event, a stored hash its content does
    not give)."""
    events = AuditEvent.__table__
    walk = _Walk(last=0, hashes={0: GENESIS})
    prev, after = GENESIS, 1
    while True:
        query = select(events.c.seq, events.c.content, events.c.hash).where(events.c.seq >= after)
        if upto is not None:
            query = query.where(events.c.seq <= upto)
        batch = conn.execute(query.order_by(events.c.seq).limit(_BATCH)).all()
        for row in batch:
            expected = walk.last + 1
            if row.seq != expected:
                walk.broken_seq, walk.problem = expected, f"event {expected} is missing"
                return walk
            digest = chain_hash(prev, row.content)
            if digest != row.hash:
                walk.broken_seq = row.seq
                walk.problem = f"event {row.seq}: its stored hash does not follow from its content"
                return walk
            walk.last, prev = row.seq, digest
            if row.seq in want:
                walk.hashes[row.seq] = digest
            if stop_at is not None and digest == stop_at:
                walk.found = row.seq
                return walk
        if len(batch) < _BATCH:
            return walk
        after = walk.last + 1


def prove(
    conn: Connection, given: Anchor, witnesses: Callable[[], Iterable[Anchor]] = tuple
) -> Proof:
    """Whether the stored chain still leads to `given`. `witnesses` is called only when it
    does not, for the anchors of the issued documents that locate the change."""
    if given.hash == GENESIS and given.seq in (None, 0):
        return Proof(PROVEN, "the anchor is the chain's start: nothing to prove", seq=0)
    want = {given.seq} if given.seq is not None else set()
    walk = _walk(conn, given.seq, want, None if given.seq is not None else given.hash)
    if walk.problem:
        return Proof(BROKEN, walk.problem, broken_seq=walk.broken_seq)
    proven_at = walk.found if given.seq is None else given.seq
    if proven_at is not None and walk.hashes.get(proven_at) == given.hash:
        return Proof(
            PROVEN,
            f"events 1 to {proven_at} lead to the anchor of {given.source} "
            f"({given.hash[:16]}…): the chain up to event {proven_at} is the one it was "
            "issued from",
            seq=proven_at,
        )
    return _locate(conn, given, walk.last, list(witnesses()))


def _locate(conn: Connection, given: Anchor, last: int, witnesses: list[Anchor]) -> Proof:
    """The anchor is not met: find the first event that no longer matches, between the last
    event a witness still vouches for and the first one no longer vouched for."""
    limit = given.seq if given.seq is not None else last
    anchors = [w for w in witnesses if w.seq is not None and w.seq <= limit]
    if given.seq is not None:
        anchors.append(given)
    walk = _walk(conn, limit, {a.seq for a in anchors}, None)
    if walk.problem:  # the log changed since the first walk: report what is there now
        return Proof(BROKEN, walk.problem, broken_seq=walk.broken_seq)
    failing = sorted((a for a in anchors if walk.hashes.get(a.seq) != a.hash), key=_seq)
    if not failing:
        return Proof(
            UNKNOWN,
            f"{given.hash[:16]}… is the hash of no event of the chain (events 1 to {last}), "
            "and no issued document contradicts the chain: the anchor is not from this log",
        )
    first = failing[0]
    holding = [a for a in anchors if a.seq < first.seq and walk.hashes.get(a.seq) == a.hash]
    vouched = max(holding, key=_seq, default=None)
    start = vouched.seq + 1 if vouched else 1
    by = f"{vouched.source} vouches for event {vouched.seq}" if vouched else "nothing vouches"
    if first.seq > walk.last:
        lost = (
            f"the chain ends at event {walk.last}, but {first.source} was issued after "
            f"event {first.seq}"
        )
    else:
        lost = (
            f"{first.source} was issued after event {first.seq} with hash {first.hash[:16]}…, "
            "which the stored events no longer lead to"
        )
    where = (
        f"event {start} is the first that no longer matches"
        if start == first.seq
        else f"the chain no longer matches from event {start} on (the change is in events "
        f"{start} to {first.seq})"
    )
    return Proof(BROKEN, f"{where}: {by}; {lost}", broken_seq=start)


def _seq(a: Anchor) -> int:
    return a.seq or 0
