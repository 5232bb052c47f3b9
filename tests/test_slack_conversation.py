"""Whole guided conversations in Slack, end to end, over HTTP and over Socket Mode.

Each test runs twice: once with signed requests POSTed to the app served by waitress, once
with envelopes pushed over the fake Slack's WebSocket. What the app does is read back from
the fake Slack's record of Web API calls.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.content.catalogue import Catalogue
from bot.engine import start, view
from bot.faces.terminal.chat import TerminalChat
from bot.faces.terminal.paging import describe_page
from bot.router import router_for
from bot.store.paging_tables import escalations
from tests.fakeslack import FakeSlack, block_errors
from tests.slack_support import (
    CHANNEL,
    LIBRARY,
    PIC,
    SLACK_CONTENT,
    STAFF,
    Posted,
    SlackBot,
    button,
    buttons,
    text_of,
)


@pytest.fixture(scope="module")
def slack_catalogue() -> Catalogue:
    return Catalogue.load(SLACK_CONTENT)


@pytest.fixture(scope="module", params=["http", "socket"])
def running(
    request: pytest.FixtureRequest,
    slack_catalogue: Catalogue,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SlackBot]:
    """One fake Slack and one app per mode for the module (starting them is the slow part)."""
    with FakeSlack() as server:
        started = SlackBot.start(
            server, slack_catalogue, tmp_path_factory.mktemp(request.param), mode=request.param
        )
        yield started
        started.stop()


@pytest.fixture
def bot(running: SlackBot) -> Iterator[SlackBot]:
    """The module's app with a clean record of Slack calls for this test."""
    running.settle()  # the previous test's last calls
    running.fake.reset()
    running.seen = 0
    yield running


@pytest.fixture
def fake(bot: SlackBot) -> FakeSlack:
    return bot.fake


def every_message_valid(fake: FakeSlack) -> None:
    for call in fake.calls:
        if call.method in ("chat.postMessage", "chat.update"):
            assert call.response and call.response.get("ok"), (call.method, call.response)
            assert len(call.args.get("blocks") or []) <= 50
            assert not block_errors(call.args.get("blocks") or [])


def test_slash_command_then_buttons_to_the_outcome(bot: SlackBot, fake: FakeSlack) -> None:
    ack = bot.command(STAFF)
    if bot.mode == "http":
        assert ack.status == 200 and "direct message" in ack.text
    root, picker = bot.posts(2)
    dm = fake.dm_channel(STAFF)
    assert root.channel == dm and root.thread_ts is None  # guidance runs in a DM thread
    assert picker.thread_ts == root.ts
    assert "What is happening" in picker.body

    bot.click(STAFF, picker, "Police ask about a patron")
    first = bot.post()
    assert "What does the officer have?" in first.body
    labels = [b["text"]["text"] for b in buttons(first.blocks)]
    assert labels[:2] == ["A search warrant", "Nothing in writing"]
    assert any("Not sure" in x for x in labels) and any("Start over" in x for x in labels)

    bot.click(STAFF, first, "Nothing in writing")
    second = bot.post()
    assert "in danger right now" in second.body
    # The answered question now reads as a record: the answer, who gave it, no buttons.
    record = fake.message(dm, first.ts)
    assert record.updated and "Nothing in writing" in text_of(record.blocks)
    assert not buttons(record.blocks)

    bot.click(STAFF, second, "No")
    outcome = bot.post()
    body = outcome.body
    assert outcome.blocks[0]["type"] == "header"
    assert "Do not release anything without a court order." in outcome.text
    assert "Share nothing" in body and "Do now" in body and "Never" in body
    assert "I'm not able to share that without a court order." in body  # what to say
    # The clauses are named; their words are behind "Show the policy".
    assert "What your policy says:* 2 clauses of Testville" in body
    assert "are confidential and are not disclosed" not in body
    assert button(outcome.blocks, "Show the policy")
    assert "Paging (prompt)" in body and "Privacy Officer" in body
    assert button(outcome.blocks, "Page someone now")
    assert button(outcome.blocks, "Start over")

    stored = bot.runtime.services.conversations.recent(STAFF)
    assert stored and stored[0].status == "done" and stored[0].outcome == "withhold"
    thread = bot.state.thread(dm, root.ts)
    assert thread is not None and thread.status == "done"
    every_message_valid(fake)


