"""Escalation: state machine, levels, timeouts, repeats, triggers, packet, status, holds."""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.channels.delivery import OutboxWorker
from bot.channels.slack import SlackTransport
from bot.channels.slack.messages import format_utc
from bot.config import parse_config
from bot.content.catalogue import Catalogue
from bot.engine import start, step
from bot.escalation import EscalationService, ThreadRef
from bot.faces.terminal.paging import describe_page
from bot.store import Database
from bot.store.outbox import OutboxStore
from bot.store.paging_tables import audit_events, escalations, holds, outbox
from tests.escalation_support import (
    CHANNEL,
    DIRECTOR_USERS,
    PIC_USERS,
    Clock,
    PagingFake,
    config_toml,
    write_content,
)

THREAD = ThreadRef("CDESK", "1700000000.000100", "https://fake.slack.invalid/archives/CDESK/p1")
T0 = datetime(2030, 3, 1, 15, 0, tzinfo=UTC)


class Rig:
    def __init__(self, tmp_path: Path, fake: PagingFake, **config: object):
        self.catalogue = Catalogue.load(write_content(tmp_path / "content"))
        self.config = parse_config(tomllib.loads(config_toml(**config)))  # type: ignore[arg-type]
        self.db = Database(f"sqlite:///{tmp_path / 'paging.db'}")
        self.clock = Clock(T0)
        self.service = EscalationService(self.db, self.config, self.catalogue, clock=self.clock)
        self.fake = fake
        client = WebClient(token="xoxb-test", base_url=fake.api_url)
        self.worker = OutboxWorker(self.db, SlackTransport(client, timeout=5), clock=self.clock,
                                   base_backoff=0.01)

    def walk(self, *answers: str):  # type: ignore[no-untyped-def]
        view = start(self.catalogue, "pagelib", "records-request")
        for text in answers:
            view = step(self.catalogue, view.conversation, text)
        return view

    def trigger(self, *answers: str, reason: str = "outcome", thread: ThreadRef | None = THREAD,
                **kwargs: object) -> str:
        view = self.walk(*answers)
        return self.service.trigger(library="pagelib", situation="records-request",
                                    conversation=view.conversation, outcome=view.outcome,
                                    reason=reason, asked_by="UASKER", face="slack",
                                    thread=thread, **kwargs)  # type: ignore[arg-type]

    def preservation_from(self, day: date):  # type: ignore[no-untyped-def]
        """A preservation request the case says was made on ``day``, paged: (view, page id)."""
        view = self.walk("police", "preservation")
        conversation = replace(view.conversation, stated_date=day.isoformat())
        return view, self.service.trigger(
            library="pagelib", situation="records-request", conversation=conversation,
            outcome=view.outcome, reason="outcome", asked_by="UASKER", face="slack",
            thread=THREAD)

    def deliver(self) -> int:
        return self.worker.run_once()

    def posts(self) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
        """(channel, metadata payload) of every message Slack accepted, in order."""
        return [(ch, meta["event_payload"]) for (ch, _), meta in self.fake.metadata.items()]

    def sent_keys(self) -> list[str]:
        return [payload["idempotency_key"] for _, payload in self.posts()]

    def row(self, escalation_id: str):  # type: ignore[no-untyped-def]
        with self.db.engine.connect() as conn:
            return conn.execute(select(escalations).where(escalations.c.id == escalation_id)).one()


@pytest.fixture
def fake():  # type: ignore[no-untyped-def]
    with PagingFake() as server:
        yield server


@pytest.fixture
def rig(tmp_path: Path, fake: PagingFake) -> Rig:
    return Rig(tmp_path, fake)


def test_an_escalating_outcome_pages_level_one_notifies_the_director_and_tells_the_asker(
        rig: Rig) -> None:
    eid = rig.trigger("police", "warrant")
    assert rig.deliver() == 5
    keys = rig.sent_keys()
    assert sorted(keys) == sorted([
        f"page:{eid}:1:0:UPIC1", f"page:{eid}:1:0:UPIC2", f"page:{eid}:1:0:{CHANNEL}",
        f"notice:{eid}:UDIR1", f"status:{eid}:paged:1:0",
    ])
    # DMs go to each person's DM channel, the channel post to the channel.
    channels = {payload["idempotency_key"]: ch for ch, payload in rig.posts()}
    assert channels[f"page:{eid}:1:0:UPIC1"] == rig.fake.dm_channel("UPIC1")
    assert channels[f"page:{eid}:1:0:{CHANNEL}"] == CHANNEL
    # The asker's status is a reply in their thread and names who was paged.
    status = [m for m in rig.fake.thread("CDESK", THREAD.ts) if m.ts != THREAD.ts]
    assert len(status) == 1 and "<@UPIC1>" in status[0].text and "<@UPIC2>" in status[0].text
    assert "director has been notified" in status[0].text
    row = rig.row(eid)
    assert (row.state, row.level, row.repeat, row.urgency) == ("triggered", 1, 0, "immediate")


