"""The serving process acts on paging deadlines and keeps the asker's outcome message live.

Everything goes through the network edge: signed requests to the app served over HTTP, and
what the app does read back from the fake Slack (pages, thread statuses, chat.update edits).
Deadlines come from the config (1-second acknowledgement timeouts, a 0.1-second tick).
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.channels.slack import render as live_status
from bot.config import ConfigError, parse_config
from bot.escalation import EscalationService, Paged
from bot.escalation.retention import purge
from bot.faces.terminal.paging import describe_page
from bot.store import Database
from bot.store.audit import AuditLog
from bot.store.ops_tables import status_messages
from bot.store.txn import utcnow
from tests.escalation_support import (
    CHANNEL,
    DIRECTOR_USERS,
    PIC_USERS,
    PagingFake,
    trigger_many,
)
from tests.fakeslack import block_errors
from tests.slack_support import STAFF, Posted, actions_body, text_of
from tests.wiring_support import (
    from_outbox,
    open_case,
    pagelib_bot,
    pagelib_catalogue,
    pagelib_settings,
    paging_text,
    wait_post,
    wait_until_text,
)

PIC1, PIC2 = PIC_USERS
(DIRECTOR,) = DIRECTOR_USERS
IF_NO_ANSWER = "Phone the Library Director at the number on the staff sheet."


def watched(database, escalation_id: str) -> int:  # type: ignore[no-untyped-def]
    with database.engine.connect() as conn:
        return len(conn.execute(select(status_messages.c.ts).where(
            status_messages.c.escalation_id == escalation_id)).all())


def edits_of(fake: PagingFake, message: Posted) -> list[str]:
    return [text_of(c.args["blocks"]) for c in fake.calls_to("chat.update")
            if c.args.get("ts") == message.ts and c.args.get("channel") == message.channel]


def test_a_slack_page_re_escalates_to_the_director_then_expires(tmp_path: Path) -> None:
    with PagingFake() as fake:
        bot = pagelib_bot(fake, tmp_path, escalation={
            "ack_timeout_seconds": {"immediate": 1, "prompt": 1}, "repeat": 0})
        try:
            started = time.time()
            picker, outcome = open_case(bot, "A police officer", "A search warrant")
            assert "Search warrant" in outcome.text
            shown = paging_text(fake, outcome)
            assert "Paged the Privacy Officer" in shown and f"<@{PIC1}>" in shown
            assert "The Library Director has been notified" in shown
            thread = (picker.channel, picker.thread_ts)

            def in_thread(c) -> bool:  # type: ignore[no-untyped-def]
                return (c.args.get("channel"), c.args.get("thread_ts")) == thread

            # Level 1 goes unanswered: the scheduler pages the director.
            page = wait_post(bot, started, lambda c: c.args.get("channel") == fake.dm_channel(
                DIRECTOR) and "Page" in str(c.args.get("text")))
            assert "paging the Library Director (no acknowledgement in time)" in page.body
            moved = wait_post(bot, started, lambda c: in_thread(c) and "now paging" in str(
                c.args.get("text")))
            assert "Library Director" in moved.text
            # Nobody answers the director either: the page expires, the asker is told what to do.
            expired = wait_post(bot, started, lambda c: in_thread(c) and "Nobody acknowledged"
                                in str(c.args.get("text")))
            assert IF_NO_ANSWER in expired.text
            assert time.time() - started < 8
            final = wait_until_text(fake, outcome, "Nobody acknowledged the page in time")
            assert IF_NO_ANSWER in final and "What to do next" in final
            # The outcome message was edited in place at each step (re-escalated, expired).
            edits = edits_of(fake, outcome)
            assert any("now paging the Library Director" in e for e in edits)
            assert fake.message(outcome.channel, outcome.ts).updated >= 2
            summary = bot.runtime.services.escalations.open_escalations()
            assert summary == []  # expired: nothing left open
            # Exactly once: every page, status and edit key delivered one time.
            assert all(n == 1 for n in fake.delivered_keys().values())
            for call in fake.calls_to("chat.update"):
                assert call.response and call.response["ok"], call.response
                assert not block_errors(call.args["blocks"]) and len(call.args["blocks"]) <= 50
        finally:
            bot.stop()


def test_acknowledge_and_resolve_update_the_outcome_message_and_the_paging_note(
    tmp_path: Path,
) -> None:
    with PagingFake() as fake:
        bot = pagelib_bot(fake, tmp_path)  # the default timeouts: nothing moves on its own
        try:
            started = time.time()
            _, outcome = open_case(bot, "A police officer", "A search warrant")
            assert "waiting for acknowledgement" in paging_text(fake, outcome).lower()
            page = wait_post(bot, started, lambda c: c.args.get("channel") == fake.dm_channel(
                PIC1) and "Page" in str(c.args.get("text")))
            bot.click(PIC1, page, "Acknowledge")
            shown = wait_until_text(fake, outcome, f"Acknowledged by <@{PIC1}>")
            assert "follow their instructions" in shown
            assert shown.startswith("*📟 Paging (immediate):* Privacy Officer")  # head kept

            bot.click(PIC2, page, "Resolve")
            [opened] = fake.wait_for("views.open", lambda c: c.args.get("view", {}).get(
                "callback_id") == "escalation_resolve_modal")
            view = opened.args["view"]
            bot.deliver("interactive", {
                "type": "view_submission", "user": {"id": PIC2}, "team": {"id": "T0001"},
                "api_app_id": "AFAKE", "trigger_id": "trig-resolve",
                "view": {**view, "id": "V1", "state": {"values": {"resolve_note": {"note": {
                    "type": "plain_text_input", "value": "Warrant reviewed & handled"}}}}},
            })
            shown = wait_until_text(fake, outcome, f"Resolved by <@{PIC2}>")
            assert "Warrant reviewed &amp; handled" in shown
            # The rest of the outcome message is untouched: same headline, same buttons.
            now = fake.message(outcome.channel, outcome.ts)
            assert now.blocks[0] == outcome.blocks[0]
            assert [b for b in now.blocks if b.get("type") == "actions"] == [
                b for b in outcome.blocks if b.get("type") == "actions"]

            # Retention: once the resolved case is old enough, its watched message goes too.
            database = bot.runtime.services.database
            [resolved] = [e for e in AuditLog(database).rows() if e.kind == "escalation.resolved"]
            assert watched(database, resolved.escalation_id) == 1
            purge(database, 30, now=utcnow() + timedelta(days=31))
            assert watched(database, resolved.escalation_id) == 0

            # Page now on an outcome that pages nobody: the note in the thread goes live too.
            _, own = open_case(bot, "The patron themself")
            assert paging_text(fake, own) == ""  # this outcome pages nobody by itself
            since = time.time()
            bot.click(STAFF, own, "Page someone now")
            note = wait_post(bot, since, lambda c: c.args.get("thread_ts") == own.thread_ts
                             and not from_outbox(c))
            assert "Paging (immediate)" in note.text and "Paged the Privacy Officer" in note.text
            second = wait_post(bot, since, lambda c: c.args.get("channel") == fake.dm_channel(
                PIC1) and "Page" in str(c.args.get("text")))
            bot.click(PIC1, second, "Acknowledge")
            wait_until_text(fake, note, f"Acknowledged by <@{PIC1}>")
        finally:
            bot.stop()


def test_whom_the_thread_says_is_paged_is_the_services_decision(tmp_path: Path) -> None:
    """Nobody holds the privacy in-charge role (and there is no escalation channel). Slack
    refuses to serve that (the policy's Privacy Officer must be reachable); the service itself,
    as the terminal uses it, pages the director first and says so."""
    settings = pagelib_settings(tmp_path, escalation={"channel": None},
                                roles={"privacy-in-charge": [], "director": [DIRECTOR]})
    refused = pytest.raises(ConfigError, match="roles.privacy-in-charge: nobody is set")
    with PagingFake() as fake, refused:
        pagelib_bot(fake, tmp_path, worker=False, escalation={"channel": None},
                    roles={"privacy-in-charge": [], "director": [DIRECTOR]})
    catalogue = pagelib_catalogue(tmp_path)
    service = EscalationService(Database(settings["database_url"]), parse_config(settings),
                                catalogue)
    [escalation_id] = trigger_many(service, catalogue, 1)
    [escalation] = service.open_escalations()
    assert escalation.level == 2
    assert service.paged(escalation_id) == Paged("Library Director", "immediate")
    described = describe_page(service, escalation_id)
    assert "PAGED (immediate): the Library Director —" in described


def test_a_state_change_before_the_message_is_watched_still_reaches_it(tmp_path: Path) -> None:
    """The outcome is drawn, then acknowledged, then watched: the watch queues the edit."""
    with PagingFake() as fake:
        bot = pagelib_bot(fake, tmp_path)
        try:
            started = time.time()
            _, outcome = open_case(bot, "A police officer", "A search warrant")
            service = bot.runtime.services.escalations
            [escalation] = service.open_escalations()
            shown, _ = service.live.current(escalation.id)
            wait_post(bot, started, lambda c: c.args.get("channel") == CHANNEL)
            # A second copy of the outcome (as "Continue in DM" would post), drawn before an ack.
            copy = bot.runtime.app.client.chat_postMessage(
                channel=outcome.channel, thread_ts=outcome.thread_ts, text=outcome.text,
                blocks=outcome.blocks)
            bot.deliver("interactive", actions_body(
                PIC1, CHANNEL, "1.1", None,
                {"action_id": "escalation_ack", "text": {"type": "plain_text", "text": "Ack"},
                 "value": escalation.id}))
            deadline = time.monotonic() + 5
            while service.get(escalation.id).state != "acknowledged":
                assert time.monotonic() < deadline
                time.sleep(0.05)
            service.live.watch(escalation.id, copy["channel"], copy["ts"],
                               {"text": outcome.text, "blocks": outcome.blocks}, shown)
            posted = Posted(copy["channel"], copy["ts"], outcome.thread_ts, outcome.text,
                            outcome.blocks)
            wait_until_text(fake, posted, f"Acknowledged by <@{PIC1}>")
            assert live_status.STATUS_BLOCK == "paging"
        finally:
            bot.stop()
