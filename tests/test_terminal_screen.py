"""The terminal's answer screen: the answer first, the policy on demand, plain when not a TTY.

Every outcome of every library, with the page it raises as the escalation service describes
it, fits the first screen: at most 20 lines at 100 columns.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import select
import struct
import subprocess
import sys
import termios
import time
import tomllib
from pathlib import Path

import pytest
from rich.console import Console

from bot.check.paths import enumerate_paths
from bot.config import parse_config
from bot.content.catalogue import Catalogue, resolve_outcome
from bot.escalation import EscalationService
from bot.faces.terminal.paging import describe_page
from bot.faces.terminal.render import (
    FIRST_SCREEN_LINES,
    FIRST_SCREEN_WIDTH,
    answer_screen,
    lay_out,
    plain,
)
from bot.faces.terminal.screen import Screen, console_for
from bot.store import Database
from tests.conftest import FIXTURE_CONTENT
from tests.escalation_support import config_toml
from tests.terminal_support import chat

PIC_USERS = ("U0PRIVACY1", "U0PRIVACY2")
DIRECTOR_USERS = ("U0DIRECTOR",)


def paging_lines(tmp_path: Path, catalogue: Catalogue) -> dict[tuple[str, str, bool], list[str]]:
    """What the terminal shows under a page, per (library, urgency, hold?): from real pages."""
    toml = config_toml(pic=PIC_USERS, director=DIRECTOR_USERS, channel="C0PRIVACY")
    config = parse_config(tomllib.loads(toml))
    service = EscalationService(Database(f"sqlite:///{tmp_path / 'p.db'}"), config, catalogue)
    described: dict[tuple[str, str, bool], list[str]] = {}
    for library, pack in catalogue.packs.items():
        for flow in catalogue.flows_for(library).values():
            for node in flow.outcomes():
                outcome = resolve_outcome(pack, flow, node)
                key = (library, outcome.escalate.urgency, bool(outcome.hold))
                if not outcome.escalate.pages or key in described:
                    continue
                escalation = service.trigger(
                    library=library, situation=flow.id, conversation=None, outcome=outcome,
                    reason="outcome", asked_by="terminal", face="terminal")
                described[key] = describe_page(service, escalation).splitlines()
    return described


def test_every_answer_fits_the_first_screen(tmp_path: Path, catalogue: Catalogue) -> None:
    pages = paging_lines(tmp_path, catalogue)
    too_long: list[str] = []
    shown = 0
    for library, pack in catalogue.packs.items():
        for flow in catalogue.flows_for(library).values():
            reached = {path.outcome for path in enumerate_paths(pack, flow)}
            for node in (n for n in flow.outcomes() if n.id in reached):
                shown += 1
                outcome = resolve_outcome(pack, flow, node)
                key = (library, outcome.escalate.urgency, bool(outcome.hold))
                screen = answer_screen(pack, outcome, pages.get(key, ()))
                lines = lay_out(screen, FIRST_SCREEN_WIDTH)
                assert all(len(line) <= FIRST_SCREEN_WIDTH for line, _ in lines)
                if len(lines) > FIRST_SCREEN_LINES:
                    too_long.append(f"{library} {flow.id}/{node.id}: {len(lines)} lines")
    print(f"{len(too_long)} of {shown} answer screens exceed {FIRST_SCREEN_LINES} lines")
    assert not too_long, "\n".join(too_long)


def test_the_answer_comes_first_and_the_policy_on_demand(catalogue: Catalogue) -> None:
    said = chat(catalogue, "westmont", [
        "7", "none", "yes", "yes", "yes", "identity-only", "signed", "policy", "quit"])
    out = "\n".join(said)
    answer = out.index("Emergency: who the person is may be released")
    label = out.index("→ Share only who the person is")
    quote = "The officer will sign a copy of this policy"
    assert answer < label
    # The clause is quoted only after 'policy' was typed, not with the answer.
    typed_policy = next(i for i, s in enumerate(said) if s.startswith("POLICY ("))
    assert quote not in "\n".join(said[:typed_policy])
    assert quote in said[typed_policy]
    assert "Type 'policy' for the 5 policy clauses" in out


def test_plain_output_when_not_a_terminal() -> None:
    """Piped: no escape codes, and lines are not wrapped."""
    buffer = io.StringIO()
    screen = Screen(console_for(buffer))
    assert screen.width is None
    long = "word " * 60
    screen.paint(answer_screen_stub(long))
    screen.say(long)
    text = buffer.getvalue()
    assert "\x1b[" not in text
    assert long.strip() in text  # one line, unwrapped


def answer_screen_stub(text: str):  # type: ignore[no-untyped-def]
    from bot.faces.terminal.render import Para

    return [Para(text, "bold red", "1. ")]


def test_colour_and_wrapping_on_a_terminal_and_none_with_no_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    long = "word " * 60
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=60, highlight=False)
    Screen(console).paint(answer_screen_stub(long))
    coloured = buffer.getvalue()
    assert "\x1b[" in coloured
    lines = coloured.strip("\n").split("\n")
    assert len(lines) > 1 and lines[1].lstrip("\x1b[0123456789;m").startswith("   word")

    monkeypatch.setenv("NO_COLOR", "1")
    buffer = io.StringIO()
    console = console_for(buffer)
    assert console.color_system is None
    Screen(console).paint(answer_screen_stub(long))
    assert "\x1b[" not in buffer.getvalue()


def test_lay_out_wraps_under_the_lead() -> None:
    from bot.faces.terminal.render import Para

    lines = lay_out([Para("alpha beta gamma delta epsilon zeta", "", "12. ")], 24)
    assert [line for line, _ in lines] == ["12. alpha beta gamma", "    delta epsilon zeta"]
    assert plain([Para("x", "", "✗ ")]) == "✗ x"


def test_the_next_step_never_pages_again_the_person_just_paged(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    pages = paging_lines(tmp_path, catalogue)
    # Westmont pages the Library Director first (the staff member in charge only once staff
    # say the Director is away): the next step names the people it reaches, not "the Library
    # Director is paged".
    westmont = "\n".join(pages[("westmont", "immediate", False)])
    assert westmont.startswith("PAGED (immediate): the Library Director — ")
    assert "Library Director is paged" not in westmont
    assert "Library Director is notified" not in westmont
    assert "Next: no answer in 3 min pages <@U0DIRECTOR>. No answer at all: Phone" in westmont
    mahomet = "\n".join(pages[("mahomet", "immediate", False)])
    assert "Director is paged" not in mahomet


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_under_a_pseudo_terminal_colour_line_editing_and_history(tmp_path: Path) -> None:
    """`frontdesk chat` on a real pty: coloured answer, prompt_toolkit's prompt, and the up
    arrow recalls the line typed before (the 'policy' command, run twice)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    env = {**os.environ, "FRONTDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'pty.db'}",
           "TERM": "xterm-256color", "HOME": str(tmp_path), "PROMPT_TOOLKIT_NO_CPR": "1"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--library", "testville",
         "--content", str(FIXTURE_CONTENT)],
        stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    seen, log = bytearray(), bytearray()
    READY = b"\x1b[?2004h"  # noqa: N806 - prompt_toolkit turns bracketed paste on: a prompt

    def expect(text: bytes, timeout: float = 20) -> None:
        end = time.monotonic() + timeout
        while text not in seen:
            assert time.monotonic() < end, f"never saw {text!r}; got {bytes(seen[-400:])!r}"
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                with contextlib.suppress(OSError):
                    chunk = os.read(master, 65536)
                    seen.extend(chunk)
                    log.extend(chunk)

    try:
        for typed, then in [(b"1", b"Who is asking?"), (b"mom", b"Share only"),
                            (b"policy", b"POLICY (Testville"), (b"\x1b[A", b"")]:
            expect(READY)
            del seen[: seen.rindex(READY) + len(READY)]
            os.write(master, typed + b"\r")
            if then:
                expect(then)
        expect(b"POLICY (Testville")  # the recalled 'policy', run a second time
        expect(READY)
        os.write(master, b"quit\r")
        expect(b"Bye.")
        assert process.wait(timeout=20) == 0
        assert "\x1b[1;36m→ Share only".encode() in log  # the label, in colour
        assert log.count(b"POLICY (Testville") == 2
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)