def test_the_page_carries_the_whole_packet_and_the_two_buttons(rig: Rig) -> None:
    eid = rig.trigger("police - about Ms. Jane Doe 21234567890123", "warrant")
    rig.deliver()
    call = rig.fake.calls_to("chat.postMessage", lambda c: c.args["channel"] == CHANNEL)[0]
    text = json.dumps(call.args["blocks"])
    for expected in ("Someone wants a patron's records", "IMMEDIATE", "<@UASKER>",
                     THREAD.permalink, "Who is asking?", "A police officer",
                     "Search warrant: get the Privacy Officer now", "comply",
                     "Court orders to the Director", "presented to the Director"):
        assert expected in text, expected
    assert "Jane" not in text and "21234567890123" not in text
    actions = [b for b in call.args["blocks"] if b["type"] == "actions"][0]["elements"]
    assert [(a["action_id"], a["value"]) for a in actions] == [
        ("escalation_ack", eid), ("escalation_resolve", eid)]
    assert call.args["metadata"]["event_type"] == "frontdesk_page"
    notice = rig.fake.calls_to("chat.postMessage",
                               lambda c: c.args["metadata"]["event_type"] == "frontdesk_notice")
    assert len(notice) == 1 and "actions" not in json.dumps(notice[0].args["blocks"])


def test_trigger_is_idempotent_per_conversation_outcome_and_reason(rig: Rig) -> None:
    view = rig.walk("police", "warrant")
    args = dict(library="pagelib", situation="records-request", conversation=view.conversation,
                outcome=view.outcome, asked_by="UASKER", face="slack", thread=THREAD)
    first = rig.service.trigger(reason="outcome", **args)  # type: ignore[arg-type]
    assert rig.service.trigger(reason="outcome", **args) == first  # type: ignore[arg-type]
    assert rig.service.trigger(reason="page-now", **args) != first  # type: ignore[arg-type]
    rig.deliver()
    assert len(rig.sent_keys()) == len(set(rig.sent_keys())) == 10


def test_levels_timeouts_and_repeats_until_expired(rig: Rig) -> None:
    eid = rig.trigger("police", "warrant")  # immediate: 180 s per level, repeat = 2
    rig.deliver()
    rig.clock.advance(seconds=179)
    assert rig.service.tick() == 0
    steps = []
    for _ in range(5):
        rig.clock.advance(seconds=180)
        assert rig.service.tick() == 1
        row = rig.row(eid)
        steps.append((row.level, row.repeat))
        # each rung's pages go out in its turn (the worker takes seconds, a rung minutes): a
        # page not out when its escalation expires is never posted (review 9 m3; the test
        # used to deliver them all after the expiry)
        rig.deliver()
    assert steps == [(2, 0), (1, 1), (2, 1), (1, 2), (2, 2)]
    rig.clock.advance(seconds=180)
    assert rig.service.tick() == 1
    assert rig.row(eid).state == "expired"
    rig.clock.advance(seconds=3600)
    assert rig.service.tick() == 0
    rig.deliver()
    keys = rig.sent_keys()
    assert keys.count(f"page:{eid}:2:0:UDIR1") == 1
    assert f"page:{eid}:1:2:UPIC2" in keys and f"page:{eid}:2:2:UDIR1" in keys
    thread = [m.text for m in rig.fake.thread("CDESK", THREAD.ts)]
    assert any("now paging the Library Director" in t for t in thread)
    assert any("repeat 2" in t for t in thread)
    assert "Phone the Library Director at the number on the staff sheet" in thread[-1]
    # Expiry edits every page so nobody clicks a dead button.
    updated = rig.fake.calls_to("chat.update")
    assert updated and all("expired" in json.dumps(c.args["blocks"]) for c in updated)


def test_prompt_urgency_and_configured_timeouts(tmp_path: Path, fake: PagingFake) -> None:
    rig = Rig(tmp_path, fake, immediate=5, prompt=7, repeat=0)
    eid = rig.trigger("police", "preservation")  # prompt
    rig.clock.advance(seconds=6)
    assert rig.service.tick() == 0
    rig.clock.advance(seconds=1)
    assert rig.service.tick() == 1 and rig.row(eid).level == 2
    rig.clock.advance(seconds=7)
    rig.service.tick()
    assert rig.row(eid).state == "expired"  # repeat = 0: one pass through the levels


def test_acknowledge_is_role_only_idempotent_and_stops_paging(rig: Rig) -> None:
    eid = rig.trigger("police", "warrant")
    rig.deliver()
    refused = rig.service.acknowledge(eid, "USTRANGER")
    assert refused.status == "refused" and "only the Privacy Officer" in refused.message
    assert rig.service.acknowledge("nope", "UPIC1").status == "not-found"
    rig.clock.advance(seconds=30)
    assert rig.service.acknowledge(eid, "UPIC2").status == "acknowledged"
    with rig.db.engine.connect() as conn:
        before = conn.execute(select(outbox.c.id)).all()
    again = rig.service.acknowledge(eid, "UPIC1")
    assert again.status == "already" and "Already acknowledged by UPIC2 at" in again.worded()
    with rig.db.engine.connect() as conn:
        assert conn.execute(select(outbox.c.id)).all() == before  # nothing changed
    row = rig.row(eid)
    assert (row.state, row.acked_by) == ("acknowledged", "UPIC2")
    rig.clock.advance(seconds=3600)
    assert rig.service.tick() == 0
    rig.deliver()
    thread = [m.text for m in rig.fake.thread("CDESK", THREAD.ts)]
    assert any("Acknowledged by <@UPIC2> at 2030-03-01 15:00 UTC" in t for t in thread)
    # Every page is edited: no Acknowledge button any more, the acknowledgement shown.
    edits = rig.fake.calls_to("chat.update")
    assert len(edits) == 3
    for edit in edits:
        blocks = json.dumps(edit.args["blocks"])
        assert "escalation_ack" not in blocks and "Acknowledged by <@UPIC2>" in blocks


