"""Slack cases in the audit trail, their holds and reminders, and the digest — end to end.

The case is driven over signed HTTP requests; the audit trail, holds and digest are read back
from the database the app writes; reminders (83 days on, by a clock moved forward) arrive at
the fake Slack through the delivery worker.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path

from slack_sdk import WebClient

from bot.channels.delivery import OutboxWorker
from bot.channels.slack import SlackTransport
from bot.content.catalogue import Catalogue
from bot.escalation import EscalationService
from bot.review.digest import build_digest
from bot.store.audit import AuditLog
from bot.store.outbox import OutboxStore
from bot.store.txn import utcnow
from tests.escalation_support import CHANNEL, PIC_USERS, Clock, PagingFake, write_content
from tests.slack_support import STAFF, event_body, new_ts
from tests.wiring_support import (
    from_outbox,
    open_case,
    pagelib_bot,
    paging_text,
    wait_post,
)

PIC1, PIC2 = PIC_USERS
CARD = "21234567890123"
PHONE = "(847) 555-0199"


def case_events(bot) -> list:  # type: ignore[no-untyped-def]
    return [r for r in AuditLog(bot.runtime.services.database).rows()
            if r.kind.startswith("case.")]


def test_an_ecpa_preservation_case_in_slack_is_trailed_held_reminded_and_digested(
    tmp_path: Path,
) -> None:
    with PagingFake() as fake:
        bot = pagelib_bot(fake, tmp_path)
        try:
            started = time.time()
            picker, question = open_case(bot, "A police officer")
            assert "What do they have?" in question.text
            # A typed answer full of patron details; delivered twice (Slack's retry).
            ts = new_ts()
            event = event_body({
                "type": "message", "channel": picker.channel, "user": STAFF, "ts": ts,
                "event_ts": ts, "thread_ts": picker.thread_ts, "channel_type": "im",
                "client_msg_id": "msg-preserve",
                "text": f"a preservation letter about card {CARD}, call {PHONE}",
            })
            bot.deliver("events_api", event)
            bot.deliver("events_api", event, retry=1)
            outcome = wait_post(bot, started, lambda c: c.args.get("thread_ts") ==
                                picker.thread_ts and not from_outbox(c)
                                and "Preservation" in str(c.args.get("text")))
            shown = paging_text(fake, outcome)
            assert "Deadline recorded: ecpa-preservation hold, 90 days" in shown
            bot.settle()

            # The audit trail: opened, each answer once (redacted), the outcome, then the page.
            events = case_events(bot)
            assert [e.kind for e in events] == [
                "case.opened", "case.answer", "case.answer", "case.outcome"]
            thread = bot.state.thread(picker.channel, picker.thread_ts)
            assert {e.conversation_id for e in events} == {thread.conversation.id}
            assert {e.actor for e in events} == {STAFF}
            assert json.loads(events[0].data) == {"flow": "records-request", "face": "slack"}
            # The answer is structured: question and choice ids, never the words typed.
            assert json.loads(events[2].data) == {"question": "paper", "choice": "preservation",
                                               "worded": True}
            assert json.loads(events[3].data) == {"outcome": "preserve", "decision": "comply"}
            log = AuditLog(bot.runtime.services.database)
            kinds = [r.kind for r in log.rows()]
            assert kinds.index("case.outcome") < kinds.index("escalation.triggered")
            assert "hold.started" in kinds and log.verify().ok
            export = log.export_csv()
            assert CARD not in export and "555-0199" not in export
            for path in tmp_path.glob("frontdesk.db*"):  # threads, outbox, status messages...
                data = path.read_bytes()
                assert CARD.encode() not in data and b"555-0199" not in data, path.name

            # The hold: 90 days, reminders 7 days before and on the day.
            service = bot.runtime.services.escalations
            [hold] = service.open_holds()
            assert hold.kind == "ecpa-preservation" and hold.renewal_days == 90
            assert timedelta(days=89) < hold.due_at - utcnow() <= timedelta(days=90)
            assert hold.escalation_id is not None

            # The privacy in-charge acknowledges the page (so only the hold is left to act on).
            page = wait_post(bot, started, lambda c: c.args.get("channel") == fake.dm_channel(
                PIC1) and "Page" in str(c.args.get("text")))
            bot.click(PIC1, page, "Acknowledge")
            deadline = time.monotonic() + 5
            outbox = OutboxStore(bot.runtime.services.database)
            while service.open_escalations()[0].state != "acknowledged" or outbox.pending():
                assert time.monotonic() < deadline
                time.sleep(0.05)

            # 83 days on, then on the day: a scheduler and a delivery worker on the same
            # database, their clock moved forward, queue the reminders and send them to Slack.
            clock = Clock(utcnow() + timedelta(days=83, minutes=1))
            database = bot.runtime.services.database
            later = EscalationService(database, bot.runtime.config,
                                      bot.runtime.services.catalogue, clock=clock)
            worker = OutboxWorker(database, SlackTransport(WebClient(
                token="xoxb-later", base_url=fake.api_url)), clock=clock)
            assert later.tick() == 1
            assert worker.run_once() == 3  # two privacy officers and the escalation channel
            for user in (PIC1, PIC2):
                reminder = wait_post(bot, started, lambda c, u=user: c.args.get("channel") ==
                                     fake.dm_channel(u) and "Deadline in 7 days" in str(
                                         c.args.get("text")))
                assert hold.id in reminder.text and "frontdesk holds renew" in reminder.text
            wait_post(bot, started, lambda c: c.args.get("channel") == CHANNEL and "Deadline in "
                      "7 days" in str(c.args.get("text")))
            clock.advance(days=7)
            assert later.tick() == 1
            assert worker.run_once() == 3
            wait_post(bot, started, lambda c: c.args.get("channel") == fake.dm_channel(PIC1)
                      and "Deadline today" in str(c.args.get("text")))
            assert later.tick() == 0  # each reminder once

            # The director's digest sees the Slack case and its page.
            digest = build_digest(bot.runtime.services.catalogue, bot.runtime.services.database,
                                  utcnow() - timedelta(days=1), library="pagelib")
            assert digest.conversations == 1 and digest.decisions["comply"] == 1
            assert digest.escalations is not None and digest.escalations.total == 1
        finally:
            bot.stop()


def test_an_outcome_that_starts_a_hold_without_paging_records_it(tmp_path: Path) -> None:
    content = write_content(tmp_path / "content")
    flow = content / "flows" / "records-request.yaml"
    paging = "      escalate: {roles: [privacy-in-charge], urgency: prompt}\n      hold:"
    assert paging in flow.read_text()
    flow.write_text(flow.read_text().replace(paging, "      hold:"))  # a hold, no page
    with PagingFake() as fake:
        bot = pagelib_bot(fake, tmp_path, catalogue=Catalogue.load(content))
        try:
            _, outcome = open_case(bot, "A police officer", "A preservation letter")
            assert "Paging" not in outcome.body  # nobody is paged by this outcome
            service = bot.runtime.services.escalations
            deadline = time.monotonic() + 5
            while not service.open_holds():
                assert time.monotonic() < deadline, "no hold recorded"
                time.sleep(0.05)
            [hold] = service.open_holds()
            assert hold.kind == "ecpa-preservation" and hold.escalation_id is None
            assert service.open_escalations() == []
            kinds = [r.kind for r in AuditLog(bot.runtime.services.database).rows()]
            assert kinds[-2:] == ["case.outcome", "hold.started"]
        finally:
            bot.stop()
