"""What the escalation engine tells people, queued in the outbox inside each state change.

Every message is written in the transaction that changes the escalation, under an idempotency
key that names the escalation, the event and the recipient: a retried transaction or a second
instance queues nothing twice. A row says what happened and to whom, never how it reads: its
payload names what to render (``render``: page, notice, status, expired-channel) with the
structured facts, and the channel renders it at delivery (``bot.channels.slack.render``, the
texts', emails' and calls' renderers) from the escalation as it stands then. Pages are edited
in place later (``page_edits``) the same way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.escalation.records import ThreadRef
from bot.escalation.roles import DIRECTOR, Roles
from bot.store import ack_links
from bot.store.audit import append_event
from bot.store.database import Database
from bot.store.outbox import Message, enqueue, enqueue_then
from bot.store.paging import reached_through, slack_page_keys
from bot.store.txn import Transaction

#: Channels whose messages get a stand-down when a page ends (a call is not called back).
STAND_DOWN_CHANNELS = ("sms", "email")


class Notifier:
    """Pages, the director's notice, the asker's thread and page edits, for one database."""

    def __init__(self, db: Database, roles: Roles):
        self.db = db
        self.roles = roles

    def pages(self, conn: Transaction, escalation_id: str, packet: dict[str, Any], level: int,
              repeat: int, now: datetime, via: tuple[str, ...] = ("slack",)) -> list[str]:
        """Page everyone at ``level`` through each channel in ``via``; returns who was paged.

        Slack pages go to each person and the escalation channel (and are edited later); a
        text, email or call goes to each person with that contact, with the nonce of a one-time
        acknowledgement token of its own (signed and rendered by the channel at delivery).
        """
        reached: list[str] = []  # everyone paged at this level, this time or already before
        for channel in via:
            if channel == "slack":  # every recipient's page in one insert
                # (a person listed twice in the config is paged, audited and named once)
                recipients = list(dict.fromkeys(self.roles.recipients(level, packet)))
                pages = [Message(f"page:{escalation_id}:{level}:{repeat}:{recipient}", "page",
                                 recipient, {"render": "page", "escalation_id": escalation_id,
                                             "level": level, "repeat": repeat},
                                 escalation_id=escalation_id)
                         for recipient in recipients]
                def audited(queued: set[str], pages: list[Message] = pages,
                            channel: str = channel) -> None:
                    for page in pages:
                        if page.key in queued:
                            self._queued(conn, packet, escalation_id, level, repeat,
                                         page.target, page.key, channel, now)

                enqueue_then(conn, self.db, pages, now, audited)
                reached.extend(recipients)
                continue
            for person in self.roles.people(level, packet):
                if not self.roles.config.person(person).contact(channel):
                    continue  # the default ladder: only people with that contact (doctor says)
                key = f"{channel}:{escalation_id}:{level}:{repeat}:{person}"
                # The link is recorded only for a message queued now: one the outbox holds
                # already (its key taken) keeps its own, and this nonce is never sent.
                nonce = ack_links.new_nonce()

                def issued(queued: set[str], person: str = person, key: str = key,
                           nonce: str = nonce, channel: str = channel) -> None:
                    if key in queued:
                        ack_links.issue(conn, escalation_id=escalation_id, person=person,
                                        channel=channel, now=now, nonce=nonce)
                        self._queued(conn, packet, escalation_id, level, repeat, person, key,
                                     channel, now)

                # Queued (and audited) as the Slack pages are: inside ``batched`` (a new
                # escalation's first rung) after them, so page.queued follows the ladder.
                enqueue_then(conn, self.db, [Message(
                    key, "page", person, {"escalation_id": escalation_id, "level": level,
                                          "repeat": repeat, "nonce": nonce},
                    escalation_id=escalation_id, method=channel)], now, issued)
                reached.append(person)
        return list(dict.fromkeys(reached))

    def _queued(self, conn: Transaction, packet: dict[str, Any], escalation_id: str, level: int,
                repeat: int, recipient: str, key: str, via: str, now: datetime) -> None:
        append_event(conn, self.db, "page.queued", library=packet["library"],
                     escalation_id=escalation_id, at=now,
                     data={"level": level, "repeat": repeat, "recipient": recipient,
                           "key": key, "via": via})

    def director_notices(self, conn: Transaction, escalation_id: str, packet: dict[str, Any],
                         conversation_id: str | None, now: datetime) -> None:
        """The director hears of every escalation as soon as it opens (not a page: no buttons)."""
        for director in self.roles.config.members(DIRECTOR):
            key = f"notice:{escalation_id}:{director}"

            def audited(_queued: set[str], director: str = director, key: str = key) -> None:
                append_event(conn, self.db, "notice.queued", library=packet["library"],
                             escalation_id=escalation_id, conversation_id=conversation_id,
                             at=now, data={"recipient": director, "key": key})

            enqueue_then(conn, self.db, [Message(
                key, "notice", director, {"render": "notice", "escalation_id": escalation_id},
                escalation_id=escalation_id)], now, audited)

    def asker(self, conn: Transaction, escalation_id: str, thread: ThreadRef | None, event: str,
              status: dict[str, Any], now: datetime) -> None:
        """Tell the asker, in their thread (Slack), what happened: ``status`` is the event's
        structured facts (``event``: paged, acknowledged, resolved, corrected, withdrawn,
        expired, undelivered, unreachable), worded by the channel. The terminal face shows
        status itself."""
        if thread is None:
            return
        key = f"status:{escalation_id}:{event}"
        enqueue_then(conn, self.db, [Message(
            key, "status", thread.channel,
            {"render": "status", "escalation_id": escalation_id, **status},
            escalation_id=escalation_id, thread_ts=thread.ts)], now)

    def undelivered(self, conn: Transaction, escalation_id: str, thread: ThreadRef | None,
                    recipient: str, error: str, packet: dict[str, Any], now: datetime) -> None:
        """Tell the asker, once per recipient, that a page did not get through and whom to
        phone (``[phones]`` in the config; else the library's advice for nobody answering)."""
        self.asker(conn, escalation_id, thread, f"undelivered:{recipient}", {
            "event": "undelivered", "recipient": recipient,
            "error": error.rsplit(": ", 1)[-1], "phone": self.phones(packet)}, now)

    def level_unreachable(self, conn: Transaction, escalation_id: str, thread: ThreadRef | None,
                          level: int, repeat: int, failed: tuple[str, ...],
                          packet: dict[str, Any], now: datetime) -> None:
        """Tell the asker that no page of this level got through, on any channel, and whom
        to phone (the next level is being paged at once)."""
        self.asker(conn, escalation_id, thread, f"unreachable:{level}:{repeat}", {
            "event": "unreachable", "level": level, "failed": list(failed),
            "phone": self.phones(packet)}, now)

    def phones(self, packet: dict[str, Any]) -> dict[str, Any]:
        """Whom to phone now (``Roles.phones``), as facts a channel words."""
        return self.roles.phones(packet.get("library", ""), packet.get("roles") or None)

    def expired_in_channel(self, conn: Transaction, escalation_id: str, now: datetime) -> None:
        """Say in the escalation channel (if any) that a page ran out unacknowledged."""
        channel = self.roles.config.escalation.channel
        if not channel:
            return
        key = f"expired:{escalation_id}:{channel}"
        enqueue(conn, self.db, key=key, kind="status", target=channel,
                escalation_id=escalation_id, now=now,
                payload={"render": "expired-channel", "escalation_id": escalation_id})

    def stand_downs(self, conn: Transaction, escalation_id: str, event: str, *, by: str,
                    via: str, now: datetime) -> int:
        """Tell everyone a text or an email of this page already reached (or may have: one in
        flight) that nobody needs them any more: ``event`` (acknowledged, withdrawn,
        resolved) by ``by`` through ``via``. One stand-down per person and channel, whatever
        ends the page first; not to ``by`` themselves, nor through a call (it cannot be
        unsaid, and one not yet placed is never placed). Rendered by the channel at delivery.
        Returns how many were queued."""
        reached = reached_through(conn, escalation_id, STAND_DOWN_CHANNELS, besides=by)
        queued = 0
        for method, person in sorted(reached):
            key = f"standdown:{method}:{escalation_id}:{person}"
            queued += enqueue(conn, self.db, key=key, kind="standdown", method=method,
                              target=person, escalation_id=escalation_id, now=now,
                              payload={"escalation_id": escalation_id, "event": event,
                                       "by": by, "via": via})
        return queued

    def page_edits(self, conn: Transaction, escalation_id: str, event: str,
                   now: datetime) -> None:
        """Edit every page already queued for this escalation to show its new state."""
        for page_key in slack_page_keys(conn, escalation_id):  # a text cannot be edited
            key = f"update:{event}:{page_key}"
            enqueue(conn, self.db, key=key, kind="update", method="update", target="-",
                    ref_key=page_key, escalation_id=escalation_id, now=now,
                    payload={"escalation_id": escalation_id, "page_key": page_key})

    def paged(self, level: int, repeat: int, recipients: list[str],
              via: tuple[str, ...] = ("slack",), *, undelivered: bool = False) -> dict[str, Any]:
        """The asker's status for a page at ``level`` (first, to the director, repeated);
        ``undelivered``: paged now because the last level's pages did not get through, not
        because nobody answered in time."""
        return {"event": "paged", "level": level, "repeat": repeat, "recipients": recipients,
                "via": list(via), "director_notified": self.roles.has_director(),
                "undelivered": undelivered}