def test_resolve_with_a_redacted_note(rig: Rig) -> None:
    eid = rig.trigger("police", "warrant")
    assert rig.service.resolve(eid, "UASKER").status == "refused"
    result = rig.service.resolve(eid, "UDIR1", "Gave records to Det. Ray; called Ms. Smith on "
                                 "555-201-3344")
    assert result.status == "resolved"
    row = rig.row(eid)
    assert row.state == "resolved" and row.acked_by == "UDIR1"
    assert "555-201-3344" not in row.resolve_note and "Smith" not in row.resolve_note
    assert rig.service.resolve(eid, "UDIR1").status == "already"
    rig.deliver()
    last = rig.fake.thread("CDESK", THREAD.ts)[-1].text
    assert "Resolved by <@UDIR1>" in last and "[phone]" in last


@pytest.mark.parametrize(("answers", "reason", "urgency"), [
    (("not sure",), "not-sure", "prompt"),
    (("patron",), "page-now", "immediate"),
])
def test_not_sure_and_page_now_triggers(rig: Rig, answers: tuple[str, ...], reason: str,
                                        urgency: str) -> None:
    eid = rig.trigger(*answers, reason=reason)
    assert rig.row(eid).urgency == urgency
    rig.deliver()
    page = rig.fake.calls_to("chat.postMessage", lambda c: c.args["channel"] == CHANNEL)[0]
    assert ("not sure" if reason == "not-sure" else "page the privacy in-charge now") in \
        json.dumps(page.args["blocks"])


def test_an_unrouted_question_can_be_paged(rig: Rig) -> None:
    eid = rig.service.trigger(library="pagelib", situation=None, conversation=None, outcome=None,
                              reason="unrouted", asked_by="UASKER", face="slack", thread=THREAD,
                              question="a man says he is from the FBI, email agent@example.com")
    rig.deliver()
    page = rig.fake.calls_to("chat.postMessage", lambda c: c.args["channel"] == CHANNEL)[0]
    blocks = json.dumps(page.args["blocks"])
    assert "Unrouted question" in blocks and "[email]" in blocks and "agent@" not in blocks
    assert rig.row(eid).urgency == "immediate"  # staff chose to page: someone is waiting
    with pytest.raises(ValueError):
        rig.service.trigger(library="pagelib", situation=None, conversation=None, outcome=None,
                            reason="whatever", asked_by="U", face="slack")


def test_a_hold_records_its_deadline_and_reminds_seven_days_before_and_on_the_day(
        rig: Rig) -> None:
    eid = rig.trigger("police", "preservation")
    rig.service.acknowledge(eid, "UPIC1")
    with rig.db.engine.connect() as conn:
        hold = conn.execute(select(holds)).one()
    assert hold.kind == "ecpa-preservation" and hold.renewal_days == 90
    due = hold.due_at.replace(tzinfo=UTC)
    assert (due - T0).days == 90
    rig.clock.advance(days=82)
    assert rig.service.tick() == 0
    rig.clock.advance(days=1, seconds=1)  # 83 days in: 7 days before
    assert rig.service.tick() == 1
    assert rig.service.tick() == 0
    rig.clock.now = due
    assert rig.service.tick() == 1
    rig.clock.advance(days=3)
    assert rig.service.tick() == 0
    rig.deliver()
    reminders = [k for k in rig.sent_keys() if k.startswith("reminder:")]
    assert len(reminders) == 2 * (len(PIC_USERS) + 1)  # before + on the day, DMs + channel
    texts = [c.args["text"] for c in rig.fake.calls_to("chat.postMessage")
             if c.args["metadata"]["event_type"] == "frontdesk_reminder"]
    assert any("in 7 days" in t for t in texts) and any("today" in t for t in texts)
    # Renewal: 90 more days, reminders again.
    assert rig.service.renew_hold(hold.id, "UASKER").status == "refused"
    assert rig.service.renew_hold(hold.id, "UPIC1").status == "renewed"
    [open_hold] = rig.service.open_holds()
    assert (open_hold.due_at - due).days == 90 and open_hold.renewals == 1
    rig.clock.now = open_hold.due_at
    assert rig.service.tick() == 2  # both reminders of the renewed period are due
    assert rig.service.end_hold(hold.id, "UPIC1").status == "ended"
    assert rig.service.open_holds() == []


