"""Where a Slack event's CPU goes, kind by kind: the app's own threads profiled end to end.

The real app (HTTP, signed requests, SQLite in a temporary folder, no delivery worker) runs in
this process against the fake Slack; every thread the app starts (waitress, Bolt's listener
pool) is profiled with ``cProfile`` from its first call, the fake's threads and the caller's
are not. Each kind of event is sent ``--repeat`` times after a warm-up, and its profile is
split by where the time was spent (cumulative time of the functions that mark each part;
parts nest, so an inner part is also counted in its outer one — see ``PARTS``):

* **open** — a DM that opens a case (``tests/slack_content``, library testlib);
* **command**, **pick**, **answer**, **outcome** — a case on pagelib, as in
  ``bench/sql_per_event.py``.

    python bench/slack_profile.py [--repeat 20] [--kind open] [--top 25 --by cum]

``--top`` also prints the functions with the most time of their own. Deterministic profiling
inflates code that makes many small calls: read the shares, not the milliseconds. Time is each
thread's CPU time (``time.thread_time``): waiting for a lock, a socket or Slack costs nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.content.catalogue import Catalogue  # noqa: E402
from tests.escalation_support import PagingFake  # noqa: E402
from tests.fakeslack import FakeSlack  # noqa: E402
from tests.slack_support import SlackBot  # noqa: E402
from tests.wiring_support import (  # noqa: E402
    SITUATION,
    from_outbox,
    pagelib_bot,
    wait_post,
)

#: The parts of an event, each the cumulative time of functions matched by (file suffix,
#: function name); the first listed match of a frame wins, parts may nest.
PARTS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("request in: waitress + Bolt adapter (total)", (("adapter/wsgi/handler.py", "__call__"),)),
    ("  signature check", (("request_verification/request_verification.py", "process"),)),
    ("  guard: inbox.accept (redact + store, before ack)", (("store/slack_inbox.py", "accept"),)),
    ("    redaction of the stored body", (("store/slack_inbox.py", "redacted"),)),
    ("  Bolt: listener arguments built", (("kwargs_injection/utils.py",
                                          "build_required_kwargs"),)),
    ("  Bolt: a lazy listener's copy of the request", (("listener/thread_runner.py",
                                                      "_build_lazy_request"),)),
    ("listener work after the ack (total)", (("listeners/common.py", "run"),)),
    ("  router: route (+ prefill)", (("router/router.py", "route"),)),
    ("  engine: start / step / view", (("engine/step.py", "start"), ("engine/step.py", "step"),
                                      ("engine/step.py", "start_over"))),
    ("  Block Kit (blocks.render)", (("slack/blocks.py", "render"),)),
    ("  Slack Web API calls", (("slack_sdk/web/base_client.py", "api_call"),)),
    ("  escalation: settle_outcome / trigger", (("escalation/service.py", "settle_outcome"),
                                               ("escalation/service.py", "trigger"))),
    ("  audit chain (hashing, at the commit)", (("store/audit.py", "_chain"),)),
    ("write transactions (all threads)", (("store/txn.py", "write_transaction"),)),
    # (``bot.store.prepared`` sends the hot statements through ``exec_driver_sql``)
    ("SQLAlchemy execute (all threads)", (("sqlalchemy/engine/base.py", "execute"),
                                          ("sqlalchemy/engine/base.py", "exec_driver_sql"))),
    ("  of which sqlite3 cursor", (("sqlalchemy/engine/default.py", "do_execute"),
                                   ("sqlalchemy/engine/default.py", "do_executemany"))),
    ("commits", (("sqlalchemy/engine/base.py", "commit"),)),
)


#: Whose code a function is (the first marker its file name contains), for the own-time split.
PACKAGES = (
    ("/bot/router/", "router"), ("/bot/privacy/", "redaction"), ("/bot/store/", "bot store"),
    ("/bot/faces/", "Slack face"), ("/bot/", "bot (other)"), ("sqlalchemy/", "SQLAlchemy"),
    ("slack_bolt/", "Bolt"), ("slack_sdk/", "slack_sdk"), ("waitress/", "waitress"),
    ("~", "builtins (C)"), ("/python3.11/", "stdlib"),
)


Key = tuple[str, str]  # (file, function)


class ThreadProfiles:
    """A ``cProfile.Profile`` running in each thread started after ``install``, except those
    ``skip`` names (the fake Slack's); ``snapshot`` reads them all (without stopping them)."""

    def __init__(self, skip: Callable[[str], bool]):
        self.skip = skip
        self.profiles: list[cProfile.Profile] = []
        self.lock = threading.Lock()

    def _hook(self, *_args: object) -> None:
        sys.setprofile(None)
        if self.skip(threading.current_thread().name):
            return
        profile = cProfile.Profile(time.thread_time)  # CPU, not waiting
        with self.lock:
            self.profiles.append(profile)
        profile.enable()  # in this thread: ``enable`` profiles the thread that calls it

    def install(self) -> None:
        threading.setprofile(self._hook)

    def snapshot(self) -> dict[Key, list[float]]:
        """Per function: [own time, cumulative time, calls] so far, summed over the threads."""
        out: dict[Key, list[float]] = {}
        with self.lock:
            profiles = list(self.profiles)
        for profile in profiles:
            for entry in profile.getstats():
                code = entry.code
                key = ((code.co_filename, code.co_name) if not isinstance(code, str)
                       else ("~", code))
                spent = out.setdefault(key, [0.0, 0.0, 0.0])
                spent[0] += entry.inlinetime
                spent[1] += entry.totaltime
                spent[2] += entry.callcount
        return out

    @contextmanager
    def measuring(self, into: dict[Key, list[float]]) -> Iterator[None]:
        """Adds to ``into`` what the block cost."""
        before = self.snapshot()
        yield
        for key, now in self.snapshot().items():
            was = before.get(key, [0.0, 0.0, 0.0])
            spent = into.setdefault(key, [0.0, 0.0, 0.0])
            for i, value in enumerate(now):
                spent[i] += value - was[i]


def fake_thread(name: str) -> bool:
    return "process_request" in name or name.startswith("fake")


def report(name: str, spent: dict[Key, list[float]], repeat: int, top: int,
           by: str = "own") -> None:
    total = sum(own for own, _, _ in spent.values())
    print(f"\n{name}: {total / repeat * 1000:.2f} ms profiled per event (all app threads)")
    for label, marks in PARTS:
        part = sum(cumulative for (filename, function), (_, cumulative, _) in spent.items()
                   if any(filename.endswith(suffix) and function == fn for suffix, fn in marks))
        print(f"  {label:<56}{part / repeat * 1000:>8.2f} ms {part / total:>6.0%}")
    owners: dict[str, float] = {}
    for (filename, _function), (own, _, _) in spent.items():
        owner = next((name for marker, name in PACKAGES if marker in filename), "other")
        owners[owner] = owners.get(owner, 0.0) + own
    print("  own time by package: " + ", ".join(
        f"{name} {t / total:.0%}" for name, t in sorted(owners.items(), key=lambda i: -i[1])))
    column = 1 if by == "cum" else 0
    for (filename, function), (own, cumulative, calls) in sorted(
            spent.items(), key=lambda item: -item[1][column])[:top]:
        where = filename.split("site-packages/")[-1].split(str(ROOT) + "/")[-1]
        print(f"    {own / repeat * 1000:>7.3f} ms own {cumulative / repeat * 1000:>7.3f} ms cum"
              f" {calls / repeat:>7.1f} calls  {where}:{function}")


OPENING = "cop at the desk wants to know what a patron checked out"


def openings(repeat: int, measured: Callable[[], AbstractContextManager[object]],
             before_start: Callable[[], None] = lambda: None) -> None:
    """``repeat`` DMs that open a case (``tests/slack_content``, library testlib), each until
    the app is at rest, inside ``measured()``; three more before, to warm up."""
    with FakeSlack() as fake:
        before_start()
        bot = SlackBot.start(fake, Catalogue.load(ROOT / "tests" / "slack_content"),
                             Path(tempfile.mkdtemp()))
        try:
            for n in range(3):  # warm: imports, connections, caches
                bot.dm(f"UWARM{n}", OPENING)
                bot.post(timeout=30)
            bot.settle()
            with measured():
                for n in range(repeat):
                    bot.dm(f"U{n:06d}", OPENING)
                    bot.post(timeout=30)
                    bot.settle()
        finally:
            bot.stop()


def profile_open(profiles: ThreadProfiles, repeat: int, top: int, by: str) -> None:
    spent: dict[Key, list[float]] = {}
    openings(repeat, lambda: profiles.measuring(spent), profiles.install)
    report("open (a DM that opens a case)", spent, repeat, top, by)


def profile_clicks(profiles: ThreadProfiles, repeat: int, top: int, by: str,
                   kinds: tuple[str, ...]) -> None:
    steps = (("pick", SITUATION), ("answer", "A police officer"),
             ("outcome", "A search warrant"))
    spent: dict[str, dict[Key, list[float]]] = {kind: {} for kind in kinds}
    ignored: dict[Key, list[float]] = {}
    with PagingFake() as fake:
        profiles.install()
        bot = pagelib_bot(fake, Path(tempfile.mkdtemp()), worker=False)
        try:
            for n in range(repeat + 2):  # the first two cases warm up
                user = f"U{n:06d}"

                def into(kind: str, n: int = n) -> dict[Key, list[float]]:
                    return spent[kind] if n >= 2 and kind in spent else ignored

                since = time.time()
                with profiles.measuring(into("command")):
                    bot.command(user)
                    picker = wait_post(bot, since,
                                       lambda c: "What is happening" in str(c.args.get("text")))
                    bot.settle()
                current, thread_ts = picker, picker.thread_ts
                for kind, label in steps:
                    since = time.time()
                    with profiles.measuring(into(kind)):
                        bot.click(user, current, label)
                        current = wait_post(bot, since, lambda c, ts=thread_ts: c.args.get(
                            "thread_ts") == ts and not from_outbox(c))
                        bot.settle()
        finally:
            bot.stop()
    for kind in kinds:
        report(kind, spent[kind], repeat, top, by)


def timed_sections(repeat: int) -> None:
    """Each section's CPU (``time.thread_time``, no profiler: real figures), per open event."""
    from sqlalchemy.engine import Connection
    from sqlalchemy.engine.default import DefaultDialect

    import bot.faces.slack.guide as guide_module
    import bot.store.slack_inbox as inbox_module
    from bot.faces.slack.app import InboxApp
    from bot.faces.slack.guide import Guide
    from bot.faces.slack.http import SlackWSGI
    from bot.router.router import Router
    from bot.store.slack_inbox import SlackInbox
    from bot.store.slack_state import SlackState

    sections = (
        ("request thread: SlackWSGI (Bolt, guard, ack)", SlackWSGI, "__call__"),
        ("  Bolt App.dispatch", InboxApp, "dispatch"),
        ("    inbox.accept", SlackInbox, "accept"),
        ("      redacted (the body)", inbox_module, "redacted"),
        ("      _insert (2 statements, commit)", SlackInbox, "_insert"),
        ("listener thread: Guide.start_in_thread", Guide, "start_in_thread"),
        ("  router.route", Router, "route"),
        ("  engine start", guide_module, "start"),
        ("  permalink / save (trail, audit)", Guide, "save"),
        ("  state.open_thread", SlackState, "open_thread"),
        ("  Guide.show (render, post, live)", Guide, "show"),
        ("    Guide.post (chat.postMessage)", Guide, "post"),
        ("  unit close (processing's exit)", SlackInbox, "_close"),
        ("commits (any thread)", Connection, "commit"),
        ("  the driver's commit (fsync)", DefaultDialect, "do_commit"),
        ("statements (any thread)", Connection, "execute"),
    )
    spent = {label: 0.0 for label, _, _ in sections}
    counting = [False]

    inside = threading.local()  # the labels being timed in this thread (a recursive call
    # of one, like ``redacted``, is counted once: in its outermost call)

    def timed(label: str, original: Callable[..., object]) -> Callable[..., object]:
        def wrapped(*args: object, **kwargs: object) -> object:
            active = inside.__dict__.setdefault("labels", set())
            if label in active:
                return original(*args, **kwargs)
            active.add(label)
            began = time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                active.discard(label)
                if counting[0]:
                    spent[label] += time.thread_time() - began
        return wrapped

    for label, owner, name in sections:
        setattr(owner, name, timed(label, getattr(owner, name)))

    @contextmanager
    def counted() -> Iterator[None]:
        counting[0] = True
        yield

    openings(repeat, counted)
    print(f"open (a DM that opens a case): CPU per event by section, {repeat} events")
    for label, _, _ in sections:
        print(f"  {label:<50}{spent[label] / repeat * 1000:>8.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--kind", action="append",
                        choices=["open", "command", "pick", "answer", "outcome"])
    parser.add_argument("--top", type=int, default=0)
    parser.add_argument("--sections", action="store_true",
                        help="no profiler: the open event's sections timed by thread CPU")
    parser.add_argument("--by", choices=["own", "cum"], default="own",
                        help="order --top by own or cumulative time")
    options = parser.parse_args()
    if options.sections:
        timed_sections(options.repeat)
        return
    kinds = tuple(options.kind or ("open", "command", "pick", "answer", "outcome"))
    if "open" in kinds:
        profile_open(ThreadProfiles(fake_thread), options.repeat, options.top, options.by)
    clicks = tuple(k for k in kinds if k != "open")
    if clicks:
        profile_clicks(ThreadProfiles(fake_thread), options.repeat, options.top, options.by,
                       clicks)


if __name__ == "__main__":
    main()
