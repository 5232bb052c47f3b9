"""The blind privacy canaries (tests/privacy/canary_blind.yaml, canary_blind2.yaml,
canary_blind3.yaml; each written blind, by a session that had seen neither the redactor nor the
sets before it, and read only afterwards): every identifier in them, typed into every place
staff can type, is found in no sink.

Where staff type: the slash command and a DM (the opening message, routed in memory), a typed
reply in the case thread (matched to a choice), the terminal's opening line and its unrouted
page question, a question paged to the privacy in-charge, a resolve note, and free text handed
to the case trail. The sinks: the database file's bytes (with its WAL), every row of every
table, ``audit export``, the log (root at DEBUG) and every call the bot made to Slack.

The clean notes (no identifiers) measure what redaction costs: how many it changes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import MetaData, select

from bot.privacy.redact import redact
from bot.store import ConversationStore, Database
from bot.store.audit import AuditLog
from tests.escalation_support import PIC_USERS, PagingFake, debug_log
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
SETS = [load("canary_blind.yaml", 1), load("canary_blind2.yaml", 2),
        load("canary_blind3.yaml", 2)]
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


def contexts(identifier: str, text: str) -> set[str]:
    """Where ``identifier`` is in ``text`` as a whole word (see ``found``): each time, the two
    words either side of it, numbers and hex ids blanked (ids and times differ from run to run;
    JSON glues an escalation id to the next word). Digits that are the fraction of a time
    ("23:08:12.887234", a row's timestamp) are the clock's, not an identifier typed."""
    out = set()
    for form in {identifier, json.dumps(identifier)[1:-1]}:
        start = text.find(form)
        while start >= 0:
            end = start + len(form)
            clock = form.isdigit() and re.search(r"\d[:.]$", text[max(0, start - 2): start])
            if not (clock or start and _letter(text[start - 1])
                    or end < len(text) and _letter(text[end])):
                before = text[max(0, start - 60): start].split()[-2:]
                after = text[end: end + 60].split()[:2]
                out.add(re.sub(r"[0-9a-f]*\d[0-9a-f]*", "#", " ".join([*before, form, *after])))
            start = text.find(form, start + 1)
    return out


def sinks_after_typing(items: list[dict[str, Any]], identifiers: list[str],
                       directory: Path) -> dict[tuple[str, str], set[str]]:
    """Type ``items`` everywhere in a fresh bot under ``directory``; where each of
    ``identifiers`` then is in each sink: (identifier, sink) -> its contexts there."""
    directory.mkdir()
    with debug_log(directory / "frontdesk.log") as log_file, PagingFake() as fake:
        bot = pagelib_bot(fake, directory)
        try:
            type_everywhere(items, bot)
            bot.settle(timeout=60)
        finally:
            bot.stop()
        sinks: list[tuple[str, str]] = [
            (f"Slack {c.method}", json.dumps(c.args, ensure_ascii=False)) for c in fake.calls]
    database_files = sorted(directory.glob("frontdesk.db*"))
    assert database_files
    sinks += [(path.name, printable_runs(path.read_bytes())) for path in database_files]
    db = Database(f"sqlite:///{directory / 'frontdesk.db'}")
    try:
        sinks += [(f"table {table}", rows) for table, rows in every_table(db).items()]
        sinks.append(("audit export", AuditLog(db).export_csv()))
    finally:
        db.dispose()
    sinks.append(("the log", log_file.read_text("utf-8")))
    found: dict[tuple[str, str], set[str]] = {}
    files = {path.name for path in database_files}
    for sink, text in sinks:
        text = RUN_IDS.sub("<id>", text)
        for identifier in identifiers:
            if sink in files and len(identifier) < SHORTEST_IN_FILE_BYTES:
                continue  # stray page bytes spell "KS" or "day"; every row is read above
            if seen := contexts(identifier, text):
                found.setdefault((identifier, sink), set()).update(seen)
    return found


@BY_NAME
def test_no_canary_identifier_reaches_any_sink(canary: CanarySet, tmp_path: Path) -> None:
    """An identifier that is also a word of the bot's own messages ("Page", in "📟 Page the
    Privacy Officer now") is found in the sinks whatever staff type. Such a word is told apart
    by a control run: the same notes, typed already redacted, so no patron's word can get in;
    the canary run may hold such a word only with words around it that the control run has
    somewhere too ("📟 Page the Privacy", never "Summer Page reported"): in any of its sinks,
    since a post its worker had not made when it stopped is still in its outbox rows)."""
    leaks = sinks_after_typing(canary.identified, canary.identifiers, tmp_path / "typed")
    if leaks:
        words = sorted({identifier for identifier, _ in leaks})
        control = sinks_after_typing(  # the same cases, pages and answers: the bot's own words
            [{"text": redact(item["text"]), "identifiers": item["identifiers"]}
             for item in canary.identified], words, tmp_path / "control")
        # the bot's own words around the identifier anywhere in the control run: a post the
        # control run's worker had not yet made when it stopped is still in its outbox rows
        # (and the same words are quoted as JSON there: compare the word either side only)
        controlled: dict[str, set[str]] = {}
        for (identifier, _), seen in control.items():
            controlled.setdefault(identifier, set()).update(core(c, identifier) for c in seen)
        leaks = {key: new for key, seen in leaks.items()
                 if (new := {c for c in seen
                             if core(c, key[0]) not in controlled.get(key[0], set())})}
    assert leaks == {}


# Ids that differ from run to run, so the control run cannot have the same ones: a UUID
# (Socket Mode envelope, client_msg_id; one of its groups can be four digits, "…-4471-…"),
# a Slack message ts ("1765069871.004471") and a stored time's microseconds, written as text
# ("11:30:01.771203") or in a row's repr ("datetime.datetime(2026, 12, 7, 11, 30, 1, 771203")
# — where the canary's student number "771203" once turned up by chance. A UUID has no word
# boundary after it where the database file glues the next column to it
# ("msg:…-…-4471-…-3f0a2c9e1b7d2026-12-07 02:…").
RUN_IDS = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
                     r"|\b\d{10}\.\d{6}\b"
                     r"|(?<=\d\d:\d\d:\d\d)\.\d{1,6}\b"
                     r"|\bdatetime\.datetime\([\d, ]*", re.IGNORECASE)
# The database file's text as ``strings`` shows it: runs of four or more printable characters.
# Stray bytes of a page ("KS" between two binary bytes) are not text anyone typed; a typed
# note left in a freed page or the WAL is a run of its own.
_PRINTABLE_RUN = re.compile(r"[^\x00-\x1f\x7f\ufffd]{4,}")


# In the database files' raw bytes (freed pages, the WAL: text no row holds any more) an
# identifier this short is as often a few stray bytes of a page as a typed word, and those
# differ from run to run. Short identifiers are still looked for in every table's rows, the
# audit export, the log and every Slack call.
SHORTEST_IN_FILE_BYTES = 4


def printable_runs(data: bytes) -> str:
    """``data``'s runs of printable text, one a line."""
    return "\n".join(_PRINTABLE_RUN.findall(data.decode("utf-8", "replace")))