def test_a_hold_counts_from_the_day_the_case_says_it_happened(rig: Rig) -> None:
    """"They asked us to preserve it last month": the 90 days began last month, not today; a
    day in the future is not a start (the hold counts from now)."""
    month_ago = (T0 - timedelta(days=30)).date()
    view, eid = rig.preservation_from(month_ago)
    with rig.db.engine.connect() as conn:
        hold = conn.execute(select(holds)).one()
    assert hold.started_at.date() == month_ago
    assert (hold.due_at.date() - month_ago).days == 90
    assert json.loads(rig.row(eid).packet)["hold"]["started_at"].startswith(month_ago.isoformat())
    rig.deliver()
    pages = [json.dumps(c.args["blocks"]) for c in rig.fake.calls_to("chat.postMessage")]
    assert any(f"counted from {month_ago.isoformat()} 00:00 UTC" in page for page in pages)

    later = replace(rig.walk("police", "preservation").conversation,
                    stated_date=(T0 + timedelta(days=3)).date().isoformat())
    rig.service.trigger(library="pagelib", situation="records-request", conversation=later,
                        outcome=view.outcome, reason="outcome", asked_by="UASKER", face="slack",
                        thread=THREAD)
    with rig.db.engine.connect() as conn:
        newest = conn.execute(select(holds).where(holds.c.conversation_id == later.id)).one()
    assert newest.started_at.replace(tzinfo=UTC) == T0


def test_a_hold_whose_days_ran_out_before_the_case_is_not_recorded_as_active(rig: Rig) -> None:
    """Footage from a day longer ago than it is kept: no active hold that is already overdue;
    the page says no deadline was recorded and why, and the audit keeps the fact."""
    long_ago = (T0 - timedelta(days=120)).date()
    view, eid = rig.preservation_from(long_ago)
    assert rig.service.open_holds() == []
    with rig.db.engine.connect() as conn:
        assert conn.execute(select(holds)).all() == []
        kinds = [row.kind for row in conn.execute(select(audit_events))]
    assert "hold.passed" in kinds and "hold.started" not in kinds
    packet = json.loads(rig.row(eid).packet)
    assert packet["hold"] is None and packet["hold_passed"]["started_at"].startswith(
        long_ago.isoformat())
    assert "No deadline recorded" in describe_page(rig.service, eid)
    alone = replace(rig.walk("police", "preservation").conversation,
                    stated_date=long_ago.isoformat())
    assert rig.service.start_hold(library="pagelib", outcome=view.outcome, conversation=alone,
                                  asked_by="UASKER") is None
    assert rig.service.open_holds() == []


def test_deadlines_survive_a_restart(tmp_path: Path, fake: PagingFake) -> None:
    rig = Rig(tmp_path, fake)
    eid = rig.trigger("police", "warrant")
    rig.db.dispose()
    again = Rig(tmp_path, fake)  # a new process: new engine, new service, same file
    again.clock.advance(seconds=181)
    assert again.service.tick() == 1
    assert again.row(eid).level == 2


def test_with_no_slack_roles_only_the_terminal_user_may_acknowledge(tmp_path: Path,
                                                                    fake: PagingFake) -> None:
    rig = Rig(tmp_path, fake, pic=(), director=(), channel=None)
    eid = rig.trigger("police", "warrant", thread=None)
    assert rig.deliver() == 0  # nobody to page in Slack; the terminal shows it
    assert "nobody is set up in Slack" in describe_page(rig.service, eid)
    assert rig.service.acknowledge(eid, "USOMEONE").status == "refused"
    assert rig.service.acknowledge(eid, "terminal:alice").status == "acknowledged"
    assert [e.id for e in rig.service.open_escalations()] == [eid]


def test_director_is_paged_first_when_nobody_holds_level_one(tmp_path: Path,
                                                             fake: PagingFake) -> None:
    rig = Rig(tmp_path, fake, pic=(), channel=None)
    eid = rig.trigger("police", "warrant")
    rig.deliver()
    assert f"page:{eid}:2:0:{DIRECTOR_USERS[0]}" in rig.sent_keys()
    assert rig.row(eid).level == 2


def test_an_outcome_reached_through_not_sure_pages_as_not_sure_from_any_face(tmp_path) -> None:
    """The reason is decided once, by the service, not by each face."""
    from bot.config import parse_config
    from bot.content.catalogue import Catalogue
    from bot.engine import start, step
    from bot.escalation import EscalationService
    from bot.store import Database
    from tests.conftest import FIXTURE_CONTENT

    catalogue = Catalogue.load(FIXTURE_CONTENT)
    service = EscalationService(Database(f"sqlite:///{tmp_path / 'r.db'}"),
                                parse_config({"library": "testville"}), catalogue)
    reasons = {}
    for said in (["not sure"], ["officer", "nothing"]):
        current = start(catalogue, "testville", "desk-request")
        for text in said:
            current = step(catalogue, current.conversation, text)
        assert current.outcome is not None and current.outcome.escalate.pages
        for face in ("terminal", "slack"):
            escalation_id = service.handle_outcome(
                library="testville", conversation=current.conversation,
                outcome=current.outcome, asked_by="U1", face=face)
            assert escalation_id is not None
            summary = next(s for s in service.open_escalations() if s.id == escalation_id)
            reasons[(said[0], face)] = summary.reason
    assert reasons == {("not sure", "terminal"): "not-sure", ("not sure", "slack"): "not-sure",
                       ("officer", "terminal"): "outcome", ("officer", "slack"): "outcome"}


