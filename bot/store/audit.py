"""The audit trail: append-only events chained by hash, holding no patron data.

Each event's hash covers its fields, the digest of its data and the previous event's hash, so
editing or deleting any event breaks the chain. The data itself (redacted text, ids) can be
purged after the retention period: the digest stays, so the chain still verifies. A head row
holds the last sequence number and hash, so deleting the newest events is detected too.
Appends lock the head row (``FOR UPDATE`` on PostgreSQL), which serialises them across
instances; callers append last in their transaction, after their own row locks.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from bot.store.database import Database
from bot.store.paging_tables import audit_events, audit_head
from bot.store.txn import as_utc, locked, utcnow, write_transaction

GENESIS = "0" * 64


def _canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _digest(text: str | None) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def _time(value: datetime) -> str:
    stamp = as_utc(value)
    assert stamp is not None
    return stamp.isoformat(timespec="microseconds")


def event_hash(seq: int, at: datetime, kind: str, library: str | None,
               conversation_id: str | None, escalation_id: str | None, actor: str | None,
               data_digest: str, prev_hash: str) -> str:
    fields = [seq, _time(at), kind, library, conversation_id, escalation_id, actor,
              data_digest, prev_hash]
    return hashlib.sha256(_canonical(fields).encode("utf-8")).hexdigest()


def append_event(conn: Connection, db: Database, kind: str, *, library: str | None = None,
                 conversation_id: str | None = None, escalation_id: str | None = None,
                 actor: str | None = None, data: dict[str, Any] | None = None,
                 at: datetime | None = None) -> int:
    """Append one event inside the caller's transaction; returns its sequence number."""
    head = conn.execute(locked(select(audit_head).where(audit_head.c.id == 1), db)).one()
    seq = head.seq + 1
    when = at or utcnow()
    text = _canonical(data or {})
    digest = _digest(text)
    digest_hash = event_hash(seq, when, kind, library, conversation_id, escalation_id, actor,
                             digest, head.hash)
    conn.execute(insert(audit_events).values(
        seq=seq, at=when, kind=kind, library=library, conversation_id=conversation_id,
        escalation_id=escalation_id, actor=actor, data=text, data_digest=digest,
        prev_hash=head.hash, hash=digest_hash,
    ))
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=seq, hash=digest_hash))
    return seq


@dataclass(frozen=True)
class VerifyReport:
    events: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


class AuditLog:
    """Append, verify and export the audit trail."""

    def __init__(self, database: Database):
        self.db = database

    def append(self, kind: str, **fields: Any) -> int:
        with write_transaction(self.db) as conn:
            return append_event(conn, self.db, kind, **fields)

    def rows(self, since: datetime | None = None) -> Iterator[Any]:
        query = select(audit_events).order_by(audit_events.c.seq)
        if since is not None:
            query = query.where(audit_events.c.at >= since)
        with self.db.engine.connect() as conn:
            yield from conn.execute(query)

    def verify(self) -> VerifyReport:
        problems: list[str] = []
        prev = GENESIS
        expected = 1
        count = 0
        for row in self.rows():
            count += 1
            if row.seq != expected:
                problems.append(f"event {expected}..{row.seq - 1} missing (deleted?)")
            if row.prev_hash != prev:
                problems.append(f"event {row.seq}: does not follow the previous event")
            if row.data is not None and _digest(row.data) != row.data_digest:
                problems.append(f"event {row.seq}: data was changed")
            recomputed = event_hash(row.seq, row.at, row.kind, row.library, row.conversation_id,
                                    row.escalation_id, row.actor, row.data_digest, row.prev_hash)
            if recomputed != row.hash:
                problems.append(f"event {row.seq}: fields were changed")
            prev = row.hash
            expected = row.seq + 1
        with self.db.engine.connect() as conn:
            head = conn.execute(select(audit_head).where(audit_head.c.id == 1)).one()
        if head.seq != expected - 1 or head.hash != prev:
            problems.append(
                f"the chain ends at event {expected - 1} but the head records event {head.seq} "
                "(newest events deleted?)"
            )
        return VerifyReport(count, tuple(problems))

    def export_csv(self, since: datetime | None = None) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["seq", "at", "kind", "library", "conversation_id", "escalation_id",
                         "actor", "data", "hash"])
        for row in self.rows(since):
            writer.writerow([row.seq, _time(row.at), row.kind, row.library or "",
                             row.conversation_id or "", row.escalation_id or "", row.actor or "",
                             row.data if row.data is not None else "[purged]", row.hash])
        return out.getvalue()
