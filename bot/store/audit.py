"""The audit trail: append-only events chained by hash, holding no patron data.

Each event's hash covers its fields, the digest of its data and the previous event's hash, so
editing or deleting any event breaks the chain. With ``FRONTDESK_AUDIT_KEY`` set the hash is
an HMAC-SHA256 under that secret, so someone who can write the database but does not hold the
key cannot recompute a consistent chain after an edit; without it the hash is plain SHA-256
and the chain shows only accidents and clumsy edits (``verify`` says so).

The data itself (redacted text, ids) can be purged after the retention period: the digest
stays, and the purge is itself an event (``retention.purged``, with its cut-off), so a data
field emptied by anything but a purge is reported. A head row holds the last sequence number
and hash; because that row lives in the same database it proves nothing against someone who
deletes the newest events and rewinds it, so the head is also *anchored outside*: checkpoints
(sequence, hash, time, and an HMAC when keyed) appended to a file
(``FRONTDESK_AUDIT_CHECKPOINTS``) that the database's writer cannot rewrite. ``verify``
checks every checkpoint against the chain. docs/audit.md says exactly what is and is not
detected.

Appends lock the head row, which serialises them across instances; a transaction's events
are written just before it commits, after its own row locks. Each process remembers the head
it last wrote and moves it with an UPDATE conditional on that head (sequence and hash): the
UPDATE is the lock and the check in one statement, so an append reads the head only when
another instance (or a rolled-back transaction) moved it since (then ``FOR UPDATE`` on
PostgreSQL, and the events chained again on what was read).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import os
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from bot.store.database import Database
from bot.store.paging_tables import audit_events, audit_head
from bot.store.prepared import run
from bot.store.txn import as_utc, locked, staged, utcnow, write_transaction

GENESIS = "0" * 64
KEY_VARIABLE = "FRONTDESK_AUDIT_KEY"
CHECKPOINTS_VARIABLE = "FRONTDESK_AUDIT_CHECKPOINTS"
PURGE_KIND = "retention.purged"


def audit_key() -> bytes | None:
    """The chain's secret (``FRONTDESK_AUDIT_KEY``), or None: then events are plainly hashed."""
    key = os.environ.get(KEY_VARIABLE, "")
    return key.encode("utf-8") if key else None


def checkpoints_path() -> Path | None:
    path = os.environ.get(CHECKPOINTS_VARIABLE, "")
    return Path(path) if path else None


#: ``json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``, the
#: encoder made once: ``dumps`` with any option builds a new one per call (every audit event
#: encodes twice: its data and its fields).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _canonical(data: Any) -> str:
    return _CANONICAL.encode(data)


def _digest(text: str | None) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def _time(value: datetime) -> str:
    stamp = as_utc(value)
    assert stamp is not None
    return stamp.isoformat(timespec="microseconds")


def event_hash(seq: int, at: datetime, kind: str, library: str | None,
               conversation_id: str | None, escalation_id: str | None, actor: str | None,
               data_digest: str, prev_hash: str, key: bytes | None = None) -> str:
    """SHA-256 of the event's fields; HMAC-SHA256 under ``key`` when the chain is keyed."""
    fields = [seq, _time(at), kind, library, conversation_id, escalation_id, actor,
              data_digest, prev_hash]
    message = _canonical(fields).encode("utf-8")
    if key is not None:
        return hmac.new(key, message, hashlib.sha256).hexdigest()
    return hashlib.sha256(message).hexdigest()


def append_event(conn: Connection, db: Database, kind: str, *, library: str | None = None,
                 conversation_id: str | None = None, escalation_id: str | None = None,
                 actor: str | None = None, data: dict[str, Any] | None = None,
                 at: datetime | None = None) -> None:
    """Append one event inside the caller's transaction. Inside ``write_transaction`` the
    transaction's events are chained and written together just before it commits (the head
    read and locked once, one insert, the head moved once), in the order they were appended."""
    text = _canonical(data or {})
    event = dict(at=at or utcnow(), kind=kind, library=library,
                 conversation_id=conversation_id, escalation_id=escalation_id, actor=actor,
                 data=text, data_digest=_digest(text))
    pending = staged(conn, "audit_events", lambda events: _chain(conn, db, events))
    if pending is None:
        _chain(conn, db, [event])
    else:
        pending.append(event)