def test_a_direct_question_gets_its_answer_before_any_question(catalogue: Catalogue) -> None:
    """'Should I email a screenshot to my boss?' — the answer (never) comes before the first
    question, in the terminal and on the case's first Slack question."""
    from bot.engine import start
    from bot.faces.slack import blocks

    said = chat(catalogue, "jackson-county", [
        "I found child porn on a public computer, should I email a screenshot to my boss?",
        "quit"])
    out = "\n".join(said)
    never = "⛔ Never screenshot, copy, print, photograph, email or forward it, not even to"
    assert never in out
    assert out.index(never) < out.index("Is a child in danger right now")

    flow = catalogue.flow("jackson-county", "cybertipline-concern")
    view = start(catalogue, "jackson-county", flow.id)
    assert view.question is not None
    message = blocks.question(view.question, thread_ts="1.0", rev=1, number=1,
                              can_go_back=False, first=flow.first)
    top = message.blocks[0]["text"]["text"]
    assert top.startswith("⛔ *Never screenshot, copy, print") and "your boss" in top
    later = blocks.question(view.question, thread_ts="1.0", rev=1, number=2, can_go_back=True)
    assert "⛔" not in later.blocks[0]["text"]["text"]


def test_slack_status_does_not_announce_the_paged_director_as_someone_else(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    """Westmont pages its Library Director first: the asker's status line must not add that
    'the Library Director has been notified' as if they were another person."""
    from bot.channels.slack.render import status_line
    from bot.escalation import records

    toml = config_toml(pic=PIC_USERS, director=DIRECTOR_USERS, channel="C0PRIVACY")
    service = EscalationService(Database(f"sqlite:///{tmp_path / 's.db'}"),
                                parse_config(tomllib.loads(toml)), catalogue)
    lines = {}
    for library in ("westmont", "mount-prospect"):
        flow = catalogue.flow(library, "law-enforcement-request")
        outcome = resolve_outcome(catalogue.pack(library), flow, flow.nodes["court-order"])
        escalation = service.trigger(library=library, situation=flow.id, conversation=None,
                                     outcome=outcome, reason="outcome", asked_by="terminal",
                                     face="terminal")
        lines[library] = status_line(
            service.live.facts(records.escalation_row(service.db, escalation)))
    assert "Paged the Library Director:" in lines["westmont"]
    assert "has been notified" not in lines["westmont"]
    # Mount Prospect's Executive Director is among the titles paged first, too.
    assert "has been notified" not in lines["mount-prospect"]


def test_a_role_with_several_titles_is_spelled_out_once(catalogue: Catalogue) -> None:
    """Mount Prospect's 'Privacy In-Charge, Executive Director or Deputy Director' is named in
    full where it first appears (the decision label); later lines say 'the Privacy In-Charge'.
    A form that a step already names is not repeated on a FORM line."""
    pack = catalogue.pack("mount-prospect")
    flow = catalogue.flow("mount-prospect", "staff-access-misuse")
    outcome = resolve_outcome(pack, flow, flow.nodes["misuse-silent"])
    text = plain(answer_screen(pack, outcome))
    full = "Privacy In-Charge, Executive Director or Deputy Director"
    assert outcome.decision_label.endswith(full) and text.count(full) == 1
    assert "Report it to the Privacy In-Charge today" in text

    pack = catalogue.pack("westmont")
    flow = catalogue.flow("westmont", "law-enforcement-request")
    outcome = resolve_outcome(pack, flow, flow.nodes["emergency-identify-not-records"])
    text = plain(answer_screen(pack, outcome))
    assert outcome.form and outcome.form in text and "FORM:" not in text
