"""What the escalation steps (acknowledge, corrections, lifecycle, status) need of the service
that runs them, declared once as a ``Protocol``.

``EscalationService`` builds its parts and hands itself to each step; the steps name only this
shape, so none of them imports the service back (the service imports them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from bot.config import Config
    from bot.content.catalogue import ResolvedOutcome
    from bot.engine.conversation import Conversation
    from bot.escalation.holds import Holds
    from bot.escalation.notify import Notifier
    from bot.escalation.records import ThreadRef
    from bot.escalation.roles import Roles
    from bot.store.database import Database
    from bot.store.txn import Transaction


class Watched(Protocol):
    """The asker's messages that follow an escalation (``status.LiveStatus``)."""

    def queue_edits(self, conn: Transaction, escalation_id: str, now: datetime) -> int: ...


class Core(Protocol):
    """The service as its steps see it: the database, clock and configuration, who is paged,
    the notices and holds, and the messages that follow each escalation."""

    db: Database
    config: Config
    clock: Callable[[], datetime]
    roles: Roles
    notify: Notifier
    holds: Holds
    live: Watched

    def level_recipients(self, level: int) -> list[str]: ...

    def if_no_answer(self, library: str) -> str: ...

    def build_packet(self, *, library: str, situation: str | None,
                     conversation: Conversation | None, outcome: ResolvedOutcome | None,
                     reason: str, urgency: str, asked_by: str, face: str,
                     thread: ThreadRef | None, question: str | None) -> dict[str, Any]: ...
