"""The retention purge (``bot.escalation.retention`` schedules it; ``frontdesk purge`` runs it).

Everything older than the retention period goes, in one transaction: conversations, closed
escalations with their outbox rows and watched status messages, ended holds, and the data of
audit events (the events stay, with their digests, so the chain still verifies). What was
removed is counted per library and month in ``aggregate_counts``; the purge is itself an
audit event with its cut-off.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.store.audit import append_event
from bot.store.database import Database
from bot.store.ops_tables import status_messages
from bot.store.paging_tables import aggregate_counts, audit_events, escalations, holds, outbox
from bot.store.schema import conversations
from bot.store.txn import as_utc, utcnow, write_transaction


def _month(stamp: datetime | None) -> str:
    value = as_utc(stamp)
    return value.strftime("%Y-%m") if value else "unknown"


def purge(database: Database, retention_days: int, now: datetime | None = None, *,
          closed: Iterable[str]) -> dict[str, int]:
    """Purge everything older than ``retention_days`` (escalations in ``closed`` states);
    returns what was removed."""
    now = now or utcnow()
    cutoff = now - timedelta(days=retention_days)
    counts: Counter[tuple[str, str, str]] = Counter()
    removed: dict[str, int] = {}
    with write_transaction(database) as conn:
        old_conversations = conn.execute(
            select(conversations.c.id, conversations.c.library, conversations.c.outcome,
                   conversations.c.created_at)
            .where(conversations.c.updated_at < cutoff)
        ).all()
        for row in old_conversations:
            month = _month(row.created_at)
            counts[(row.library, month, "conversations")] += 1
            if row.outcome:
                counts[(row.library, month, f"outcome:{row.outcome}")] += 1
        ids = [r.id for r in old_conversations]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            conn.execute(delete(conversations).where(conversations.c.id.in_(chunk)))
        removed["conversations"] = len(ids)

        old_escalations = conn.execute(
            select(escalations.c.id, escalations.c.library, escalations.c.reason,
                   escalations.c.state, escalations.c.created_at)
            .where(escalations.c.state.in_(tuple(closed)),
                   escalations.c.updated_at < cutoff)
        ).all()
        for row in old_escalations:
            month = _month(row.created_at)
            counts[(row.library, month, "escalations")] += 1
            counts[(row.library, month, f"escalations:reason:{row.reason}")] += 1
            counts[(row.library, month, f"escalations:state:{row.state}")] += 1
        esc_ids = [r.id for r in old_escalations]
        removed["outbox"] = 0
        for start in range(0, len(esc_ids), 500):
            chunk = esc_ids[start:start + 500]
            removed["outbox"] += conn.execute(delete(outbox).where(
                outbox.c.escalation_id.in_(chunk),
                outbox.c.status.in_(("sent", "failed", "skipped")),
            )).rowcount
            conn.execute(delete(status_messages).where(status_messages.c.escalation_id.in_(chunk)))
            conn.execute(delete(escalations).where(escalations.c.id.in_(chunk)))
        removed["escalations"] = len(esc_ids)
        # Messages with no escalation (reminders of ended holds) that are long delivered.
        removed["outbox"] += conn.execute(delete(outbox).where(
            outbox.c.escalation_id.is_(None), outbox.c.created_at < cutoff,
            outbox.c.status.in_(("sent", "failed", "skipped")),
        )).rowcount

        old_holds = conn.execute(
            select(holds.c.id, holds.c.library, holds.c.kind, holds.c.started_at)
            .where(holds.c.state.in_(("ended", "due")), holds.c.updated_at < cutoff)
        ).all()
        for row in old_holds:
            counts[(row.library, _month(row.started_at), f"holds:{row.kind}")] += 1
        if old_holds:
            conn.execute(delete(holds).where(holds.c.id.in_([r.id for r in old_holds])))
        removed["holds"] = len(old_holds)

        removed["audit_data"] = conn.execute(
            update(audit_events)
            .where(audit_events.c.at < cutoff, audit_events.c.data.is_not(None))
            .values(data=None, purged_at=now)
        ).rowcount

        for (library, month, metric), n in counts.items():
            _add_count(conn, database, library, month, metric, n)
        append_event(conn, database, "retention.purged", at=now,
                     data={"before": cutoff.isoformat(), **removed})
    return removed


def _add_count(conn: Any, database: Database, library: str, month: str, metric: str,
               n: int) -> None:
    dialect = postgresql if database.dialect == "postgresql" else sqlite
    stmt = dialect.insert(aggregate_counts).values(library=library, month=month, metric=metric,
                                                   count=n)
    stmt = stmt.on_conflict_do_update(
        index_elements=["library", "month", "metric"],
        set_={"count": aggregate_counts.c.count + stmt.excluded.count},
    )
    conn.execute(stmt)


def aggregate(database: Database) -> list[tuple[str, str, str, int]]:
    with database.engine.connect() as conn:
        rows = conn.execute(select(aggregate_counts).order_by(
            aggregate_counts.c.library, aggregate_counts.c.month, aggregate_counts.c.metric))
        return [(r.library, r.month, r.metric, r.count) for r in rows]
