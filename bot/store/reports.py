"""Read-only queries for the weekly digest (``bot.review.digest``): the rows of a period.

Every table exists once migrations have run, so no section is guessed from reflection.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Table, select

from bot.store.database import Database
from bot.store.drills import drill_attempts
from bot.store.paging_tables import escalations
from bot.store.schema import conversations


def _since(table: Table, query: Select[Any], since: datetime, library: str | None) -> Select[Any]:
    query = query.where(table.c.created_at >= since)
    return query.where(table.c.library == library) if library else query


def conversations_since(db: Database, since: datetime,
                        library: str | None = None) -> Sequence[Mapping[str, Any]]:
    """Every conversation opened since ``since`` (of ``library``, if given)."""
    with db.engine.connect() as conn:
        return conn.execute(_since(conversations, select(conversations), since, library)
                            ).mappings().all()


def escalations_since(db: Database, since: datetime,
                      library: str | None = None) -> Sequence[Mapping[str, Any]]:
    """Every escalation opened since ``since`` (of ``library``, if given)."""
    with db.engine.connect() as conn:
        return conn.execute(_since(escalations, select(escalations), since, library)
                            ).mappings().all()


def drill_staff_since(db: Database, since: datetime, library: str | None = None) -> list[str]:
    """The staff member of each practice drill since ``since`` (one entry per attempt)."""
    query = _since(drill_attempts, select(drill_attempts.c.staff), since, library)
    with db.engine.connect() as conn:
        return list(conn.scalars(query))
