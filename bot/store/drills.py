"""Drill attempts: practice scores per staff member (no patron data), for the privacy in-charge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, insert, select

from bot.store.database import Database
from bot.store.txn import utcnow

metadata = MetaData()

drill_attempts = Table(
    "drill_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("staff", String(64), nullable=False),
    Column("face", String(16), nullable=False),
    Column("library", String(64), nullable=False),
    Column("flow", String(64), nullable=False),
    Column("path", String(400), nullable=False),
    Column("outcome", String(64), nullable=False),
    Column("expected_decision", String(32), nullable=False),
    Column("expected_urgency", String(16), nullable=False),
    Column("given_decision", String(32), nullable=False),
    Column("given_urgency", String(16), nullable=False),
    Column("score", Integer, nullable=False),
    Column("max_score", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Practice:
    """One staff member's practice on one situation."""

    staff: str
    library: str
    flow: str
    attempts: int
    score: int
    max_score: int
    last: datetime

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


class DrillStore:
    def __init__(self, database: Database):
        self.db = database

    def record(self, **values: object) -> None:
        values.setdefault("created_at", utcnow())
        with self.db.engine.begin() as conn:
            conn.execute(insert(drill_attempts).values(**values))

    def practice(self, library: str | None = None) -> list[Practice]:
        """Who practised which situation: attempts and total score, per staff and situation."""
        query = select(drill_attempts)
        if library:
            query = query.where(drill_attempts.c.library == library)
        with self.db.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        grouped: dict[tuple[str, str, str], list] = {}
        for row in rows:
            grouped.setdefault((row["staff"], row["library"], row["flow"]), []).append(row)
        result = []
        for (staff, lib, flow), items in sorted(grouped.items()):
            last = max(r["created_at"] for r in items)
            if last.tzinfo is None:
                last = last.replace(tzinfo=UTC)
            result.append(
                Practice(
                    staff,
                    lib,
                    flow,
                    len(items),
                    sum(r["score"] for r in items),
                    sum(r["max_score"] for r in items),
                    last,
                )
            )
        return result