def test_times_in_pages_read_in_utc() -> None:
    assert format_utc(None) == ""
    assert format_utc(T0) == "2030-03-01 15:00 UTC"
    assert format_utc(T0.replace(tzinfo=None)) == "2030-03-01 15:00 UTC"  # as SQLite gives it
    assert format_utc(T0.isoformat()) == "2030-03-01 15:00 UTC"  # a packet's due_at
    assert format_utc(T0.astimezone(timezone(timedelta(hours=-6)))) == "2030-03-01 15:00 UTC"


def test_pages_staff_ask_for_are_immediate_whatever_the_face() -> None:
    from bot.escalation.packet import urgency_for

    assert urgency_for("page-now", None) == "immediate"
    assert urgency_for("unrouted", None) == "immediate"
    assert urgency_for("not-sure", None) == "immediate"


def test_outcome_pages_keep_the_outcome_urgency(fixture_catalogue) -> None:
    from bot.engine import start, step
    from bot.escalation.packet import urgency_for

    current = start(fixture_catalogue, "testville", "desk-request")
    current = step(fixture_catalogue, current.conversation, "not sure")
    assert current.outcome is not None and current.outcome.escalate.urgency == "prompt"
    assert urgency_for("not-sure", current.outcome) == "prompt"
    assert urgency_for("outcome", current.outcome) == "prompt"
    assert urgency_for("page-now", current.outcome) == "immediate"


