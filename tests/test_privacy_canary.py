"""Privacy canary: conversations full of patron details leave none of them in the database
files, the logs, the audit export or the messages sent to Slack."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from slack_sdk import WebClient

from bot.channels.delivery import OutboxWorker
from bot.channels.slack import SlackTransport
from bot.config import parse_config
from bot.content.catalogue import Catalogue
from bot.escalation import EscalationService, ThreadRef
from bot.faces.slack import blocks
from bot.store import ConversationStore, Database
from bot.store.audit import AuditLog
from tests.escalation_support import PagingFake, config_toml, debug_log, write_content
from tests.terminal_support import chat

CARD = "21234567890123"
EMAIL = "jane.doe@example.org"
PHONE = "(847) 555-0199"
NAME = "Jane Doe"
CANARIES = [CARD, "21234 56789 0123", EMAIL, "jane.doe", PHONE, "555-0199", "5550199", "Jane",
            "Doe"]


def test_patron_details_never_reach_storage_logs_or_slack(tmp_path: Path) -> None:
    with debug_log(tmp_path / "frontdesk.log") as log_file, PagingFake() as fake:
        run_conversations(tmp_path, fake)
        sent = [str(c.args) for c in fake.calls]

    files = [p for p in tmp_path.glob("canary.db*")] + [log_file]
    assert any(p.name == "canary.db" for p in files)
    for path in files:
        data = path.read_bytes()
        for canary in CANARIES:
            assert canary.encode() not in data, f"{canary!r} found in {path.name}"
    for message in sent:
        for canary in CANARIES:
            assert canary not in message, f"{canary!r} was sent to Slack"


def run_conversations(tmp_path: Path, fake: PagingFake) -> None:
    catalogue = Catalogue.load(write_content(tmp_path / "content"))
    db = Database(f"sqlite:///{tmp_path / 'canary.db'}")
    service = EscalationService(db, parse_config(tomllib.loads(config_toml())), catalogue)
    # The terminal face: typed answers carry a card number, an email, a phone and a name.
    lines = [
        "1",
        f"police, about the patron named {NAME}, card {CARD}",
        f"a warrant for {EMAIL} and {PHONE}",
        "1",
        f"patron named {NAME} wants her record, card 21234 56789 0123",
        "page",
        "quit",
    ]
    said = chat(catalogue, "pagelib", lines, store=ConversationStore(db),
                user_id="terminal:canary", escalations=service)
    assert any("PAGED" in s for s in said)
    # Slack: an unrouted question and a resolve note, both full of patron details.
    eid = service.trigger(
        library="pagelib", situation=None, conversation=None, outcome=None, reason="unrouted",
        asked_by="UASKER", face="slack", thread=ThreadRef("CDESK", "1.000100", None),
        question=f"Officer asks about Ms. {NAME.split()[1]} ({EMAIL}, {PHONE}, card {CARD})")
    service.acknowledge(eid, "UPIC1")
    service.resolve(eid, "UPIC1", f"Told Mr. Smith that the patron named {NAME} ({PHONE}) "
                                  f"was fine; card {CARD}")
    service.record("case.answer", library="pagelib", actor="UASKER",
                   data={"said": f"named {NAME}, {EMAIL}"})
    worker = OutboxWorker(db, SlackTransport(WebClient(token="xoxb-c", base_url=fake.api_url)))
    worker.run_once()
    assert worker.stats.sent > 5
    export = AuditLog(db).export_csv()
    for canary in CANARIES:
        assert canary not in export, f"{canary!r} in the audit export"
    db.dispose()


def test_typed_answers_are_stored_as_choices_not_words(tmp_path: Path) -> None:
    """Privacy by design: what staff type to answer a question is matched to a choice and then
    forgotten. A word no redactor would ever mask (``quokka``) reaches no table, no audit
    event and no page: the conversation, the Slack thread state, the case trail and the page
    hold the question and the choice, never the words."""
    with PagingFake() as fake:
        catalogue = Catalogue.load(write_content(tmp_path / "content"))
        db = Database(f"sqlite:///{tmp_path / 'typed.db'}")
        service = EscalationService(db, parse_config(tomllib.loads(config_toml())), catalogue)
        lines = ["1", "police, the quokka kind", "warrant quokka", "page", "quit"]
        said = chat(catalogue, "pagelib", lines, store=ConversationStore(db),
                    user_id="terminal:typed", escalations=service)
        assert any("PAGED" in s for s in said)
        worker = OutboxWorker(db, SlackTransport(WebClient(token="xoxb-c", base_url=fake.api_url)))
        worker.run_once()
        sent = [str(c.args) for c in fake.calls]
        answers = [r for r in AuditLog(db).rows() if r.kind == "case.answer"]
        stored = ConversationStore(db).recent("terminal:typed")
        db.dispose()
    assert [json.loads(r.data) for r in answers] == [
        {"question": "who", "choice": "officer", "worded": True},
        {"question": "paper", "choice": "warrant", "worded": True}]
    assert stored and stored[0].conversation.answers == (("who", "officer"), ("paper", "warrant"))
    assert any("A search warrant" in message for message in sent)  # the page shows the label
    assert not any("quokka" in message for message in sent)
    for path in tmp_path.glob("typed.db*"):
        assert b"quokka" not in path.read_bytes(), path.name


def test_staff_are_told_once_where_they_type_that_no_patron_names_are_needed(
    tmp_path: Path,
) -> None:
    catalogue = Catalogue.load(write_content(tmp_path / "content"))
    said = chat(catalogue, "pagelib", ["1", "2", "", "1", "quit"])  # two cases, one session
    assert sum("What is happening at the desk?" in line for line in said) == 2
    told = [line for line in said if "no patron names" in line]
    assert told == ["(I need no patron names or numbers: just what is happening.)"]
    flows = list(catalogue.flows_for("pagelib").values())
    picker = blocks.picker(flows, thread_ts="1.0", rev=0, intro="What is happening?")
    assert blocks.NO_PATRON_NAMES in str(picker.blocks)
