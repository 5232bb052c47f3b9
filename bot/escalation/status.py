"""Live status on the asker's own message: who is being paged, and how it stands now.

The Slack face posts the outcome (or a paging note) with a status line, then ``watch``es that
message: it is stored with the state its line describes. Every state change of the escalation
(acknowledged, re-escalated, resolved, expired) calls ``queue_edits`` in the same transaction,
which stores the new line on each watched message and queues one ``chat.update`` per message
in the outbox (key ``edit:<escalation>:<state>:<channel>:<ts>``: each change edits each message
once, whichever instance delivers it). The worker builds the edit at delivery time from the
stored message and the latest line (``edited_message``), so a late or retried edit never puts
an older status back.

A state change that lands between the post and the ``watch`` is caught there: ``watch`` locks
the escalation row and, if the state moved on since the line was drawn, queues an edit itself.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.channels.slack import messages
from bot.escalation.records import escalation_row
from bot.escalation.states import State
from bot.mrkdwn import date, escape
from bot.store.database import Database
from bot.store.ops_tables import status_messages
from bot.store.outbox import enqueue, ring
from bot.store.paging_tables import escalations
from bot.store.txn import as_utc, locked, write_transaction

if TYPE_CHECKING:
    from bot.escalation.service import EscalationService

STATUS_BLOCK = "paging"  # block_id of the section whose text after its first line is the status
SECTION_LIMIT = 3000


def signature(row: Any) -> str:
    """What a status line describes: the state, level and repeat (each change differs)."""
    return f"{row.state}:{row.level}:{row.repeat}"


def _slack_time(stamp: datetime | None) -> str:
    """A time every reader sees in their own time zone (Slack date formatting)."""
    stamp = as_utc(stamp)
    if stamp is None:
        return "soon"
    return date(int(stamp.timestamp()), "{time}", messages.format_utc(stamp))


class LiveStatus:
    """The status lines of one service's escalations, and the messages that show them."""

    def __init__(self, service: EscalationService):
        self.service = service

    @property
    def db(self) -> Database:
        return self.service.db

    def line(self, row: Any) -> str:
        """The status line for an escalation row as it stands (Slack mrkdwn)."""
        service = self.service
        packet = json.loads(row.packet or "{}")
        roles = packet.get("roles") or {}
        pic = escape(roles.get("privacy-in-charge") or "privacy in-charge")
        director = escape(roles.get("director") or "director")
        state = row.state
        if state == State.ACKNOWLEDGED:
            text = (f"✅ Acknowledged by {messages.who(row.acked_by)} at "
                    f"{messages.format_utc(as_utc(row.acked_at))}: they are on it; follow their "
                    "instructions.")
        elif state == State.RESOLVED:
            text = (f"☑️ Resolved by {messages.who(row.resolved_by)} at "
                    f"{messages.format_utc(as_utc(row.resolved_at))}.")
            if row.resolve_note:
                text += f" Note: {escape(row.resolve_note)}"
        elif state == State.EXPIRED:
            fallback = packet.get("if_no_answer") or service.if_no_answer(row.library)
            text = f"⚠️ Nobody acknowledged the page in time. What to do next: {escape(fallback)}"
        else:
            names = ", ".join(messages.where(r) for r in service.level_recipients(row.level))
            names = names or "nobody is set up to receive pages (see roles in the config)"
            rungs = service.roles.ladder(row.urgency)
            sent = tuple(dict.fromkeys(c for r in rungs[:row.rung] for c in r.via))
            if set(sent) - {"slack"}:
                names += f" (by {messages.channel_list(sent)})"
            if row.level == 1 and row.repeat == 0:
                text = f"Paged the {pic}: {names}."
                # Where the director's title is among those just paged (one Director does
                # both), don't announce them as someone else.
                if service.config.members("director") and director not in pic:
                    text += f" The {director} has been notified."
            elif row.level == 2:
                who = f"the {director}" if director not in pic else "the next contacts"
                text = f"⏫ No acknowledgement in time: now paging {who}: {names}."
            else:
                text = (f"🔁 Still nobody has acknowledged: paging the {pic} again "
                        f"(repeat {row.repeat}): {names}.")
            nxt = (f"then by {messages.channel_list(rungs[row.rung].via)}" if row.rung < len(rungs)
                   else "next step")
            text += (f" Waiting for acknowledgement; {nxt} at "
                     f"{_slack_time(row.next_action_at)} if nobody answers. Stay with the "
                     "patron; hand nothing over until someone does.")
        if hold := packet.get("hold"):
            due = messages.format_utc(hold.get("due_at"))
            text += (f"\n🗓️ Deadline recorded: {escape(str(hold.get('kind')))} hold, "
                     f"{hold.get('days')} days (due {due}); the "
                     f"{pic} is reminded 7 days before and on the day.")
        return text

    def current(self, escalation_id: str) -> tuple[str, str] | None:
        """(signature, line) for an escalation now; None when there is no such escalation."""
        row = escalation_row(self.db, escalation_id)
        return (signature(row), self.line(row)) if row is not None else None

    def watch(self, escalation_id: str, channel: str, ts: str, message: dict[str, Any],
              shown: str) -> None:
        """Keep the posted ``message`` (``text``, ``blocks``) showing the escalation's status.

        ``shown``: the signature of the state its status line describes.
        """
        now = self.service.clock()
        queued = False
        try:
            with write_transaction(self.db) as conn:
                row = conn.execute(locked(
                    select(escalations).where(escalations.c.id == escalation_id), self.db
                )).first()
                if row is None:
                    return
                conn.execute(insert(status_messages).values(
                    escalation_id=escalation_id, channel=channel, ts=ts,
                    message=json.dumps({"text": message["text"], "blocks": message["blocks"]}),
                    status=self.line(row), shown=shown, created_at=now, updated_at=now,
                ))
                if signature(row) != shown:  # it moved on between drawing and posting
                    queued = self._edit(conn, escalation_id, signature(row), channel, ts, now)
        except IntegrityError:  # already watched (the same message twice)
            return
        if queued:
            ring()

    def queue_edits(self, conn: Connection, escalation_id: str, now: datetime) -> int:
        """After a state change, in its transaction: update every watched message."""
        row = conn.execute(select(escalations).where(escalations.c.id == escalation_id)).first()
        if row is None:
            return 0
        watched = conn.execute(select(status_messages.c.channel, status_messages.c.ts)
                               .where(status_messages.c.escalation_id == escalation_id)).all()
        if not watched:
            return 0
        line, shown = self.line(row), signature(row)
        conn.execute(update(status_messages)
                     .where(status_messages.c.escalation_id == escalation_id)
                     .values(status=line, shown=shown, updated_at=now))
        return sum(self._edit(conn, escalation_id, shown, w.channel, w.ts, now) for w in watched)

    def _edit(self, conn: Connection, escalation_id: str, shown: str, channel: str, ts: str,
              now: datetime) -> bool:
        key = f"edit:{escalation_id}:{shown}:{channel}:{ts}"
        return enqueue(conn, self.db, key=key, kind="status-edit", method="update",
                       target=channel, escalation_id=escalation_id, now=now,
                       payload={"escalation_id": escalation_id, "channel": channel, "ts": ts})


def edited_message(database: Database, escalation_id: str, channel: str,
                   ts: str) -> dict[str, Any] | None:
    """The watched message with its latest status line, for ``chat.update``; None if gone."""
    with database.engine.connect() as conn:
        row = conn.execute(select(status_messages).where(
            status_messages.c.escalation_id == escalation_id,
            status_messages.c.channel == channel, status_messages.c.ts == ts)).first()
    if row is None:
        return None
    message = json.loads(row.message)
    blocks = []
    for block in message["blocks"]:
        if block.get("block_id") == STATUS_BLOCK and block.get("type") == "section":
            head = str((block.get("text") or {}).get("text", "")).split("\n", 1)[0]
            text = f"{head}\n{row.status}" if head else row.status
            if len(text) > SECTION_LIMIT:
                text = text[: SECTION_LIMIT - 1] + "…"
            block = SectionBlock(block_id=STATUS_BLOCK,
                                 text=MarkdownTextObject(text=text)).to_dict()
        blocks.append(block)
    return {"text": message["text"], "blocks": blocks,
            "metadata": messages.metadata("status", f"live:{escalation_id}:{channel}:{ts}",
                                          escalation_id)}
