"""Delivering the outbox: retries with backoff, Retry-After, and no double posts.

The worker claims one row at a time (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), delivers it
outside any transaction, then records the result. If an earlier attempt may have reached Slack
(its process died mid-delivery, or the connection broke after sending), the worker first looks
for the message by the idempotency key in its metadata (``conversations.history`` or
``conversations.replies`` with ``include_all_metadata``) and posts only if it is not there.

Rows whose ``method`` names a contact channel (``sms``, ``email``, ``voice``) go through
``bot.channels`` the same way: rendered at delivery from the escalation, looked for with the
provider first when an earlier attempt may have gone out, and skipped when the escalation was
no longer waiting at their turn (``states.WAITING``: the rule Slack's pages follow too). When
a Slack page cannot get through (Slack unreachable, or the page failed for good) the worker
calls ``failover`` so the other channels go at once.
"""

from __future__ import annotations

import copy
import json
import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.channels.errors import DeliveryError
from bot.channels.slack import messages
from bot.channels.slack.render import edited_message, render
from bot.channels.slack.transport import COMMIT_WAIT, NotCommitted, Posted, Transport
from bot.escalation.records import escalation_row, page_state
from bot.escalation.states import CALLED_OFF, OWED, WAITING
from bot.ops.metrics import DELIVERY_FAILURES
from bot.store.audit import append_event
from bot.store.database import Database
from bot.store.outbox import (
    Handed,
    OutboxRow,
    OutboxStore,
    Served,
    wait_for_work,
    worker_identity,
)
from bot.store.paging import Record
from bot.store.txn import COMMITTED, Decision, Transaction, utcnow, write_transaction

if TYPE_CHECKING:
    from bot.channels import Channels

log = logging.getLogger("frontdesk.delivery")

CONTACT_METHODS = frozenset({"sms", "email", "voice"})
#: The rows a serving worker has handed to it as they commit (``OutboxStore.serve``): Slack's.
#: Not texts, emails and calls: a claimed one counts as one that may have reached its person
#: (a stand-down follows an acknowledgement), and one waiting behind a slow mail server was
#: not; those are claimed when their worker takes them, as before.
HANDED_METHODS = (CONTACT_METHODS, False)
#: At most this many sent messages wait for their record (one commit for the lot), and at
#: most this many due rows are claimed together (one commit for the lot).
SETTLE_BATCH = 16
#: Why the director's notice or the asker's "Paged …" line of a page no longer waiting waits:
#: whether it is posted depends on whether a page of it went out (``_called_off``).
LOOKING_FOR_PAGES = "waiting for its pages to be looked for"
#: How long a line waits for an earlier line of its thread that goes first in this pass, or
#: waits for its pages' look-ups (``_behind``).
THREAD_ORDER_WAIT = timedelta(seconds=0.5)
#: Why it waits.
WAITING_FOR_EARLIER = "waiting for an earlier message of its thread"
#: An idle worker checkpoints the database's write-ahead log at most this often.
CHECKPOINT_SECONDS = 1.0


@dataclass
class WorkerStats:
    sent: int = 0
    recovered: int = 0
    retried: int = 0
    failed: int = 0


OnUndelivered = Callable[[Transaction, OutboxRow, str], None]