_INSERT_EVENTS = insert(audit_events)
_HEAD = select(audit_head).where(audit_head.c.id == 1)  # built once, not per append
_MOVE_HEAD = (update(audit_head).where(audit_head.c.id == 1)
              .values(seq=bindparam("new_seq"), hash=bindparam("new_hash")))
#: The head moved only if it still is the one this process remembers.
_MOVE_KNOWN_HEAD = _MOVE_HEAD.where(audit_head.c.seq == bindparam("old_seq"),
                                    audit_head.c.hash == bindparam("old_hash"))


class _KnownHeads:
    """The head each open database was last moved to by this process: (sequence, hash)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._heads: weakref.WeakKeyDictionary[Database, tuple[int, str]] = (
            weakref.WeakKeyDictionary())

    def get(self, db: Database) -> tuple[int, str] | None:
        if not isinstance(db, Database):  # a migration's stand-in: it reads the head
            return None
        with self._lock:
            return self._heads.get(db)

    def set(self, db: Database, head: tuple[int, str]) -> None:
        if isinstance(db, Database):
            with self._lock:
                self._heads[db] = head


_known_heads = _KnownHeads()


def _chain(conn: Connection, db: Database, events: list[dict[str, Any]]) -> None:
    """Chain ``events`` onto the head and write them; the head then names the last. The head
    this process wrote last is moved without reading it (the UPDATE checks it is unchanged
    and locks it); when it moved elsewhere, it is read, locked, and the events chained onto
    it."""
    key = audit_key()
    if (known := _known_heads.get(db)) is not None:
        rows, head = _linked(events, known, key)
        moved = run(conn, _MOVE_KNOWN_HEAD, {
            "new_seq": head[0], "new_hash": head[1], "old_seq": known[0], "old_hash": known[1],
        }).rowcount
        if moved == 1:
            run(conn, _INSERT_EVENTS, rows)
            _known_heads.set(db, head)
            return
    found = conn.execute(locked(_HEAD, db)).one()
    rows, head = _linked(events, (found.seq, found.hash), key)
    run(conn, _INSERT_EVENTS, rows)
    run(conn, _MOVE_HEAD, {"new_seq": head[0], "new_hash": head[1]})
    # Remembered before the commit: a rollback leaves it ahead of the table, which the next
    # append's conditional UPDATE finds (no row moved) and reads the head instead.
    _known_heads.set(db, head)


def _linked(events: list[dict[str, Any]], head: tuple[int, str], key: bytes | None
            ) -> tuple[list[dict[str, Any]], tuple[int, str]]:
    """``events`` as rows chained onto ``head``, and the head after the last."""
    seq, prev = head
    rows = []
    for event in events:
        seq += 1
        digest_hash = event_hash(seq, event["at"], event["kind"], event["library"],
                                 event["conversation_id"], event["escalation_id"],
                                 event["actor"], event["data_digest"], prev, key)
        rows.append({**event, "seq": seq, "prev_hash": prev, "hash": digest_hash,
                     "keyed": key is not None})
        prev = digest_hash
    return rows, (seq, prev)


@dataclass(frozen=True)
class VerifyReport:
    events: int
    problems: tuple[str, ...]
    keyed: bool = False  # every event carries an HMAC checked with the key
    checkpoints: int = 0  # checkpoints found and checked against the chain
    notes: tuple[str, ...] = ()  # what this verification could not prove

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head as it stood at ``at``, written where the database cannot reach."""

    seq: int
    hash: str
    at: str
    mac: str | None = None

    def message(self) -> bytes:
        return _canonical(["audit-checkpoint", self.seq, self.hash, self.at]).encode("utf-8")

    def signed(self, key: bytes | None) -> Checkpoint:
        if key is None:
            return self
        mac = hmac.new(key, self.message(), hashlib.sha256).hexdigest()
        return Checkpoint(self.seq, self.hash, self.at, mac)

    def line(self) -> str:
        fields = {"seq": self.seq, "hash": self.hash, "at": self.at}
        if self.mac:
            fields["mac"] = self.mac
        return json.dumps(fields, sort_keys=True) + "\n"


