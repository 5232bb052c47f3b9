"""Router benchmark: accuracy, confidently-wrong rate and per-query latency against a baseline.

    python bench/router_bench.py [--library mount-prospect] [--repeat 20] [--misses]
                                 [--set labelled|heldout|blind|blind2]

Without --set: the full comparison on the labelled set, then the router's figures on each
held-out set (heldout, blind, blind2), none of which was ever used to tune anything.

Reproducible: the labelled set (tests/routing/labelled.yaml), the catalogue in this checkout and
the router are deterministic; only the latencies vary with the machine. Everything is measured
in the same run, side by side:

* **router** — ``bot.router.Router`` as every face uses it (redaction included in the timing);
* **baseline** — plain ``rapidfuzz.process.extractOne(text, descriptions, scorer=fuzz.WRatio)``
  against each flow's description (rapidfuzz's default preprocessing). Its top-1 is the best
  description; to give it its best shot, its "start the flow" threshold (below it: decline) is the
  one that maximises started-right + declined on this very set;
* **scorers** — the router with its rapidfuzz likeness scorer swapped, to show which measures best.

Metrics: *top-1* — in-scope messages whose first offer (the started flow, else the first "Did you
mean") is right; *started right* — in-scope messages started directly on the right flow;
*declined* — out-of-scope messages answered "I can't tell" (band none); *confidently wrong* —
messages (of all) for which a wrong flow would be started without asking; latency p50/p99 per
query after one warm-up pass.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.content.catalogue import Catalogue  # noqa: E402
from bot.router import Router, Tuning  # noqa: E402
from tests.routing.labelled import Example, load_examples  # noqa: E402


@dataclass(frozen=True)
class Decision:
    started: str | None  # the flow started without asking
    offered: str | None  # what staff see first (started, else the first suggestion)
    declined: bool


@dataclass(frozen=True)
class Score:
    top1: float
    started_right: float
    declined: float
    confidently_wrong: float
    p50_us: float
    p99_us: float
    misses: tuple[str, ...]


def measure(decide: Callable[[str], Decision], examples: list[Example], repeat: int) -> Score:
    decisions = [decide(e.text) for e in examples]  # also the warm-up pass
    timings: list[float] = []
    for _ in range(repeat):
        for example in examples:
            start = time.perf_counter_ns()
            decide(example.text)
            timings.append((time.perf_counter_ns() - start) / 1000)
    timings.sort()
    timings = timings or [0.0]
    in_scope = [(e, d) for e, d in zip(examples, decisions, strict=True) if e.situation]
    out_scope = [(e, d) for e, d in zip(examples, decisions, strict=True) if not e.situation]
    misses = tuple(
        f"{e.situation or 'out-of-scope'} <- {d.offered or ('declined' if d.declined else '?')}"
        f" | {e.text}"
        for e, d in zip(examples, decisions, strict=True)
        if (e.situation and not e.accepts(d.offered)) or (not e.situation and not d.declined)
    )
    wrong = sum(1 for e, d in zip(examples, decisions, strict=True)
                if d.started is not None and not e.accepts(d.started))
    return Score(
        top1=sum(e.accepts(d.offered) for e, d in in_scope) / len(in_scope),
        started_right=sum(e.accepts(d.started) for e, d in in_scope) / len(in_scope),
        declined=sum(d.declined for _, d in out_scope) / len(out_scope),
        confidently_wrong=wrong / len(examples),
        p50_us=timings[len(timings) // 2],
        p99_us=timings[min(len(timings) - 1, int(len(timings) * 0.99))],
        misses=misses,
    )


def router_decider(router: Router) -> Callable[[str], Decision]:
    def decide(text: str) -> Decision:
        result = router.route(text)
        offered = result.situation or (
            result.suggestions[0].situation if result.suggestions else None)
        return Decision(result.situation, offered, result.band == "none")

    return decide


def baseline_decider(catalogue: Catalogue, library: str,
                     threshold: float) -> Callable[[str], Decision]:
    flows = catalogue.flows_for(library)
    ids = list(flows)
    descriptions = [flows[i].description for i in ids]

    def decide(text: str) -> Decision:
        best = process.extractOne(text, descriptions, scorer=fuzz.WRatio,
                                  processor=utils.default_process)
        if best is None:
            return Decision(None, None, True)
        if best[1] < threshold:  # below the bar: offered as a suggestion, not started
            return Decision(None, ids[best[2]], True)
        return Decision(ids[best[2]], ids[best[2]], False)

    return decide


def best_baseline_threshold(catalogue: Catalogue, library: str,
                            examples: list[Example]) -> float:
    def merit(threshold: float) -> float:
        score = measure(baseline_decider(catalogue, library, threshold), examples, repeat=0)
        return score.started_right + score.declined

    return max(range(0, 101, 5), key=lambda t: (merit(float(t)), -t)) * 1.0


SETS = {
    "labelled": ROOT / "tests" / "routing" / "labelled.yaml",
    "heldout": ROOT / "tests" / "routing" / "heldout.yaml",
    "blind": ROOT / "tests" / "routing" / "heldout_blind.yaml",
    "blind2": ROOT / "tests" / "routing" / "heldout_blind2.yaml",
}


def row(name: str, s: Score) -> str:
    return (f"{name:<28} {s.top1:7.1%} {s.started_right:9.1%} {s.declined:9.1%} "
            f"{s.confidently_wrong:9.1%} {s.p50_us:9.1f} {s.p99_us:9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--library", default="mount-prospect")
    parser.add_argument("--repeat", type=int, default=20, help="timed passes over the set")
    parser.add_argument("--misses", action="store_true", help="list the router's misses")
    parser.add_argument("--set", choices=sorted(SETS),
                        help="one set (default: labelled in full, then each held-out set's "
                             "router figures); labelled has the bars, the others never tuned on")
    args = parser.parse_args()

    catalogue = Catalogue.load(ROOT)
    if args.set is None:
        report(catalogue, args.library, "labelled", args.repeat, args.misses)
        print("\nheld-out sets (never used for tuning), router only:")
        print(f"{'':<28} {'top-1':>7} {'started':>9} {'declined':>9} {'conf-wrong':>9} "
              f"{'p50 us':>9} {'p99 us':>9}")
        router = Router.from_catalogue(catalogue, args.library)
        for name in SETS:
            if name != "labelled":
                examples = load_examples(SETS[name])
                print(row(f"{name} ({len(examples)})",
                          measure(router_decider(router), examples, args.repeat)))
        return
    report(catalogue, args.library, args.set, args.repeat, args.misses)


def report(catalogue: Catalogue, library: str, name: str, repeat: int, misses: bool) -> None:
    """The full comparison on one set: router, baselines, likeness scorers."""
    examples = load_examples(SETS[name])
    n_in = sum(1 for e in examples if e.situation)
    started = time.perf_counter()
    router = Router.from_catalogue(catalogue, library)
    build_ms = (time.perf_counter() - started) * 1000
    print(f"catalogue: {len(router.flows)} flows for {library}; {name}: {n_in} in scope, "
          f"{len(examples) - n_in} out of scope; router built in {build_ms:.0f} ms\n")

    ours = measure(router_decider(router), examples, repeat)
    threshold = best_baseline_threshold(catalogue, library, examples)
    base = measure(baseline_decider(catalogue, library, threshold), examples, repeat)

    header = (f"{'':<28} {'top-1':>7} {'started':>9} {'declined':>9} {'conf-wrong':>9} "
              f"{'p50 us':>9} {'p99 us':>9}")
    print(header)
    print(row("router", ours))
    print(row(f"baseline WRatio/desc (>={threshold:.0f})", base))
    always = measure(baseline_decider(catalogue, library, 0.0), examples, 0)
    print(row("baseline, always starts", always)[:-20] + "   (same latency)")
    ratio = (
        f"{'router / baseline':<28} {ours.top1 / base.top1 if base.top1 else float('inf'):6.2f}x "
        f"{'':>9} {ours.declined / base.declined if base.declined else float('inf'):8.2f}x "
        f"{'':>9} {ours.p50_us / base.p50_us:8.2f}x {ours.p99_us / base.p99_us:8.2f}x"
    )
    print(ratio)
    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    print(f"\nbars: top-1 >= 90 % {verdict(ours.top1 >= 0.9)}; "
          f"declined >= 90 % {verdict(ours.declined >= 0.9)}; "
          f"p99 < 1 ms {verdict(ours.p99_us < 1000)}")

    print("\nlikeness scorer (the router's rapidfuzz signal), same set:")
    for scorer in (fuzz.token_set_ratio, fuzz.token_sort_ratio, fuzz.WRatio, fuzz.QRatio,
                   fuzz.partial_ratio):
        tuned = Router.from_catalogue(catalogue, library,
                                      replace(Tuning(), scorer=scorer))
        print(row(f"  {scorer.__name__}", measure(router_decider(tuned), examples, 1)))
    no_likeness = Router.from_catalogue(catalogue, library,
                                        replace(Tuning(), likeness_weight=0.0))
    print(row("  (no likeness signal)", measure(router_decider(no_likeness), examples, 1)))

    if misses:
        print(f"\nrouter misses ({len(ours.misses)}):  expected <- offered | message")
        for miss in ours.misses:
            print("  " + miss)
    print(f"\nlatency over {repeat} timed passes of {len(examples)} messages "
          f"({repeat * len(examples)} queries), after one warm-up pass")


if __name__ == "__main__":
    main()
