"""The blind privacy canaries (tests/privacy/canary_blind.yaml, canary_blind2.yaml): every
identifier in them, typed into every place staff can type, is found in no sink.

Where staff type: the slash command and a DM (the opening message, routed in memory), a typed
reply in the case thread (matched to a choice), the terminal's opening line and its unrouted
page question, a question paged to the privacy in-charge, a resolve note, and free text handed
to the case trail. The sinks: the database file's bytes (with its WAL), every row of every
table, ``audit export``, the log (root at DEBUG) and every call the bot made to Slack.

The clean notes (no identifiers) measure what redaction costs: how many it changes.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import MetaData, select

from bot.privacy.redact import redact
from bot.store import ConversationStore, Database
from bot.store.audit import AuditLog
from tests.escalation_support import PIC_USERS, PagingFake
from tests.slack_support import STAFF
from tests.terminal_support import chat
from tests.wiring_support import pagelib_bot


@dataclass(frozen=True)
class CanarySet:
    name: str
    items: list[dict[str, Any]]
    clean_changed_at_most: int  # clean notes changed today: a ratchet, never to grow

    @property
    def identified(self) -> list[dict[str, Any]]:
        return [item for item in self.items if item["identifiers"]]

    @property
    def clean(self) -> list[dict[str, Any]]:
        return [item for item in self.items if not item["identifiers"]]

    @property
    def identifiers(self) -> list[str]:
        return sorted({i for item in self.identified for i in item["identifiers"]})


def load(name: str, clean_changed_at_most: int) -> CanarySet:
    path = Path(__file__).parent / "privacy" / name
    return CanarySet(name, yaml.safe_load(path.read_text("utf-8")), clean_changed_at_most)


# Clean notes the redactor changes (names of authors, characters and places it cannot tell
# from a patron's).
SETS = [load("canary_blind.yaml", 7), load("canary_blind2.yaml", 12)]
BY_NAME = pytest.mark.parametrize("canary", SETS, ids=[s.name for s in SETS])


def found(identifier: str, text: str) -> bool:
    """``identifier`` as a whole word (so "An" is not found in "Answer"), as written or as JSON
    writes it (``Mar\u00eda``)."""
    for form in {identifier, json.dumps(identifier)[1:-1]}:
        start = text.find(form)
        while start >= 0:  # str.find first: a regex per identifier over megabytes is slow
            end = start + len(form)
            if not (start and _letter(text[start - 1]) or end < len(text) and _letter(text[end])):
                return True
            start = text.find(form, start + 1)
    return False


def _letter(character: str) -> bool:
    return character.isalnum()


def leaks(canary: CanarySet, sink: str, text: str) -> list[str]:
    return [f"{identifier!r} in {sink}" for identifier in canary.identifiers
            if found(identifier, text)]


@BY_NAME
def test_the_canary_has_at_least_200_identifiers(canary: CanarySet) -> None:
    assert sum(len(item["identifiers"]) for item in canary.identified) >= 200
    assert len(canary.clean) >= 20


@BY_NAME
def test_redaction_alone_leaves_no_canary_identifier(canary: CanarySet) -> None:
    missed = [(item["text"], i) for item in canary.identified for i in item["identifiers"]
              if found(i, redact(item["text"]))]
    assert missed == []


@BY_NAME
def test_clean_notes_are_rarely_changed(canary: CanarySet) -> None:
    changed = [item["text"] for item in canary.clean if redact(item["text"]) != item["text"]]
    assert len(changed) <= canary.clean_changed_at_most, changed


@pytest.fixture
def debug_log(tmp_path: Path):  # type: ignore[no-untyped-def]
    log_file = tmp_path / "frontdesk.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield log_file
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()


@BY_NAME
def test_no_canary_identifier_reaches_any_sink(canary: CanarySet, tmp_path: Path,
                                               debug_log: Path) -> None:
    with PagingFake() as fake:
        bot = pagelib_bot(fake, tmp_path)
        try:
            type_everywhere(canary, bot)
            bot.settle(quiet=0.5, timeout=60)
        finally:
            bot.stop()
        slack_calls = [(c.method, json.dumps(c.args, ensure_ascii=False)) for c in fake.calls]

    problems: list[str] = []
    database_files = sorted(tmp_path.glob("frontdesk.db*"))
    assert database_files
    for path in database_files:
        problems += leaks(canary, path.name, path.read_bytes().decode("utf-8", "replace"))
    db = Database(f"sqlite:///{tmp_path / 'frontdesk.db'}")
    try:
        for table, rows in every_table(db).items():
            problems += leaks(canary, f"table {table}", rows)
        problems += leaks(canary, "audit export", AuditLog(db).export_csv())
    finally:
        db.dispose()
    problems += leaks(canary, "the log", debug_log.read_text("utf-8"))
    for method, args in slack_calls:
        problems += leaks(canary, f"Slack {method}", args)
    assert problems == []


def type_everywhere(canary: CanarySet, bot: Any) -> None:
    """Every canary note, in every place staff type."""
    services = bot.runtime.services
    service = services.escalations
    for n, item in enumerate(canary.identified):
        text = item["text"]
        bot.command(STAFF, text)  # opens a case in a DM thread, echoing the note redacted
        opened = bot.dm(STAFF, text)  # an opening message in a DM
        bot.reply(STAFF, bot.fake.dm_channel(STAFF), opened, text)  # a typed reply in its thread
        asker = f"UCANARY{n}"
        escalation_id = service.trigger(
            library="pagelib", situation=None, conversation=None, outcome=None,
            reason="unrouted", asked_by=asker, face="slack", thread=None, question=text)
        service.acknowledge(escalation_id, PIC_USERS[0])
        service.resolve(escalation_id, PIC_USERS[0], text)
        service.record("case.answer", library="pagelib", actor=asker, data={"said": text})
    store = ConversationStore(services.database)
    for item in canary.identified[:5]:  # the terminal's unrouted page (the same trigger as above)
        chat(services.catalogue, "pagelib", ["page", item["text"], "quit"], store=store,
             user_id="terminal:canary", escalations=service)
    for item in canary.identified:  # the terminal's opening line, routed in memory
        chat(services.catalogue, "pagelib", [item["text"], "quit"], store=store,
             user_id="terminal:canary", escalations=service)


def every_table(db: Database) -> dict[str, str]:
    """Each table's rows, as one text per table."""
    metadata = MetaData()
    metadata.reflect(db.engine)
    out: dict[str, str] = {}
    with db.engine.connect() as conn:
        for name, table in metadata.tables.items():
            rows = conn.execute(select(table)).all()
            out[name] = "\n".join(repr(tuple(row)) + " " + " ".join(
                str(v) for v in row) for row in rows)
    return out
