"""Questions asked and pages per case at the desk, before vs after, in one run.

    python bench/desk_bench.py [--content PATH] [--by-flow]

Every scenario run (each case of tests/scenarios/*.yaml at each library it names) is one
desk case. It is played under the current rules (``bot.engine.relevance.CURRENT``: a
question is asked only where its answer changes this library's outcome; "Not sure" goes to
the most cautious reachable outcome with that outcome's own paging) and under the rules
before them (``LEGACY``: every question asked; "Not sure" follows the flow's own target,
which withholds and pages), with the same intent: the same answer to every question the
case answered, and for a question only the old rules ask, the answer the new rules imply.

Per case: questions asked (answers staff had to give) and pages raised (0 or 1: an outcome
that names someone). Printed: means over all cases, the after/before ratio, and how many
cases paged less and asked less.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.check.scenarios import load_scenarios  # noqa: E402
from bot.content.catalogue import Catalogue  # noqa: E402
from bot.content.flows import NOT_SURE  # noqa: E402
from bot.engine import start, step  # noqa: E402
from bot.engine.relevance import CURRENT, LEGACY, Rules, real_choices, under  # noqa: E402
from bot.engine.step import View, answer  # noqa: E402


@dataclass(frozen=True)
class Played:
    asked: int
    pages: int
    outcome: str


def intent(catalogue: Catalogue, library: str, flow: str, said: tuple[str, ...]) -> dict:
    """The answers a scenario gives (as choice ids), played under the current rules."""
    view = start(catalogue, library, flow)
    for text in said:
        if view.outcome is not None:
            break
        view = step(catalogue, view.conversation, text)
    return dict(view.path)


def play(catalogue: Catalogue, library: str, flow_id: str, answers: dict, rules: Rules) -> Played:
    """Answer every question the engine asks under ``rules`` from ``answers``; a question the
    case never answered gets its first real choice (the one the new rules imply)."""
    flow = catalogue.flow(library, flow_id)
    with under(rules):
        view: View = start(catalogue, library, flow_id)
        for _ in range(len(flow.nodes) + 1):
            if view.question is None:
                break
            question = view.question
            choice = answers.get(question.id) or real_choices(question)[0].id
            if question.choice(choice) is None:
                choice = NOT_SURE if question.choice(NOT_SURE) else real_choices(question)[0].id
            view = answer(catalogue, view.conversation, question.id, choice)
    assert view.outcome is not None, f"{flow_id} [{library}] did not end"
    return Played(len(view.path), int(view.outcome.escalate.pages), view.outcome.id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--content", type=Path, default=None)
    parser.add_argument("--by-flow", action="store_true", help="Also print each flow's means.")
    args = parser.parse_args()
    catalogue = Catalogue.load(args.content)
    scenarios = load_scenarios(catalogue.root / "tests" / "scenarios", sorted(catalogue.packs))
    before: list[Played] = []
    after: list[Played] = []
    by_flow: dict[str, list[tuple[Played, Played]]] = defaultdict(list)
    for scenario in scenarios:
        answers = intent(catalogue, scenario.library, scenario.flow, scenario.say)
        old = play(catalogue, scenario.library, scenario.flow, answers, LEGACY)
        new = play(catalogue, scenario.library, scenario.flow, answers, CURRENT)
        before.append(old)
        after.append(new)
        by_flow[scenario.flow].append((old, new))

    def mean(items: list[Played], field: str) -> float:
        return statistics.fmean(getattr(p, field) for p in items)

    n = len(after)
    print(f"desk bench: {n} scenario runs ({len(by_flow)} flows, {len(catalogue.packs)} "
          "libraries), before = rules without per-library relevance and cautious Not sure")
    print(f"{'':28}{'before':>10}{'after':>10}{'after/before':>14}")
    for label, field in (("questions asked per case", "asked"), ("pages per case", "pages")):
        b, a = mean(before, field), mean(after, field)
        print(f"{label:28}{b:10.3f}{a:10.3f}{(a / b if b else 0):14.3f}")
    unsure = [i for i, s in enumerate(scenarios)
              if NOT_SURE in intent(catalogue, s.library, s.flow, s.say).values()]
    if unsure:
        b = statistics.fmean(before[i].pages for i in unsure)
        a = statistics.fmean(after[i].pages for i in unsure)
        print(f"{'  of which with Not sure':28}{b:10.3f}{a:10.3f}{(a / b if b else 0):14.3f}"
              f"   ({len(unsure)} runs)")
    fewer_pages = sum(1 for o, w in zip(before, after, strict=True) if w.pages < o.pages)
    more_pages = sum(1 for o, w in zip(before, after, strict=True) if w.pages > o.pages)
    fewer_asked = sum(1 for o, w in zip(before, after, strict=True) if w.asked < o.asked)
    print(f"cases paging less: {fewer_pages}; paging more: {more_pages}; "
          f"asked fewer questions: {fewer_asked} (of {n})")
    if args.by_flow:
        print(f"\n{'flow':36}{'runs':>5}{'asked b/a':>14}{'pages b/a':>14}")
        for flow, pairs in sorted(by_flow.items()):
            olds = [o for o, _ in pairs]
            news = [w for _, w in pairs]
            print(f"{flow:36}{len(pairs):5}"
                  f"{mean(olds, 'asked'):7.2f}/{mean(news, 'asked'):<6.2f}"
                  f"{mean(olds, 'pages'):7.2f}/{mean(news, 'pages'):<6.2f}")


if __name__ == "__main__":
    main()
