"""Every situation at every library, played through the engine with patron identifiers typed
at every point where staff type free text, leaves none of them in any sink.

Where staff type (the terminal face, one session per library, the bundled content): the opening
message of a case (routed in memory), words at a question before its answer (an "other" answer
the engine cannot place), a correction after the outcome ("actually …"), a note after the
outcome, the question of a page raised by hand, and the note a privacy in-charge resolves a page
with. Every outcome that pages is paged, and every page is delivered on every channel: Slack,
SMS and voice (a fake Twilio at the network edge) and email (a real local SMTP server).

The sinks: every row of every table (SQLite, and the real PostgreSQL server when
``FRONTDESK_TEST_POSTGRES_URL`` is set), the SQLite file's bytes (with its WAL), what the
commands that read the store print (``audit export``, ``digest`` as text, JSON and HTML,
``pages``, ``holds``), the log (root at DEBUG), every call to Slack, every text and call to
Twilio (its spoken TwiML) and every email sent.

Two kinds of canary: identifiers a redactor masks (names of several origins, a card, an
email, a phone, a street address) must be in no sink at all; and a word no redactor masks
(``quokka``), typed only where the design keeps no text (an opening, an answer, a
correction), must be in no sink either: those are stored as the choices they select, never
as words (the brief's third non-negotiable: redaction is the second line, not the design)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from slack_sdk import WebClient

from bot.channels import Channels
from bot.channels.delivery import OutboxWorker
from bot.channels.slack import SlackTransport
from bot.cli import main
from bot.config import ChannelSecrets, parse_config
from bot.content.catalogue import Catalogue
from bot.escalation import EscalationService
from bot.faces.terminal.chat import AFTER_OUTCOME, TerminalChat
from bot.store import ConversationStore, Database
from bot.store.audit import AuditLog
from tests.channel_support import PEOPLE
from tests.escalation_support import (
    PagingFake,
    debug_log,
    fresh_postgres_database,
    postgres_admin_url,
)
from tests.faketwilio import FakeTwilio
from tests.mailserver import MailServer
from tests.test_privacy_blind_canary import RUN_IDS, every_table, found, printable_runs

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
LIBRARIES = sorted(p.name for p in (ROOT / "knowledge").iterdir() if (p / "pack.yaml").is_file())

# What staff type, each holding identifiers of its own (so a leak says which point leaked).
OPENING = ("officer at the desk asking about Quillon Vantreese, card 21299008871234, "
           "the quokka kind")
AT_A_QUESTION = ("it's for Oyelaran Adebisi at 4417 N Larkspur Ave, oyelaran.a@example.org, "
                 "quokka")
CORRECTION = "actually Wojciech Brzęczyszczykiewicz says it is his card, quokka"
NOTE_AFTER = "note: Aigerim Zhumabek called from (773) 555-0148"
PAGE_QUESTION = "can someone call Thandiwe Mahlangu back at 773-555-0162 about her holds"
RESOLVE_NOTE = "told Xiomara Quispe-Huamán no; her card 21299008875678 is blocked"

IDENTIFIERS = ["Quillon", "Vantreese", "21299008871234", "Oyelaran", "Adebisi", "4417",
               "Larkspur", "oyelaran.a@example.org", "Wojciech", "Brzęczyszczykiewicz",
               "Aigerim", "Zhumabek", "555-0148", "5550148", "Thandiwe", "Mahlangu",
               "555-0162", "Xiomara", "Quispe-Huamán", "21299008875678"]
DESIGN_CANARY = "quokka"  # no redactor masks it: found anywhere, text was kept, not a choice


class Clerk:
    """A ``read`` for the terminal chat that plays every situation of the menu in turn, reading
    what the chat last said to know where it is: at the menu it types the opening (routed as it
    is: a case it starts is played through), then the situation's id (so each is played whatever
    the router made of the opening); at a question the free words first, then the first choice;
    at an outcome a correction, a note, then Enter. It ends with a page raised by hand, and
    quits."""

    def __init__(self, flows: list[str]) -> None:
        self.flows = flows
        self.said: list[str] = []
        self.heard = 0  # how much of ``said`` was read already
        self.plan = self._plan()

    def say(self, text: str) -> None:
        self.said.append(text)

    def read(self, _prompt: str) -> str:
        new = "\n".join(self.said[self.heard:])
        self.heard = len(self.said)
        return self.plan.send(new)

    def _plan(self) -> Any:
        def at_menu(new: str) -> bool:
            return any(words in new for words in (
                "What is happening at the desk?", "Did you mean", "pick a number",
                "Another situation?"))

        def play(new: str) -> Any:
            """A case from its first question to Enter after its outcome."""
            steps = 0
            while AFTER_OUTCOME not in new and steps < 40:
                steps += 1
                if "Which answer do you want to change?" in new:
                    new = yield "1"
                elif "'today' to count from today" in new:  # the day a hold counts from
                    new = yield "today"
                elif steps % 2:
                    new = yield AT_A_QUESTION
                else:
                    new = yield "1"
            assert AFTER_OUTCOME in new, new[-2000:]
            new = yield CORRECTION
            for _ in range(40):  # answer what the correction asks, until an outcome again
                if AFTER_OUTCOME in new:
                    break
                new = yield "1"
            new = yield NOTE_AFTER
            while AFTER_OUTCOME not in new and not at_menu(new):
                new = yield "1"
            return (yield "")  # Enter: the case is done

        def lines() -> Any:
            new = yield  # (primed below)
            for flow_id in self.flows:
                new = yield OPENING  # routed: a case starts, or a list is offered
                if not at_menu(new):  # the opening started a case: play it too
                    new = yield from play(new)
                new = yield flow_id  # then the situation by its id, as the menu takes it
                new = yield from play(new)
            new = yield "page"
            new = yield PAGE_QUESTION
            while True:
                yield "quit"

        plan = lines()
        next(plan)
        return plan


def _config_text(library: str, smtp_url: str, twilio_url: str) -> str:
    roles = sorted(CATALOGUE.pack(library).roles)
    people = "\n".join(
        f'[people.{user}]\nname = "{name}"\nemail = "{email}"\nsms = "{number}"\n'
        f'voice = "{number}"\n' for user, (name, email, number) in PEOPLE.items())
    role_lines = "\n".join(f'{role} = ["UPIC1", "UDIR1"]' for role in roles)
    return (f'library = "{library}"\nretention_days = 365\n\n[roles]\n{role_lines}\n\n'
            '[escalation]\nchannel = "C0789PRIV"\n'
            "ack_timeout_seconds = { immediate = 180, prompt = 900 }\nrepeat = 2\n\n"
            f"{people}\n"
            f'[email]\nsmtp_url = "{smtp_url}"\nfrom = "frontdesk@example.org"\n\n'
            f'[twilio]\napi_url = "{twilio_url}"\naccount_sid = "AC0000000000"\n'
            'from = "+15555550199"\n')


def play_everything(database_url: str, directory: Path, slack: PagingFake, twilio: FakeTwilio,
                    mail: MailServer) -> list[tuple[str, str]]:
    """Every situation at every library typed through, paged and delivered; the sinks it
    leaves (their name, their text), the store's tables and the commands' output included."""
    db = Database(database_url)
    sinks: list[tuple[str, str]] = []
    runner = CliRunner()
    try:
        for library in LIBRARIES:
            text = _config_text(library, mail.url, twilio.api_url)
            config_file = directory / f"{library}.toml"
            config_file.write_text(text, "utf-8")
            config = parse_config(tomllib.loads(text))
            service = EscalationService(db, config, CATALOGUE)
            flows = sorted(CATALOGUE.flows_for(library))
            clerk = Clerk(flows)
            TerminalChat(CATALOGUE, library, ConversationStore(db), read=clerk.read,
                         say=clerk.say, user_id=f"terminal:{library}",
                         escalations=service).run()
            assert clerk.said[-1] == "Bye.", clerk.said[-20:]
            played = {stored.conversation.flow for stored in ConversationStore(db).recent(
                f"terminal:{library}", limit=1000)}
            assert played >= set(flows), set(flows) - played  # every situation, by its id
            channels = Channels.from_config(
                config, ChannelSecrets(twilio_auth_token="twilio-test", link_secret="s"),
                timeout=5)
            worker = OutboxWorker(db, SlackTransport(WebClient(token="xoxb-sweep",
                                                               base_url=slack.api_url)),
                                  channels=channels, base_backoff=0.01)
            for _ in range(5):
                worker.run_once()
            for page in service.open_escalations():
                service.acknowledge(page.id, "UPIC1")
                service.resolve(page.id, "UPIC1", RESOLVE_NOTE)
            for _ in range(3):
                worker.run_once()
            for command in (["pages", "--no-tick", "--config", str(config_file)],
                            ["holds", "--config", str(config_file)]):
                result = runner.invoke(main, [*command, "--database-url", database_url,
                                              "--content", str(ROOT)])
                assert result.exit_code == 0, result.output
                sinks.append((f"frontdesk {command[0]} ({library})", result.output))
        for form in ("text", "json", "html"):
            result = runner.invoke(main, ["digest", "--since", "30d", "--format", form,
                                          "--database-url", database_url,
                                          "--content", str(ROOT)])
            assert result.exit_code == 0, result.output
            sinks.append((f"frontdesk digest --format {form}", result.output))
        result = runner.invoke(main, ["audit", "export", "--since", "2000-01-01",
                                      "--database-url", database_url])
        assert result.exit_code == 0, result.output
        sinks.append(("frontdesk audit export", result.output))
        sinks.append(("audit export", AuditLog(db).export_csv()))
        sinks += [(f"table {name}", rows) for name, rows in every_table(db).items()]
    finally:
        db.dispose()
    return sinks


def _channel_sinks(slack: PagingFake, twilio: FakeTwilio, mail: MailServer
                   ) -> list[tuple[str, str]]:
    sinks = [(f"Slack {c.method}", json.dumps(c.args, ensure_ascii=False)) for c in slack.calls]
    sinks += [("Twilio text", json.dumps(t, ensure_ascii=False)) for t in twilio.texts()]
    sinks += [("Twilio call", json.dumps(c, ensure_ascii=False)) for c in twilio.calls()]
    sinks += [("email", m.as_string()) for m in mail.messages]
    return sinks


def leaks(sinks: list[tuple[str, str]], words: list[str]) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for sink, text in sinks:
        for word in words:
            if found(word, text):
                out[(word, sink)] = out.get((word, sink), 0) + 1
    return out


def _run(tmp_path: Path, database_url: str | None) -> tuple[list[tuple[str, str]], int]:
    with (debug_log(tmp_path / "frontdesk.log") as log_file, PagingFake() as slack,
          FakeTwilio(auth_token="twilio-test") as twilio, MailServer() as mail):
        url = database_url or f"sqlite:///{tmp_path / 'sweep.db'}"
        sinks = play_everything(url, tmp_path, slack, twilio, mail)
        sinks += _channel_sinks(slack, twilio, mail)
        pages = len(twilio.texts()) + len(twilio.calls()) + len(mail.messages)
    sinks.append(("the log", log_file.read_text("utf-8")))
    if database_url is None:
        sinks += [(path.name, printable_runs(path.read_bytes()))
                  for path in sorted(tmp_path.glob("sweep.db*"))]
    return sinks, pages


def _assert_clean(sinks: list[tuple[str, str]], pages: int) -> None:
    assert pages > 10  # pages went out on every channel: the bodies below were rendered
    assert any(name.startswith("table") and "conversation" in name for name, _ in sinks)
    assert leaks(sinks, IDENTIFIERS) == {}
    assert leaks(sinks, [DESIGN_CANARY]) == {}


def test_every_situation_at_every_library_leaves_no_identifier_anywhere(tmp_path: Path
                                                                          ) -> None:
    _assert_clean(*_run(tmp_path, None))


@pytest.mark.skipif(not postgres_admin_url(), reason="FRONTDESK_TEST_POSTGRES_URL not set")
def test_the_same_on_postgresql(tmp_path: Path) -> None:
    url, drop = fresh_postgres_database()
    try:
        _assert_clean(*_run(tmp_path, url))
    finally:
        drop()


def test_the_clerk_reaches_every_outcome_it_plays() -> None:
    """(The sweep's driver itself: its plan types the free text before the answer.)"""
    clerk = Clerk(["a", "b"])
    assert clerk.read("> ") == OPENING
    assert clerk.read("> ") == AT_A_QUESTION
    assert clerk.read("> ") == "1"


# --- the Slack face (review 9 m2) ----------------------------------------------------------
# The same identifiers typed where staff type in Slack, at every library with the bundled
# content: the slash command's text and a DM (openings, routed in memory), every situation
# picked from the menu and played with free words typed in its thread before each answer
# (clicked: the first button), a correction and a note in the thread after the outcome, a page
# raised and resolved with a note. The app runs whole against the fake Slack by its base URL
# (its inbox stores each request before it is acknowledged), nothing of ours patched; the sinks
# as above, the Slack inbox's rows among every table's.

SLACK_STEPS = 30  # clicks at most in one case (the longest flow asks far fewer)


def _latest_with_buttons(bot: Any, channel: str, thread_ts: str) -> Any:
    """The bot's newest message in the thread that still has buttons, or None."""
    from tests.slack_support import buttons

    for message in reversed(bot.fake.thread(channel, thread_ts)):
        if message.user != STAFF_USER and buttons(message.blocks):
            return message
    return None


STAFF_USER = "USTAFF"


def play_slack(library: str, directory: Path, fake: Any) -> list[tuple[str, str]]:
    """Every situation of ``library`` played through the Slack face (see above); its sinks."""
    from tests.escalation_support import CHANNEL, PIC_USERS
    from tests.slack_support import Posted, SlackBot, buttons

    directory.mkdir()
    roles = sorted(CATALOGUE.pack(library).roles)
    settings = {
        "library": library,
        "database_url": f"sqlite:///{directory / 'frontdesk.db'}",
        "roles": {role: list(PIC_USERS) for role in roles},
        "escalation": {"channel": CHANNEL,
                       "ack_timeout_seconds": {"immediate": 180, "prompt": 900}, "repeat": 2},
    }
    bot = SlackBot.start(fake, CATALOGUE, directory, config=settings)
    assert bot.runtime.start_worker()
    try:
        bot.command(STAFF_USER, OPENING)
        bot.dm(STAFF_USER, OPENING)
        bot.settle()
        for index in range(len(sorted(CATALOGUE.flows_for(library)))):
            since = len(fake.calls_to("chat.postMessage"))
            bot.command(STAFF_USER)
            bot.settle()
            picker = next(Posted.of(c) for c in fake.calls_to("chat.postMessage")[since:]
                          if buttons(c.args.get("blocks") or []))
            choices = [b for b in buttons(picker.blocks) if b.get("value") != "other"]
            if index >= len(choices):
                break
            label = choices[index]["text"]["text"]
            bot.click(STAFF_USER, picker, label)
            bot.settle()
            channel, thread = picker.channel, picker.thread_ts or picker.ts
            for _ in range(SLACK_STEPS):
                bot.reply(STAFF_USER, channel, thread, AT_A_QUESTION)
                bot.settle()
                message = _latest_with_buttons(bot, channel, thread)
                if message is None:
                    break
                first = buttons(message.blocks)[0]["text"]["text"]
                bot.click(STAFF_USER, Posted(channel, message.ts, thread, message.text,
                                             message.blocks), first)
                bot.settle()
            bot.reply(STAFF_USER, channel, thread, CORRECTION)
            bot.reply(STAFF_USER, channel, thread, NOTE_AFTER)
            bot.settle()
        service = bot.runtime.services.escalations
        escalation = service.trigger(
            library=library, situation=None, conversation=None, outcome=None,
            reason="unrouted", asked_by=STAFF_USER, face="slack", thread=None,
            question=PAGE_QUESTION)
        for page in service.open_escalations():
            service.acknowledge(page.id, PIC_USERS[0])
            service.resolve(page.id, PIC_USERS[0], RESOLVE_NOTE)
        assert escalation
        bot.settle()
    finally:
        bot.stop()
    db = Database(settings["database_url"])
    try:
        sinks = [(f"table {name} ({library})", rows) for name, rows in every_table(db).items()]
        sinks.append((f"audit export ({library})", AuditLog(db).export_csv()))
    finally:
        db.dispose()
    sinks += [(f"{path.name} ({library})", printable_runs(path.read_bytes()))
              for path in sorted(directory.glob("frontdesk.db*"))]
    return sinks


def test_the_slack_face_at_every_library_leaves_no_identifier_anywhere(tmp_path: Path) -> None:
    with debug_log(tmp_path / "frontdesk.log") as log_file, PagingFake() as fake:
        sinks: list[tuple[str, str]] = []
        for library in LIBRARIES:
            sinks += play_slack(library, tmp_path / library, fake)
        sinks += [(f"Slack {c.method}", json.dumps(c.args, ensure_ascii=False))
                  for c in fake.calls]
        clicks = len([c for c in fake.calls if c.method == "chat.update"])
        staff_dm = fake.dm_channel(STAFF_USER)
        # (the face echoes the opening, redacted, to the asker who typed it, in their own DM:
        # Slack's copy of their own words, not one we keep; anywhere else it is kept text)
        to_others = [(f"Slack {c.method} to {c.args.get('channel')}",
                      json.dumps(c.args, ensure_ascii=False)) for c in fake.calls
                     if c.args.get("channel") != staff_dm]
    sinks.append(("the log", log_file.read_text("utf-8")))
    # (ids that differ from run to run: a UUID's group can spell "4417")
    sinks = [(name, RUN_IDS.sub("<id>", text)) for name, text in sinks]
    inbox = [text for name, text in sinks if name.startswith("table slack_inbox")]
    assert inbox and all(text for text in inbox)  # the face's inbox rows were read
    assert clicks > 5 * len(LIBRARIES)  # cases were played through, not only opened
    assert leaks(sinks, IDENTIFIERS) == {}
    kept = [(name, text) for name, text in sinks if not name.startswith("Slack ")]
    assert leaks(kept + to_others, [DESIGN_CANARY]) == {}
