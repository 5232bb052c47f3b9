"""SQL per Slack event: statements, transactions and commits, by which code issued them.

Each kind of event goes through the real Slack app (HTTP, signed requests, fake Slack on
127.0.0.1, SQLite in a temporary folder, no delivery worker so only the event's own work is
counted), and is counted from its request until the app is at rest (``SlackBot.settle``),
in the app's threads only:

* **open** — a DM that opens a case (``tests/slack_content``, library testlib);
* **command** — ``/frontdesk`` (pagelib), which opens a thread with the situation picker;
* **pick** — the click picking a situation from it: the first question is posted;
* **answer** — the click answering a question that leads to the next one;
* **outcome** — the click that reaches a paging outcome (a search warrant), which settles the
  case's page and triggers the escalation.

    python bench/sql_per_event.py [--verbose]

``--verbose`` lists every statement with the function that issued it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, event  # noqa: E402

from bot.content.catalogue import Catalogue  # noqa: E402
from tests.escalation_support import PagingFake  # noqa: E402
from tests.fakeslack import FakeSlack  # noqa: E402
from tests.slack_support import STAFF, SlackBot  # noqa: E402
from tests.wiring_support import (  # noqa: E402
    SITUATION,
    from_outbox,
    open_case,
    pagelib_bot,
    wait_post,
)


def origin() -> str:
    """The innermost frame outside the store: who asked for this SQL."""
    for frame in reversed(traceback.extract_stack()[:-3]):
        if "/bot/" in frame.filename and "/bot/store/" not in frame.filename:
            return f"{frame.filename.split('/bot/')[1]}:{frame.name}"
    return "?"


def app_thread() -> bool:
    """The app's threads (the server's, the listeners'), not this script's: what it reads to
    know the event is done (``SlackBot.settle``, ``wait_live``) is not the event's SQL."""
    return threading.current_thread() is not threading.main_thread()


class Recorder:
    def __init__(self, engines: list[Engine]):  # ``Database.engines()``: the inbox's too
        self.log: list[tuple[str, str, str]] = []
        for engine in engines:
            event.listen(engine, "before_cursor_execute", self.statement)
            event.listen(engine, "begin", lambda _c: self.mark("BEGIN"))
            event.listen(engine, "commit", lambda _c: self.mark("COMMIT"))

    def mark(self, kind: str) -> None:
        if app_thread():
            self.log.append((kind, "", origin()))

    def statement(self, _conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        if app_thread() and not sql.lstrip().upper().startswith("BEGIN"):
            self.log.append(("SQL", " ".join(sql.split())[:70], origin()))

    def bookkeeping(self) -> tuple[int, int]:
        """Commits (and their statements) that only record what was delivered: the posted
        message's ts (``live_ts``) and what rides with it."""
        commits = statements = 0
        current: list[str] = []
        for kind, sql, _ in self.log:
            if kind == "BEGIN":
                current = []
            elif kind == "SQL":
                current.append(sql)
            elif kind == "COMMIT" and any("live_ts=" in s for s in current):
                commits, statements = commits + 1, statements + len(current)
        return commits, statements

    def report(self, name: str, verbose: bool) -> None:
        kinds = Counter(kind for kind, _, _ in self.log)
        kept, kept_statements = self.bookkeeping()
        print(f"{name:<8} {kinds['SQL']:>4} statements {kinds['BEGIN']:>4} transactions "
              f"{kinds['COMMIT']:>4} commits   (delivery bookkeeping: {kept} commit, "
              f"{kept_statements} statements)")
        if verbose:
            for kind, sql, where in self.log:
                print(f"    {kind:<6} {where:<45} {sql}")


OPENING = "cop at the desk wants to know what a patron checked out"


def open_event(verbose: bool) -> None:
    with FakeSlack() as fake:
        bot = SlackBot.start(fake, Catalogue.load(ROOT / "tests" / "slack_content"),
                             Path(tempfile.mkdtemp()))
        try:
            # warm: imports, connections, caches, and what a serving process remembers after
            # its first case (the audit chain's head)
            bot.dm("U000001", OPENING)
            fake.wait_for("chat.postMessage", count=1, timeout=30)
            bot.settle()
            recorder = Recorder(bot.runtime.services.database.engines())
            bot.dm("U000002", OPENING)
            fake.wait_for("chat.postMessage", count=2, timeout=30)
            bot.settle()
        finally:
            bot.stop()
    recorder.report("open", verbose)


def click_events(verbose: bool) -> None:
    """A case on pagelib, event by event: the command, the situation picked, a question
    answered, the outcome reached."""
    with PagingFake() as fake:
        bot = pagelib_bot(fake, Path(tempfile.mkdtemp()), worker=False)
        try:
            open_case(bot, "A police officer", user="UWARM")  # warm: imports, caches
            bot.settle()
            recorder = Recorder(bot.runtime.services.database.engines())
            since = time.time()
            bot.command(STAFF)
            picker = wait_post(bot, since, lambda c: "What is happening" in str(c.args.get("text")))
            bot.settle()
            recorder.report("command", verbose)
            current = picker
            for name, label in (("pick", SITUATION), ("answer", "A police officer"),
                                ("outcome", "A search warrant")):
                recorder.log.clear()
                since = time.time()
                bot.click(STAFF, current, label)
                current = wait_post(bot, since, lambda c: c.args.get("thread_ts")
                                    == picker.thread_ts and not from_outbox(c))
                bot.settle()
                recorder.report(name, verbose)
        finally:
            bot.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verbose", action="store_true")
    options = parser.parse_args()
    print("SQL per Slack event (SQLite; every BEGIN counted as a transaction, reads too)")
    print("An event (open) commits its request with its changes, then its ack; a command or a")
    print("click commits its request before its ack, then its changes. Each commits once more")
    print("after its post: delivery bookkeeping (the posted ts, the inbox row closed).")
    open_event(options.verbose)
    click_events(options.verbose)


if __name__ == "__main__":
    main()
