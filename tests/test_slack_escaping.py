"""No special mention, channel link or disguised link in anything the bot shows comes from
what a person typed.

A corpus of Slack control sequences (``<!channel>``, ``<!here>``, ``<!everyone>``,
``<!subteam^S1>``, ``<@U1>``, ``<#C1>``, ``<url|label>``, entities such as ``&lt;``, mixed with
markdown) is typed into every place staff can type: the slash command, a DM, typed answers in a
case thread, a reply the bot does not understand, a resolve note, and the question of a page
raised from the terminal. Everything the bot then posts or edits, through the fake Slack's
record of the calls, may carry only the bot's own control sequences: mentions of the people
and the channel configured, the thread permalink, Slack dates.
"""

from __future__ import annotations

import re
import time
import tomllib
from pathlib import Path

from slack_sdk import WebClient

from bot.channels.delivery import OutboxWorker
from bot.channels.slack import SlackTransport
from bot.config import parse_config
from bot.content.catalogue import Catalogue
from bot.escalation import EscalationService
from bot.mrkdwn import escape, link, mention
from tests.escalation_support import (
    CHANNEL,
    DIRECTOR_USERS,
    PIC_USERS,
    PagingFake,
    config_toml,
    write_content,
)
from tests.slack_support import STAFF, Posted
from tests.wiring_support import from_outbox, open_case, pagelib_bot, wait_post, wait_until_text

CORPUS = (
    "<!channel> the officer is here",
    "<!here|here> now",
    "<!everyone>",
    "<!subteam^S1|@privacy-team> look",
    "<@U1> please <@W2|bob>",
    "<#C1> and <#C2|general>",
    "<https://evil.example/login|Acknowledge page here>",
    "<mailto:x@evil.example|mail me>",
    "&lt;!channel&gt; &amp;lt;!here&amp;gt; &#60;!everyone&#62;",
    "*bold <!channel>* _<@U1>_ `<!here>` ~<#C1>~ > <https://evil.example>",
    "<!date^1700000000^{date}|<!channel>>",
    "a < b > c & d <<!here>>",
)
EVERYTHING = "  ".join(CORPUS)

KNOWN_PEOPLE = {STAFF, *PIC_USERS, *DIRECTOR_USERS}
OWN = (
    re.compile(r"^<@(?P<user>[UW][A-Z0-9]+)>$"),
    re.compile(rf"^<#{CHANNEL}>$"),
    re.compile(r"^<!date\^\d+\^\{time\}\|[0-9: -]+UTC>$"),
    re.compile(r"^<https://fake\.slack\.invalid/archives/[A-Z0-9]+/p\d+\|open the thread>$"),
)


