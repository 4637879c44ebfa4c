"""Tampering with the stored audit log in 100 random ways — change, delete, reorder, forge,
rewrite — and every one is detected, at the right event.

Each tampering happens inside a transaction that is rolled back afterwards, so the next one
starts from the intact chain (checked again at the end)."""

from __future__ import annotations

import json
import random

import pytest
from sqlalchemy import text

from incidents.audit import canonical, chain_hash
from incidents.audit_verify import verify, verify_and_record
from incidents.extensions import db as _db
from tests import factories

SEED = 20261129
ROUNDS = 100


@pytest.fixture
def chain(app, world, client_for):
    """A chain of about a hundred events: two cases to their acts, a download."""
    for _ in range(2):
        case = factories.make_case(world)
        factories.advance_to(case, world, "act_drafted")
        _db.session.commit()
    doc = case.documents[0]
    assert client_for(world.specialist).get(f"/documents/{doc.id}").status_code == 200
    verdict = verify_and_record(_db.session)  # an earlier verification vouches for the chain
    assert verdict.ok and verdict.events > 50
    return verdict


def _rows(conn):
    return conn.execute(text("SELECT * FROM audit_event ORDER BY seq")).mappings().all()


def _set(conn, at_seq, **values):
    sets = ", ".join(f"{k} = :{k}" for k in values)
    sql = f"UPDATE audit_event SET {sets} WHERE seq = :_at"  # noqa: S608 - our column names
    conn.execute(text(sql), {**values, "_at": at_seq})


def _flip(s: str, rng: random.Random) -> str:
    i = rng.randrange(len(s))
    c = s[i]
    return s[:i] + ("1" if c != "1" else "2") + s[i + 1 :]


def _edit_content(content: str, rng: random.Random) -> str:
    data = json.loads(content)
    choice = rng.choice(["actor", "data", "at"])
    if choice == "actor":
        data["actor"] = (data["actor"] or 0) + 1
    elif choice == "at":
        data["at"] = data["at"].replace(data["at"][:4], str(int(data["at"][:4]) - 1), 1)
    else:
        data["data"]["forged"] = True
    return canonical(data)


# Each tampering returns the first event the verifier must name (the first broken link).
def change_content(conn, rows, rng):
    k = rng.randrange(len(rows))
    _set(conn, rows[k]["seq"], content=_flip(rows[k]["content"], rng))
    return rows[k]["seq"]


def change_content_and_rehash(conn, rows, rng):
    """The forger recomputes the event's own hash: the next link (or the head) breaks, or the
    event itself when its columns no longer say what the content says."""
    k = rng.randrange(len(rows))
    content = _edit_content(rows[k]["content"], rng)
    _set(conn, rows[k]["seq"], content=content, hash=chain_hash(rows[k]["prev_hash"], content))
    return rows[k]["seq"] + 1 if k + 1 < len(rows) else rows[k]["seq"]


def change_column(conn, rows, rng):
    k = rng.randrange(len(rows))
    column = rng.choice(["case_id", "kind", "actor_id"])
    value = {"case_id": 999999, "kind": "forged", "actor_id": 424242}[column]
    _set(conn, rows[k]["seq"], **{column: value})
    return rows[k]["seq"]


def change_hash(conn, rows, rng):
    k = rng.randrange(len(rows))
    column = rng.choice(["hash", "prev_hash"])
    _set(conn, rows[k]["seq"], **{column: _flip(rows[k][column], rng)})
    return rows[k]["seq"]


def delete_one(conn, rows, rng):
    k = rng.randrange(len(rows))
    conn.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": rows[k]["seq"]})
    return rows[k]["seq"]


def delete_tail(conn, rows, rng):
    k = rng.randrange(1, len(rows))
    conn.execute(text("DELETE FROM audit_event WHERE seq >= :s"), {"s": rows[k]["seq"]})
    return rows[k]["seq"]


def swap_two(conn, rows, rng):
    """Reorder: two events exchange their places in the sequence."""
    a, b = sorted(rng.sample(range(len(rows)), 2))
    sa, sb = rows[a]["seq"], rows[b]["seq"]
    _set(conn, sa, seq=-1)
    _set(conn, sb, seq=sa)
    _set(conn, -1, seq=sb)
    return sa


def swap_contents(conn, rows, rng):
    a, b = sorted(rng.sample(range(len(rows)), 2))
    _set(conn, rows[a]["seq"], content=rows[b]["content"])
    _set(conn, rows[b]["seq"], content=rows[a]["content"])
    return rows[a]["seq"]


def rewrite_from(conn, rows, rng):
    """The forger rewrites the chain from an event on, every hash and the head consistent:
    only the earlier verification's record of its last event can tell."""
    k = rng.randrange(len(rows))
    prev = rows[k]["prev_hash"]
    for row in rows[k:]:
        data = json.loads(row["content"])
        if row is rows[k]:
            data["data"]["forged"] = True
        content = canonical(data)
        digest = chain_hash(prev, content)
        _set(conn, row["seq"], content=content, prev_hash=prev, hash=digest)
        prev = digest
    conn.execute(text("UPDATE audit_head SET hash = :h WHERE id = 1"), {"h": prev})
    return rows[-1]["seq"]


def shift_sequence(conn, rows, rng):
    """Renumber from an event on (a gap made to look like nothing is missing)."""
    k = rng.randrange(1, len(rows))
    conn.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": rows[k - 1]["seq"]})
    for row in rows[k:]:
        _set(conn, row["seq"], seq=row["seq"] - 1)
    return rows[k - 1]["seq"]


TAMPERINGS = [
    change_content,
    change_content_and_rehash,
    change_column,
    change_hash,
    delete_one,
    delete_tail,
    swap_two,
    swap_contents,
    rewrite_from,
    shift_sequence,
]


def test_every_tampering_is_detected_at_its_event(app, chain):
    rng = random.Random(SEED)
    seen = {t.__name__: 0 for t in TAMPERINGS}
    for round_no in range(ROUNDS):
        tamper = TAMPERINGS[round_no % len(TAMPERINGS)] if round_no < 20 else rng.choice(TAMPERINGS)
        with _db.engine.connect() as conn:
            trans = conn.begin()
            try:
                expected = tamper(conn, _rows(conn), rng)
                verdict = verify(conn)
            finally:
                trans.rollback()
        where = f"round {round_no} ({tamper.__name__}, seed {SEED})"
        assert not verdict.ok, f"{where}: not detected"
        if tamper is rewrite_from:
            # caught at the event the earlier verification vouched for, or at the head
            assert verdict.broken_seq in (chain.last_seq, expected), (where, verdict)
        elif tamper in (shift_sequence, delete_tail, change_content_and_rehash):
            # the event itself when a hashed column (actor, time) now disagrees, else the next
            assert verdict.broken_seq in (expected, expected - 1), (where, verdict)
        else:
            assert verdict.broken_seq == expected, (where, verdict)
        seen[tamper.__name__] += 1
    assert all(seen.values()), seen
    with _db.engine.connect() as conn:
        assert verify(conn).ok  # every tampering was rolled back
