"""Shared by the escalation, outbox, audit, PostgreSQL and privacy tests (and the bench).

- ``write_content(root)``: a small self-contained pack and flow whose outcomes page
  (immediate, with an ECPA-style hold; prompt) or do not.
- ``PagingFake``: ``tests.fakeslack.FakeSlack`` plus what paging needs from Slack: message
  ``metadata`` kept and returned by ``conversations.history``/``replies`` with
  ``include_all_metadata``, ``oldest`` honoured, and ``hang(method, seconds, accept=...)`` to
  hold a response (after or before Slack "accepts" the call) so a test can kill the caller
  in between.
- ``postgres_url()``: a fresh database on the server named by ``FRONTDESK_TEST_POSTGRES_URL``.
"""

from __future__ import annotations

import logging
import os
import sys
import textwrap
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.fakeslack import FakeSlack

ROOT = Path(__file__).resolve().parents[1]

POLICY = """\
1. All registration and circulation records of the library are confidential.
2. Records are released only under a court order or subpoena presented to the Director.
3. When a preservation request arrives, the Director keeps the records for ninety days.
4. Security camera footage is kept for thirty days unless saved as evidence.
"""

PACK = """\
id: pagelib
library: Pageville Public Library
title: Patron Privacy Policy
policy: policy.txt
clauses:
  "1": {title: Records are confidential, from: "1. All registration", to: "are confidential."}
  "2": {title: Court orders to the Director, from: "2. Records are released",
        to: "presented to the Director."}
  "3": {title: Preservation requests, from: "3. When a preservation request",
        to: "for ninety days."}
facts:
  confidential: {value: true, cite: ["1"]}
  court_order: {value: true, cite: ["2"]}
  preservation: {value: 90, cite: ["3"]}
roles:
  privacy-in-charge: {titles: [Privacy Officer], cite: ["2"]}
  director: {titles: [Library Director], cite: ["2"]}
contacts:
  if_no_answer: >-
    Phone the Library Director at the number on the staff sheet. If anyone is in danger,
    call 911.
"""

FLOW = """\
id: records-request
title: Someone wants a patron's records
description: A person at the desk asks for what a patron borrowed or looked at.
topic: [law-enforcement, patron-self]
triggers: [someone wants records, police want records]
start: who
nodes:
  who:
    ask: Who is asking?
    choices:
      - {id: officer, label: A police officer, synonyms: [cop, police], next: paper}
      - {id: patron, label: The patron themself, next: own}
      - {id: not-sure, label: Not sure, next: unsure}
  paper:
    ask: What do they have?
    choices:
      - {id: preservation, label: A preservation letter, synonyms: [preserve], next: preserve}
      - {id: warrant, label: A search warrant, synonyms: [warrant], next: warrant}
      - {id: nothing, label: Nothing, next: refuse}
      - {id: not-sure, label: Not sure, next: unsure}
  warrant:
    outcome:
      headline: "Search warrant: get the {{ pic }} now"
      decision: comply
      do: ["Call the {{ pic }} now.", "Do not obstruct the officer."]
      never: [Do not hand over records yourself.]
      say: I am getting the person who handles this right now.
      cite: [court_order]
      escalate: {roles: [privacy-in-charge], urgency: immediate}
  preserve:
    outcome:
      headline: Preservation request - the records must be kept
      decision: comply
      do: ["Take the letter and give it to the {{ pic }}."]
      never: [Do not delete or change anything.]
      say: We will keep the records; someone will contact you.
      cite: [preservation]
      escalate: {roles: [privacy-in-charge], urgency: prompt}
      hold: {kind: ecpa-preservation, days: 90, renewal_days: 90, counts_from: request-date}
  refuse:
    outcome:
      headline: Politely decline
      decision: withhold
      do: [Explain the records are confidential.]
      never: [Do not confirm the person is a patron.]
      say: Our records are confidential.
      cite: [confidential]
  own:
    outcome:
      headline: Help the patron with their own account
      decision: disclose
      do: [Check their card and help them.]
      never: [Do not read the record aloud.]
      say: Happy to help.
      cite: [confidential]
  unsure:
    outcome:
      headline: "Not sure - page the {{ pic }}"
      decision: refer
      do: [Ask them to wait.]
      never: [Do not hand anything over.]
      say: Let me get someone who can help.
      cite: [confidential]
      escalate: {roles: [privacy-in-charge], urgency: prompt}
"""

