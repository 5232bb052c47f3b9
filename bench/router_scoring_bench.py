"""The routing model's scoring time against another revision's model, in one run.

    python bench/router_scoring_bench.py --against c97a037 [--repeat 5]

Both models (the working tree's ``bot/data/routing/model.json`` and ``model.bin``, and the same
files at ``--against``, read with ``git show``) are scored by this tree's code
(``bot.router.model.LinearModel.scores``: features, weights, softmax) on every message of the
blind sets, model by model on each message (each first on every other message) so that a shared
machine's load and the text's warm caches fall on both alike; per model the mean and p99 over
the messages of the best of ``repeat`` passes, and the ratio. Typo correction runs as it does
when routing (``one_message``). Under a load of ~12 on two cores, two byte-identical models still
differed by 1.11x (1.23x when the same one always went first): read a small difference as noise.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.router.model import MODEL_FILE, WEIGHTS_FILE, LinearModel, Packed, shipped  # noqa: E402
from bot.router.text import one_message  # noqa: E402
from tests.routing.labelled import load_examples  # noqa: E402

SETS = ("heldout_blind.yaml", "heldout_blind2.yaml", "heldout_blind3.yaml")
AT = "bot/data/routing/"


def at_revision(revision: str) -> Packed:
    def show(name: str) -> bytes:
        return subprocess.run(["git", "-C", str(ROOT), "show", f"{revision}:{AT}{name}"],
                              check=True, capture_output=True).stdout

    return Packed(json.loads(show(MODEL_FILE)), show(WEIGHTS_FILE))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--against", required=True, help="a git revision")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    here = shipped()
    assert here is not None
    models = {"this tree": LinearModel(here), args.against: LinearModel(at_revision(args.against))}
    texts = [e.text for name in SETS for e in load_examples(ROOT / "tests" / "routing" / name)]
    pairs = list(models.items())
    best: dict[str, list[int]] = {}
    for _ in range(max(1, args.repeat)):
        spent: dict[str, list[int]] = {name: [] for name in models}
        for i, text in enumerate(texts):
            # each model first on every other message: the second scorer of a message finds
            # the text's shared caches warm (its words, its pieces), and would look faster
            for name, model in (pairs if i % 2 == 0 else pairs[::-1]):
                start = time.thread_time_ns()
                with one_message():
                    model.scores(text)
                spent[name].append(time.thread_time_ns() - start)
        for name, values in spent.items():
            if name not in best or sum(values) < sum(best[name]):
                best[name] = values
    means = {}
    for name, values in best.items():
        means[name] = sum(values) / len(values) / 1000
        p99 = sorted(values)[int(len(values) * 0.99)] / 1000
        print(f"{name:<12} scoring CPU per message over {len(texts)} messages: "
              f"mean {means[name]:.1f} us, p99 {p99:.1f} us")
    print(f"this tree / {args.against}: {means['this tree'] / means[args.against]:.2f}x, "
          f"{means['this tree'] - means[args.against]:+.1f} us mean")


if __name__ == "__main__":
    main()
