"""Read-only queries for operating the bot: the schema version, and the figures the metrics
endpoint derives from the database (so every process reports the same, across restarts)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, text

from bot.store.database import Database
from bot.store.migrations import pending_migrations
from bot.store.paging_tables import escalations
from bot.store.txn import as_utc


@dataclass(frozen=True)
class AckTime:
    urgency: str
    seconds: float


def database_answers(db: Database) -> None:
    """Raises when the database cannot be reached."""
    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def pending(db: Database) -> list[tuple[int, str]]:
    """Migrations this version has that the database lacks (empty: current)."""
    return pending_migrations(db.engine)


def pages_by_state(db: Database) -> dict[str, int]:
    """How many escalations are in each state (triggered, acknowledged, resolved, expired)."""
    with db.engine.connect() as conn:
        rows = conn.execute(select(escalations.c.state, func.count()).group_by(
            escalations.c.state)).all()
    return {state: count for state, count in rows}


def ack_times(db: Database) -> list[AckTime]:
    """For every acknowledged escalation, seconds from the page to its acknowledgement."""
    with db.engine.connect() as conn:
        rows = conn.execute(select(escalations.c.urgency, escalations.c.created_at,
                                   escalations.c.acked_at)
                            .where(escalations.c.acked_at.is_not(None))).all()
    return [AckTime(r.urgency, max(0.0, (as_utc(r.acked_at) - as_utc(r.created_at))
                                   .total_seconds())) for r in rows]
