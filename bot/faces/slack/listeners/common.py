"""What every listener module shares: acknowledge first, then do the work once."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.store.slack_state import SlackState

log = logging.getLogger("frontdesk.slack")

KEYS = "frontdesk_keys"  # set by the app's guard: what makes this delivery unique


def acknowledge(ack: Ack) -> None:
    """The ack half of a listener whose work is all lazy: Bolt sends this response at once."""
    ack()


def once(state: SlackState, work: Callable[..., None]) -> Callable[..., None]:
    """A lazy listener that runs ``work`` only for the first delivery of its request.

    The idempotency keys (event id, message id, action timestamp, trigger id, signature) are
    claimed here, after the acknowledgement, in one insert: a retry, a replay or the same
    request on another instance finds them taken and does nothing.
    """
    wanted = list(inspect.signature(work).parameters)

    def run(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        keys = context.get(KEYS) or []
        if keys and not state.claim(*keys):
            log.info("duplicate delivery dropped")
            return
        available = {"body": body, "client": client, "context": context, "event": body.get("event")}
        work(**{name: available[name] for name in wanted})

    run.__name__ = f"once_{work.__name__}"  # Bolt tells lazy functions apart by name
    return run
