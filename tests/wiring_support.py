"""Shared by the integration tests: the Slack app on the paging test library, driven by clicks.

``pagelib_bot`` runs the real app (HTTP mode, signed requests) on ``escalation_support``'s
small library (``pagelib``: a warrant pages at once, a preservation letter pages promptly and
starts a 90-day ECPA hold) against a ``PagingFake``, with short timeouts from the config.
``open_case`` walks a case by button clicks and returns the outcome message. Messages are found
by what they are (thread, no outbox metadata), not by their order, because the app's delivery
worker posts pages concurrently.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.content.catalogue import Catalogue
from tests.escalation_support import CHANNEL, DIRECTOR_USERS, PIC_USERS, write_content
from tests.fakeslack import Call, FakeSlack
from tests.slack_support import STAFF, Posted, SlackBot, buttons, text_of

SITUATION = "Someone wants a patron's records"


def pagelib_settings(tmp_path: Path, **overrides: Any) -> dict[str, Any]:
    escalation = {"channel": CHANNEL, "ack_timeout_seconds": {"immediate": 180, "prompt": 900},
                  "repeat": 2, **overrides.pop("escalation", {})}
    return {
        "library": "pagelib",
        "database_url": f"sqlite:///{tmp_path / 'frontdesk.db'}",
        "roles": {"privacy-in-charge": list(PIC_USERS), "director": list(DIRECTOR_USERS)},
        "escalation": escalation,
        "schedule": {"tick_seconds": 0.1, **overrides.pop("schedule", {})},
        **overrides,
    }


def pagelib_catalogue(tmp_path: Path) -> Catalogue:
    return Catalogue.load(write_content(tmp_path / "content"))


def pagelib_bot(fake: FakeSlack, tmp_path: Path, *, catalogue: Catalogue | None = None,
                worker: bool = True, **overrides: Any) -> SlackBot:
    """The app on pagelib, serving HTTP, with its background (delivery worker, scheduler)."""
    bot = SlackBot.start(fake, catalogue or pagelib_catalogue(tmp_path), tmp_path,
                         config=pagelib_settings(tmp_path, **overrides))
    if worker:
        assert bot.runtime.start_worker()
    return bot


def from_outbox(call: Call) -> bool:
    """Posted by the delivery worker (pages, notices, statuses carry idempotency metadata)."""
    return bool(call.args.get("metadata"))


def wait_post(bot: SlackBot, since: float, predicate: Callable[[Call], bool] = lambda c: True,
              timeout: float = 10.0) -> Posted:
    """The first chat.postMessage after ``since`` (time.time()) that matches."""
    calls = bot.fake.wait_for("chat.postMessage", lambda c: c.at >= since and predicate(c),
                              timeout=timeout)
    posted = Posted.of(calls[0])
    if posted.thread_ts and buttons(posted.blocks):
        bot.wait_live(posted)
    return posted


def open_case(bot: SlackBot, *labels: str, user: str = STAFF,
              situation: str = SITUATION) -> tuple[Posted, Posted]:
    """``/frontdesk``, pick ``situation``, click ``labels``: (the picker, the last message)."""
    since = time.time()
    bot.command(user)
    picker = wait_post(bot, since, lambda c: "What is happening" in str(c.args.get("text")))
    current = picker
    for label in (situation, *labels):
        since = time.time()
        bot.click(user, current, label)
        current = wait_post(bot, since, lambda c: c.args.get("thread_ts") == picker.thread_ts
                            and not from_outbox(c))
    return picker, current


def paging_text(fake: FakeSlack, message: Posted) -> str:
    """The paging section of ``message`` as Slack shows it now."""
    current = fake.message(message.channel, message.ts)
    return text_of([b for b in current.blocks if b.get("block_id") == "paging"])


def wait_until_text(fake: FakeSlack, message: Posted, needle: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shown = paging_text(fake, message)
        if needle in shown:
            return shown
        time.sleep(0.05)
    raise AssertionError(f"{needle!r} never shown; the paging section reads: "
                         f"{paging_text(fake, message)!r}")
