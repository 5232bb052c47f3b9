"""Escalation: a persisted state machine that pages the privacy in-charge and the director.

``triggered → acknowledged → resolved``, or ``expired`` once every level and repeat has passed
without an acknowledgement. Level 1 pages everyone in the ``privacy-in-charge`` role (and posts
in the escalation channel); level 2 pages the ``director`` role. The director gets a notice as
soon as anything is triggered. Each level waits the acknowledgement timeout of the escalation's
urgency; after level 2 the whole sequence repeats ``escalation.repeat`` times.

Deadlines live in the database (``next_action_at``, hold reminder times) and ``tick()`` acts
on them, so a restart loses nothing. Every message goes through the outbox, written in the
same transaction as the state change.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.config import Config
from bot.content.catalogue import Catalogue, ResolvedOutcome
from bot.content.flows import Question
from bot.engine.conversation import Conversation
from bot.engine.step import view
from bot.escalation import messages
from bot.escalation.status import LiveStatus
from bot.privacy.redact import redact
from bot.store.audit import append_event
from bot.store.database import Database
from bot.store.outbox import enqueue, ring
from bot.store.paging_tables import escalations, holds, outbox
from bot.store.txn import as_utc, locked, utcnow, write_transaction

PIC = "privacy-in-charge"
DIRECTOR = "director"
REASONS = ("outcome", "not-sure", "page-now", "unrouted")
REASON_TEXT = {
    "outcome": "the policy says a person with authority must act",
    "not-sure": "staff were not sure which answer applies",
    "page-now": "staff asked to page the privacy in-charge now",
    "unrouted": "a question the bot has no flow for; staff chose to page",
}
DEFAULT_IF_NO_ANSWER = ("Phone the director directly. If anyone is in danger, call 911. "
                        "Do not hand over records or information until someone with authority "
                        "has told you to.")
REMIND_BEFORE = timedelta(days=7)


@dataclass(frozen=True)
class ThreadRef:
    channel: str
    ts: str
    permalink: str | None = None


@dataclass(frozen=True)
class AckResult:
    status: str  # acknowledged | already | refused | not-found  (resolve: resolved | …)
    message: str


@dataclass(frozen=True)
class EscalationSummary:
    id: str
    library: str
    situation: str | None
    situation_title: str
    reason: str
    urgency: str
    state: str
    level: int
    repeat: int
    asked_by: str
    face: str
    created_at: datetime
    next_action_at: datetime | None
    acked_by: str | None
    acked_at: datetime | None
    headline: str | None


@dataclass(frozen=True)
class HoldSummary:
    id: str
    library: str
    kind: str
    escalation_id: str | None
    started_at: datetime
    due_at: datetime
    renewals: int
    renewal_days: int | None
    state: str


def _new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def _state(row: Any) -> dict[str, Any]:
    def stamp(value: datetime | None) -> str | None:
        value = as_utc(value)
        return value.isoformat() if value else None

    return {"state": row.state, "acked_by": row.acked_by, "acked_at": stamp(row.acked_at),
            "resolved_by": row.resolved_by, "resolved_at": stamp(row.resolved_at),
            "resolve_note": row.resolve_note, "expired_at": stamp(row.expired_at)}


class EscalationService:
    """Trigger, acknowledge, resolve, and move escalations and holds along their deadlines."""

    def __init__(self, database: Database, config: Config, catalogue: Catalogue,
                 clock: Callable[[], datetime] | None = None):
        self.db = database
        self.config = config
        self.catalogue = catalogue
        self.clock = clock or utcnow
        self.live = LiveStatus(self)  # the asker's outcome message, edited on every change

    # --- who -----------------------------------------------------------------------------

    def level_recipients(self, level: int) -> list[str]:
        """People (user ids) and the channel paged at ``level``."""
        people = list(self.config.members(PIC if level == 1 else DIRECTOR))
        if self.config.escalation.channel:
            people.append(self.config.escalation.channel)
        return people

    def can_act(self, user_id: str) -> bool:
        """Members of either role may acknowledge or resolve. With no role members configured
        at all (the terminal demo), the local terminal user may."""
        members = set(self.config.members(PIC)) | set(self.config.members(DIRECTOR))
        if members:
            return user_id in members
        return user_id.startswith("terminal")

    def if_no_answer(self, library: str) -> str:
        if text := self.config.contacts.get("if_no_answer"):
            return text
        pack = self.catalogue.packs.get(library)
        if pack and pack.contacts.get("if_no_answer"):
            return pack.contacts["if_no_answer"]
        return DEFAULT_IF_NO_ANSWER

    def timeout(self, urgency: str) -> timedelta:
        seconds = self.config.escalation.ack_timeout_seconds
        return timedelta(seconds=seconds.get(urgency, seconds.get("prompt", 900)))

    # --- the packet ----------------------------------------------------------------------

    def build_packet(self, *, library: str, situation: str | None,
                     conversation: Conversation | None, outcome: ResolvedOutcome | None,
                     reason: str, urgency: str, asked_by: str, face: str,
                     thread: ThreadRef | None, question: str | None) -> dict[str, Any]:
        pack = self.catalogue.packs.get(library)
        flow = None
        if situation:
            try:
                flow = self.catalogue.flow(library, situation)
            except LookupError:
                flow = None
        path: list[dict[str, Any]] = []
        if conversation is not None and flow is not None:
            from bot.engine import view

            try:
                steps = view(self.catalogue, conversation).path
            except Exception:  # a conversation the content no longer walks: keep what we have
                steps = tuple(conversation.answers)
            said = {(t.question, t.choice): t.said for t in conversation.transcript}
            for question_id, choice_id in steps:
                node = flow.nodes.get(question_id)
                if isinstance(node, Question):
                    choice = node.choice(choice_id)
                    label = choice.label if choice else choice_id
                    typed = redact(said.get((question_id, choice_id), ""))
                    path.append({
                        "question": node.ask, "answer": label,
                        "said": typed if typed and typed not in (label, choice_id) else None,
                    })
        packet: dict[str, Any] = {
            "library": library,
            "library_name": pack.library if pack else library,
            "situation": situation,
            "situation_title": flow.title if flow else None,
            "reason": reason,
            "reason_text": REASON_TEXT.get(reason, reason),
            "urgency": urgency,
            "asked_by": asked_by,
            "face": face,
            "permalink": thread.permalink if thread else None,
            "question": redact(question) if question else None,
            "path": path,
            "outcome": None,
            "roles": {r: pack.roles[r].display for r in pack.roles} if pack else {},
            "if_no_answer": self.if_no_answer(library),
            "hold": None,
        }
        if outcome is not None:
            packet["outcome"] = {
                "id": outcome.id, "headline": outcome.headline, "decision": outcome.decision,
                "do": list(outcome.do),
                "citations": [{"clause": c.clause, "title": c.title, "text": c.text}
                              for c in outcome.citations],
            }
        return packet

    # --- trigger -------------------------------------------------------------------------

    def trigger(self, *, library: str, situation: str | None, conversation: Conversation | None,
                outcome: ResolvedOutcome | None, reason: str, asked_by: str, face: str,
                thread: ThreadRef | None = None, urgency: str | None = None,
                question: str | None = None) -> str:
        """Open an escalation and queue its first pages; idempotent per (conversation, outcome,
        reason). Returns the escalation id."""
        if reason not in REASONS:
            raise ValueError(f"unknown escalation reason {reason!r} (expected one of {REASONS})")
        if urgency is None:
            wanted = outcome.escalate.urgency if outcome is not None else "none"
            if reason == "page-now":
                urgency = "immediate"
            else:
                urgency = wanted if wanted in ("immediate", "prompt") else "prompt"
        if conversation is not None:
            dedupe = _digest(conversation.id, outcome.id if outcome else None, reason)
        else:
            dedupe = _digest(uuid.uuid4().hex)
        now = self.clock()
        packet = self.build_packet(
            library=library, situation=situation, conversation=conversation, outcome=outcome,
            reason=reason, urgency=urgency, asked_by=asked_by, face=face, thread=thread,
            question=question,
        )
        try:
            with write_transaction(self.db) as conn:
                existing = conn.execute(
                    select(escalations.c.id).where(escalations.c.dedupe_key == dedupe)
                ).scalar()
                if existing:
                    return existing
                escalation_id = self._open(conn, dedupe, packet, conversation, outcome, thread,
                                           now)
        except IntegrityError:  # another instance opened the same escalation a moment ago
            with self.db.engine.connect() as conn:
                return conn.execute(
                    select(escalations.c.id).where(escalations.c.dedupe_key == dedupe)
                ).scalar_one()
        ring()
        return escalation_id

    def _open(self, conn: Connection, dedupe: str, packet: dict[str, Any],
              conversation: Conversation | None, outcome: ResolvedOutcome | None,
              thread: ThreadRef | None, now: datetime) -> str:
        escalation_id = _new_id("e")
        level = self._first_level()
        conn.execute(insert(escalations).values(
            id=escalation_id, dedupe_key=dedupe, library=packet["library"],
            situation=packet["situation"],
            conversation_id=conversation.id if conversation else None,
            outcome_id=outcome.id if outcome else None, reason=packet["reason"],
            urgency=packet["urgency"], asked_by=packet["asked_by"], face=packet["face"],
            thread_channel=thread.channel if thread else None,
            thread_ts=thread.ts if thread else None,
            thread_permalink=thread.permalink if thread else None,
            packet=json.dumps(packet), state="triggered", level=level, repeat=0,
            next_action_at=now + self.timeout(packet["urgency"]), created_at=now, updated_at=now,
        ))
        common = dict(library=packet["library"], escalation_id=escalation_id,
                      conversation_id=conversation.id if conversation else None, at=now)
        append_event(conn, self.db, "escalation.triggered", actor=packet["asked_by"], **common,
                     data={"reason": packet["reason"], "urgency": packet["urgency"],
                           "situation": packet["situation"],
                           "outcome": outcome.id if outcome else None,
                           "path": packet["path"], "question": packet["question"],
                           "face": packet["face"]})
        if outcome is not None and outcome.hold:
            hold_id = self._start_hold(conn, library=packet["library"], hold=outcome.hold,
                                       escalation_id=escalation_id,
                                       conversation_id=common["conversation_id"],
                                       asked_by=packet["asked_by"], now=now)
            if hold_id:
                due = now + timedelta(days=int(outcome.hold["days"]))
                packet["hold"] = {**outcome.hold, "id": hold_id, "due_at": due.isoformat()}
                conn.execute(update(escalations).where(escalations.c.id == escalation_id)
                             .values(packet=json.dumps(packet)))
        paged = self._queue_pages(conn, escalation_id, packet, level, 0, now)
        if level == 1:
            for director in self.config.members(DIRECTOR):
                key = f"notice:{escalation_id}:{director}"
                enqueue(conn, self.db, key=key, kind="notice", target=director,
                        escalation_id=escalation_id, now=now,
                        payload=messages.notice_message(packet, escalation_id=escalation_id,
                                                        key=key))
                append_event(conn, self.db, "notice.queued", **common,
                             data={"recipient": director, "key": key})
        self._status(conn, escalation_id, packet, thread, f"paged:{level}:0", self._paged_text(
            packet, level, 0, paged), now)
        return escalation_id

    def _first_level(self) -> int:
        if not self.level_recipients(1) and self.config.members(DIRECTOR):
            return 2
        return 1

    def _queue_pages(self, conn: Connection, escalation_id: str, packet: dict[str, Any],
                     level: int, repeat: int, now: datetime) -> list[str]:
        recipients = self.level_recipients(level)
        for recipient in recipients:
            key = f"page:{escalation_id}:{level}:{repeat}:{recipient}"
            enqueue(conn, self.db, key=key, kind="page", target=recipient,
                    escalation_id=escalation_id, now=now,
                    payload=messages.page_message(packet, escalation_id=escalation_id, key=key,
                                                  level=level, repeat=repeat))
            append_event(conn, self.db, "page.queued", library=packet["library"],
                         escalation_id=escalation_id, at=now,
                         data={"level": level, "repeat": repeat, "recipient": recipient,
                               "key": key})
        return recipients

    def _paged_text(self, packet: dict[str, Any], level: int, repeat: int,
                    recipients: list[str]) -> str:
        role = packet["roles"].get(PIC if level == 1 else DIRECTOR) or (
            "privacy in-charge" if level == 1 else "director")
        names = ", ".join(messages.where(r) for r in recipients) or "nobody is configured"
        if level == 1 and repeat == 0:
            text = f"📟 Paged the {role}: {names}."
            if self.config.members(DIRECTOR):
                text += " The director has been notified."
        elif level == 2:
            text = f"⏫ No acknowledgement yet — now paging the {role}: {names}."
        else:
            text = (f"🔁 Still no acknowledgement — paging the {role} again "
                    f"(repeat {repeat}): {names}.")
        return text + " Stay with the patron; do not hand anything over until someone answers."

    def _status(self, conn: Connection, escalation_id: str, packet: dict[str, Any],
                thread: ThreadRef | None, event: str, text: str, now: datetime) -> None:
        """Tell the asker, in their thread (Slack). The terminal face shows status itself."""
        if thread is None:
            return
        key = f"status:{escalation_id}:{event}"
        enqueue(conn, self.db, key=key, kind="status", target=thread.channel,
                thread_ts=thread.ts, escalation_id=escalation_id, now=now,
                payload=messages.text_message("status", text, key=key,
                                              escalation_id=escalation_id))

    @staticmethod
    def _thread(row: Any) -> ThreadRef | None:
        if row.thread_channel and row.thread_ts:
            return ThreadRef(row.thread_channel, row.thread_ts, row.thread_permalink)
        return None

    def _queue_updates(self, conn: Connection, escalation_id: str, event: str,
                       now: datetime) -> None:
        """Edit every page already queued for this escalation to show its new state."""
        keys = conn.execute(select(outbox.c.idempotency_key).where(
            outbox.c.escalation_id == escalation_id, outbox.c.kind == "page"
        )).scalars().all()
        for page_key in keys:
            key = f"update:{event}:{page_key}"
            enqueue(conn, self.db, key=key, kind="update", method="update", target="-",
                    ref_key=page_key, escalation_id=escalation_id, now=now,
                    payload={"escalation_id": escalation_id, "page_key": page_key})

    # --- acknowledge and resolve ---------------------------------------------------------

    def acknowledge(self, escalation_id: str, user_id: str) -> AckResult:
        now = self.clock()
        with write_transaction(self.db) as conn:
            row = conn.execute(locked(
                select(escalations).where(escalations.c.id == escalation_id), self.db
            )).first()
            if row is None:
                return AckResult("not-found", f"No escalation {escalation_id}.")
            if not self.can_act(user_id):
                return AckResult("refused", self._refusal(row.library))
            if row.state in ("acknowledged", "resolved"):
                return AckResult("already", f"Already acknowledged by {messages.who(row.acked_by)}"
                                 f" at {messages._when(as_utc(row.acked_at))}. Nothing changed.")
            if row.state == "expired":
                return AckResult("already", "This page expired before anyone acknowledged it; "
                                 "the asker was told what to do next. Use Resolve to close it "
                                 "with a note.")
            conn.execute(update(escalations).where(escalations.c.id == escalation_id).values(
                state="acknowledged", acked_by=user_id, acked_at=now, next_action_at=None,
                updated_at=now,
            ))
            packet = json.loads(row.packet or "{}")
            self._status(conn, escalation_id, packet, self._thread(row), "acknowledged",
                         f"✅ Acknowledged by {messages.who(user_id)} at {messages._when(now)}. "
                         "They are on it; follow their instructions.", now)
            self._queue_updates(conn, escalation_id, "acknowledged", now)
            self.live.queue_edits(conn, escalation_id, now)
            append_event(conn, self.db, "escalation.acknowledged", library=row.library,
                         escalation_id=escalation_id, conversation_id=row.conversation_id,
                         actor=user_id, at=now, data={"level": row.level, "repeat": row.repeat})
        ring()
        return AckResult("acknowledged",
                         f"You acknowledged escalation {escalation_id}. The asker has been told.")

    def resolve(self, escalation_id: str, user_id: str, note: str | None = None) -> AckResult:
        now = self.clock()
        clean = redact(note.strip())[:1000] if note and note.strip() else None
        with write_transaction(self.db) as conn:
            row = conn.execute(locked(
                select(escalations).where(escalations.c.id == escalation_id), self.db
            )).first()
            if row is None:
                return AckResult("not-found", f"No escalation {escalation_id}.")
            if not self.can_act(user_id):
                return AckResult("refused", self._refusal(row.library))
            if row.state == "resolved":
                return AckResult("already", f"Already resolved by {messages.who(row.resolved_by)}"
                                 f" at {messages._when(as_utc(row.resolved_at))}.")
            values: dict[str, Any] = dict(state="resolved", resolved_by=user_id, resolved_at=now,
                                          resolve_note=clean, next_action_at=None, updated_at=now)
            if row.acked_by is None and row.state == "triggered":
                values.update(acked_by=user_id, acked_at=now)
            conn.execute(update(escalations).where(escalations.c.id == escalation_id)
                         .values(**values))
            packet = json.loads(row.packet or "{}")
            text = f"☑️ Resolved by {messages.who(user_id)} at {messages._when(now)}."
            if clean:
                text += f" Note: {clean}"
            self._status(conn, escalation_id, packet, self._thread(row), "resolved", text, now)
            self._queue_updates(conn, escalation_id, "resolved", now)
            self.live.queue_edits(conn, escalation_id, now)
            append_event(conn, self.db, "escalation.resolved", library=row.library,
                         escalation_id=escalation_id, conversation_id=row.conversation_id,
                         actor=user_id, at=now, data={"note": clean, "from": row.state})
        ring()
        return AckResult("resolved", f"Escalation {escalation_id} resolved.")

    def _refusal(self, library: str) -> str:
        pack = self.catalogue.packs.get(library)
        title = pack.roles[PIC].display if pack and PIC in pack.roles else "privacy in-charge"
        return (f"Sorry — only the {title} or the director can acknowledge or resolve this page. "
                "If you need them, stay in the thread: they have been paged.")

    # --- the scheduler -------------------------------------------------------------------

    def tick(self) -> int:
        """Act on every deadline that has passed: re-escalate, expire, remind about holds."""
        now = self.clock()
        actions = 0
        while True:
            with write_transaction(self.db) as conn:
                row = conn.execute(locked(
                    select(escalations)
                    .where(escalations.c.state == "triggered",
                           escalations.c.next_action_at <= now)
                    .order_by(escalations.c.next_action_at)
                    .limit(1),
                    self.db, skip_locked=True,
                )).first()
                if row is None:
                    break
                self._advance(conn, row, now)
            actions += 1
        actions += self._hold_reminders(now)
        if actions:
            ring()
        return actions

    def _next(self, level: int, repeat: int) -> tuple[int, int] | None:
        if level == 1:
            return 2, repeat
        if repeat < self.config.escalation.repeat:
            return 1, repeat + 1
        return None

    def _advance(self, conn: Connection, row: Any, now: datetime) -> None:
        packet = json.loads(row.packet or "{}")
        step = self._next(row.level, row.repeat)
        anyone = bool(self.level_recipients(1) or self.level_recipients(2))
        while step is not None and anyone and not self.level_recipients(step[0]):
            step = self._next(*step)
        common = dict(library=row.library, escalation_id=row.id,
                      conversation_id=row.conversation_id, at=now)
        if step is None:
            conn.execute(update(escalations).where(escalations.c.id == row.id).values(
                state="expired", expired_at=now, next_action_at=None, updated_at=now))
            text = ("⚠️ Nobody acknowledged the page in time. What to do next: "
                    f"{packet.get('if_no_answer') or self.if_no_answer(row.library)}")
            self._status(conn, row.id, packet, self._thread(row), "expired", text, now)
            if channel := self.config.escalation.channel:
                key = f"expired:{row.id}:{channel}"
                enqueue(conn, self.db, key=key, kind="status", target=channel,
                        escalation_id=row.id, now=now, payload=messages.text_message(
                            "status", f"⚠️ Escalation `{row.id}` "
                            f"({packet.get('situation_title') or 'question'}) expired: nobody "
                            "acknowledged. The asker was told to phone the director.",
                            key=key, escalation_id=row.id))
            self._queue_updates(conn, row.id, "expired", now)
            self.live.queue_edits(conn, row.id, now)
            append_event(conn, self.db, "escalation.expired", **common,
                         data={"level": row.level, "repeat": row.repeat})
            return
        level, repeat = step
        conn.execute(update(escalations).where(escalations.c.id == row.id).values(
            level=level, repeat=repeat, updated_at=now,
            next_action_at=now + self.timeout(row.urgency)))
        paged = self._queue_pages(conn, row.id, packet, level, repeat, now)
        self._status(conn, row.id, packet, self._thread(row), f"paged:{level}:{repeat}",
                     self._paged_text(packet, level, repeat, paged), now)
        self.live.queue_edits(conn, row.id, now)
        append_event(conn, self.db, "escalation.reescalated", **common,
                     data={"level": level, "repeat": repeat})

    # --- holds ---------------------------------------------------------------------------

    def _start_hold(self, conn: Connection, *, library: str, hold: dict[str, Any],
                    escalation_id: str | None, conversation_id: str | None, asked_by: str,
                    now: datetime) -> str | None:
        dedupe = _digest("hold", conversation_id or escalation_id or uuid.uuid4().hex,
                         hold.get("kind"))
        exists = conn.execute(select(holds.c.id).where(holds.c.dedupe_key == dedupe)).scalar()
        if exists:
            return None
        hold_id = _new_id("h")
        due = now + timedelta(days=int(hold["days"]))
        before, on_day = self._reminder_times(now, due)
        conn.execute(insert(holds).values(
            id=hold_id, dedupe_key=dedupe, escalation_id=escalation_id,
            conversation_id=conversation_id, library=library, kind=str(hold["kind"]),
            started_at=now, due_at=due, renewal_days=hold.get("renewal_days"), renewals=0,
            state="active", remind_before_at=before, remind_due_at=on_day,
            reminded_before=before <= now, reminded_due=False, created_by=asked_by,
            updated_at=now,
        ))
        append_event(conn, self.db, "hold.started", library=library, escalation_id=escalation_id,
                     conversation_id=conversation_id, actor=asked_by, at=now,
                     data={"hold": hold_id, "kind": hold["kind"], "days": hold["days"],
                           "due_at": due.isoformat()})
        return hold_id

    @staticmethod
    def _reminder_times(now: datetime, due: datetime) -> tuple[datetime, datetime]:
        """7 days before the deadline, and the start of its day (the server's local day)."""
        local = due.astimezone()
        start_of_day = local.replace(hour=0, minute=0, second=0, microsecond=0)
        on_day = max(start_of_day, now)
        return due - REMIND_BEFORE, on_day

    def start_hold(self, *, library: str, outcome: ResolvedOutcome,
                   conversation: Conversation | None, asked_by: str) -> str | None:
        """Record a hold for an outcome that starts one but does not page anyone."""
        if not outcome.hold:
            return None
        now = self.clock()
        with write_transaction(self.db) as conn:
            return self._start_hold(conn, library=library, hold=outcome.hold, escalation_id=None,
                                    conversation_id=conversation.id if conversation else None,
                                    asked_by=asked_by, now=now)

    def handle_outcome(self, *, library: str, conversation: Conversation,
                       outcome: ResolvedOutcome, asked_by: str, face: str,
                       thread: ThreadRef | None = None) -> str | None:
        """What a face calls when a conversation reaches an outcome: page if the outcome says
        so (a hold is then recorded by the trigger), or just record its hold.

        The reason is decided here, not by each face: an outcome reached through **Not sure**
        pages as "not-sure", so the page reads the same from the terminal and from Slack.
        """
        if outcome.escalate.pages:
            not_sure = view(self.catalogue, conversation).reached_by_not_sure
            return self.trigger(library=library, situation=conversation.flow,
                                conversation=conversation, outcome=outcome,
                                reason="not-sure" if not_sure else "outcome",
                                asked_by=asked_by, face=face, thread=thread)
        self.start_hold(library=library, outcome=outcome, conversation=conversation,
                        asked_by=asked_by)
        return None

    def renew_hold(self, hold_id: str, user_id: str) -> AckResult:
        now = self.clock()
        with write_transaction(self.db) as conn:
            row = conn.execute(locked(select(holds).where(holds.c.id == hold_id), self.db)).first()
            if row is None:
                return AckResult("not-found", f"No hold {hold_id}.")
            if not self.can_act(user_id):
                return AckResult("refused", self._refusal(row.library))
            if row.state == "ended":
                return AckResult("already", f"Hold {hold_id} has ended.")
            if not row.renewal_days:
                return AckResult("refused", f"Hold {hold_id} ({row.kind}) cannot be renewed.")
            due = as_utc(row.due_at) + timedelta(days=row.renewal_days)  # type: ignore[operator]
            before, on_day = self._reminder_times(now, due)
            conn.execute(update(holds).where(holds.c.id == hold_id).values(
                due_at=due, renewals=row.renewals + 1, state="active", remind_before_at=before,
                remind_due_at=on_day, reminded_before=before <= now, reminded_due=False,
                updated_at=now))
            append_event(conn, self.db, "hold.renewed", library=row.library,
                         escalation_id=row.escalation_id, conversation_id=row.conversation_id,
                         actor=user_id, at=now,
                         data={"hold": hold_id, "due_at": due.isoformat()})
        return AckResult("renewed", f"Hold {hold_id} renewed: now due {messages._when(due)}.")

    def end_hold(self, hold_id: str, user_id: str) -> AckResult:
        now = self.clock()
        with write_transaction(self.db) as conn:
            row = conn.execute(locked(select(holds).where(holds.c.id == hold_id), self.db)).first()
            if row is None:
                return AckResult("not-found", f"No hold {hold_id}.")
            if not self.can_act(user_id):
                return AckResult("refused", self._refusal(row.library))
            conn.execute(update(holds).where(holds.c.id == hold_id).values(
                state="ended", updated_at=now))
            append_event(conn, self.db, "hold.ended", library=row.library,
                         escalation_id=row.escalation_id, actor=user_id, at=now,
                         data={"hold": hold_id})
        return AckResult("ended", f"Hold {hold_id} ended.")

    def _hold_reminders(self, now: datetime) -> int:
        done = 0
        for which, at_col, flag in (("before", holds.c.remind_before_at, "reminded_before"),
                                    ("due", holds.c.remind_due_at, "reminded_due")):
            while True:
                with write_transaction(self.db) as conn:
                    row = conn.execute(locked(
                        select(holds).where(holds.c.state == "active", at_col <= now,
                                            holds.c[flag].is_(False)).limit(1),
                        self.db, skip_locked=True,
                    )).first()
                    if row is None:
                        break
                    values: dict[str, Any] = {flag: True, "updated_at": now}
                    if which == "due":
                        values["state"] = "due"
                    conn.execute(update(holds).where(holds.c.id == row.id).values(**values))
                    self._queue_reminder(conn, row, which, now)
                done += 1
        return done

    def _queue_reminder(self, conn: Connection, row: Any, which: str, now: datetime) -> None:
        due = as_utc(row.due_at)
        when = "in 7 days" if which == "before" else "today"
        renew = (f" It can be renewed for {row.renewal_days} more days: `frontdesk holds renew "
                 f"{row.id}`." if row.renewal_days else "")
        text = (f"⏰ Deadline {when}: {row.kind} hold `{row.id}`"
                + (f" (escalation `{row.escalation_id}`)" if row.escalation_id else "")
                + f" runs out {messages._when(due)}.{renew}")
        recipients = list(self.config.members(PIC))
        if self.config.escalation.channel:
            recipients.append(self.config.escalation.channel)
        for recipient in recipients:
            key = f"reminder:{row.id}:{row.renewals}:{which}:{recipient}"
            enqueue(conn, self.db, key=key, kind="reminder", target=recipient,
                    escalation_id=row.escalation_id, now=now,
                    payload=messages.text_message("reminder", text, key=key,
                                                  escalation_id=row.escalation_id))
        append_event(conn, self.db, "hold.reminder", library=row.library,
                     escalation_id=row.escalation_id, conversation_id=row.conversation_id,
                     at=now, data={"hold": row.id, "which": which, "recipients": recipients})

    # --- the case trail and the terminal --------------------------------------------------

    def record(self, kind: str, *, library: str, actor: str | None = None,
               conversation_id: str | None = None, data: dict[str, Any] | None = None) -> None:
        """Append a case event (opened, answer, outcome) to the audit trail. ``data`` must be
        redacted already; free text in it is redacted again here."""
        clean = {k: redact(v) if isinstance(v, str) else v for k, v in (data or {}).items()}
        with write_transaction(self.db) as conn:
            append_event(conn, self.db, kind, library=library, actor=actor,
                         conversation_id=conversation_id, data=clean, at=self.clock())

    def describe_page(self, escalation_id: str) -> str:
        """What the terminal shows once a page is queued: who, what was sent, what next."""
        summary = self.get(escalation_id)
        packet = self.packet(escalation_id) or {}
        if summary is None:
            return f"No escalation {escalation_id}."
        roles = packet.get("roles") or {}
        level = summary.level
        names = ", ".join(messages.where(r) for r in self.level_recipients(level))
        role = roles.get(PIC if level == 1 else DIRECTOR, "privacy in-charge")
        lines = [f"\n*** PAGED ({summary.urgency}) — escalation {escalation_id} ***",
                 f"Paging the {role}: "
                 f"{names or 'nobody is set up in Slack yet (see roles in the config)'}."]
        if level == 1 and self.config.members(DIRECTOR):
            lines.append(f"The {roles.get(DIRECTOR, 'director')} has been notified.")
        lines.append(f"Sent with the page: {summary.situation_title}"
                     + (f" — {summary.headline}" if summary.headline else "")
                     + f"; {len(packet.get('path') or [])} answer(s), redacted.")
        timeout = int(self.timeout(summary.urgency).total_seconds() // 60) or 1
        lines.append(f"If nobody acknowledges within {timeout} min, the "
                     f"{roles.get(DIRECTOR, 'director')} is paged.")
        lines.append(f"Status: `frontdesk pages`; acknowledge: `frontdesk ack {escalation_id}`.")
        fallback = packet.get("if_no_answer") or self.if_no_answer(summary.library)
        lines.append(f"If nobody answers: {fallback}")
        if packet.get("hold"):
            hold = packet["hold"]
            lines.append(f"Deadline recorded: {hold['kind']} hold {hold['id']}, due "
                         f"{messages._when(hold.get('due_at'))}; reminders 7 days before and "
                         "on the day.")
        return "\n".join(lines)

    # --- reading -------------------------------------------------------------------------

    def open_escalations(self) -> list[EscalationSummary]:
        with self.db.engine.connect() as conn:
            rows = conn.execute(
                select(escalations)
                .where(escalations.c.state.in_(("triggered", "acknowledged")))
                .order_by(escalations.c.created_at)
            ).all()
        return [self._summary(r) for r in rows]

    def get(self, escalation_id: str) -> EscalationSummary | None:
        with self.db.engine.connect() as conn:
            row = conn.execute(
                select(escalations).where(escalations.c.id == escalation_id)).first()
        return self._summary(row) if row else None

    def packet(self, escalation_id: str) -> dict[str, Any] | None:
        with self.db.engine.connect() as conn:
            text = conn.execute(select(escalations.c.packet)
                                .where(escalations.c.id == escalation_id)).scalar()
        return json.loads(text) if text else None

    def page_state(self, escalation_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(packet, state) for re-rendering a page message."""
        with self.db.engine.connect() as conn:
            row = conn.execute(
                select(escalations).where(escalations.c.id == escalation_id)).first()
        if row is None or row.packet is None:
            return None
        return json.loads(row.packet), _state(row)

    @staticmethod
    def _summary(row: Any) -> EscalationSummary:
        packet = json.loads(row.packet) if row.packet else {}
        return EscalationSummary(
            id=row.id, library=row.library, situation=row.situation,
            situation_title=packet.get("situation_title") or "Unrouted question",
            reason=row.reason, urgency=row.urgency, state=row.state, level=row.level,
            repeat=row.repeat, asked_by=row.asked_by, face=row.face,
            created_at=as_utc(row.created_at),  # type: ignore[arg-type]
            next_action_at=as_utc(row.next_action_at), acked_by=row.acked_by,
            acked_at=as_utc(row.acked_at),
            headline=(packet.get("outcome") or {}).get("headline"),
        )

    def open_holds(self) -> list[HoldSummary]:
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(holds).where(holds.c.state.in_(("active", "due")))
                                .order_by(holds.c.due_at)).all()
        return [HoldSummary(r.id, r.library, r.kind, r.escalation_id,
                            as_utc(r.started_at), as_utc(r.due_at),  # type: ignore[arg-type]
                            r.renewals, r.renewal_days, r.state) for r in rows]