def core(context: str, identifier: str) -> str:
    """``context`` cut to the word either side of ``identifier``, without punctuation (a post's
    "Note: [name] day makeup" and its row's JSON "\"[name] day makeup" are the same words)."""
    at = context.find(identifier)
    before = re.findall(r"[\w\[\]#]+", context[:at])[-1:]
    after = re.findall(r"[\w\[\]#]+", context[at + len(identifier):])[:1]
    return " ".join([*before, identifier, *after])


def type_everywhere(items: list[dict[str, Any]], bot: Any) -> None:
    """Every note in ``items``, in every place staff type."""
    services = bot.runtime.services
    service = services.escalations
    for n, item in enumerate(items):
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
    for item in items[:5]:  # the terminal's unrouted page (the same trigger as above)
        chat(services.catalogue, "pagelib", ["page", item["text"], "quit"], store=store,
             user_id="terminal:canary", escalations=service)
    for item in items:  # the terminal's opening line, routed in memory
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


def test_run_ids_hide_a_stored_time_but_not_a_typed_number() -> None:
    """The sinks' run-to-run ids (a time's microseconds among them) are masked before the
    identifiers are looked for; a number typed in a note is not."""
    stored = ("2026-12-07 11:30:01.771203 | 2026-12-07T11:30:01.771203+00:00 | "
              "(datetime.datetime(2026, 12, 7, 11, 30, 1, 771203, tzinfo=None),)")
    assert not found("771203", RUN_IDS.sub("<id>", stored))
    assert found("771203", RUN_IDS.sub("<id>", "student #771203 used pc 4 at 11:30:01"))
