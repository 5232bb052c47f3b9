"""One-time acknowledgement tokens: issued with a text, email or call, redeemed once.

Each message gets a nonce (256 random bits, URL-safe), recorded only when its message is queued
(one already queued under its key keeps its own); the token it carries is the nonce signed by
the channel (``bot.channels.tokens``), and only the nonce's SHA-256 is stored here, so the
table alone acknowledges nothing. A token is good until it is used, until ``expires_at``, or
until its escalation stops waiting (the caller checks the escalation's state).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select, update

from bot.store.database import Database
from bot.store.paging_tables import ack_links
from bot.store.txn import as_utc, locked

TOKEN_LIFETIME = timedelta(days=2)


@dataclass(frozen=True)
class AckLink:
    escalation_id: str
    person: str
    channel: str
    expires_at: datetime
    used_at: datetime | None


def token_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def new_nonce() -> str:
    """A fresh nonce (nothing stored yet): the message is queued with it first, and only a
    message the outbox did not hold already gets its link recorded (``issue``)."""
    return secrets.token_urlsafe(32)


def issue(conn: Connection, *, nonce: str, escalation_id: str, person: str, channel: str,
          now: datetime) -> None:
    """Record ``nonce`` (``new_nonce``) as the link ``person`` may acknowledge
    ``escalation_id`` with, in the caller's transaction (the channel signs it into the token
    the message carries)."""
    conn.execute(insert(ack_links).values(
        token_hash=token_hash(nonce), escalation_id=escalation_id, person=person,
        channel=channel, created_at=now, expires_at=now + TOKEN_LIFETIME))


def look_up(db: Database, nonce: str) -> AckLink | None:
    with db.engine.connect() as conn:
        return _read(conn, db, nonce, lock=False)


def take(conn: Connection, db: Database, nonce: str, now: datetime) -> AckLink | None:
    """The link for ``nonce``, locked, marked used in the caller's transaction (the caller
    decides first whether it is still good: ``used_at`` and ``expires_at`` are as they were)."""
    link = _read(conn, db, nonce, lock=True)
    if link is not None and link.used_at is None:
        conn.execute(update(ack_links).where(ack_links.c.token_hash == token_hash(nonce))
                     .values(used_at=now))
    return link


def _read(conn: Connection, db: Database, nonce: str, *, lock: bool) -> AckLink | None:
    query = select(ack_links).where(ack_links.c.token_hash == token_hash(nonce))
    row = conn.execute(locked(query, db) if lock else query).first()
    if row is None:
        return None
    return AckLink(row.escalation_id, row.person, row.channel,
                   as_utc(row.expires_at), as_utc(row.used_at))  # type: ignore[arg-type]
