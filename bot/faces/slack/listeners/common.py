"""What every listener module shares: acknowledge first, then do the work once.

Every request is in the inbox before Slack gets its acknowledgement (the app's guard stores a
click or a command; an event is stored by its own work's first commit, which its
acknowledgement waits for); ``once`` processes it and closes its inbox row. If the work raises,
it is retried from the inbox; once it has failed for good, the person who sent it is told, in
a DM, to phone (the numbers from the config). A request the app could not store (the database
stayed busy past the acknowledgement budget) is never processed from memory: the guard has
answered it (an event: 503, Slack delivers it again; a command or a click: its sender is told to
try again, with whom to phone).
"""

from __future__ import annotations

import inspect
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.store.slack_inbox import Duplicate, Pending, SlackInbox, Taken
from bot.store.slack_state import SlackState

log = logging.getLogger("frontdesk.slack")

INBOX = "frontdesk_inbox"  # set by the app's guard: the request's inbox row id
REPLAYED = "frontdesk_replayed"  # a replayed request: when it was first received (epoch s)
#: Set by the app's guard for an event: the ``Pending`` request, stored by its work's first
#: write transaction (no inbox row before that), whose commit the acknowledgement waits for.
PENDING = "frontdesk_pending"
ADVICE = "frontdesk_phone"  # set by the app's guard: whom to phone, for a failure notice
#: Set by the app's guard for an event: its ``text`` as the inbox stored it, redacted (its
#: words are read by redaction once, not again when they are routed).
STORED_TEXT = "frontdesk_stored_text"

ONCE = "once_"  # the name prefix of every lazy function that ``once`` wraps
#: Set by a listener that does its request's work itself (``acked``), as it acknowledges: the
#: app then leaves the request's inbox row to that work.
TAKEN = "frontdesk_taken"

_work = threading.local()


#: Work queued behind busy listener threads starts soon only while the pool keeps finishing
#: work: nothing finished for this long, its threads may all be stuck on a slow call.
MOVING_SECONDS = 0.25


class ListenerExecutor(ThreadPoolExecutor):
    """Bolt's executor for listeners. It notes, per request thread, whether the request's work
    (a ``once`` function) was scheduled, so the guard can close an inbox row that no listener
    will process (a closed modal, an event nobody listens to), counts the work queued or
    running (``busy``: what a caller waiting for the app to be at rest waits on), and says
    whether work submitted now starts soon (``starts_soon``)."""

    def __init__(self, max_workers: int, *args: Any,
                 clock: Callable[[], float] = time.monotonic, **kwargs: Any) -> None:
        super().__init__(max_workers, *args, **kwargs)
        self.threads = max_workers
        self._busy = 0
        self._busy_lock = threading.Lock()
        self._clock = clock
        self._last_done = float("-inf")  # when a piece of work last finished

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        _work.submitted = True
        if getattr(fn, "__name__", "").startswith(ONCE):
            _work.scheduled = True
        with self._busy_lock:
            self._busy += 1
        try:
            future = super().submit(fn, *args, **kwargs)
        except BaseException:
            self._done()
            raise
        future.add_done_callback(self._done)
        return future

    def _done(self, _future: Future[Any] | None = None) -> None:
        with self._busy_lock:
            self._busy -= 1
            self._last_done = self._clock()

    def starts_soon(self) -> bool:
        """Whether work submitted now starts soon: a thread is free; or no more work than
        there are threads waits in line and the pool finished something within
        ``MOVING_SECONDS`` (its threads are working through a burst, not all held up by a
        slow call). What the guard asks before it lets an event's acknowledgement wait for
        its work's first commit (``app.guard``'s ``defer``)."""
        with self._busy_lock:
            if self._busy < self.threads:
                return True
            waiting = self._busy - self.threads
            return (waiting < self.threads
                    and self._clock() - self._last_done < MOVING_SECONDS)

    def busy(self) -> int:
        """Listener functions submitted and not finished (queued or running)."""
        with self._busy_lock:
            return self._busy


def watch_work() -> None:
    _work.scheduled = False
    _work.submitted = False


def work_scheduled() -> bool:
    return bool(getattr(_work, "scheduled", False))


def work_submitted() -> bool:
    """Whether this request handed anything to the listeners (an event's listener is Bolt's
    own wrapper, not a ``once`` function): an event Bolt answered itself — the bot's own
    message, which Bolt ignores — was handed nothing."""
    return bool(getattr(_work, "submitted", False))