class AuditLog:
    """Append, verify, anchor and export the audit trail."""

    def __init__(self, database: Database):
        self.db = database

    def append(self, kind: str, **fields: Any) -> None:
        with write_transaction(self.db) as conn:
            append_event(conn, self.db, kind, **fields)

    def rows(self, since: datetime | None = None) -> Iterator[Any]:
        query = select(audit_events).order_by(audit_events.c.seq)
        if since is not None:
            query = query.where(audit_events.c.at >= since)
        with self.db.engine.connect() as conn:
            yield from conn.execute(query)

    def head(self) -> tuple[int, str]:
        with self.db.engine.connect() as conn:
            head = conn.execute(_HEAD).one()
        return head.seq, head.hash

    # --- anchoring the head outside the database ------------------------------------------

    def checkpoint(self, path: Path) -> Checkpoint | None:
        """Append the head to ``path`` (an append-only file) unless it is already the last
        line there; returns what was written. Durable before it returns (fsync)."""
        seq, digest = self.head()
        if seq == 0:
            return None
        previous = read_checkpoints(path)
        if previous and previous[-1].seq == seq and previous[-1].hash == digest:
            return None
        point = Checkpoint(seq, digest, _time(utcnow())).signed(audit_key())
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as out:
            out.write(point.line())
            out.flush()
            os.fsync(out.fileno())
        return point

    def current(self) -> Checkpoint | None:
        """The head as a signed checkpoint (None for an empty chain), written nowhere."""
        seq, digest = self.head()
        if seq == 0:
            return None
        return Checkpoint(seq, digest, _time(utcnow())).signed(audit_key())

    # --- verification -------------------------------------------------------------------------

    def verify(self, checkpoints: Path | None = None) -> VerifyReport:
        """Walk the chain; check each event's hash (its HMAC when keyed), that emptied data
        was emptied by a purge, the head, and every checkpoint in ``checkpoints``."""
        key = audit_key()
        problems: list[str] = []
        notes: list[str] = []
        prev = GENESIS
        expected = 1
        count = 0
        seen_keyed = False
        unverifiable = 0
        plain = 0  # events hashed without the key
        hashes: dict[int, str] = {}
        emptied: list[tuple[int, datetime]] = []
        purge_cutoffs: list[tuple[int, datetime]] = []
        for row in self.rows():
            count += 1
            if row.seq != expected:
                problems.append(f"event {expected}..{row.seq - 1} missing (deleted?)")
            if row.prev_hash != prev:
                problems.append(f"event {row.seq}: does not follow the previous event")
            if row.data is None:
                emptied.append((row.seq, row.at))
            elif _digest(row.data) != row.data_digest:
                problems.append(f"event {row.seq}: data was changed")
            elif row.kind == PURGE_KIND:
                before = json.loads(row.data).get("before")
                if before:
                    purge_cutoffs.append((row.seq, datetime.fromisoformat(before)))
            fields = (row.seq, row.at, row.kind, row.library, row.conversation_id,
                      row.escalation_id, row.actor, row.data_digest, row.prev_hash)
            if row.keyed:
                seen_keyed = True
                if key is None:
                    unverifiable += 1
                elif not hmac.compare_digest(event_hash(*fields, key=key), row.hash):
                    problems.append(f"event {row.seq}: fields were changed (its HMAC does not "
                                    "match)")
            else:
                plain += 1
                if seen_keyed:
                    problems.append(f"event {row.seq}: not keyed, after keyed events "
                                    "(rewritten by someone without the key?)")
                if event_hash(*fields) != row.hash:
                    problems.append(f"event {row.seq}: fields were changed")
            hashes[row.seq] = row.hash
            prev = row.hash
            expected = row.seq + 1
        problems += _emptied_without_purge(emptied, purge_cutoffs)
        head_seq, head_hash = self.head()
        if head_seq != expected - 1 or head_hash != prev:
            problems.append(
                f"the chain ends at event {expected - 1} but the head records event {head_seq} "
                "(newest events deleted?)"
            )
        anchored = read_checkpoints(checkpoints) if checkpoints else []
        problems += _against_checkpoints(anchored, hashes, expected - 1, key)
        if unverifiable:
            problems.append(f"{unverifiable} events are keyed but {KEY_VARIABLE} is not set: "
                            "they cannot be verified")
        if key is None:
            notes.append(f"{KEY_VARIABLE} is not set: the chain is plain SHA-256, so someone "
                         "who can write the database can rewrite it consistently")
        if checkpoints is None:
            notes.append(f"no checkpoint file ({CHECKPOINTS_VARIABLE}): deleting the newest "
                         "events and rewinding the head is not detectable")
        elif not anchored:
            notes.append(f"no checkpoints in {checkpoints} yet")
        if key is not None and plain:
            notes.append(f"{plain} events from before {KEY_VARIABLE} was set are plainly "
                         "hashed: only the keyed events after them are proof against rewriting")
        keyed = key is not None and count > 0 and plain == 0
        return VerifyReport(count, tuple(problems), keyed, len(anchored), tuple(notes))

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