def foreign(specials: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The control sequences that are not the bot's own."""
    bad = []
    for method, sequence in specials:
        match = next((m for p in OWN if (m := p.match(sequence))), None)
        if match is None or (match.groupdict().get("user") not in (None, *KNOWN_PEOPLE)):
            bad.append((method, sequence))
    return bad


def test_the_one_escaping_path() -> None:
    for text in CORPUS:
        shown = escape(text)
        assert "<" not in shown and ">" not in shown
        # Slack decodes the three entities once: the reader sees exactly what was typed.
        assert shown.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text
    assert mention("U0PIC") == "<@U0PIC>"
    assert mention("<!channel>") == "&lt;!channel&gt;"
    assert mention("terminal:<@U1>") == "terminal:&lt;@U1&gt;"
    assert link("https://evil.example/x|y>", "z") == "z"
    assert link("https://fake.slack.invalid/p1", "<!here>|x") == (
        "<https://fake.slack.invalid/p1|&lt;!here&gt;¦x>")


def test_nothing_typed_in_slack_becomes_a_mention_or_a_link(tmp_path: Path) -> None:
    with PagingFake() as fake:
        bot = pagelib_bot(fake, tmp_path)
        try:
            # The slash command's words are echoed at the top of the case thread.
            since = time.time()
            bot.command(STAFF, EVERYTHING)
            wait_post(bot, since, lambda c: "You asked" in str(c.args.get("text")))
            # A DM opening with the corpus, and a reply in its thread.
            since = time.time()
            opened = bot.dm(STAFF, EVERYTHING)
            first = wait_post(bot, since, lambda c: c.args.get("thread_ts") == opened)
            bot.reply(STAFF, first.channel, opened, CORPUS[0])
            # A case answered by typing, each answer carrying the corpus: the page carries the
            # structured answers (question and choice label), never the words typed.
            picker, question = open_case(bot)
            since = time.time()
            typed = f"police {CORPUS[6]} {CORPUS[0]}"
            bot.reply(STAFF, question.channel, question.thread_ts, typed)
            second = wait_post(bot, since, lambda c: c.args.get("thread_ts") == picker.thread_ts
                               and not from_outbox(c))
            since = time.time()
            bot.reply(STAFF, second.channel, second.thread_ts, CORPUS[9])  # not understood
            wait_post(bot, since, lambda c: "didn't catch" in str(c.args.get("text")))
            since = time.time()
            bot.reply(STAFF, second.channel, second.thread_ts, f"warrant {EVERYTHING}")
            outcome = wait_post(bot, since, lambda c: c.args.get("thread_ts") == picker.thread_ts
                                and not from_outbox(c) and "warrant" in str(c.args.get("text")))
            page = wait_post(bot, since, lambda c: c.args.get("channel") == fake.dm_channel(
                PIC_USERS[0]) and "Page" in str(c.args.get("text")))
            assert "A search warrant" in page.body and "typed:" not in page.body
            # The privacy in-charge resolves with the corpus as the note.
            bot.click(PIC_USERS[0], page, "Resolve")
            [opened_modal] = fake.wait_for("views.open", lambda c: c.args.get("view", {}).get(
                "callback_id") == "escalation_resolve_modal")
            view = opened_modal.args["view"]
            bot.deliver("interactive", {
                "type": "view_submission", "user": {"id": PIC_USERS[0]}, "team": {"id": "T0001"},
                "api_app_id": "AFAKE", "trigger_id": "trig-resolve",
                "view": {**view, "id": "V1", "state": {"values": {"resolve_note": {"note": {
                    "type": "plain_text_input", "value": EVERYTHING}}}}},
            })
            wait_until_text(fake, outcome, "Resolved by")
            fake.wait_for("chat.update", lambda c: "Note:" in str(c.args.get("blocks"))
                          and c.args.get("channel") == page.channel)
            bot.settle()
        finally:
            bot.stop()
        specials = fake.specials()
        assert specials, "the bot's own mentions should be there"
        assert foreign(specials) == []
        for response in bot.responses:  # slash-command acknowledgements are shown too
            assert "<!" not in response.text and "evil.example" not in response.text


def test_a_page_raised_from_the_terminal_shows_its_question_literally(tmp_path: Path) -> None:
    catalogue = Catalogue.load(write_content(tmp_path / "content"))
    from bot.store import Database

    database = Database(f"sqlite:///{tmp_path / 'terminal.db'}")
    service = EscalationService(database, parse_config(tomllib.loads(config_toml())), catalogue)
    with PagingFake() as fake:
        worker = OutboxWorker(database, SlackTransport(WebClient(token="xoxb-t",
                                                                 base_url=fake.api_url)))
        escalation_id = service.trigger(
            library="pagelib", situation=None, conversation=None, outcome=None,
            reason="unrouted", asked_by="terminal:<!channel>", face="terminal",
            question=EVERYTHING)
        worker.run_once()
        service.acknowledge(escalation_id, PIC_USERS[0])
        service.resolve(escalation_id, PIC_USERS[1], EVERYTHING)
        worker.run_once()
        pages = [Posted.of(c) for c in fake.calls_to("chat.postMessage")]
        assert len(pages) == 4  # two privacy in-charge DMs, the channel, the director's notice
        assert all("What staff asked" in p.body for p in pages)
        assert fake.calls_to("chat.update")
        specials = fake.specials()
        assert foreign(specials) == []
        assert ("chat.postMessage", f"<#{CHANNEL}>") not in specials  # pages name nobody else