def test_dm_then_typed_replies_to_the_outcome(bot: SlackBot, fake: FakeSlack) -> None:
    dm = fake.dm_channel(STAFF)
    asked = bot.dm(STAFF, "police asking about a patron")
    first = bot.post()
    assert first.channel == dm and first.thread_ts == asked  # a thread under the DM
    assert "What does the officer have?" in first.body

    bot.reply(STAFF, dm, asked, "they have no paperwork")
    second = bot.post()
    assert "in danger right now" in second.body
    assert "Nothing in writing" in text_of(fake.message(dm, first.ts).blocks)

    bot.reply(STAFF, dm, asked, "what?? purple")
    confused = bot.post()
    assert "didn't catch" in confused.body

    bot.reply(STAFF, dm, asked, "yes, it's an emergency")
    outcome = bot.post()
    assert "written emergency form" in outcome.text
    assert button(outcome.blocks, "Officer Emergency Request form")
    assert "Paging (immediate)" in outcome.body
    every_message_valid(fake)


def test_an_answer_typed_in_words_is_echoed_with_a_change_button(
    bot: SlackBot, fake: FakeSlack
) -> None:
    dm = fake.dm_channel(STAFF)
    asked = bot.dm(STAFF, "police asking about a patron")
    bot.post()
    bot.reply(STAFF, dm, asked, "they have no paperwork")
    second = bot.post()
    assert "I understood" in second.body and "Nothing in writing" in second.body
    bot.click(STAFF, second, "Change: What does the officer have?")
    again = bot.post()
    bot.click(STAFF, again, "A search warrant")
    assert "Do not obstruct the search" in bot.post().text
    every_message_valid(fake)


def test_mention_in_a_channel_answers_in_thread_and_moves_to_dm(
    bot: SlackBot, fake: FakeSlack
) -> None:
    asked = bot.mention(STAFF, "police officer at the desk with a search warrant")
    notice, result = bot.posts(2)
    assert notice.channel == CHANNEL and notice.thread_ts == asked
    assert "don't type patron names" in notice.body
    # "a search warrant" in the opening message answered the first question already.
    assert result.thread_ts == asked
    assert "Do not obstruct the search" in result.text
    bot.settle()
    assert len(fake.calls_to("chat.postMessage")) == 2  # the duplicate message event: once

    bot.click(STAFF, notice, "Continue in DM")
    root, moved = bot.posts(2)
    assert root.channel == fake.dm_channel(STAFF) and moved.thread_ts == root.ts
    assert "Do not obstruct the search" in moved.text
    # The notice is edited after the DM posts: wait for that chat.update, don't race it.
    fake.wait_for("chat.update", lambda c: c.args.get("ts") == notice.ts)
    assert "Continued in a direct message" in text_of(fake.message(CHANNEL, notice.ts).blocks)

    bot.reply(STAFF, CHANNEL, asked, "start over")
    assert "continues in a direct message" in bot.post().body


def test_prefilled_answer_shown_and_changeable(bot: SlackBot, fake: FakeSlack) -> None:
    bot.command(STAFF, "cop here wants to know what a patron checked out, no warrant")
    root, first = bot.posts(2)
    assert "You asked" in root.body
    assert "I understood" in first.body and "Nothing in writing" in first.body
    assert "in danger right now" in first.body  # the next question, the first was answered

    bot.click(STAFF, first, "Change")
    again = bot.post()
    bot.click(STAFF, again, "A search warrant")
    outcome = bot.post()
    assert "Do not obstruct the search" in outcome.text


