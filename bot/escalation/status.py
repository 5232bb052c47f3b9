"""Live status on the asker's own message: who is being paged, and how it stands now.

The Slack face posts the outcome (or a paging note) with a status line, then ``watch``es that
message: it is stored with the state its line describes. Every state change of the escalation
(acknowledged, re-escalated, resolved, expired) calls ``queue_edits`` in the same transaction,
which stores the new status (as facts) on each watched message and queues one ``chat.update``
per message in the outbox (key ``edit:<escalation>:<state>:<channel>:<ts>``: each change edits
each message once, whichever instance delivers it). The worker builds the edit at delivery
time from the stored message and the latest status, worded by the Slack channel
(``bot.channels.slack.render.edited_message``), so a late or retried edit never puts an
older status back.

A state change that lands between the post and the ``watch`` is caught there: ``watch`` locks
the escalation row and, if the state moved on since the line was drawn, queues an edit itself.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from bot.escalation.endings import ending_label
from bot.escalation.records import escalation_row
from bot.escalation.roles import level_one_title
from bot.escalation.states import State
from bot.store import paging
from bot.store.database import Database
from bot.store.outbox import enqueue, ring
from bot.store.txn import Transaction, as_utc, savepoint, write_transaction

if TYPE_CHECKING:
    from bot.escalation.core import Core



def signature(row: Any) -> str:
    """What a status line describes: the state, level and repeat (each change differs)."""
    return f"{row.state}:{row.level}:{row.repeat}"


def _iso(stamp: datetime | None) -> str | None:
    stamp = as_utc(stamp)
    return stamp.isoformat() if stamp is not None else None


class LiveStatus:
    """The status lines of one service's escalations, and the messages that show them."""

    def __init__(self, service: Core):
        self.service = service

    @property
    def db(self) -> Database:
        return self.service.db

    def facts(self, row: Any) -> dict[str, Any]:
        """What the status of an escalation row is, as facts the Slack channel words
        (``bot.channels.slack.render.status_line``): the state and who moved it; while waiting,
        whom this level pages, through which channels, and the next step and when."""
        service = self.service
        packet = json.loads(row.packet or "{}")
        roles = packet.get("roles") or {}
        pic = level_one_title(packet)  # the stand-in (too) when the Director is away
        director = roles.get("director") or "director"
        facts: dict[str, Any] = {"state": row.state, "pic": pic, "director": director,
                                 "hold": packet.get("hold")}
        if row.state == State.ACKNOWLEDGED:
            facts.update(by=row.acked_by, at=_iso(row.acked_at),
                         via=packet.get("acked_via") or "slack")
        elif row.state == State.RESOLVED:
            facts.update(by=row.resolved_by, at=_iso(row.resolved_at), note=row.resolve_note,
                         ending=ending_label(packet.get("ending")))
        elif row.state == State.EXPIRED:
            facts["if_no_answer"] = (packet.get("if_no_answer")
                                     or service.if_no_answer(row.library))
        else:
            rungs = service.roles.ladder(row.urgency)
            facts.update(
                level=row.level, repeat=row.repeat,
                recipients=service.level_recipients(row.level, packet),
                sent_via=list(dict.fromkeys(c for r in rungs[:row.rung] for c in r.via)),
                next_via=list(rungs[row.rung].via) if row.rung < len(rungs) else None,
                next_at=_iso(row.next_action_at),
                # Where the director's title is among those just paged (one Director does
                # both), the status does not announce them as someone else.
                director_notified=bool(service.config.members("director"))
                and director not in pic)
        return facts

    def current(self, escalation_id: str) -> tuple[str, dict[str, Any]] | None:
        """(signature, facts) for an escalation now; None when there is no such escalation."""
        row = escalation_row(self.db, escalation_id)
        return (signature(row), self.facts(row)) if row is not None else None

    def watch(self, escalation_id: str, channel: str, ts: str, message: dict[str, Any],
              shown: str) -> None:
        """Keep the posted ``message`` (``text``, ``blocks``) showing the escalation's status.

        ``shown``: the signature of the state its status line describes.
        """
        now = self.service.clock()
        queued = False
        try:  # inside the event's transaction a failure rolls back alone (PostgreSQL would
            # abort the whole transaction, and with it the inbox row's close)
            with savepoint(self.db), write_transaction(self.db) as conn:
                row = paging.lock_escalation(conn, self.db, escalation_id)
                if row is None:
                    return
                paging.watch_message(
                    conn, escalation_id=escalation_id, channel=channel, ts=ts,
                    message=json.dumps({"text": message["text"], "blocks": message["blocks"]}),
                    status=json.dumps(self.facts(row)), shown=shown, created_at=now,
                    updated_at=now)
                if signature(row) != shown:  # it moved on between drawing and posting
                    queued = self._edit(conn, escalation_id, signature(row), channel, ts, now)
        except IntegrityError:  # already watched (the same message twice)
            return
        if queued:
            ring()

    def queue_edits(self, conn: Transaction, escalation_id: str, now: datetime) -> int:
        """After a state change, in its transaction: update every watched message."""
        row = paging.read_escalation(conn, escalation_id)
        if row is None:
            return 0
        watched = paging.watched_messages(conn, escalation_id)
        if not watched:
            return 0
        facts, shown = json.dumps(self.facts(row)), signature(row)
        paging.update_watched_messages(conn, escalation_id, status=facts, shown=shown,
                                       updated_at=now)
        return sum(self._edit(conn, escalation_id, shown, w.channel, w.ts, now) for w in watched)

    def _edit(self, conn: Transaction, escalation_id: str, shown: str, channel: str, ts: str,
              now: datetime) -> bool:
        key = f"edit:{escalation_id}:{shown}:{channel}:{ts}"
        return enqueue(conn, self.db, key=key, kind="status-edit", method="update",
                       target=channel, escalation_id=escalation_id, now=now,
                       payload={"escalation_id": escalation_id, "channel": channel, "ts": ts})
