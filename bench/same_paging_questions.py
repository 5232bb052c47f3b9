"""Questions asked whose every answer ends with the same decision and the same paging.

    python bench/same_paging_questions.py [--content PATH] [--lines N]

The engine never asks a question whose real answers all end in the same outcome as staff act
on it (``bot.engine.relevance.signature``: decision, who is paged and how, do / never / say);
``frontdesk check`` lists those per library. What is left to look at by hand are the questions
it does ask where only the words of the answer differ, not the decision or the paging: each is
printed with, per answer, the outcomes it can end in, and how many lines of what staff are told
differ between the answers (a question whose answers differ by a line or two is a candidate to
remove, or to skip where the library's policy makes it moot). Each path prefix is walked as the
engine walks it (``enumerate_paths``); "Not sure" is left out, as relevance leaves it out.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.check.paths import enumerate_paths  # noqa: E402
from bot.content.catalogue import Catalogue  # noqa: E402
from bot.content.flows import NOT_SURE  # noqa: E402
from bot.engine.relevance import relevance, signature  # noqa: E402


def sweep(catalogue: Catalogue) -> list[tuple[str, str, str, str, dict[str, list[str]], int]]:
    """(flow, library, question, the answers before it, {answer: outcomes}, lines differing)
    for every asked question whose answers all end with one decision and one paging."""
    found = []
    for library, pack in sorted(catalogue.packs.items()):
        for flow in sorted(catalogue.flows_for(library).values(), key=lambda f: f.id):
            logic = relevance(pack, flow)
            arms: dict[tuple, dict[str, set]] = defaultdict(lambda: defaultdict(set))
            ends: dict[tuple, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
            for path in enumerate_paths(pack, flow):
                away = flow.away(path.answers | dict(path.skipped))
                sig = signature(logic.outcome(path.outcome, away))
                for i, (question, choice) in enumerate(path.steps):
                    if choice != NOT_SURE:
                        arms[(path.steps[:i], question)][choice].add(sig)
                        ends[(path.steps[:i], question)][choice].add(path.outcome)
            for (before, question), by_choice in arms.items():
                coarse = {frozenset((s[0], s[1]) for s in sigs) for sigs in by_choice.values()}
                if len(by_choice) < 2 or len(coarse) != 1 or len(next(iter(coarse))) != 1:
                    continue
                lines = [{line for s in sigs for line in (*s[2], *s[3], s[4])}
                         for sigs in by_choice.values()]
                common = set.intersection(*lines)
                differing = sum(len(set_ - common) for set_ in lines)
                said = " ".join(f"{q}={c}" for q, c in before) or "-"
                found.append((flow.id, library, question, said,
                              {c: sorted(o) for c, o in ends[(before, question)].items()},
                              differing))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--content", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--lines", type=int, default=4,
                        help="show the answers' outcomes when at most this many lines differ")
    args = parser.parse_args()
    found = sweep(Catalogue.load(args.content))
    for flow, library, question, said, by_choice, differing in found:
        print(f"{flow} [{library}] {question} after {said}: {differing} lines differ")
        if differing <= args.lines:
            for choice, outcomes in by_choice.items():
                print(f"    {choice}: {', '.join(outcomes)}")
    close = sum(1 for *_, differing in found if differing <= args.lines)
    print(f"{len(found)} asked questions end with one decision and paging whatever the answer; "
          f"{close} differ by {args.lines} lines or fewer")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