def read_checkpoints(path: Path) -> list[Checkpoint]:
    """Every checkpoint in ``path`` (none if it does not exist); a line that is not one is
    reported by ``verify`` as a checkpoint with sequence -1."""
    if not path.exists():
        return []
    out: list[Checkpoint] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            fields = json.loads(line)
            out.append(Checkpoint(int(fields["seq"]), str(fields["hash"]), str(fields["at"]),
                                  fields.get("mac")))
        except (ValueError, KeyError, TypeError):
            out.append(Checkpoint(-1, "", line[:40]))
    return out


def _emptied_without_purge(emptied: list[tuple[int, datetime]],
                           cutoffs: list[tuple[int, datetime]]) -> list[str]:
    """Data may be emptied only by a purge recorded later in the chain with a later cut-off."""
    problems = []
    for seq, at in emptied:
        stamp = as_utc(at)
        covered = any(purge_seq > seq and stamp is not None and stamp < as_utc(cutoff)
                      for purge_seq, cutoff in cutoffs)
        if not covered:
            problems.append(f"event {seq}: its data was removed, and no purge covers it")
    return problems


def _against_checkpoints(anchored: list[Checkpoint], hashes: dict[int, str], last: int,
                         key: bytes | None) -> list[str]:
    problems = []
    for point in anchored:
        if point.seq < 0:
            problems.append(f"checkpoint file: unreadable line {point.at!r}")
            continue
        if key is not None and (point.mac is None or not hmac.compare_digest(
                point.signed(key).mac or "", point.mac)):
            problems.append(f"checkpoint of event {point.seq} ({point.at}): its HMAC does not "
                            "match (forged or edited)")
            continue
        if point.seq > last:
            problems.append(f"a checkpoint at {point.at} recorded event {point.seq}, but the "
                            f"chain ends at event {last} (newest events deleted, head rewound?)")
        elif hashes.get(point.seq) != point.hash:
            problems.append(f"event {point.seq}: differs from its checkpoint at {point.at} "
                            "(rewritten?)")
    return problems
