"""The blind privacy canary (tests/privacy/canary_blind.yaml): every identifier in it, typed
into every place staff can type, is found in no sink.

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

CANARY = yaml.safe_load((Path(__file__).parent / "privacy" / "canary_blind.yaml").read_text())
IDENTIFIED = [item for item in CANARY if item["identifiers"]]
CLEAN = [item for item in CANARY if not item["identifiers"]]
IDENTIFIERS = sorted({i for item in IDENTIFIED for i in item["identifiers"]})
# Clean notes the redactor changes today (names of authors, characters and places it cannot
# tell from a patron's): a ratchet, never to grow.
CLEAN_CHANGED_AT_MOST = 7


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


def leaks(sink: str, text: str) -> list[str]:
    return [f"{identifier!r} in {sink}" for identifier in IDENTIFIERS if found(identifier, text)]


def test_the_canary_has_at_least_200_identifiers() -> None:
    assert sum(len(item["identifiers"]) for item in IDENTIFIED) >= 200
    assert len(CLEAN) >= 20


def test_redaction_alone_leaves_no_canary_identifier() -> None:
    missed = [(item["text"], i) for item in IDENTIFIED for i in item["identifiers"]
              if found(i, redact(item["text"]))]
    assert missed == []


def test_clean_notes_are_rarely_changed() -> None:
    changed = [item["text"] for item in CLEAN if redact(item["text"]) != item["text"]]
    assert len(changed) <= CLEAN_CHANGED_AT_MOST, changed


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


def test_no_canary_identifier_reaches_any_sink(tmp_path: Path, debug_log: Path) -> None:
    with PagingFake() as fake:
        bot = pagelib_bot(fake, tmp_path)
        try:
            type_everywhere(bot, tmp_path)
            bot.settle(quiet=0.5, timeout=60)
        finally:
            bot.stop()
        slack_calls = [(c.method, json.dumps(c.args, ensure_ascii=False)) for c in fake.calls]

    problems: list[str] = []
    database_files = sorted(tmp_path.glob("frontdesk.db*"))
    assert database_files
    for path in database_files:
        problems += leaks(path.name, path.read_bytes().decode("utf-8", "replace"))
    db = Database(f"sqlite:///{tmp_path / 'frontdesk.db'}")
    try:
        for table, rows in every_table(db).items():
            problems += leaks(f"table {table}", rows)
        problems += leaks("audit export", AuditLog(db).export_csv())
    finally:
        db.dispose()
    problems += leaks("the log", debug_log.read_text("utf-8"))
    for method, args in slack_calls:
        problems += leaks(f"Slack {method}", args)
    assert problems == []


def type_everywhere(bot: Any, tmp_path: Path) -> None:
    """Every canary note, in every place staff type."""
    services = bot.runtime.services
    service = services.escalations
    for n, item in enumerate(IDENTIFIED):
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
    for item in IDENTIFIED[:5]:  # the terminal's unrouted page (the same trigger as above)
        chat(services.catalogue, "pagelib", ["page", item["text"], "quit"], store=store,
             user_id="terminal:canary", escalations=service)
    for item in IDENTIFIED:  # the terminal's opening line, routed in memory
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