def test_prefill_is_the_engines_like_the_terminal(
    bot: SlackBot, fake: FakeSlack, slack_catalogue: Catalogue
) -> None:
    """The opening message's facts go through ``engine.start``: the transcript holds the words
    the engine recorded (not the choice id), a fact left off the path is dropped (a warrant goes
    straight to its outcome, so "emergency" answers nothing), and what was understood is shown
    with a way to change it, as the terminal shows it."""
    text = "officer with a search warrant, he says its an emergency"
    bot.command(STAFF, text)
    root, outcome = bot.posts(2)
    assert "Do not obstruct the search" in outcome.text
    assert button(outcome.blocks, "Change: What does the officer have?")

    result = router_for(slack_catalogue, LIBRARY).route(text)
    assert {p.question for p in result.prefill} == {"document", "danger"}
    engine = start(slack_catalogue, LIBRARY, "police-request", result.prefill)
    thread = bot.state.thread(root.channel, root.ts)
    assert thread is not None and thread.conversation is not None
    assert thread.conversation.answers == engine.conversation.answers == (("document", "warrant"),)
    assert thread.conversation.transcript == engine.conversation.transcript
    assert thread.conversation.transcript[0].said == ""  # what was typed is never stored

    said: list[str] = []
    lines = iter([text, "", "quit"])
    TerminalChat(slack_catalogue, LIBRARY, None, read=lambda _: next(lines), say=said.append).run()
    terminal = [line.removeprefix("I understood: ") for line in said
                if line.startswith("I understood: ")]
    section = next(b["text"]["text"] for b in outcome.blocks
                   if b.get("text", {}).get("text", "").startswith("*From what you wrote"))
    shown = [line.removeprefix("• ").replace("*", "") for line in section.splitlines()[1:]]
    assert shown == terminal == ["What does the officer have? → A search warrant"]

    # Back, then a different document: the danger question is asked, not answered from before.
    bot.click(STAFF, outcome, "Back")
    again = bot.post()
    assert "What does the officer have?" in again.body
    bot.click(STAFF, again, "Nothing in writing")
    assert "in danger right now" in bot.post().body


def test_back_start_over_and_not_sure(bot: SlackBot, fake: FakeSlack) -> None:
    bot.command(STAFF, "police")
    _, first = bot.posts(2)
    bot.click(STAFF, first, "Nothing in writing")
    second = bot.post()
    bot.click(STAFF, second, "Back")
    again = bot.post()
    assert "What does the officer have?" in again.body
    assert "Went back" in text_of(fake.message(second.channel, second.ts).blocks)

    bot.click(STAFF, again, "Not sure")  # the most cautious outcome its answers could reach
    outcome = bot.post()
    assert "Do not release anything without a court order" in outcome.text
    bot.click(STAFF, outcome, "Start over")
    restarted = bot.post()
    assert "What does the officer have?" in restarted.body


def test_double_click_moves_the_conversation_once(bot: SlackBot, fake: FakeSlack) -> None:
    bot.command(STAFF, "police")
    _, first = bot.posts(2)
    bot.click(STAFF, first, "Nothing in writing")
    bot.click(STAFF, first, "A search warrant", as_posted=True)  # a second click, same question
    second = bot.post()  # whichever click the store saw first wins; the other changes nothing
    assert "in danger right now" in second.body or "Do not obstruct" in second.text
    bot.settle()
    assert len(fake.calls_to("chat.postMessage")) == bot.seen  # nothing else was posted
    told = fake.calls_to("chat.postEphemeral")
    assert told and "already answered" in told[0].args["text"]


def test_show_full_text_and_form(
    bot: SlackBot, fake: FakeSlack, slack_catalogue: Catalogue
) -> None:
    bot.command(STAFF, "police officer at the desk with a search warrant")
    _, outcome = bot.posts(2)
    clause = slack_catalogue.pack("testlib").clauses["3"].text
    assert clause[:60] not in outcome.body  # the answer first: the quotes are one click away
    bot.click(STAFF, outcome, "Show the policy")
    modal = fake.wait_for("views.open")[0]
    assert modal.response and modal.response["ok"]
    shown = text_of(modal.args["view"]["blocks"]).replace("> ", "").replace("\n", " ")
    assert clause.split(" and the people")[0][-80:] in shown

    bot.command(STAFF, "police")
    _, first = bot.posts(2)
    bot.click(STAFF, first, "Nothing in writing")
    bot.click(STAFF, bot.post(), "Yes, someone is in danger")
    bot.click(STAFF, bot.post(), "Officer Emergency Request form")
    # The printable form as a file in the thread (review module), or else a modal naming it.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        uploaded = fake.calls_to("files.completeUploadExternal")
        modals = fake.calls_to("views.open")
        if uploaded or len(modals) > 1:
            break
        time.sleep(0.02)
    if uploaded:
        assert uploaded[0].response and uploaded[0].response["ok"]
        assert uploaded[0].args.get("thread_ts") == outcome_thread(fake)
    else:
        assert "Officer Emergency Request form" in text_of(modals[1].args["view"]["blocks"])