def acked(state: SlackState, work: Callable[..., None],
          answer: Callable[[dict[str, Any]], str] | None = None) -> Callable[..., None]:
    """A click's or a command's listener: acknowledges (with ``answer(body)`` as the text, a
    command's reply shown to its sender only), then runs ``work`` once (``once``) in the
    same listener thread. Bolt would run a lazy function as a second executor task, on a
    deep copy of the request (body and context) made for it: for a click, more CPU than the
    acknowledgement and the work's SQL together. Slack's answer is not later for it: Bolt
    sends the acknowledgement the moment ``ack()`` returns, while the work goes on."""
    run = once(state, work)

    def listener(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext,
                 respond: Any = None) -> None:
        context[TAKEN] = True
        if answer is None:
            ack()
        else:
            ack(text=answer(body))
        run(body, client, context, respond)

    listener.__name__ = f"acked_{work.__name__}"
    return listener


def sender(body: dict[str, Any]) -> str | None:
    """The Slack user who sent an event, command or interaction."""
    event = body.get("event")
    if isinstance(event, dict):
        return event.get("user") if isinstance(event.get("user"), str) else None
    user = body.get("user")
    if isinstance(user, dict):
        return user.get("id")
    return body.get("user_id")


def tell_sender(client: WebClient, body: dict[str, Any], text: str) -> None:
    """A DM to the person who sent ``body`` (an event, command or click)."""
    user = sender(body)
    if not user:
        return
    try:
        client.chat_postMessage(channel=user, text=text)
    except SlackApiError as exc:
        log.error("could not tell %s what happened to their request: %s", user, exc)


def tell_to_phone(client: WebClient, body: dict[str, Any], advice: str) -> None:
    """The request failed for good: the sender hears it in a DM, with whom to phone."""
    tell_sender(client, body, (
        "⚠️ Sorry — I could not handle what you just sent (it failed several times). "
        f"If someone is waiting at the desk, do not wait for me: {advice}"))


def tell_not_taken(client: WebClient, body: dict[str, Any], advice: str) -> None:
    """A click that could not be stored before its acknowledgement (the database stayed busy)
    was not acted on: the sender hears it in a DM, with whom to phone."""
    tell_sender(client, body, (
        "⚠️ I could not take that click: my database is busy, so nothing happened (no page "
        "went out). Click it again in a minute. If someone is waiting at the desk, do not "
        f"wait for me: {advice}"))


def once(state: SlackState, work: Callable[..., None]) -> Callable[..., None]:
    """A listener (a lazy function; for an event, the listener itself) that runs ``work`` only
    for the first delivery of its request.

    With an inbox row (the normal case) the row is taken for processing in the work's first
    write transaction, together with the changes the work makes, so a retry, a replay or a
    take-over by another process never applies them twice; it is closed with the
    bookkeeping of what the work posted (``SlackInbox.processing``). Without one nothing is
    run: work is only ever done for a request stored first (one the guard could not store was
    answered there, and its sender told).
    """
    wanted = list(inspect.signature(work).parameters)
    inbox = SlackInbox(state.db, state.identity, state.inbox_lease)

    def run(body: dict[str, Any], client: WebClient, context: BoltContext,
            respond: Any = None) -> None:
        available = {"body": body, "client": client, "context": context,
                     "event": body.get("event"), "respond": respond}
        inbox_id = context.get(INBOX)
        pending = context.get(PENDING) if inbox_id is None else None
        if inbox_id is None and not isinstance(pending, Pending):
            log.warning("a request without an inbox row was not processed")  # never stored
            return  # (the guard answered it): never run from memory
        try:
            with inbox.processing(inbox_id if pending is None else pending):
                work(**{name: available[name] for name in wanted})
        except Duplicate:
            assert pending is not None
            pending.settle("duplicate")
            log.info("duplicate event delivery dropped: another one stored it first")
        except Taken:
            log.info("inbox row %s is already processed or taken over", inbox_id)
        except Exception as exc:
            if pending is not None:  # failed before it was stored: stored now, to be replayed
                inbox_id = inbox.keep(pending).inbox_id
            if inbox_id is not None and inbox.fail(inbox_id, f"{type(exc).__name__}: {exc}"):
                log.exception("inbox row %s failed for good", inbox_id)
                tell_to_phone(client, body, str(context.get(ADVICE) or ""))
            raise
        finally:  # over here: a failed row is the replayer's again
            if pending is not None:
                pending.settle("unavailable")  # unless settled already: Slack retries it
                inbox_id = pending.inbox_id
            if inbox_id is not None:
                inbox.end(inbox_id)

    run.__name__ = f"{ONCE}{work.__name__}"  # Bolt tells lazy functions apart by name
    return run
