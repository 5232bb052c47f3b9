"""Where the slowest messages of each routing set spend their time: the tail of route()'s p99.

    python bench/route_tail.py [--sets blind,blind2,blind3] [--repeat 5] [--share 0.02]
                               [--profile 25]
    python bench/route_tail.py --opcodes [--sets blind,blind2,blind3]

Each message is routed ``repeat`` times and keeps its least CPU time (the calling thread's: on a
shared machine the rest is other processes' turn); the slowest ``share`` of each set is the tail.
For the tail it prints each message's CPU time split into redaction, scoring (features, weights,
the band) and the rest (prefill of the started or offered situations, the stated date), each part
timed on its own and the least of ``repeat`` passes, and then a profile (cProfile, by own time)
of routing the tail messages of every set.

With ``--opcodes`` it times nothing: it counts the Python bytecode instructions each message's
``route()`` executes (after the warm-up pass, as timed), a deterministic measure that a loaded
machine does not blur, and prints per set their p50, mean and p99 and the split of the slowest
``share`` into redaction, scoring and the rest. (Work done in C - regular expressions, rapidfuzz,
numpy - is not counted: a change that moves work into C needs ``valgrind --tool=callgrind``.)
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from router_bench import SETS  # noqa: E402

from bot.content.catalogue import Catalogue  # noqa: E402
from bot.privacy.redact import redact  # noqa: E402
from bot.router import Router  # noqa: E402
from bot.router.text import one_message  # noqa: E402
from tests.routing.labelled import load_examples  # noqa: E402


def least_cpu(call: Callable[[], object], repeat: int) -> float:
    """The least CPU time of ``repeat`` calls, in microseconds."""
    best = None
    for _ in range(repeat):
        start = time.thread_time_ns()
        call()
        spent = time.thread_time_ns() - start
        best = spent if best is None or spent < best else best
    return (best or 0) / 1000


def opcodes(call: Callable[[], object]) -> int:
    """How many bytecode instructions ``call()`` executes (``sys.settrace``, per opcode)."""
    count = 0

    def trace(frame: Any, event: str, arg: object) -> Any:
        nonlocal count
        if event == "call":
            frame.f_trace_opcodes = True
        elif event == "opcode":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        call()
    finally:
        sys.settrace(None)
    return count


def quantile(values: list[int], share: float) -> int:
    """The ``share`` quantile of ``values`` (nearest rank, as the timing benches take p99)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def count_opcodes(router: Router, sets: list[str], share: float) -> None:
    """Print each set's opcodes per ``route()``: p50, mean, p99 and the tail's split."""

    def scored(text: str) -> Callable[[], object]:
        def score() -> object:
            with one_message():
                return router.decide(router.score_all(text))
        return score

    for name in sets:
        texts = [e.text for e in load_examples(SETS[name])]
        for text in texts:  # the warm-up pass, as timed
            router.route(text)
        counted = [(opcodes(lambda t=t: router.route(t)), t) for t in texts]
        values = [c for c, _ in counted]
        slowest = sorted(counted, reverse=True)[: max(1, round(len(texts) * share))]
        parts = [0, 0, 0]
        for spent, text in slowest:
            redacting = opcodes(lambda t=text: redact(t))
            scoring = opcodes(scored(text))
            for i, part in enumerate((redacting, scoring, spent - redacting - scoring)):
                parts[i] += part
        whole = sum(c for c, _ in slowest)
        print(f"{name}: {len(texts)} messages, opcodes per route(): p50 {quantile(values, 0.5)}, "
              f"mean {sum(values) / len(values):.0f}, p99 {quantile(values, 0.99)}; the slowest "
              f"{len(slowest)}: {whole} = redaction {parts[0] / whole:.0%} + scoring "
              f"{parts[1] / whole:.0%} + prefill and the rest {parts[2] / whole:.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--library", default="mount-prospect")
    parser.add_argument("--sets", default="blind,blind2,blind3")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--share", type=float, default=0.02, help="the tail's share of a set")
    parser.add_argument("--profile", type=int, default=25, help="profile rows (0: none)")
    parser.add_argument("--opcodes", action="store_true",
                        help="count bytecode instructions per route() instead of timing")
    args = parser.parse_args()
    router = Router.from_catalogue(Catalogue.load(ROOT), args.library)
    if args.opcodes:
        count_opcodes(router, args.sets.split(","), args.share)
        return

    def scored(text: str) -> Callable[[], object]:
        def score() -> object:
            with one_message():
                return router.decide(router.score_all(text))
        return score

    tail: list[str] = []
    totals = [0.0, 0.0, 0.0, 0.0]
    for name in args.sets.split(","):
        texts = [e.text for e in load_examples(SETS[name])]
        for text in texts:  # the warm-up pass
            router.route(text)
        whole = sorted(((least_cpu(lambda t=t: router.route(t), args.repeat), t) for t in texts),
                       reverse=True)
        slowest = whole[: max(1, round(len(texts) * args.share))]
        print(f"{name}: {len(texts)} messages, the slowest {len(slowest)} "
              f"(us: whole = redaction + scoring + prefill and the rest)")
        for spent, text in slowest:
            redacting = least_cpu(lambda t=text: redact(t), args.repeat)
            scoring = least_cpu(scored(text), args.repeat)
            rest = spent - redacting - scoring
            result = router.route(text)
            for i, part in enumerate((spent, redacting, scoring, rest)):
                totals[i] += part
            print(f"  {spent:5.0f} = {redacting:4.0f} + {scoring:4.0f} + {rest:4.0f}  "
                  f"{result.band:<9} {len(result.suggestions) or 1} flow(s) prefilled  "
                  f"{len(text):4d} chars  {text[:60]!r}")
            tail.append(text)
    whole, redacting, scoring, rest = totals
    print(f"\ntail of {len(tail)}: {whole:.0f} us = redaction {redacting / whole:.0%} + scoring "
          f"{scoring / whole:.0%} + prefill and the rest {rest / whole:.0%}")
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.repeat):
            for text in tail:
                router.route(text)
        profile.disable()
        print()
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
