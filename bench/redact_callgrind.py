"""How many machine instructions redact() executes per text: route_callgrind's count, for the
redactor alone (a third of route()'s tail), so a change to bot/privacy/ is weighed without the
router's share blurring it.

    python bench/redact_callgrind.py [--at REV] [--sets blind,blind2,blind3,blind4]

The texts: every opening of the routing sets (what route() redacts first) and every note of
the in-repo canary sets (tests/privacy/canary_blind*.yaml, own_canary*.yaml: longer notes,
more identifiers). One process under ``valgrind --tool=callgrind`` redacts each once uncounted
(the name lists load, the patterns compile), then again with one dump per text, as
route_callgrind does. ``--at REV`` measures another revision's ``bot`` package on the same
texts. It prints per set the mean, p50, p99 and max in thousands of instructions.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import yaml
from redact_bench import unpack  # this folder is on sys.path when run as a script
from route_callgrind import callgrind, counts_per_text, openings, quantile

ROOT = Path(__file__).resolve().parents[1]

RUNNER = r"""
import json, os, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from bot.privacy.redact import redact

texts = json.loads(Path(sys.argv[2]).read_text("utf-8"))
for text in texts:
    redact(text)
print("ready", flush=True)
go = Path(sys.argv[3])
while not go.exists():  # (the parent switches the instrumentation on, then makes the file)
    pass
os.getppid()  # the first dump (the wait) ends here
for text in texts:
    redact(text)
    os.getppid()  # one dump per text
"""


def canary_notes() -> list[str]:
    folder = ROOT / "tests" / "privacy"
    files = sorted(folder.glob("canary_blind*.yaml")) + sorted(folder.glob("own_canary*.yaml"))
    return [item["text"] for path in files for item in yaml.safe_load(path.read_text("utf-8"))]


def run(tree: Path, texts: list[str], folder: Path) -> list[int]:
    """Instructions per text (see route_callgrind.run: the same switch and dumps)."""
    given, go = folder / "texts.json", folder / "go"
    given.write_text(json.dumps(texts), "utf-8")
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--dump-before=os_getppid",
               f"--callgrind-out-file={folder / 'cg.out'}", sys.executable, "-c", RUNNER,
               str(tree), str(given), str(go)]
    callgrind(tree, command, go)
    return counts_per_text(folder, len(texts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="blind,blind2,blind3,blind4")
    parser.add_argument("--at", default=None, help="a git revision to measure instead of this tree")
    args = parser.parse_args()
    by_set = openings(args.sets.split(","))
    by_set["canary"] = canary_notes()
    texts = [t for items in by_set.values() for t in items]
    with tempfile.TemporaryDirectory() as folder:
        tree = ROOT if args.at is None else unpack(args.at, Path(folder) / "tree")
        dumps = Path(folder) / "dumps"
        dumps.mkdir()
        counts = run(tree, texts, dumps)
    print(f"{args.at or 'this tree'}: redact() instructions per text (thousands), callgrind")
    print(f"{'set':8} {'n':>5} {'mean':>8} {'p50':>8} {'p99':>8} {'max':>8}")
    start = 0
    rows = [(name, counts[start:(start := start + len(items))]) for name, items in by_set.items()]
    routing = [c for name, values in rows if name != "canary" for c in values]
    for name, values in [*rows, ("routing", routing), ("all", counts)]:
        print(f"{name:8} {len(values):5} {sum(values) / len(values) / 1e3:8.1f} "
              f"{quantile(values, 0.5) / 1e3:8.1f} {quantile(values, 0.99) / 1e3:8.1f} "
              f"{max(values) / 1e3:8.1f}")


if __name__ == "__main__":
    main()
