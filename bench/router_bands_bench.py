"""How much the router's fitted bands and cross-validated top-1 move when the training data
moves a little: 2 % of the training phrases dropped at random, three seeds, plus the data as
it is.

    python bench/router_bands_bench.py [--seeds 3] [--drop 0.02]

For each run: five-fold out-of-fold predictions of the model as trained
(``bot.router.train.SETTING``: one model or two stages), then the bands fitted two ways on the
same predictions: the single best combination with no decline floor (``band_fits``, how they
were fitted before) and the median over resamples of the best that decline ``DECLINED_FLOOR``
of the desk talk (``fit_bands``, shipped); and the out-of-fold top-1, conf-wrong and declined
with each. The
spread (largest minus smallest over the runs) is what a small data change can do to them.
Training data only: no held-out set is read.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.router.model import Bands  # noqa: E402
from bot.router.train import (  # noqa: E402
    SETTING,
    band_fits,
    calibration,
    default_flows,
    figures,
    fit_bands,
    out_of_fold,
    training_examples,
    vocabulary_of,
)

NAMES = ("confident", "margin", "suggest", "background_lead", "gate")
SHOWN = ("top-1", "conf-wrong", "declined")


def run(examples: list) -> dict[str, tuple[Bands, dict[str, float]]]:  # type: ignore[type-arg]
    vocabulary = vocabulary_of(e.text for e in examples)
    probabilities, classes = out_of_fold(examples, lambda: SETTING.classifier(vocabulary))
    rows = calibration(examples)
    p, labels = probabilities[rows], [examples[i].label for i in rows]
    best = band_fits(p, classes, labels, bootstraps=0, gated=SETTING.gated)[0]
    median = fit_bands(p, classes, labels, gated=SETTING.gated)
    return {way: (bands, figures(p, classes, labels, bands))
            for way, bands in (("best (before)", best), ("median (shipped)", median))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--drop", type=float, default=0.02)
    args = parser.parse_args()
    examples = training_examples(default_flows())
    phrases = [i for i, e in enumerate(examples) if e.source == "phrases"]
    runs = {"as is": examples}
    for seed in range(args.seeds):
        dropped = set(random.Random(seed).sample(phrases, round(len(phrases) * args.drop)))
        runs[f"seed {seed}"] = [e for i, e in enumerate(examples) if i not in dropped]
    print(f"{len(examples)} examples, {len(phrases)} training phrases; dropping "
          f"{args.drop:.0%} of them ({round(len(phrases) * args.drop)}) per seed")
    results = {}
    for name, chosen in runs.items():
        started = time.perf_counter()
        results[name] = run(chosen)
        print(f"  {name}: {time.perf_counter() - started:.0f} s", flush=True)
    for way in ("best (before)", "median (shipped)"):
        print(f"\n{way}:")
        print(f"  {'run':<8}" + "".join(f"{n:>16}" for n in NAMES)
              + "".join(f"{n:>12}" for n in SHOWN))
        for name, result in results.items():
            bands, rates = result[way]
            print(f"  {name:<8}" + "".join(f"{getattr(bands, n):>16.2f}" for n in NAMES)
                  + "".join(f"{rates[n]:>11.1%} " for n in SHOWN))
        spread = {n: max(getattr(r[way][0], n) for r in results.values())
                  - min(getattr(r[way][0], n) for r in results.values()) for n in NAMES}
        rate_spread = {n: max(r[way][1][n] for r in results.values())
                       - min(r[way][1][n] for r in results.values()) for n in SHOWN}
        print(f"  {'spread':<8}" + "".join(f"{spread[n]:>16.2f}" for n in NAMES)
              + "".join(f"{rate_spread[n] * 100:>10.1f}pt " for n in SHOWN))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
