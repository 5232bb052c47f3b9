"""`frontdesk drill` in the terminal: ask practice cases, read the answers, show the grading.

The drill itself (choosing cases, grading, the urgency options) is ``bot.review.drill``; this
module only reads and prints, like the chat face does for the engine.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from bot.content.catalogue import Catalogue
from bot.faces.terminal.render import render_outcome
from bot.review.drill import (
    DECISIONS,
    MAX_SCORE,
    Case,
    Result,
    grade,
    pick_case,
    urgency_options,
)

Read = Callable[[str], str]
Say = Callable[[str], None]


def case_text(case: Case) -> str:
    lines = [
        f"DRILL — {case.library_name} (practice only: nobody is paged)",
        f"Situation: {case.title}",
        f"  {case.description}",
    ]
    if case.known:
        lines.append("What you know:")
        lines.extend(f"  • {ask} — {answer}" for ask, answer in case.known)
    return "\n".join(lines)


def _choose(read: Read, say: Say, prompt: str, options: tuple[tuple[str, str], ...]) -> str:
    say(prompt)
    for number, (_, words) in enumerate(options, 1):
        say(f"  {number}. {words}")
    while True:
        text = read("> ").strip().lower()
        if text.isdigit() and 1 <= int(text) <= len(options):
            return options[int(text) - 1][0]
        for key, _ in options:
            if text == key:
                return key
        say(f"Type a number from 1 to {len(options)}.")


def run_drill(
    catalogue: Catalogue,
    library: str,
    staff: str,
    read: Read,
    say: Say,
    rng: random.Random,
    record: Callable[[Result], None] | None = None,
    flow_id: str | None = None,
    rounds: int | None = None,
) -> list[Result]:
    """Ask cases until the staff member stops (or ``rounds`` are done); returns the results."""
    pack = catalogue.pack(library)
    results: list[Result] = []
    while rounds is None or len(results) < rounds:
        case = pick_case(catalogue, library, rng, flow_id)
        say("")
        say(case_text(case))
        decision = _choose(read, say, "What do you do?", DECISIONS)
        urgency = _choose(
            read, say, "Who do you fetch, and how fast?", urgency_options(catalogue, library)
        )
        result = grade(catalogue, case, decision, urgency)
        results.append(result)
        if record is not None:
            record(result)
        say("")
        say(f"Score: {result.score}/{MAX_SCORE}" + ("  Exactly right." if result.perfect else ""))
        for difference in result.differences:
            say(f"  ≠ {difference}")
        say("\nYour library's answer:")
        say(render_outcome(pack, result.outcome).rstrip())
        say("(Drill: nobody was paged.)")
        if rounds is None:
            try:
                again = read("\nAnother case? [Y/n] ").strip().lower()
            except EOFError:
                break
            if again in ("n", "no", "q", "quit", "exit"):
                break
    total = sum(r.score for r in results)
    say(f"\n{staff}: {total}/{MAX_SCORE * len(results)} over {len(results)} case(s).")
    return results