def test_frontdesk_holds_lists_open_holds_with_or_without_the_list_subcommand(
        tmp_path: Path, fake: PagingFake) -> None:
    """The docs say `frontdesk holds` lists holds; it used to print usage."""
    from click.testing import CliRunner

    from bot.cli import main

    rig = Rig(tmp_path, fake)
    settings = tmp_path / "frontdesk.toml"
    settings.write_text(config_toml())
    args = ["--config", str(settings), "--database-url", f"sqlite:///{tmp_path / 'paging.db'}",
            "--content", str(tmp_path / "content")]
    empty = CliRunner().invoke(main, ["holds", *args])
    assert empty.exit_code == 0 and "No open holds." in empty.output, empty.output
    rig.trigger("police", "preservation")
    with rig.db.engine.connect() as conn:
        hold = conn.execute(select(holds)).one()
    for command in (["holds", *args], ["holds", "list", *args]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 0, result.output
        assert hold.id in result.output and "ecpa-preservation" in result.output
        assert "Usage" not in result.output


# --- a page corrected away before it went out ------------------------------------------------

def _page_then_correct_to_nothing(rig: Rig, *, deliver_first: bool) -> str:
    """The desk reaches the warrant outcome (it pages), then goes back to "nothing" (it pages
    nobody); the worker delivers before the correction only with ``deliver_first``."""
    view = rig.walk("police", "warrant")
    eid = rig.service.handle_outcome(library="pagelib", conversation=view.conversation,
                                     outcome=view.outcome, asked_by="UASKER", face="slack",
                                     thread=THREAD)
    assert eid is not None
    if deliver_first:
        rig.deliver()
    for text in ("back", "nothing"):
        view = step(rig.catalogue, view.conversation, text)
    assert view.outcome is not None and not view.outcome.escalate.pages
    assert rig.service.handle_outcome(library="pagelib", conversation=view.conversation,
                                      outcome=view.outcome, asked_by="UASKER", face="slack",
                                      thread=THREAD) is None
    assert rig.row(eid).state == "resolved"
    for _ in range(3):  # and any edit waiting for its page gets its turn
        rig.deliver()
        rig.clock.advance(seconds=30)
    return eid


def _outbox_status(rig: Rig, eid: str) -> dict[str, str]:
    with rig.db.engine.connect() as conn:
        return {r.idempotency_key: r.status for r in conn.execute(
            select(outbox.c.idempotency_key, outbox.c.status)
            .where(outbox.c.escalation_id == eid))}


def test_a_slack_page_withdrawn_before_it_went_out_is_never_posted(rig: Rig) -> None:
    eid = _page_then_correct_to_nothing(rig, deliver_first=False)

    page_keys = {f"page:{eid}:1:0:{who}" for who in (*PIC_USERS, CHANNEL)}
    assert not page_keys & set(rig.sent_keys()), rig.sent_keys()  # nobody woken
    assert not rig.fake.calls_to("chat.update")  # no stand-down owed
    elsewhere = [call.args for call in rig.fake.calls_to("chat.postMessage")
                 if call.args["channel"] != "CDESK"]  # all but the asker's thread
    assert "Stand down" not in json.dumps(elsewhere), elsewhere
    status = _outbox_status(rig, eid)
    assert {status[key] for key in page_keys} == {"skipped"}
    # the edits queued for those pages end too, rather than wait for a page that never comes
    assert {s for key, s in status.items() if key.startswith("update:")} == {"skipped"}
    # the asker is told the case needs nobody, and never that someone was paged
    thread = [m.text for m in rig.fake.thread("CDESK", THREAD.ts)]
    assert any("Nobody needs to act on this page" in t for t in thread), thread
    assert not any("Paged" in t for t in thread), thread
    # nor is the director told that a page is under way (review 9 M1): nobody was paged
    assert status[f"notice:{eid}:UDIR1"] == "skipped"
    assert status[f"status:{eid}:paged:1:0"] == "skipped"
    assert not [call for call in rig.fake.calls_to("chat.postMessage")
                if call.args["channel"] == "DUDIR1" or "being paged" in json.dumps(call.args)]


def test_a_slack_page_withdrawn_after_it_went_out_is_edited_to_stand_down(rig: Rig) -> None:
    eid = _page_then_correct_to_nothing(rig, deliver_first=True)

    page_keys = {f"page:{eid}:1:0:{who}" for who in (*PIC_USERS, CHANNEL)}
    assert page_keys <= set(rig.sent_keys())
    assert rig.fake.delivered_keys()[f"page:{eid}:1:0:UPIC1"] == 1
    edits = rig.fake.calls_to("chat.update")
    assert len(edits) == 3
    assert all("Stand down" in json.dumps(edit.args["blocks"]) for edit in edits)
    assert "escalation_ack" not in json.dumps([edit.args["blocks"] for edit in edits])


def test_a_slack_page_resolved_before_it_went_out_is_never_posted(rig: Rig) -> None:
    eid = rig.trigger("police", "warrant")
    assert rig.service.resolve(eid, "UPIC1", "handled at the desk").status == "resolved"
    for _ in range(3):
        rig.deliver()
        rig.clock.advance(seconds=30)

    page_keys = {f"page:{eid}:1:0:{who}" for who in (*PIC_USERS, CHANNEL)}
    assert not page_keys & set(rig.sent_keys()), rig.sent_keys()
    assert not rig.fake.calls_to("chat.update")
    status = _outbox_status(rig, eid)
    assert {status[key] for key in page_keys} == {"skipped"}
    # nobody was paged: the director is not told a page is under way, nor the asker that
    # someone was paged (review 9 M1)
    assert status[f"notice:{eid}:UDIR1"] == "skipped"
    assert status[f"status:{eid}:paged:1:0"] == "skipped"


def _outbox_skips(rig: Rig, eid: str) -> dict[str, str]:
    """Why each skipped row of the escalation was skipped, by its key."""
    with rig.db.engine.connect() as conn:
        return {r.idempotency_key: r.last_error for r in conn.execute(
            select(outbox.c.idempotency_key, outbox.c.last_error)
            .where(outbox.c.escalation_id == eid, outbox.c.status == "skipped"))}


def test_a_slack_page_acknowledged_before_it_went_out_wakes_nobody(rig: Rig) -> None:
    """Review 9 m3: someone is on it before the worker's turn (a text answered first, say),
    so the Slack pages not yet posted are never posted, as a text or an email is not
    (states.WAITING, one rule for every channel), and nothing edits them. Nor is the asker's
    "Paged …" line (nobody was paged through Slack); the asker is told who is on it. The
    director still hears of the case (review 13: only a page called off before anyone was
    paged spares the director the notice)."""
    eid = rig.trigger("police", "warrant")
    assert rig.service.acknowledge(eid, "UPIC1").status == "acknowledged"
    for _ in range(3):  # and any edit waiting for its page gets its turn
        rig.deliver()
        rig.clock.advance(seconds=30)

    page_keys = {f"page:{eid}:1:0:{who}" for who in (*PIC_USERS, CHANNEL)}
    assert not page_keys & set(rig.sent_keys()), rig.sent_keys()
    skips = _outbox_skips(rig, eid)
    assert {skips[key] for key in page_keys} == {"escalation acknowledged first"}
    assert {why for key, why in skips.items() if key.startswith("update:")} == {
        "the page was never sent"}
    assert not [call for call in rig.fake.calls_to("chat.update")
                if call.args["channel"] != "CDESK"]  # no page to edit
    assert skips[f"status:{eid}:paged:1:0"] == "escalation acknowledged first, no page went out"
    assert f"notice:{eid}:UDIR1" in rig.sent_keys()
    thread = [m.text for m in rig.fake.thread("CDESK", THREAD.ts)]
    assert thread and "UPIC1" in thread[-1], thread


def test_a_slack_page_whose_escalation_expired_before_its_turn_wakes_nobody(rig: Rig) -> None:
    """Review 9 m3: Slack was out while the ladder ran on and the page expired. The later
    rungs' pages, queued while it waited and not posted before it expired, are not posted
    once Slack is back (they would wake people for a page already given up on); the pages
    that went out are edited to show it expired, and the asker is told nobody acted."""
    eid = rig.trigger("police", "warrant")  # immediate: 180 s per level, repeat = 2
    rig.deliver()
    rig.fake.fail("chat.postMessage", times=1000, status=503)  # any may have gone out
    for _ in range(6):
        rig.clock.advance(seconds=180)
        assert rig.service.tick() == 1
        rig.deliver()
    assert rig.row(eid).state == "expired"
    edited = [call for call in rig.fake.calls_to("chat.update")  # Slack took edits all along
              if call.args["channel"] != "CDESK"]
    rig.fake.reset()  # Slack takes posts again
    for _ in range(3):
        rig.clock.advance(seconds=60)
        rig.deliver()

    first = {f"page:{eid}:1:0:{who}" for who in (*PIC_USERS, CHANNEL)}
    later = {f"page:{eid}:2:2:UDIR1", f"page:{eid}:1:2:UPIC2"}
    skips = _outbox_skips(rig, eid)
    assert {skips[key] for key in later} == {"escalation expired first"}
    assert not first & set(skips)
    # nor is the asker told those rungs are being paged: their pages never went out
    assert {why for key, why in skips.items() if key.startswith(f"status:{eid}:paged:")} == {
        "escalation expired first, no page went out"}
    assert f"status:{eid}:paged:1:0" not in skips
    assert not later & set(rig.sent_keys())
    edited += [call for call in rig.fake.calls_to("chat.update")
               if call.args["channel"] != "CDESK"]
    assert len(edited) == len(first)  # only the pages that went out
    assert all("expired" in json.dumps(call.args["blocks"]) for call in edited)
    thread = [m.text for m in rig.fake.thread("CDESK", THREAD.ts)]
    assert "Phone the Library Director at the number on the staff sheet" in thread[-1]


def test_a_page_slack_never_took_before_it_expired_still_reaches_those_paged_first(
        rig: Rig) -> None:
    """Review 13's gate: Slack is out from the first moment through the whole ladder, and the
    page expires with nobody having seen it. Once Slack is back, those the page went to
    first each get it once (late, showing it expired, no button to click), the director gets
    the notice once, and the asker is told no page reached anyone; the later rungs' pages
    and their "Paged …" lines are not posted (they would page again for what is over)."""
    eid = rig.trigger("police", "warrant")  # immediate: 180 s per level, repeat = 2
    rig.fake.fail("chat.postMessage", times=1000, status=503)
    rig.deliver()
    for _ in range(6):
        rig.clock.advance(seconds=180)
        assert rig.service.tick() == 1
        rig.deliver()
    assert rig.row(eid).state == "expired"
    rig.fake.reset()  # Slack takes posts again
    for _ in range(4):
        rig.clock.advance(seconds=60)
        rig.deliver()

    sent = rig.sent_keys()
    for who in PIC_USERS:
        assert [key for key in sent if key.endswith(f":{who}")] == [f"page:{eid}:1:0:{who}"]
    assert [key for key in sent if key.endswith(":UDIR1")] == [f"notice:{eid}:UDIR1"]
    pages = [call.args for call in rig.fake.calls_to("chat.postMessage")
             if call.args.get("metadata", {}).get("event_type") == "frontdesk_page"]
    assert len(pages) == len(PIC_USERS) + 1  # and the channel's
    assert all("xpired" in json.dumps(page["blocks"]) for page in pages), pages
    assert "escalation_ack" not in json.dumps(pages)
    skips = _outbox_skips(rig, eid)
    assert {key for key in skips if key.startswith("page:")} == {
        key for key in _outbox_status(rig, eid) if key.startswith("page:")
        and not key.startswith(f"page:{eid}:1:0:")}
    thread = [m.text for m in rig.fake.thread("CDESK", THREAD.ts)]
    assert any("No page reached anyone before the page expired" in t for t in thread), thread
    assert sum("Paged" in t or "now paging" in t for t in thread) == 1, thread

def test_after_an_outage_through_expiry_the_thread_reads_in_order_and_the_notice_says_so(
        rig: Rig) -> None:
    """Review 13 minors, and review 14's gate. Slack is out from the first moment until after
    the page expired, the worker backing off as it does in service (base 20 s, up to 5
    minutes), so the first "Paged …" line's next try is minutes away when the expiry line's
    is seconds away. Once Slack is back the asker reads "Paged …" first, then that the page
    expired and whom to phone, within the expiry line's own backoff (the earlier lines, and
    the look-ups of pages they wait for, are tried on its turn): not minutes later. The
    director's notice, posted late, says the page expired with nobody acknowledging, not
    that someone "is being paged"."""
    rig.worker.base_backoff = 20.0
    eid = rig.trigger("police", "warrant")
    rig.fake.fail("chat.postMessage", times=1000, status=503)
    rig.deliver()
    for _ in range(6):
        rig.clock.advance(seconds=180)
        assert rig.service.tick() == 1
        rig.deliver()
    assert rig.row(eid).state == "expired"
    with rig.db.engine.connect() as conn:
        due = dict(conn.execute(select(outbox.c.idempotency_key, outbox.c.next_attempt_at)
                                .where(outbox.c.escalation_id == eid)).all())
    # what made the order flip: the earlier line's next try is minutes away, the expiry
    # line's within its first backoff
    assert due[f"status:{eid}:paged:1:0"].replace(tzinfo=UTC) > rig.clock.now + timedelta(
        seconds=90)
    assert due[f"status:{eid}:expired"].replace(tzinfo=UTC) < rig.clock.now + timedelta(
        seconds=30)
    rig.fake.reset()  # Slack takes posts again
    waited = 0
    while not any("expired" in m.text for m in rig.fake.thread("CDESK", THREAD.ts)):
        assert waited < 60, "the expiry line is still not in the asker's thread"
        rig.clock.advance(seconds=5)
        waited += 5
        rig.deliver()

    thread = [m.text for m in rig.fake.thread("CDESK", THREAD.ts) if m.ts != THREAD.ts]
    assert len(thread) == 2, thread
    assert thread[0].startswith("📟 Paged the Privacy Officer"), thread
    assert "No page reached anyone before the page expired" in thread[1], thread
    for _ in range(8):  # and nothing else comes to the thread later (the later rungs' lines)
        rig.clock.advance(seconds=60)
        rig.deliver()
    assert len([m for m in rig.fake.thread("CDESK", THREAD.ts) if m.ts != THREAD.ts]) == 2
    notice = rig.fake.calls_to("chat.postMessage", lambda c: c.args["metadata"]["event_type"]
                               == "frontdesk_notice")
    assert len(notice) == 1
    said = notice[0].args["text"] + json.dumps(notice[0].args["blocks"])
    assert "being paged" not in said and "will be paged" not in said, said
    assert "the page expired with nobody acknowledging" in notice[0].args["text"]
    assert f"expired at {format_utc(rig.row(eid).expired_at)}" in said, said


def test_a_line_waits_for_the_earlier_lines_of_its_thread_not_for_another_workers_claim(
        rig: Rig) -> None:
    """The thread's order is kept only for what this worker can send: an earlier line
    another worker is sending (its claim may hang) never holds up a later one, e.g. the
    asker's "did not get through, phone now"."""
    eid = rig.trigger("police", "warrant")
    with rig.db.engine.begin() as conn:
        conn.execute(outbox.update().where(outbox.c.escalation_id == eid).values(
            status="sending", claimed_by="otherhost:1:dead", lease_until=T0 + timedelta(
                minutes=5)))
        conn.execute(outbox.update().where(outbox.c.idempotency_key.like("page:%")).values(
            status="sent"))
    rig.service.acknowledge(eid, "UPIC1")  # queues the asker's "Acknowledged …" line
    rig.deliver()
    thread = [m.text for m in rig.fake.thread("CDESK", THREAD.ts) if m.ts != THREAD.ts]
    assert len(thread) == 1 and thread[0].startswith("✅ Acknowledged"), thread


def test_a_slack_page_that_may_have_gone_out_is_looked_for_before_it_is_skipped(
        rig: Rig) -> None:
    """A 5xx may hide a post Slack took, so the page counts as one that may have gone out
    (a stand-down, "someone is being paged") until it is looked for. Acknowledged meanwhile,
    it is looked for first; found nowhere, it is skipped and no longer counts as out."""
    eid = rig.trigger("police", "warrant")
    rig.fake.fail("chat.postMessage", times=5, status=503)
    rig.deliver()
    store = OutboxStore(rig.db)
    assert store.page_went_out(eid, rung=(1, 0))
    assert rig.service.acknowledge(eid, "UPIC1").status == "acknowledged"
    for _ in range(3):
        rig.clock.advance(seconds=30)
        rig.deliver()

    assert rig.fake.calls_to("conversations.history") or rig.fake.calls_to(
        "conversations.replies")
    skips = _outbox_skips(rig, eid)
    assert {skips[f"page:{eid}:1:0:{who}"] for who in (*PIC_USERS, CHANNEL)} == {
        "escalation acknowledged first"}
    assert not store.page_went_out(eid)
    # the asker's line waited for the look-ups, whatever their order: nobody was paged
    # through Slack
    assert skips[f"status:{eid}:paged:1:0"] == "escalation acknowledged first, no page went out"


def test_a_levels_slack_pages_are_queued_in_one_insert_each_audited_once(rig: Rig) -> None:
    from sqlalchemy import event

    inserts: list[tuple[str, int]] = []

    def count(_conn, _cursor, sql: str, params, _context, executemany: bool) -> None:  # type: ignore[no-untyped-def]
        if sql.lstrip().upper().startswith("INSERT INTO OUTBOX"):
            inserts.append((sql, len(params) if executemany else 1))

    event.listen(rig.db.engine, "before_cursor_execute", count)
    try:
        eid = rig.trigger("police", "warrant")
    finally:
        event.remove(rig.db.engine, "before_cursor_execute", count)
    # the three pages (two people and the channel), the director's notice and the asker's
    # line: one INSERT of five rows (it was one per caller: three)
    assert len(inserts) == 1, inserts
    [(sql, _)] = inserts
    assert sql.count("), (") == 4, sql  # five rows of values
    with rig.db.engine.connect() as conn:
        queued = conn.execute(select(audit_events.c.data).where(
            audit_events.c.kind == "page.queued")).scalars().all()
    assert sorted(json.loads(data)["key"] for data in queued) == sorted(
        f"page:{eid}:1:0:{who}" for who in (*PIC_USERS, CHANNEL))
    assert rig.deliver() == 5
