"""Prefill precision and recall on a labelled set of phrasings, per answer and overall.

    python bench/prefill_bench.py                    # the blind set (tests/prefill/blind.yaml)
    python bench/prefill_bench.py --set tests/prefill/dev.yaml
    python bench/prefill_bench.py --misses           # also list every miss

Per answer (flow/question:choice): what prefill took unasked against what the set expects.
Precision counts wrong answers taken (the harmful kind: staff must notice and change them);
recall counts answers asked although stated (only slower). Safety-critical answers (choices a
flow marks ``critical``, and every answer but Not sure to a danger question: "nobody in
danger" too) are reported on their own: their precision must be 100 %. Negated or hedged
phrasings (``tricky``) are reported on their own too, and stated dates (a hold's start)
are counted right within 3 days ("last month").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.content.catalogue import Catalogue  # noqa: E402
from tests.prefill.scoring import Tally, load_items, score  # noqa: E402


def line(name: str, tally: Tally) -> str:
    return (f"{name:<62} P {tally.precision:6.1%}  R {tally.recall:6.1%}  "
            f"(tp {tally.tp}, fp {tally.fp}, fn {tally.fn})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=ROOT / "tests" / "prefill" / "blind.yaml")
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args()
    items = load_items(args.set)
    result = score(Catalogue.load(ROOT), items)
    print(f"prefill on {args.set.relative_to(ROOT) if args.set.is_absolute() else args.set}: "
          f"{result.items} phrasings ({sum(i.tricky for i in items)} negated or hedged)")
    for skipped in result.skipped:
        print(f"  skipped {skipped}")
    if result.unlabelled:
        print("takes of questions the set has no labels for (not scored): "
              f"{len(result.unlabelled)}")
        for taken in result.unlabelled if args.misses else ():
            print(f"  unlabelled {taken}")
    print("\nper answer:")
    for key in sorted(result.per_answer):
        print("  " + line(key, result.per_answer[key]))
    print()
    print(line("overall", result.overall))
    print(line("safety-critical answers", result.critical))
    print(line("negated or hedged phrasings", result.tricky))
    dates = result.dates
    print(f"stated dates (a hold's start): right {dates['right']}, wrong {dates['wrong']}, "
          f"missed {dates['missed']}, invented {dates['invented']}")
    if result.critical_errors:
        print("\nSAFETY-CRITICAL ANSWERS TAKEN WRONGLY:")
        for error in result.critical_errors:
            print("  " + error)
    if args.misses:
        print("\nmisses:")
        for miss in result.misses:
            print("  " + miss)
    return 1 if result.critical_errors else 0


if __name__ == "__main__":
    sys.exit(main())