def outcome_thread(fake: FakeSlack) -> str | None:
    """The thread of the last outcome the bot posted (the one with a form button)."""
    posts = [c for c in fake.calls_to("chat.postMessage") if "form" in json.dumps(c.args)]
    return posts[-1].args.get("thread_ts") if posts else None


def test_page_now_pages_once(bot: SlackBot, fake: FakeSlack) -> None:
    bot.command(STAFF, "lost my phone")
    _, first = bot.posts(2)
    bot.click(STAFF, first, "Yes")
    outcome = bot.post()
    assert "Paging" not in outcome.body  # this outcome pages nobody by itself
    bot.click(STAFF, outcome, "Page someone now")
    bot.click(STAFF, outcome, "Page someone now")
    paged = bot.post()
    assert "Paging (immediate)" in paged.body and "Privacy Officer" in paged.body
    bot.settle()
    assert len(fake.calls_to("chat.postMessage")) == bot.seen  # one paging note, not two
    service = bot.runtime.services.escalations
    if service is not None:
        mine = [e for e in service.open_escalations() if e.reason == "page-now"]
        assert len(mine) == 1 and mine[0].asked_by == STAFF


def test_the_thread_names_whom_the_service_pages(bot: SlackBot, fake: FakeSlack) -> None:
    """A warrant's outcome names two roles, but the service pages the privacy in-charge (the
    director is notified): the thread says whom the service pages, as the terminal does."""
    bot.command(STAFF, "police officer at the desk with a search warrant")
    root, outcome = bot.posts(2)
    service = bot.runtime.services.escalations
    with bot.runtime.services.database.engine.connect() as conn:
        [escalation_id] = conn.execute(
            select(escalations.c.id).where(escalations.c.thread_ts == root.ts)
        ).scalars()
    paged = service.paged(escalation_id)
    assert paged is not None and paged.role == "Privacy Officer or Library Director"
    section = next(b for b in outcome.blocks if b.get("block_id") == "paging")
    head = section["text"]["text"].split("\n")[0]
    assert head == f"*📟 Paging ({paged.urgency}):* {paged.role}"
    described = describe_page(service, escalation_id)
    assert f"PAGED ({paged.urgency}): the {paged.role} —" in described


def test_unrouted_question_offers_the_situations_and_a_page(bot: SlackBot, fake: FakeSlack) -> None:
    asked = bot.dm(STAFF, "what time do we close on sunday")
    picker = bot.post()
    assert picker.thread_ts == asked and "can't match" in picker.body
    assert button(picker.blocks, "Police ask about a patron")
    bot.click(STAFF, picker, "Page someone now")
    paged = bot.post()
    assert "Paging" in paged.body
    service = bot.runtime.services.escalations
    if service is not None:
        assert "unrouted" in [e.reason for e in service.open_escalations()]


def test_app_home(bot: SlackBot, fake: FakeSlack) -> None:
    bot.command(STAFF, "lost my phone")
    _, first = bot.posts(2)
    bot.click(STAFF, first, "No")
    bot.post()
    event = {
        "type": "app_home_opened",
        "user": STAFF,
        "channel": "DHOME",
        "tab": "home",
        "event_ts": "1.0",
    }
    from tests.slack_support import event_body

    bot.deliver("events_api", event_body(event))
    home = fake.wait_for("views.publish")[0]
    assert home.response and home.response["ok"]
    body = text_of(home.args["view"]["blocks"])
    assert "Your recent cases" in body and "Someone asks about lost property" in body
    assert "Take a note" in body  # the outcome reached
    assert "Open escalations" not in body  # staff do not see the escalation list

    bot.deliver("events_api", event_body({**event, "user": PIC}))
    pic_home = fake.wait_for("views.publish", count=2)[1]
    assert "Open escalations" in text_of(pic_home.args["view"]["blocks"])

    start = button(home.args["view"]["blocks"], "Police ask about a patron")
    from tests.slack_support import actions_body

    bot.deliver(
        "interactive",
        {
            **actions_body(STAFF, "DHOME", "0", None, start),
            "container": {"type": "view", "view_id": "V1"},
        },
    )
    _, question = bot.posts(2, timeout=5)
    assert "What does the officer have?" in question.body


