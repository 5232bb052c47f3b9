"""The audit chain's head anchored outside the database: a scheduler task that appends it to
the checkpoints file and, when Slack is configured, queues it for the escalation channel.

It lives with the Slack channel, not in the store, because it composes a Slack message: the store
keeps the chain and its SQL (``bot.store.audit``), the outbox delivers the message like a page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from bot.channels.slack.messages import text_message
from bot.store.audit import AuditLog, Checkpoint, checkpoints_path
from bot.store.database import Database
from bot.store.outbox import enqueue
from bot.store.txn import utcnow, write_transaction


def post_checkpoint(database: Database, point: Checkpoint, channel: str) -> bool:
    """Queue ``point`` for the escalation ``channel`` (outside this database once sent: anyone
    there can compare it with ``frontdesk audit verify``); once per head (the outbox key)."""
    key = f"checkpoint:{point.seq}:{point.hash[:16]}"
    text = (f"🔏 Audit checkpoint: event {point.seq}, chain head `{point.hash}` at "
            f"{point.at}" + (f", HMAC `{point.mac}`" if point.mac else "") + ". Keep this "
            "message: `frontdesk audit verify` can be compared with it.")
    with write_transaction(database) as conn:
        return enqueue(conn, database, key=key, kind="checkpoint", target=channel,
                       now=utcnow(), payload=text_message("checkpoint", text, key=key,
                                                          escalation_id=None))


CHECKPOINT_EVERY_SECONDS = 300.0
# The escalation channel is where pages land: an hourly anchor there (when the head moved) keeps
# it readable; the file takes the five-minute ones.
POST_EVERY_SECONDS = 3600.0


def checkpoint_task(database: Database, path: Path | None = None,
                    every_seconds: float = CHECKPOINT_EVERY_SECONDS,
                    channel: str | None = None,
                    post_every_seconds: float = POST_EVERY_SECONDS) -> Callable[[], None]:
    """A scheduler task: the head to ``path`` (default ``FRONTDESK_AUDIT_CHECKPOINTS``) at most
    every ``every_seconds`` and, when Slack is configured, to the escalation ``channel`` at most
    every ``post_every_seconds`` (queued in the outbox, so it is delivered like a page); only
    when the head moved. Does nothing when neither is set. Each instance writes its own file: a
    checkpoint from any of them anchors the one shared chain."""
    target = path or checkpoints_path()
    log = AuditLog(database)
    wrote = [float("-inf")]
    posted = [time.monotonic()]  # the channel's first anchor an interval after start

    def due(last: list[float], every: float) -> bool:
        return time.monotonic() - last[0] >= every

    def run() -> None:
        to_file = target is not None and due(wrote, every_seconds)
        to_channel = channel is not None and due(posted, post_every_seconds)
        if not (to_file or to_channel) or log.head()[0] == 0:
            return  # nothing due, or nothing to anchor yet (looked at again next tick)
        if to_file and target is not None:
            log.checkpoint(target)
            wrote[0] = time.monotonic()
        if to_channel and channel is not None:
            point = log.current()
            if point is not None:
                post_checkpoint(database, point, channel)
            posted[0] = time.monotonic()

    return run
