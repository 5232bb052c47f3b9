"""Redaction speed: ``redact`` runs on every message a face receives, so it must stay cheap.

Times ``bot.privacy.redact.redact`` over every note of the blind canary sets
(tests/privacy/canary_blind*.yaml), after a warm-up pass (the name lists load once), against
two baselines measured in the same run:

* the floor: the same notes through ``unicodedata.normalize`` and one ``re.findall`` of their
  words (what any text handling pays), so the figure is a ratio, not machine-bound seconds;
* with ``--against REF``: the redactor of another git revision (``main@{1hour}``, a commit),
  unpacked with ``git archive`` and timed in its own process, rounds alternating with this
  tree's so a busy machine slows both alike.

Target: this tree's redactor no more than 2x the revision it replaces (``--against``).

It also prints, per set and for each tree, what redaction alone does to the notes: the
identifiers still found in its output (as whole words, as the blind canary test finds them;
target 0) and the clean notes it changes (target: not up).

    python bench/redact_bench.py [--against REF] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the canary test's search, as the test does it
SETS = sorted((ROOT / "tests" / "privacy").glob("canary_blind*.yaml"))

# Run in a fresh process with the tree to time first on sys.path: the best of ``repeat``
# passes over the notes (milliseconds of this process's CPU time, so a shared machine's other
# work does not count), for redact and for the floor.
TIMER = r"""
import json, re, sys, time, unicodedata
sys.path.insert(0, sys.argv[1])
from bot.privacy.redact import redact
notes = json.loads(sys.stdin.read())
for note in notes:
    redact(note)
def best(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.process_time()  # CPU time: other work on the machine is not counted
        for note in notes:
            function(note)
        times.append(time.process_time() - start)
    return min(times) * 1000
words = re.compile(r"\w+")
floor = best(lambda note: words.findall(unicodedata.normalize("NFC", note)), 3)
print(json.dumps({"redact": best(redact, int(sys.argv[2])), "floor": floor,
                  "out": [redact(note) for note in notes]}))
"""


def items() -> list[tuple[str, dict[str, Any]]]:
    """(set name, item) for every note of every set."""
    import yaml

    return [(path.name, item) for path in SETS
            for item in yaml.safe_load(path.read_text("utf-8"))]


def accuracy(notes: list[tuple[str, dict[str, Any]]], out: list[str]) -> dict[str, str]:
    """Per set: identifiers missed of all, clean notes changed of all."""
    from tests.test_privacy_blind_canary import found

    counts: dict[str, list[int]] = {}
    for (name, item), redacted in zip(notes, out, strict=True):
        missed, identifiers, changed, clean = counts.setdefault(name, [0, 0, 0, 0])
        if item["identifiers"]:
            identifiers += len(item["identifiers"])
            missed += sum(found(i, redacted) for i in item["identifiers"])
        else:
            clean += 1
            changed += redacted != item["text"]
        counts[name] = [missed, identifiers, changed, clean]
    return {name: f"missed {m}/{i} identifiers, changed {c}/{n} clean notes"
            for name, (m, i, c, n) in counts.items()}


def unpack(revision: str, into: Path) -> Path:
    """The ``bot`` package of ``revision``, unpacked under ``into``."""
    archive = subprocess.run(["git", "archive", revision, "bot"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
            tar.extractall(into, filter="data")
        else:
            tar.extractall(into)  # noqa: S202 (our own repository's archive)
    return into


def time_tree(tree: Path, texts: list[str], repeat: int) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", TIMER, str(tree), str(repeat)],
                          input=json.dumps(texts), capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"timing {tree} failed:\n{done.stderr[-800:]}")
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", help="a git revision to compare with (main@{1hour})")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="passes per round (best kept)")
    args = parser.parse_args()
    notes = items()
    texts = [item["text"] for _, item in notes]
    with tempfile.TemporaryDirectory() as folder:
        other = unpack(args.against, Path(folder)) if args.against else None
        ours: list[dict[str, float]] = []
        theirs: list[dict[str, float]] = []
        for _ in range(args.rounds):
            ours.append(time_tree(ROOT, texts, args.repeat))
            if other is not None:
                theirs.append(time_tree(other, texts, args.repeat))
    here = statistics.median(r["redact"] for r in ours)
    floor = statistics.median(r["floor"] for r in ours)
    print(f"{len(texts)} notes from {len(SETS)} canary sets, median of {args.rounds} rounds")
    print(f"this tree: {here:7.1f} ms  ({here / len(texts) * 1000:5.0f} us/note, "
          f"{here / floor:5.1f}x the floor)")
    if theirs:
        there = statistics.median(r["redact"] for r in theirs)
        print(f"{args.against}: {there:7.1f} ms  ({there / len(texts) * 1000:5.0f} us/note)")
        print(f"ratio this tree / {args.against}: {here / there:.2f}x (target <= 2x)")
    for label, rounds in (("this tree", ours), (args.against, theirs)):
        if rounds:
            for name, line in accuracy(notes, rounds[0]["out"]).items():
                print(f"{label} {name}: {line}")


if __name__ == "__main__":
    main()