def test_state_survives_a_restart(slack_catalogue: Catalogue, tmp_path: Path) -> None:
    with FakeSlack() as fake:
        restart_and_continue(fake, slack_catalogue, tmp_path)


def restart_and_continue(fake: FakeSlack, slack_catalogue: Catalogue, tmp_path: Path) -> None:
    first_bot = SlackBot.start(fake, slack_catalogue, tmp_path)
    first_bot.command(STAFF, "police")
    root, question = first_bot.posts(2)
    first_bot.stop()
    second_bot = SlackBot.start(fake, slack_catalogue, tmp_path)
    second_bot.seen = first_bot.seen
    try:
        second_bot.click(STAFF, question, "Nothing in writing")
        assert "in danger right now" in second_bot.post().body
        thread = second_bot.state.thread(root.channel, root.ts)
        assert thread is not None and thread.conversation is not None
        assert view(slack_catalogue, thread.conversation).path == (("document", "nothing"),)
    finally:
        second_bot.stop()


def test_outcome_pages_the_privacy_in_charge_through_the_worker(
    slack_catalogue: Catalogue, tmp_path: Path
) -> None:
    """The serve process's delivery worker sends the page the outcome queued."""
    with FakeSlack() as fake:
        bot = SlackBot.start(fake, slack_catalogue, tmp_path)
        try:
            assert bot.runtime.start_worker()
            bot.command(STAFF, "police officer at the desk with a search warrant")
            # The worker runs beside the face: the page may be posted before the outcome.
            outcome = fake.wait_for("chat.postMessage", lambda c: "Paging (immediate)" in
                                    Posted.of(c).body, timeout=30)
            assert outcome, "the outcome never said it was paging"
            paged = fake.wait_for(
                "chat.postMessage",
                lambda c: c.args.get("channel") in (fake.dm_channel(PIC), PIC),
                timeout=30,  # returns as soon as it is sent; long only for a loaded machine
            )
            assert paged, "the worker never delivered the page"
            assert "Police ask about a patron" in paged[0].args.get("text", "")
        finally:
            bot.stop()


def _case_escalations(bot: SlackBot, root_ts: str) -> list:  # type: ignore[type-arg]
    with bot.runtime.services.database.engine.connect() as conn:
        return conn.execute(select(escalations).where(escalations.c.thread_ts == root_ts)
                            .order_by(escalations.c.created_at)).all()


def test_back_after_a_paging_outcome_updates_the_page_in_place(bot: SlackBot) -> None:
    """Warrant (pages, immediate) -> Back -> no paper, no danger (pages, prompt): the same
    escalation now carries the corrected outcome; no second page."""
    bot.command(STAFF, "police officer at the desk with a search warrant")
    root, outcome = bot.posts(2)
    [first] = _case_escalations(bot, root.ts)
    assert first.outcome_id == "warrant"
    bot.click(STAFF, outcome, "Back")
    question = bot.post()
    bot.click(STAFF, question, "Nothing in writing")
    bot.click(STAFF, bot.post(), "No")
    corrected = bot.post()
    assert "Do not release anything without a court order" in corrected.text
    [row] = _case_escalations(bot, root.ts)
    assert row.id == first.id and row.outcome_id == "withhold" and row.urgency == "prompt"