PIC_USERS = ("UPIC1", "UPIC2")
DIRECTOR_USERS = ("UDIR1",)
CHANNEL = "C0789PRIV"


def write_content(root: Path) -> Path:
    (root / "knowledge" / "pagelib").mkdir(parents=True, exist_ok=True)
    (root / "flows").mkdir(parents=True, exist_ok=True)
    (root / "knowledge" / "pagelib" / "pack.yaml").write_text(PACK)
    (root / "knowledge" / "pagelib" / "policy.txt").write_text(POLICY)
    (root / "flows" / "records-request.yaml").write_text(FLOW)
    return root


def config_toml(*, immediate: int = 180, prompt: int = 900, repeat: int = 2,
                channel: str | None = CHANNEL, pic: tuple[str, ...] = PIC_USERS,
                director: tuple[str, ...] = DIRECTOR_USERS, retention_days: int = 365) -> str:
    def users(ids: tuple[str, ...]) -> str:
        return "[" + ", ".join(f'"{u}"' for u in ids) + "]"

    channel_line = f'channel = "{channel}"\n' if channel else ""
    return textwrap.dedent(f"""\
        library = "pagelib"
        retention_days = {retention_days}

        [roles]
        privacy-in-charge = {users(pic)}
        director = {users(director)}

        [escalation]
        """) + channel_line + (
        f"ack_timeout_seconds = {{ immediate = {immediate}, prompt = {prompt} }}\n"
        f"repeat = {repeat}\n"
    )


