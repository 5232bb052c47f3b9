"""Escalation: a persisted state machine that pages the privacy in-charge and the director.

``EscalationService`` is the one object faces and commands use; each of its jobs lives in a
module named for it:

* ``roles`` — who is paged at each level, who may acknowledge, what to do if nobody answers;
* ``packet`` — what a page carries (redacted), fixed when the escalation opens;
* ``lifecycle`` — opening an escalation, re-escalating and expiring it on its deadlines;
* ``acknowledge`` — acknowledging and resolving a page;
* ``holds`` — legal deadlines an outcome starts, their renewals and reminders;
* ``notify`` — the pages, notices and status lines queued in the outbox;
* ``records`` — summaries read back for ``frontdesk pages`` and the faces.

Deadlines live in the database (``next_action_at``, hold reminder times) and ``tick()`` acts
on them, so a restart loses nothing. Every message goes through the outbox, written in the
same transaction as the state change.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot.config import Config
from bot.content.catalogue import Catalogue, ResolvedOutcome
from bot.content.flows import DECISIONS
from bot.engine.conversation import Conversation
from bot.engine.session import (
    FACES,
    RAISED,
    UPDATED,
    WITHDRAWN,
    PageChange,
    PageKey,
    page_action,
)
from bot.engine.step import view
from bot.escalation import acknowledge, corrections, lifecycle, records
from bot.escalation.holds import Holds
from bot.escalation.notify import Notifier
from bot.escalation.packet import REASONS, build_packet, urgency_for
from bot.escalation.records import (
    AckResult,
    EscalationSummary,
    HoldSummary,
    Paged,
    ThreadRef,
    dedupe_key,
)
from bot.escalation.roles import Roles, row_packet, who_is_paged
from bot.escalation.status import LiveStatus, signature
from bot.privacy.redact import redact_values
from bot.store import paging
from bot.store.audit import append_event
from bot.store.database import Database
from bot.store.outbox import OutboxRow, OutboxStore, Undelivered, ring
from bot.store.paging import Record
from bot.store.txn import Transaction, utcnow, write_transaction

__all__ = ["AckResult", "EscalationService", "EscalationSummary", "HoldSummary", "Paged",
           "ThreadRef"]


class EscalationService:
    """Trigger, acknowledge, resolve, and move escalations and holds along their deadlines."""

    def __init__(self, database: Database, config: Config, catalogue: Catalogue,
                 clock: Callable[[], datetime] | None = None):
        self.db = database
        self.config = config
        self.catalogue = catalogue
        self.clock = clock or utcnow
        self.roles = Roles(config, catalogue)
        self.notify = Notifier(database, self.roles)
        self.holds = Holds(database, self.roles, self.clock)
        self.live = LiveStatus(self)  # the asker's outcome message, edited on every change
        self._ids: dict[str, frozenset[str]] = {}  # per library (``_content_ids``)

    # --- who -----------------------------------------------------------------------------

    def level_recipients(self, level: int, packet: dict[str, Any] | None = None) -> list[str]:
        """People (user ids) and the channel paged at ``level`` (for the escalation whose
        ``packet`` this is)."""
        return self.roles.recipients(level, packet)

    def can_act(self, user_id: str, escalation_id: str | None = None) -> bool:
        """Whether ``user_id`` may acknowledge or resolve the escalation ``escalation_id``
        (``Roles.can_act``: the stand-in only a page that went to the stand-in)."""
        row = paging.escalation(self.db, escalation_id) if escalation_id else None
        return self.roles.can_act(user_id, row_packet(row) if row is not None else None)

    def if_no_answer(self, library: str) -> str:
        return self.roles.if_no_answer(library)

    def timeout(self, urgency: str) -> timedelta:
        return self.roles.ack_timeout(urgency)

    # --- opening an escalation -----------------------------------------------------------

    def build_packet(self, *, library: str, situation: str | None,
                     conversation: Conversation | None, outcome: ResolvedOutcome | None,
                     reason: str, urgency: str, asked_by: str, face: str,
                     thread: ThreadRef | None, question: str | None) -> dict[str, Any]:
        return build_packet(self.catalogue, self.roles, library=library, situation=situation,
                            conversation=conversation, outcome=outcome, reason=reason,
                            urgency=urgency, asked_by=asked_by, face=face, thread=thread,
                            question=question)

    def trigger(self, *, library: str, situation: str | None, conversation: Conversation | None,
                outcome: ResolvedOutcome | None, reason: str, asked_by: str, face: str,
                thread: ThreadRef | None = None, urgency: str | None = None,
                question: str | None = None, once_key: str | None = None) -> str:
        """Open an escalation and queue its first pages; idempotent per (conversation, outcome,
        reason), or per ``once_key`` for a page raised before any conversation (the same click,
        replayed after a crash, finds its first escalation). Returns the escalation id."""
        if reason not in REASONS:
            raise ValueError(f"unknown escalation reason {reason!r} (expected one of {REASONS})")
        if urgency is None:
            urgency = urgency_for(reason, outcome)
        if conversation is not None:
            dedupe = dedupe_key(conversation.id, outcome.id if outcome else None, reason)
        else:
            dedupe = dedupe_key(once_key or uuid.uuid4().hex)
        now = self.clock()
        packet = self.build_packet(
            library=library, situation=situation, conversation=conversation, outcome=outcome,
            reason=reason, urgency=urgency, asked_by=asked_by, face=face, thread=thread,
            question=question,
        )
        with write_transaction(self.db) as conn:  # a taken key: the escalation it opened
            escalation_id = lifecycle.open_escalation(self, conn, dedupe, packet,
                                                      conversation, outcome, thread, now)
            ring()  # once committed
        return escalation_id

    def handle_outcome(self, *, library: str, conversation: Conversation,
                       outcome: ResolvedOutcome, asked_by: str, face: str,
                       thread: ThreadRef | None = None) -> str | None:
        """What a face calls when a conversation reaches an outcome (``settle_outcome``).
        Returns the escalation now paging for this case's outcome, or None."""
        change = self.settle_outcome(library=library, conversation=conversation,
                                     outcome=outcome, asked_by=asked_by, face=face,
                                     thread=thread)
        if change is not None:
            return change.escalation if change.action != WITHDRAWN else None
        if outcome.escalate.pages:  # the same outcome again: the page already open
            return self._trigger_for(library, conversation, outcome, asked_by, face, thread)
        return None

    def settle_outcome(self, *, library: str, conversation: Conversation,
                       outcome: ResolvedOutcome, asked_by: str, face: str,
                       thread: ThreadRef | None = None) -> PageChange | None:
        """Bring the case's page in line with the outcome it now stands at.

        Decided by ``bot.engine.session.page_action``: page if the outcome names someone and
        nothing is open; after a correction, update the open page in place or withdraw it
        (``corrections``); never a second page for the same case. Holds a superseded outcome
        started are ended; the outcome's own hold is recorded. The reason is decided here,
        not by each face: an outcome reached through **Not sure** pages as "not-sure".
        """
        now = self.clock()
        reason = self._reason(conversation)
        with write_transaction(self.db) as conn:  # the correction, the page, the hold: one commit
            row = corrections.open_case_escalation(conn, self.db, conversation.id)
            action = page_action(open_page(row) if row is not None else None, outcome)
            corrections.end_superseded_holds(self, conn, conversation.id, outcome, asked_by, now)
            corrections.redate_holds(self, conn, conversation, outcome, asked_by, now)
            if row is not None and action == UPDATED:
                corrections.update_in_place(self, conn, row, conversation, outcome, reason,
                                            asked_by, face, now)
            elif row is not None and action == WITHDRAWN:
                corrections.withdraw(self, conn, row, conversation, outcome, asked_by, now)
            ring()
            if action == RAISED:
                escalation_id = self._trigger_for(library, conversation, outcome, asked_by,
                                                  face, thread)
                return PageChange(escalation_id, RAISED, outcome.escalate.roles,
                                  outcome.escalate.urgency)
            self.start_hold(library=library, outcome=outcome, conversation=conversation,
                            asked_by=asked_by)
        if row is not None and action == UPDATED:
            return PageChange(row.id, UPDATED, outcome.escalate.roles, outcome.escalate.urgency)
        if row is not None and action == WITHDRAWN:
            return PageChange(row.id, WITHDRAWN, (), "none")
        return None

    def _reason(self, conversation: Conversation) -> str:
        return "not-sure" if view(self.catalogue, conversation).reached_by_not_sure else "outcome"

    def _trigger_for(self, library: str, conversation: Conversation, outcome: ResolvedOutcome,
                     asked_by: str, face: str, thread: ThreadRef | None) -> str:
        return self.trigger(library=library, situation=conversation.flow,
                            conversation=conversation, outcome=outcome,
                            reason=self._reason(conversation), asked_by=asked_by, face=face,
                            thread=thread)

    # --- people's steps and the deadlines ------------------------------------------------

    def acknowledge(self, escalation_id: str, user_id: str, via: str = "slack") -> AckResult:
        """``via``: the channel the acknowledgement came through (audited, told the asker)."""
        return acknowledge.acknowledge(self, escalation_id, user_id, via)

    def acknowledge_by_link(self, nonce: str, via: str) -> AckResult:
        """Acknowledge with a one-time token from a text, email or call (``via``: link, sms,
        voice); the token is spent. ``nonce``: the token's, once its signature is checked
        (``bot.channels.tokens.verify``)."""
        return acknowledge.acknowledge_by_link(self, nonce, via)

    def failover(self, escalation_id: str, *, dead: bool) -> bool:
        """Slack cannot take this escalation's page: the level's other channels go now."""
        return lifecycle.failover(self, escalation_id, dead=dead)

    def resolve(self, escalation_id: str, user_id: str, note: str | None = None,
                via: str = "slack", ending: str | None = None) -> AckResult:
        """``ending``: how it ended, an id of ``endings.ENDINGS`` (the structured answer);
        ``note``: what no ending says, redacted before it is kept."""
        return acknowledge.resolve(self, escalation_id, user_id, note, via, ending)

    def undelivered(self, conn: Transaction, row: OutboxRow, error: str) -> None:
        """The outbox worker's ``on_undelivered``: a Slack page that failed for good is an
        emergency (``lifecycle.undelivered``); a text, call or email is, once every page of its
        level has failed (``lifecycle.contact_undelivered``); other messages are only recorded
        as failed."""
        if row.kind != "page" or not row.escalation_id:
            return
        if row.method == "post":
            lifecycle.undelivered(self, conn, escalation_id=row.escalation_id, key=row.key,
                                  recipient=row.target, error=error, now=self.clock())
        else:
            lifecycle.contact_undelivered(self, conn, escalation_id=row.escalation_id,
                                          key=row.key, via=row.method, recipient=row.target,
                                          error=error, now=self.clock())

    def undelivered_pages(self, hours: float = 24) -> list[Undelivered]:
        """Pages that failed for good in the last ``hours`` (``frontdesk pages``, /healthz)."""
        return OutboxStore(self.db).undelivered(self.clock() - timedelta(hours=hours))

    def tick(self) -> int:
        """Act on every deadline that has passed: re-escalate, expire, remind about holds."""
        return lifecycle.tick(self)

    # --- holds ---------------------------------------------------------------------------

    def start_hold(self, *, library: str, outcome: ResolvedOutcome,
                   conversation: Conversation | None, asked_by: str) -> str | None:
        """Record a hold for an outcome that starts one but does not page anyone."""
        if not outcome.hold:
            return None
        return self.holds.start_alone(library=library, hold=outcome.hold,
                                      conversation_id=conversation.id if conversation else None,
                                      asked_by=asked_by,
                                      stated_date=conversation.stated_date if conversation
                                      else None)

    def renew_hold(self, hold_id: str, user_id: str) -> AckResult:
        return self.holds.renew(hold_id, user_id)

    def end_hold(self, hold_id: str, user_id: str) -> AckResult:
        return self.holds.end(hold_id, user_id)

    # --- the case trail and the terminal --------------------------------------------------

    def record(self, kind: str, *, library: str, actor: str | None = None,
               conversation_id: str | None = None, data: dict[str, Any] | None = None) -> None:
        """Append a case event (opened, answer, outcome) to the audit trail. ``data`` must be
        redacted already; free text in it, however deep, is redacted again here (the
        library's own ids, all a case event holds, are known words: kept unread)."""
        clean = redact_values(data or {}, self._content_ids(library))
        with write_transaction(self.db) as conn:
            append_event(conn, self.db, kind, library=library, actor=actor,
                         conversation_id=conversation_id, data=clean, at=self.clock())

    def _content_ids(self, library: str) -> frozenset[str]:
        """Every id ``library``'s content declares (situations, questions, choices, outcomes,
        decisions) and the faces' names: words of the content, nobody's data."""
        ids = self._ids.get(library)
        if ids is None:
            found = set(FACES) | set(DECISIONS)
            for flow in self.catalogue.flows_for(library).values():
                found.add(flow.id)
                found.update(flow.nodes)
                found.update(c.id for q in flow.questions() for c in q.choices)
            ids = self._ids[library] = frozenset(found)
        return ids

    def page_status(self, escalation_id: str) -> tuple[Paged, str, dict[str, Any]] | None:
        """``paged`` and ``live.current`` from one read of the escalation's row: whom it pages
        and how urgently, the signature of its state and its status facts (what a face shows
        under the outcome that raised it). None when there is no such escalation."""
        row = records.escalation_row(self.db, escalation_id)
        if row is None:
            return None
        return who_is_paged(row), signature(row), self.live.facts(row)

    def paged(self, escalation_id: str) -> Paged | None:
        """Whom ``escalation_id`` is paging and how urgently, as decided when it was opened (or
        moved on): what a face shows about the page. None when there is no such escalation."""
        row = records.escalation_row(self.db, escalation_id)
        return who_is_paged(row) if row is not None else None

    # --- reading -------------------------------------------------------------------------

    def open_escalations(self) -> list[EscalationSummary]:
        return records.open_escalations(self.db)

    def get(self, escalation_id: str) -> EscalationSummary | None:
        row = records.escalation_row(self.db, escalation_id)
        return EscalationSummary.from_row(row) if row else None

    def packet(self, escalation_id: str) -> dict[str, Any] | None:
        row = records.escalation_row(self.db, escalation_id)
        return json.loads(row.packet) if row is not None and row.packet else None

    def page_state(self, escalation_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(packet, state) for re-rendering a page message."""
        row = records.escalation_row(self.db, escalation_id)
        if row is None or row.packet is None:
            return None
        return json.loads(row.packet), records.page_state(row)

    def open_holds(self) -> list[HoldSummary]:
        return records.open_holds(self.db)


def open_page(row: Record) -> PageKey:
    """Whom the open escalation ``row`` pages, as its packet keeps it (rows kept before the
    packet named the roles compare by outcome alone)."""
    kept = ((json.loads(row.packet or "{}").get("outcome") or {}).get("escalate") or {})
    roles = kept.get("roles")
    return PageKey(row.outcome_id, tuple(roles) if roles is not None else None,
                   kept.get("urgency"))