class OutboxWorker:
    """Delivers queued messages through a transport.

    ``on_undelivered(conn, row, error)`` runs in the transaction that records a delivery
    failed for good (a permanent Slack error, or retries exhausted): the escalation service's
    ``undelivered`` makes a dead page an emergency (the next level at once, the asker told
    whom to phone).

    ``transport=None`` (no Slack token: a terminal-only deployment) delivers only texts, calls
    and email and leaves Slack's rows to a process that has Slack."""

    def __init__(self, database: Database, transport: Transport | None, *,
                 clock: Callable[[], datetime] | None = None, lease_seconds: float = 60.0,
                 base_backoff: float = 1.0, max_backoff: float = 300.0,
                 max_attempts: int = 25, poll_seconds: float = 0.25,
                 on_undelivered: OnUndelivered | None = None,
                 channels: Channels | None = None,
                 failover: Callable[[str, bool], object] | None = None):
        self.db = database
        self.on_undelivered = on_undelivered
        self.transport = transport
        self.channels = channels  # texts, emails and calls (bot.channels), when configured
        self.failover = failover  # EscalationService.failover: Slack cannot take a page
        self.store = OutboxStore(database)
        self.clock = clock or utcnow
        self.lease = timedelta(seconds=lease_seconds)
        self.base_backoff = base_backoff
        self.max_backoff = max_backoff
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self.identity = worker_identity()
        self.stats = WorkerStats()
        # All rows; without Slack only texts, emails and calls (Slack's wait for a process
        # that has it).
        self.methods: tuple[frozenset[str], bool] | None = (
            None if transport is not None else (CONTACT_METHODS, True))
        self._paused_until = 0.0
        self._handed: Handed | None = None  # rows claimed for us as they commit (run_forever)
        # Sent and not yet recorded: (row, where it went, found rather than sent). Recorded in
        # one commit when the pass runs out of handed rows (``_record_sent``); until then each
        # is still claimed by us, and one a crash leaves unrecorded is looked for before it is
        # sent again, as any claimed row is.
        self._unrecorded: list[tuple[OutboxRow, Posted, bool]] = []
        # Escalations read for the messages of this batch (the three pages of one escalation
        # render from one read): forgotten once the batch is recorded.
        self._read: dict[str, Record | None] = {}
        # Rows claimed from the table together (one transaction) and not tried yet; those
        # left when a pass ends are pending again (``_release_claimed``).
        self._claimed: deque[Served] = deque()
        # A try made on a later line's turn that failed (``_behind``): that line's failure too;
        # and the lines tried on its turn that wait for their pages' look-ups.
        self._hurried_failure: DeliveryError | None = None
        self._looking: list[OutboxRow] = []
        self.store.recover(self.identity, self.clock())

    def split_contacts(self) -> OutboxWorker | None:
        """A sibling worker for texts, emails and calls, to run in its own thread of this
        process, so a slow or unreachable SMTP server or Twilio never holds up a Slack page
        (nor Slack's Retry-After a text); this worker then leaves those rows to it. Both share
        one identity (a claim by either is this process's). None without contact channels, or
        without Slack (this worker takes only contact rows then)."""
        if self.channels is None or not self.channels.by_name or self.transport is None:
            return None
        sibling = copy.copy(self)
        sibling.stats = WorkerStats()
        sibling._paused_until = 0.0
        sibling._handed = None
        sibling._unrecorded = []
        sibling._read = {}
        sibling._claimed = deque()
        sibling._hurried_failure = None
        sibling._looking = []
        sibling.methods = (CONTACT_METHODS, True)
        self.methods = (CONTACT_METHODS, False)
        return sibling

    # --- one pass ------------------------------------------------------------------------

    def run_once(self) -> int:
        """Deliver every row that is due now; returns how many were delivered.

        Rows handed over at their commit go out one after another, and what was sent is
        recorded in one transaction when they run out (or before anything that reads those
        records: an edit of a page, rows claimed from the table, a failure for good): the
        first page waits for no commit but its escalation's, the next for none at all. Rows
        taken from the table (texts and emails, retries, rows another process queued) are
        claimed up to ``SETTLE_BATCH`` at a time in one transaction; a text, email or call is
        on record as soon as it is sent (a reply to it acknowledges only then)."""
        delivered = 0
        try:
            while time.monotonic() >= self._paused_until:
                served = self._next_handed() or self._next_claimed()
                if served is None:
                    self._record_sent()
                    now = self.clock()
                    claimed = self.store.claim_many(self.identity, now, self.lease,
                                                    self.methods, limit=SETTLE_BATCH)
                    # Pages first: a claimed page counts as one that may have gone out until
                    # it is tried, and a notice, a "Paged …" line or a stand-down claimed with
                    # it asks whether it went (``_called_off``, ``_deliver_contact``).
                    # Then in the order they were queued (a thread's lines: ``_behind``).
                    self._claimed.extend(
                        Served(row, now + self.lease, None, COMMITTED)
                        for row in sorted(claimed, key=lambda row: (row.kind != "page",
                                                                    row.id)))
                    served = self._next_claimed()
                if served is None:
                    break
                row = served.row
                if served.escalation is not None:  # as its transaction wrote it
                    self._read[row.escalation_id or ""] = served.escalation
                if row.method == "update":  # edits a page: its ts must be on record first
                    self._record_sent()
                if self._deliver(row, served.decision):
                    delivered += 1
        finally:
            self._record_sent()
            self._release_claimed()
        return delivered

    def _next_handed(self) -> Served | None:
        """A row queued in this process and claimed for us in its own transaction, if any:
        sent without a claim transaction while at least half its lease is left (it never
        waits long); after a longer wait the claim is renewed first (once its transaction has
        committed), and a row whose lease ran out and that another worker took is left to
        it, as is one whose transaction rolled back."""
        while self._handed is not None and (served := self._handed.next()) is not None:
            if self._still_ours(served):
                return served
        return None

    def _next_claimed(self) -> Served | None:
        """The next row of those claimed together from the table, while it is still ours."""
        while self._claimed:
            if self._still_ours(served := self._claimed.popleft()):
                return served
        return None

    def _still_ours(self, served: Served) -> bool:
        """Whether a row claimed for us may be sent now: at least half its lease left, or
        (once its transaction has committed) the claim renewed; False when the lease ran out
        and another worker took the row over, or its transaction rolled back."""
        now = self.clock()
        if served.lease_until - now >= self.lease / 2:
            return True
        return (_committed(served.decision)
                and self.store.renew(served.row.id, self.identity, now, self.lease))

    def _release_claimed(self) -> None:
        """Rows claimed and not tried when a pass ends (paused by Slack's Retry-After, or
        stopped by an error): pending again, for any worker, as if never claimed."""
        if self._claimed:
            left = [served.row.id for served in self._claimed]
            self._claimed.clear()
            self.store.release(left, self.identity)

    @property
    def serving(self) -> bool:
        """Whether rows this process queues are handed to this worker as they commit."""
        return self._handed is not None

    def run_forever(self, stop: threading.Event) -> None:
        """Deliver until ``stop``: Slack rows this process queues are handed over as they
        commit (``OutboxStore.serve``), others are claimed from the table when due. When a
        pass finds nothing to do, the database's write-ahead log is checkpointed (at most
        every ``CHECKPOINT_SECONDS``), so no page's commit has to."""
        last_recover = time.monotonic()
        last_checkpoint = time.monotonic()
        if self.methods != (CONTACT_METHODS, True):  # not the texts-and-email sibling
            self._handed = self.store.serve(self.identity, HANDED_METHODS, self.lease,
                                            self.clock)
        try:
            while not stop.is_set():
                try:
                    if time.monotonic() - last_recover > 5:
                        self.store.recover(self.identity, self.clock())
                        last_recover = time.monotonic()
                    if self.run_once():
                        continue
                    if time.monotonic() - last_checkpoint > CHECKPOINT_SECONDS:
                        self.db.checkpoint()
                        last_checkpoint = time.monotonic()
                except Exception:  # the database went away for a moment: log, wait, carry on
                    log.exception("outbox worker pass failed")
                wait_for_work(self.poll_seconds, self._handed.bell if self._handed else None)
        finally:
            handed, self._handed = self._handed, None
            if handed is not None:
                self.store.stop_serving(handed)

    # --- one row -------------------------------------------------------------------------

    def _backoff(self, attempts: int) -> float:
        delay = min(self.max_backoff, self.base_backoff * (2 ** max(0, attempts - 1)))
        return delay * random.uniform(0.8, 1.2)

    def _deliver(self, row: OutboxRow, decided: Decision = COMMITTED, *,
                 hurried: bool = False) -> bool:
        """Send ``row``. One handed over before its transaction's commit returned
        (``decided``) is rendered meanwhile and its post made ready, written by the
        committing thread the moment the commit returns (``SlackTransport.post(after=)``):
        no thread to wake, no GIL to win, between the commit and the page leaving; nothing is
        sent or written for one whose transaction rolled back."""
        if row.method != "post" and not _committed(decided):
            return False
        stage = "lookup"
        try:
            if row.method == "update":
                return self._deliver_update(row)
            if row.method in CONTACT_METHODS:
                return self._deliver_contact(row)
            if row.thread_ts is not None and not hurried and self._behind(row, decided):
                return False
            channel = self.transport.channel_for(row.target)
            if row.maybe_sent:
                oldest = row.created_at.timestamp() - 60
                found = self.transport.find(channel, row.key, oldest, row.thread_ts)
                if found is not None:
                    self.stats.recovered += 1
                    self._sent(row, found, recovered=True)
                    return True
            # Rendered now, while its transaction commits when it was handed over with it
            # (else read once the commit is known: an uncommitted escalation is not seen)
            ready = decided is COMMITTED or row.escalation_id in self._read
            called_off = self._called_off(row) if ready else None
            payload = (render(self.db, row, self._escalation)
                       if ready and called_off is None else None)
            if payload is not None and decided is not COMMITTED:
                # Its post is made ready too, and written by the committing thread the
                # moment the commit returns (nothing at all when it rolls back).
                stage = "post"
                try:
                    posted = self.transport.post(channel, payload, row.thread_ts,
                                                 after=decided)
                except NotCommitted:
                    return False
                self._sent(row, posted)
                return True
            if not _committed(decided):
                return False
            if not ready:
                called_off = self._called_off(row)
                payload = (render(self.db, row, self._escalation)
                           if called_off is None else None)
            if called_off is LOOKING_FOR_PAGES:  # as an edit waits for its page
                self.store.mark_waiting(row.id, self.identity,
                                        self.clock() + timedelta(seconds=2), called_off)
                if hurried:  # its pages are looked for now too (``_behind``)
                    self._looking.append(row)
                return False
            if payload is None:
                # not out: an earlier attempt that may have been was looked for above
                self.store.mark_skipped(row.id, self.identity, called_off or "escalation purged",
                                        not_out=True)
                return False
            stage = "post"
            posted = self.transport.post(channel, payload, row.thread_ts)
            self._sent(row, posted)
            return True
        except DeliveryError as exc:
            if not _committed(decided):
                return False
            # After a lookup that found nothing, only this post's own outcome counts.
            maybe = row.maybe_sent if stage == "lookup" else exc.maybe_sent
            self._failed_attempt(row, exc, maybe, counted=not hurried)
            return False

    def _behind(self, row: OutboxRow, decided: Decision) -> bool:
        """Whether ``row``, a reply in a thread (the asker's lines), is held back by a message
        queued before it to that thread: the lines of a thread go in the order they were
        queued (after a Slack outage through expiry, the expiry line's retry came minutes
        before the "Paged …" line's and was read first: review 13). What must go (or be
        settled) before ``row`` is tried now, on its turn, whatever its own next try's time,
        none of those tries counted against it: the earlier lines free to take
        (``OutboxStore.take_ahead``), and for a line that waits to learn whether a page of
        its rung went out, those pages' look-ups (``OutboxStore.take_unsettled_pages``). So
        ``row`` goes as soon as Slack takes posts again (held until the earlier ones' own
        backoff, the "phone now" line waited minutes: review 14's gate). When one of them
        fails, ``row`` takes that failure as its own attempt (it would have met the same
        Slack): its backoff paces the next tries of all. One held by this worker (it goes
        later in this pass) puts ``row`` back for ``THREAD_ORDER_WAIT``; one another worker is
        sending holds nothing up."""
        sent = {done.id for done, _, _ in self._unrecorded}
        taken, held = self.store.take_ahead(row, self.identity, self.clock(), self.lease, sent)
        if not taken and not held:
            return False  # the usual case: nothing ahead (one read)
        self._hurried_failure, self._looking = None, []
        self._hurry(taken)
        looking, self._looking = self._looking, []
        if looking and self._hurried_failure is None:  # their pages looked for, then again
            for line in looking:
                self._hurry(self.store.take_unsettled_pages(
                    line.escalation_id or "", (int(line.payload["level"]),
                                               int(line.payload["repeat"])),
                    self.identity, self.clock(), self.lease))
            sent = {done.id for done, _, _ in self._unrecorded}
            self._hurry(self.store.take_ahead(row, self.identity, self.clock(), self.lease,
                                              sent)[0])
            self._looking = []
        failure, self._hurried_failure = self._hurried_failure, None
        sent = {done.id for done, _, _ in self._unrecorded}
        if not self.store.ahead_in_thread(row, self.identity, self.clock(), sent):
            return False  # every earlier one went (or is settled): row goes now
        if not _committed(decided):  # (one whose transaction rolled back is nobody's)
            return True
        if failure is not None:
            self._failed_attempt(row, DeliveryError(
                f"an earlier message of its thread did not go: {failure}",
                retryable=failure.retryable, retry_after=failure.retry_after), row.maybe_sent)
        else:
            self.store.mark_waiting(row.id, self.identity, self.clock() + THREAD_ORDER_WAIT,
                                    WAITING_FOR_EARLIER)
        return True

    def _hurry(self, rows: list[OutboxRow]) -> None:
        """Try ``rows`` (taken for another row's turn) one after another, none counted, until
        one fails (Slack is still down) or Slack asks to wait; the rest pending again."""
        untried = []
        for row in rows:
            if self._hurried_failure is not None or time.monotonic() < self._paused_until:
                untried.append(row.id)
            else:
                self._deliver(row, hurried=True)
        if untried:  # as if never taken
            self.store.release(untried, self.identity)

    def _called_off(self, row: OutboxRow) -> str | None:
        """Why a Slack page, or a message saying one is under way, is not posted at all.

        A page goes while its escalation is waiting (``states.WAITING``, the rule every
        channel's page follows): one acknowledged, resolved, withdrawn or expired before its
        turn wakes nobody and owes no stand-down (its edits are skipped with it; one that may
        have gone out was looked for first) — except a page of the escalation's first rung
        once it expired (``states.OWED``): posted late, showing it expired, so that those it
        paged first learn of the case. The asker's "Paged …" line of a rung whose pages do
        not go is skipped when none of them went out (nor may have), and the director's
        notice of a page called off (``states.CALLED_OFF``) when none of its pages did: they
        would say that someone is being paged when nobody was (``LOOKING_FOR_PAGES`` while a
        page that may have is yet to be looked for: the row waits). None for any other row
        (a purged escalation: ``render`` says so)."""
        paged_line = row.kind == "status" and row.payload.get("event") == "paged"
        if row.kind not in ("page", "notice") and not paged_line:
            return None
        esc = self._escalation(row.escalation_id or "")
        if esc is None or esc.state == WAITING:
            return None
        if row.kind == "notice":
            if esc.state not in CALLED_OFF:
                return None
            rung = None
        else:
            rung = (int(row.payload["level"]), int(row.payload["repeat"]))
            if esc.state in OWED and rung == self.store.first_rung(esc.id):
                return None
            if row.kind == "page":
                return f"escalation {esc.state} first"
        went_out = self.store.page_went_out(esc.id, rung=rung, unsettled=None)
        if went_out is None:  # a page that may have gone out is yet to be looked for
            return LOOKING_FOR_PAGES
        if went_out:
            return None
        return f"escalation {esc.state} first, no page went out"

    def _deliver_contact(self, row: OutboxRow) -> bool:
        """A text, email or call: rendered now from the escalation, a page skipped once it is
        no longer waiting (acknowledged, resolved or expired before this rung's turn); a
        stand-down goes whatever the state (it is sent because the page ended)."""
        if self.channels is None or row.method not in self.channels:
            raise DeliveryError(f"{row.method} is not configured in this process",
                                retryable=False)
        esc = escalation_row(self.db, row.escalation_id or "")
        if esc is None or esc.packet is None:
            self.store.mark_skipped(row.id, self.identity, "escalation purged")
            return False
        if esc.state != WAITING and row.kind == "page":
            self.store.mark_skipped(row.id, self.identity, f"escalation {esc.state} first")
            return False
        if row.kind == "standdown" and not self.store.page_went_out(esc.id, row.method,
                                                                     row.target):
            # Queued while its page was claimed, which then never went (the page ended
            # first): nothing to stand down.
            self.store.mark_skipped(row.id, self.identity, "its page never went out")
            return False
        page = self.channels.page(key=row.key, channel=row.method, person=row.target,
                                  payload=row.payload, packet=json.loads(esc.packet),
                                  created_at=row.created_at)
        if page is None:
            raise DeliveryError(f"{row.target} has no {row.method} contact", retryable=False)
        if row.maybe_sent and (found := self.channels.find(page)) is not None:
            self.stats.recovered += 1
            self._sent(row, (found[:64], None), recovered=True)
            self._record_sent()  # on record at once, as a sent one (below)
            return True
        try:
            receipt = self.channels.send(page)
        except DeliveryError as exc:  # after a lookup that found nothing, only this send counts
            self._failed_attempt(row, exc, exc.maybe_sent)
            return False
        self._sent(row, (receipt[:64], None))
        # On record at once, not with the rest of its batch: a text's reply acknowledges only
        # a page on record as sent to that number, and the person may answer within seconds.
        self._record_sent()
        return True

    def _deliver_update(self, row: OutboxRow) -> bool:
        if row.kind == "status-edit":
            return self._deliver_status_edit(row)
        ref = self.store.sent_message(row.ref_key or "")
        if ref is None:  # the page itself is not out yet: edit it once it is
            self.store.mark_waiting(row.id, self.identity, self.clock() + timedelta(seconds=2),
                                    "waiting for the page to be sent")
            return False
        if ref is False:
            self.store.mark_skipped(row.id, self.identity, "the page was never sent")
            return False
        payload = self._current_page(row)
        if payload is None:
            self.store.mark_skipped(row.id, self.identity, "escalation purged")
            return False
        self.transport.update(ref[0], ref[1], payload)
        self._sent(row, ref)
        return True

    def _deliver_status_edit(self, row: OutboxRow) -> bool:
        """Edit the asker's message to show the escalation's latest status line."""
        channel, ts = row.payload["channel"], row.payload["ts"]
        payload = edited_message(self.db, row.payload["escalation_id"], channel, ts)
        if payload is None:
            self.store.mark_skipped(row.id, self.identity, "the status message is gone")
            return False
        self.transport.update(channel, ts, payload)
        self._sent(row, (channel, ts))
        return True

    def _current_page(self, row: OutboxRow) -> dict[str, Any] | None:
        """The page as it should look now (rendered at delivery, so edits never go stale)."""
        esc = escalation_row(self.db, row.escalation_id or "")
        if esc is None or esc.packet is None:
            return None
        page_key = row.payload["page_key"]
        _, _, level, repeat, _ = page_key.split(":", 4)
        return messages.page_message(json.loads(esc.packet), escalation_id=esc.id, key=page_key,
                                     level=int(level), repeat=int(repeat), state=page_state(esc))

    def _sent(self, row: OutboxRow, posted: Posted, recovered: bool = False) -> None:
        """``row`` went out: recorded with the others of this pass (``_record_sent``)."""
        self._unrecorded.append((row, posted, recovered))
        if len(self._unrecorded) >= SETTLE_BATCH:
            self._record_sent()

    def _record_sent(self) -> None:
        """Record every message sent and not yet recorded, with its audit event, in one
        commit. Kept for the next try when the database fails (each row stays claimed by us
        meanwhile; should we die first, it is found by its key, not sent again)."""
        self._read.clear()
        if not self._unrecorded:
            return
        now = self.clock()
        with write_transaction(self.db):  # each mark_sent joins it
            recorded = sum(self.store.mark_sent(row.id, self.identity, now, posted[0],
                                                posted[1], then=self._sent_event(row, recovered))
                           for row, posted, recovered in self._unrecorded)
        self._unrecorded.clear()
        self.stats.sent += recorded

    def _escalation(self, escalation_id: str) -> Record | None:
        if escalation_id not in self._read:
            self._read[escalation_id] = escalation_row(self.db, escalation_id)
        return self._read[escalation_id]

    def _sent_event(self, row: OutboxRow,
                    recovered: bool) -> Callable[[Transaction, OutboxRow], None]:
        """The audit event of ``row`` sent, written with its record."""
        def record(conn: Transaction, _current: OutboxRow) -> None:
            if row.kind in ("page", "notice", "reminder", "standdown"):
                append_event(conn, self.db, f"{row.kind}.sent", escalation_id=row.escalation_id,
                             data={"key": row.key, "recipient": row.target,
                                   "via": row.method if row.method in CONTACT_METHODS
                                   else "slack", "attempts": row.attempts,
                                   "found_existing": recovered, "worker": self.identity})
        return record

    def _failed_attempt(self, row: OutboxRow, exc: DeliveryError, maybe_sent: bool, *,
                        counted: bool = True) -> None:
        """``row``'s try failed: tried again later, or failed for good (its attempts spent,
        or an error no retry mends). ``counted=False``: a try on another row's turn
        (``_behind``), which spends none of its attempts."""
        # What went out before this failure is on record before it counts what got through.
        self._record_sent()
        DELIVERY_FAILURES.labels(row.method if row.method in CONTACT_METHODS else "slack").inc()
        attempts = row.attempts if counted else row.attempts - 1
        final = not (exc.retryable and attempts < self.max_attempts)
        if (self.failover and row.kind == "page" and row.method == "post" and row.escalation_id
                and (final or exc.unreachable)):
            try:  # Slack cannot take the page: the other channels go now, not at their rung
                self.failover(row.escalation_id, final)
            except Exception:
                log.exception("failover for %s failed", row.escalation_id)
        if not final:
            if not counted:  # still ahead of the line whose turn it took
                self._hurried_failure = exc
            if exc.retry_after is not None:
                delay = exc.retry_after
                if row.method not in CONTACT_METHODS:  # Slack's limit is per app: wait it out
                    self._paused_until = time.monotonic() + delay
            else:
                delay = self._backoff(attempts)
            self.stats.retried += 1
            log.warning("delivery %s: %s; retrying in %.1fs", row.key, exc, delay)
            self.store.mark_retry(row.id, self.identity,
                                  self.clock() + timedelta(seconds=delay), str(exc), maybe_sent,
                                  counted=counted)
            return

        def record(conn: Transaction, current: OutboxRow, error: str = str(exc)) -> None:
            append_event(conn, self.db, f"{row.kind}.failed", escalation_id=row.escalation_id,
                         data={"key": row.key, "recipient": row.target, "error": error})
            if self.on_undelivered is not None:
                self.on_undelivered(conn, row, error)

        self.stats.failed += 1
        log.error("delivery %s failed for good: %s", row.key, exc)
        self.store.mark_failed(row.id, self.identity, str(exc), then=record)


def _committed(decided: Decision) -> bool:
    """Whether the transaction that handed a row over committed (waiting for it to end)."""
    return decided.committed(COMMIT_WAIT) is True