class PagingFake(FakeSlack):
    """The shared fake Slack plus message metadata, ``oldest`` and hanging responses."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.metadata: dict[tuple[str, str], dict[str, Any]] = {}
        self._hangs: dict[str, list[list[Any]]] = {}
        self.arrivals: list[str] = []  # every request's method, even one still held
        # A client killed or timed out while a response was held: not an error worth printing.
        self.server.handle_error = lambda request, client_address: None  # type: ignore[method-assign]

    def _next_ts(self) -> str:
        """Real Slack message timestamps are the time of posting (``oldest`` relies on it)."""
        with self._lock:
            stamp = max(time.time(), getattr(self, "_last_ts", 0.0) + 0.000001)
            self._last_ts = stamp
        return f"{stamp:.6f}"

    def hang(self, method: str, seconds: float, *, times: int = 1, accept: bool = True) -> None:
        """Hold the next ``times`` answers to ``method`` for ``seconds``; with ``accept`` the
        call takes effect first (Slack accepted it, the caller has not heard back)."""
        with self._lock:
            self._hangs.setdefault(method, []).append([times, seconds, accept])

    def clear_hangs(self) -> None:
        with self._lock:
            self._hangs.clear()

    def handle(self, method: str, args: dict[str, Any], token: str | None
               ) -> tuple[int, dict[str, str], dict[str, Any]]:
        hang = None
        with self._lock:
            self.arrivals.append(method)
            hangs = self._hangs.get(method) or []
            if hangs:
                hang = hangs[0]
                hang[0] -= 1
                if hang[0] <= 0:
                    hangs.pop(0)
        if hang is not None and not hang[2]:
            time.sleep(hang[1])
        answer = super().handle(method, args, token)
        if hang is not None and hang[2]:
            time.sleep(hang[1])
        return answer

    def _api_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        self._decode(args, "metadata")
        answer = super()._api_chat_postMessage(args)
        if answer.get("ok") and args.get("metadata"):
            with self._lock:
                self.metadata[(answer["channel"], answer["ts"])] = args["metadata"]
        return answer

    def _with_metadata(self, args: dict[str, Any], answer: dict[str, Any],
                       channel: str) -> dict[str, Any]:
        include = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        oldest = float(args.get("oldest") or 0)
        messages = []
        for message in answer.get("messages", []):
            if float(message["ts"]) < oldest:
                continue
            meta = self.metadata.get((channel, message["ts"]))
            if include and meta:
                message = {**message, "metadata": meta}
            messages.append(message)
        return {**answer, "messages": messages}

    def _api_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        answer = super()._api_conversations_history(args)
        return self._with_metadata(args, answer, str(args.get("channel")))

    def _api_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        answer = super()._api_conversations_replies(args)
        return self._with_metadata(args, answer, str(args.get("channel")))

    # --- what the paging tests count ----------------------------------------------------

    def delivered_keys(self) -> Counter[str]:
        """Idempotency keys of messages Slack accepted, with how many times each."""
        with self._lock:
            return Counter(m["event_payload"]["idempotency_key"] for m in self.metadata.values()
                           if m.get("event_payload", {}).get("idempotency_key"))


def trigger_many(service: Any, catalogue: Any, n: int, *, thread: bool = True) -> list[str]:
    """``n`` escalations from ``n`` conversations ending at the immediate (warrant) outcome."""
    from bot.engine import start, step
    from bot.escalation import ThreadRef

    ids = []
    for i in range(n):
        view = start(catalogue, "pagelib", "records-request")
        for text in ("police", "warrant"):
            view = step(catalogue, view.conversation, text)
        ids.append(service.trigger(
            library="pagelib", situation="records-request", conversation=view.conversation,
            outcome=view.outcome, reason="outcome", asked_by="UASKER", face="slack",
            thread=ThreadRef("CDESK", f"1700000000.{i:06d}", None) if thread else None))
    return ids


def driver_main() -> None:
    """A bot process for the crash tests: decides (triggers pages), says so, then delivers.

    Environment: FRONTDESK_DATABASE_URL, FRONTDESK_CONTENT, FRONTDESK_CONFIG, SLACK_BOT_TOKEN,
    SLACK_API_URL, DRIVER_COUNT; DRIVER_SERVING=1: the worker runs before anything is decided
    (as in the Slack runtime), so the pages are claimed for it in the transaction that queues
    them.
    """
    import threading as _threading

    from slack_sdk import WebClient

    from bot.channels.delivery import OutboxWorker
    from bot.channels.slack import SlackTransport
    from bot.config import load_config
    from bot.content.catalogue import Catalogue
    from bot.escalation import EscalationService
    from bot.store import Database

    config = load_config()
    database = Database(os.environ["FRONTDESK_DATABASE_URL"])
    catalogue = Catalogue.load(Path(os.environ["FRONTDESK_CONTENT"]))
    service = EscalationService(database, config, catalogue)
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    worker = OutboxWorker(database, SlackTransport(client), poll_seconds=0.05)
    if os.environ.get("DRIVER_SERVING") == "1":
        _threading.Thread(target=worker.run_forever, args=(_threading.Event(),)).start()
        while worker._handed is None:  # serving: pages queued from now on are handed to it
            time.sleep(0.01)
    ids = trigger_many(service, catalogue, int(os.environ.get("DRIVER_COUNT", "5")))
    print("decided", len(ids), flush=True)
    if os.environ.get("DRIVER_SERVING") != "1":
        worker.run_forever(_threading.Event())


def postgres_admin_url() -> str | None:
    return os.environ.get("FRONTDESK_TEST_POSTGRES_URL") or None


def fresh_postgres_database() -> tuple[str, Any]:
    """Create an empty database; returns (url, drop) where drop() removes it."""
    import sqlalchemy

    admin_url = postgres_admin_url()
    assert admin_url
    name = f"frontdesk_test_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sqlalchemy.engine.make_url(admin_url).set(database=name).render_as_string(
        hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return url, drop


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FRONTDESK_"))}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def frontdesk_cmd(*args: str) -> list[str]:
    return [sys.executable, "-c", "from bot.cli import main; main()", *args]


def wait_until(predicate: Any, timeout: float = 10.0, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


class Clock:
    """A settable clock for deadline tests."""

    def __init__(self, start: Any):
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> Any:
        with self._lock:
            return self.now

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        with self._lock:
            self.now = self.now + timedelta(**delta)


@contextmanager
def debug_log(log_file: Path) -> Iterator[Path]:
    """Everything logged (root logger at DEBUG) while inside, in ``log_file``."""
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