def test_typed_start_over_after_the_outcome_keeps_one_page_for_the_case(bot: SlackBot) -> None:
    """Typed "start over" in the thread after a paging outcome, then another paging outcome
    (an emergency): the case's one escalation is updated, never a second page."""
    bot.command(STAFF, "police officer at the desk with a search warrant")
    root, _ = bot.posts(2)
    [first] = _case_escalations(bot, root.ts)
    bot.reply(STAFF, root.channel, root.ts, "start over")
    question = bot.post()
    assert "What does the officer have?" in question.body
    bot.click(STAFF, question, "Nothing in writing")
    assert "in danger right now" in bot.post().body
    bot.reply(STAFF, root.channel, root.ts, "back")
    again = bot.post()
    assert "What does the officer have?" in again.body
    bot.click(STAFF, again, "Nothing in writing")
    bot.click(STAFF, bot.post(), "Yes, someone is in danger")
    bot.post()
    [row] = _case_escalations(bot, root.ts)
    assert row.id == first.id and row.outcome_id == "emergency"
    assert json.loads(row.packet)["corrected_from"] == "warrant"


def test_something_else_goes_back_to_the_situations_and_pages_nothing(
        bot: SlackBot, slack_catalogue: Catalogue) -> None:
    bot.command(STAFF, "police")
    root, question = bot.posts(2)
    thread = bot.state.thread(root.channel, root.ts)
    assert thread is not None and thread.conversation is not None
    case = thread.conversation.id
    bot.click(STAFF, question, "This is something else")
    picker = bot.post()
    assert "Nothing was paged for this switch" in picker.body
    bot.click(STAFF, picker, slack_catalogue.flow("testlib", "lost-property").title)
    bot.post()
    thread = bot.state.thread(root.channel, root.ts)
    assert thread is not None and thread.conversation is not None
    assert thread.conversation.flow == "lost-property" and thread.conversation.id == case
    assert _case_escalations(bot, root.ts) == []


def test_typed_something_else_after_a_paging_outcome_keeps_the_one_page(bot: SlackBot) -> None:
    bot.command(STAFF, "police officer at the desk with a search warrant")
    root, _ = bot.posts(2)
    bot.reply(STAFF, root.channel, root.ts, "something else")
    picker = bot.post()
    assert "Nothing was paged for this switch" in picker.body
    bot.click(STAFF, picker, "Police ask about a patron")
    # The opening message's facts hold for the situation picked: straight to the outcome.
    assert "Do not obstruct the search" in bot.post().text
    [row] = _case_escalations(bot, root.ts)  # the switch raised no page of its own
    assert row.outcome_id == "warrant"


def test_typed_change_after_the_outcome_offers_each_answer_to_change(bot: SlackBot) -> None:
    bot.command(STAFF, "police")
    root, question = bot.posts(2)
    bot.click(STAFF, question, "Nothing in writing")
    bot.click(STAFF, bot.post(), "No")
    assert "Do not release anything without a court order" in bot.post().text
    bot.reply(STAFF, root.channel, root.ts, "change")
    offer = bot.post()
    assert "Which answer do you want to change?" in offer.body
    bot.click(STAFF, offer, "Change: What does the officer have?")
    reask = bot.post()
    bot.click(STAFF, reask, "A search warrant")
    assert "Do not obstruct the search" in bot.post().text
    [row] = _case_escalations(bot, root.ts)  # withhold's page, updated in place
    assert row.outcome_id == "warrant" and json.loads(row.packet)["corrected_from"] == "withhold"


def test_page_someone_now_is_offered_at_a_question_too(bot: SlackBot) -> None:
    bot.command(STAFF, "police")
    root, question = bot.posts(2)
    bot.click(STAFF, question, "Page someone now")
    note = bot.post()
    assert "Paging (immediate)" in note.body
    [row] = _case_escalations(bot, root.ts)
    assert row.reason == "page-now" and row.outcome_id is None


def test_typed_change_at_a_question(bot: SlackBot) -> None:
    bot.command(STAFF, "police")
    root, question = bot.posts(2)
    bot.click(STAFF, question, "Nothing in writing")
    assert "in danger right now" in bot.post().body
    bot.reply(STAFF, root.channel, root.ts, "change")
    offer = bot.post()
    bot.click(STAFF, offer, "Change: What does the officer have?")
    bot.click(STAFF, bot.post(), "A search warrant")
    assert "Do not obstruct the search" in bot.post().text
