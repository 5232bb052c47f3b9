"""What the escalation engine tells people, queued in the outbox inside each state change.

Every message is written in the transaction that changes the escalation, under an idempotency
key that names the escalation, the event and the recipient: a retried transaction or a second
instance queues nothing twice. Pages are edited in place later (``page_edits``): the worker
renders each edit from the escalation as it stands at delivery.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, or_, select

from bot.channels.slack import messages
from bot.escalation.records import ThreadRef
from bot.escalation.roles import DIRECTOR, PIC, Roles
from bot.mrkdwn import escape
from bot.store import ack_links
from bot.store.audit import append_event
from bot.store.database import Database
from bot.store.outbox import enqueue
from bot.store.paging_tables import outbox

#: Channels whose messages get a stand-down when a page ends (a call is not called back).
STAND_DOWN_CHANNELS = ("sms", "email")


class Notifier:
    """Pages, the director's notice, the asker's thread and page edits, for one database."""

    def __init__(self, db: Database, roles: Roles):
        self.db = db
        self.roles = roles

    def pages(self, conn: Connection, escalation_id: str, packet: dict[str, Any], level: int,
              repeat: int, now: datetime, via: tuple[str, ...] = ("slack",)) -> list[str]:
        """Page everyone at ``level`` through each channel in ``via``; returns who was paged.

        Slack pages go to each person and the escalation channel (and are edited later); a
        text, email or call goes to each person with that contact, with the nonce of a one-time
        acknowledgement token of its own (signed and rendered by the channel at delivery).
        """
        reached: list[str] = []
        for channel in via:
            if channel == "slack":
                for recipient in self.roles.recipients(level):
                    key = f"page:{escalation_id}:{level}:{repeat}:{recipient}"
                    enqueue(conn, self.db, key=key, kind="page", target=recipient,
                            escalation_id=escalation_id, now=now,
                            payload=messages.page_message(packet, escalation_id=escalation_id,
                                                          key=key, level=level, repeat=repeat))
                    self._queued(conn, packet, escalation_id, level, repeat, recipient, key,
                                 channel, now)
                    reached.append(recipient)
                continue
            for person in self.roles.people(level):
                if not self.roles.config.person(person).contact(channel):
                    continue  # the default ladder: only people with that contact (doctor says)
                key = f"{channel}:{escalation_id}:{level}:{repeat}:{person}"
                nonce = ack_links.issue(conn, escalation_id=escalation_id, person=person,
                                        channel=channel, now=now)
                enqueue(conn, self.db, key=key, kind="page", method=channel, target=person,
                        escalation_id=escalation_id, now=now,
                        payload={"escalation_id": escalation_id, "level": level,
                                 "repeat": repeat, "nonce": nonce})
                self._queued(conn, packet, escalation_id, level, repeat, person, key, channel,
                             now)
                reached.append(person)
        return list(dict.fromkeys(reached))

    def _queued(self, conn: Connection, packet: dict[str, Any], escalation_id: str, level: int,
                repeat: int, recipient: str, key: str, via: str, now: datetime) -> None:
        append_event(conn, self.db, "page.queued", library=packet["library"],
                     escalation_id=escalation_id, at=now,
                     data={"level": level, "repeat": repeat, "recipient": recipient,
                           "key": key, "via": via})

    def director_notices(self, conn: Connection, escalation_id: str, packet: dict[str, Any],
                         conversation_id: str | None, now: datetime) -> None:
        """The director hears of every escalation as soon as it opens (not a page: no buttons)."""
        for director in self.roles.config.members(DIRECTOR):
            key = f"notice:{escalation_id}:{director}"
            enqueue(conn, self.db, key=key, kind="notice", target=director,
                    escalation_id=escalation_id, now=now,
                    payload=messages.notice_message(packet, escalation_id=escalation_id, key=key))
            append_event(conn, self.db, "notice.queued", library=packet["library"],
                         escalation_id=escalation_id, conversation_id=conversation_id, at=now,
                         data={"recipient": director, "key": key})

    def asker(self, conn: Connection, escalation_id: str, thread: ThreadRef | None, event: str,
              text: str, now: datetime) -> None:
        """Tell the asker, in their thread (Slack). The terminal face shows status itself."""
        if thread is None:
            return
        key = f"status:{escalation_id}:{event}"
        enqueue(conn, self.db, key=key, kind="status", target=thread.channel,
                thread_ts=thread.ts, escalation_id=escalation_id, now=now,
                payload=messages.text_message("status", text, key=key,
                                              escalation_id=escalation_id))

    def undelivered(self, conn: Connection, escalation_id: str, thread: ThreadRef | None,
                    recipient: str, error: str, packet: dict[str, Any], now: datetime) -> None:
        """Tell the asker, once per recipient, that a page did not get through and whom to
        phone (``[phones]`` in the config; else the library's advice for nobody answering)."""
        code = error.rsplit(": ", 1)[-1]
        text = (f"🚨 The page to {messages.where(recipient)} did not get through "
                f"(Slack said: {escape(code)}). {self.whom_to_phone(packet)}")
        self.asker(conn, escalation_id, thread, f"undelivered:{recipient}", text, now)

    def level_unreachable(self, conn: Connection, escalation_id: str, thread: ThreadRef | None,
                          level: int, repeat: int, failed: tuple[str, ...],
                          packet: dict[str, Any], now: datetime) -> None:
        """Tell the asker that no page of this level got through, on any channel, and whom
        to phone (the next level is being paged at once)."""
        role = escape(packet.get("roles", {}).get(PIC if level == 1 else DIRECTOR) or (
            "privacy in-charge" if level == 1 else "director"))
        text = (f"🚨 No page to the {role} got through (by {messages.channel_list(failed)}: "
                f"every one failed for good). {self.whom_to_phone(packet)}")
        self.asker(conn, escalation_id, thread, f"unreachable:{level}:{repeat}", text, now)

    def whom_to_phone(self, packet: dict[str, Any]) -> str:
        """Plain words: the numbers to phone now (``Roles.whom_to_phone``)."""
        return self.roles.whom_to_phone(packet.get("library", ""), packet.get("roles") or None)

    def expired_in_channel(self, conn: Connection, escalation_id: str, packet: dict[str, Any],
                           now: datetime) -> None:
        """Say in the escalation channel (if any) that a page ran out unacknowledged."""
        channel = self.roles.config.escalation.channel
        if not channel:
            return
        key = f"expired:{escalation_id}:{channel}"
        enqueue(conn, self.db, key=key, kind="status", target=channel,
                escalation_id=escalation_id, now=now, payload=messages.text_message(
                    "status", f"⚠️ Escalation `{escalation_id}` "
                    f"({escape(packet.get('situation_title') or 'question')}) expired: nobody "
                    "acknowledged. The asker was told to phone the director.",
                    key=key, escalation_id=escalation_id))

    def stand_downs(self, conn: Connection, escalation_id: str, event: str, *, by: str,
                    via: str, now: datetime) -> int:
        """Tell everyone a text or an email of this page already reached (or may have: one in
        flight) that nobody needs them any more: ``event`` (acknowledged, withdrawn,
        resolved) by ``by`` through ``via``. One stand-down per person and channel, whatever
        ends the page first; not to ``by`` themselves, nor through a call (it cannot be
        unsaid, and one not yet placed is never placed). Rendered by the channel at delivery.
        Returns how many were queued."""
        reached = conn.execute(
            select(outbox.c.method, outbox.c.target).distinct()
            .where(outbox.c.escalation_id == escalation_id, outbox.c.kind == "page",
                   outbox.c.method.in_(STAND_DOWN_CHANNELS), outbox.c.target != by,
                   or_(outbox.c.status.in_(("sent", "sending")), outbox.c.maybe_sent))
        ).all()
        queued = 0
        for method, person in sorted(reached):
            key = f"standdown:{method}:{escalation_id}:{person}"
            queued += enqueue(conn, self.db, key=key, kind="standdown", method=method,
                              target=person, escalation_id=escalation_id, now=now,
                              payload={"escalation_id": escalation_id, "event": event,
                                       "by": by, "via": via})
        return queued

    def page_edits(self, conn: Connection, escalation_id: str, event: str,
                   now: datetime) -> None:
        """Edit every page already queued for this escalation to show its new state."""
        keys = conn.execute(select(outbox.c.idempotency_key).where(
            outbox.c.escalation_id == escalation_id, outbox.c.kind == "page",
            outbox.c.method == "post",  # Slack pages; a text or a call cannot be edited
        )).scalars().all()
        for page_key in keys:
            key = f"update:{event}:{page_key}"
            enqueue(conn, self.db, key=key, kind="update", method="update", target="-",
                    ref_key=page_key, escalation_id=escalation_id, now=now,
                    payload={"escalation_id": escalation_id, "page_key": page_key})

    def paged_text(self, packet: dict[str, Any], level: int, repeat: int,
                   recipients: list[str], via: tuple[str, ...] = ("slack",)) -> str:
        """The asker's thread line for a page at ``level`` (first, to the director, repeated)."""
        role = escape(packet["roles"].get(PIC if level == 1 else DIRECTOR) or (
            "privacy in-charge" if level == 1 else "director"))
        names = ", ".join(messages.where(r) for r in recipients) or "nobody is configured"
        if set(via) - {"slack"}:
            names += f" (by {messages.channel_list(via)})"
        if level == 1 and repeat == 0:
            text = f"📟 Paged the {role}: {names}."
            if self.roles.has_director():
                text += " The director has been notified."
        elif level == 2:
            text = f"⏫ No acknowledgement yet — now paging the {role}: {names}."
        else:
            text = (f"🔁 Still no acknowledgement — paging the {role} again "
                    f"(repeat {repeat}): {names}.")
        return text + " Stay with the patron; do not hand anything over until someone answers."
