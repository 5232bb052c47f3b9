"""Redaction speed: ``redact`` runs on every message a face receives, so it must stay cheap.

Times ``bot.privacy.redact.redact`` over every note of the blind canary sets
(tests/privacy/canary_blind*.yaml) and every desk opening of the routing sets, after a warm-up
pass (the name lists load once), against two baselines measured in the same run:

* the floor: the same notes through ``unicodedata.normalize`` and one ``re.findall`` of their
  words (what any text handling pays), so the figure is a ratio, not machine-bound seconds;
* with ``--against REF``: the redactor of another git revision (``main@{1hour}``, a commit),
  unpacked with ``git archive`` and timed in its own process, rounds alternating with this
  tree's so a busy machine slows both alike.

Target: this tree's redactor no more than 2x the revision it replaces (``--against``).

Per message it prints p50 and p99 (each note's best time over all passes), for the canary
notes and for the desk openings the router redacts first (every message of the routing sets,
tests/routing/*.yaml: what ``route()`` pays for redaction on each message), and with
``--against`` it checks that both trees redact every in-repo test text alike: the canary notes
and every other string of the test data (tests/**/*.yaml) and of the tests themselves (their
string literals), so a change made for speed shows any output it changes, byte for byte (the
command exits 1 when one differs).

It also prints, per set and for each tree, what redaction alone does to the notes: the
identifiers still found in its output (as whole words, as the blind canary test finds them;
target 0) and the clean notes it changes (target: not up).

    python bench/redact_bench.py [--against REF] [--rounds 5]
    python bench/redact_bench.py --against REF --rounds 1 --repeat 1   # the output check, quickly
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
given = json.loads(sys.stdin.read())
notes, corpus = given["notes"], given["corpus"]
for note in notes:
    redact(note)
each = [float("inf")] * len(notes)
def best(function, repeat, each=None):
    times = []
    for _ in range(repeat):
        start = time.process_time()  # CPU time: other work on the machine is not counted
        for index, note in enumerate(notes):
            if each is None:
                function(note)
                continue
            began = time.perf_counter()
            function(note)
            each[index] = min(each[index], time.perf_counter() - began)
        times.append(time.process_time() - start)
    return min(times) * 1000
words = re.compile(r"\w+")
floor = best(lambda note: words.findall(unicodedata.normalize("NFC", note)), 3)
print(json.dumps({"redact": best(redact, int(sys.argv[2])), "floor": floor,
                  "each": (best(redact, int(sys.argv[2]), each), each)[1],
                  "out": [redact(note) for note in notes],
                  "corpus": [redact(text) for text in corpus]}))
"""

def openings() -> list[str]:
    """Every message of the routing sets (desk openings, as staff type them)."""
    import yaml

    return [message for path in sorted((ROOT / "tests" / "routing").glob("*.yaml"))
            for messages in yaml.safe_load(path.read_text("utf-8")).values()
            for message in messages if isinstance(message, str)]


def items() -> list[tuple[str, dict[str, Any]]]:
    """(set name, item) for every note of every set."""
    import yaml

    return [(path.name, item) for path in SETS
            for item in yaml.safe_load(path.read_text("utf-8"))]


def corpus() -> list[str]:
    """Every text the tests hold: each string of the test data (YAML) and each string literal
    of the tests, once (what ``--against`` compares the two trees' output on)."""
    import ast

    import yaml

    found: dict[str, None] = {}

    def strings(value: Any) -> None:
        if isinstance(value, str):
            found.setdefault(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                strings(key)
                strings(item)
        elif isinstance(value, list):
            for item in value:
                strings(item)

    for path in sorted((ROOT / "tests").rglob("*.yaml")):
        strings(yaml.safe_load(path.read_text("utf-8")))
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.setdefault(node.value)
    return list(found)


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


def time_tree(tree: Path, texts: list[str], everything: list[str], repeat: int) -> dict[str, Any]:
    """One round in a fresh process: times, each note's best time, and the outputs."""
    given = json.dumps({"notes": texts, "corpus": everything})
    done = subprocess.run([sys.executable, "-c", TIMER, str(tree), str(repeat)],
                          input=given, capture_output=True, text=True, check=False)
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
    desk = openings()
    everything = corpus() if args.against else []
    with tempfile.TemporaryDirectory() as folder:
        other = unpack(args.against, Path(folder)) if args.against else None
        ours: list[dict[str, Any]] = []
        theirs: list[dict[str, Any]] = []
        for round_ in range(args.rounds):
            compared = everything if round_ == 0 else []  # the output once is enough
            ours.append(time_tree(ROOT, texts + desk, compared, args.repeat))
            if other is not None:
                theirs.append(time_tree(other, texts + desk, compared, args.repeat))
    here = statistics.median(r["redact"] for r in ours)
    count = len(texts) + len(desk)
    floor = statistics.median(r["floor"] for r in ours)
    print(f"{len(texts)} notes from {len(SETS)} canary sets and {len(desk)} desk openings, "
          f"median of {args.rounds} rounds")
    print(f"this tree: {here:7.1f} ms  ({here / count * 1000:5.0f} us/message, "
          f"{here / floor:5.1f}x the floor)")
    if theirs:
        there = statistics.median(r["redact"] for r in theirs)
        print(f"{args.against}: {there:7.1f} ms  ({there / count * 1000:5.0f} us/message)")
        print(f"ratio this tree / {args.against}: {here / there:.2f}x (target <= 2x)")
    for label, rounds in (("this tree", ours), (args.against, theirs)):
        if rounds:
            for kind, part in (("canary note", slice(0, len(texts))),
                               ("desk opening", slice(len(texts), None))):
                p50, p99 = per_message(rounds, part)
                print(f"{label} per {kind}: p50 {p50:5.0f} us, p99 {p99:5.0f} us")
    different = same_output(everything, ours[0]["corpus"], theirs[0]["corpus"]) if theirs else 0
    for label, rounds in (("this tree", ours), (args.against, theirs)):
        if rounds:
            for name, line in accuracy(notes, rounds[0]["out"][: len(notes)]).items():
                print(f"{label} {name}: {line}")
    if different:
        raise SystemExit(1)


def per_message(rounds: list[dict[str, Any]], part: slice) -> tuple[float, float]:
    """p50 and p99 over the ``part`` of the messages of each one's best time in any round
    (microseconds)."""
    best = sorted(min(times) for times in zip(*(r["each"][part] for r in rounds), strict=True))
    cuts = statistics.quantiles(best, n=100, method="inclusive")
    return cuts[49] * 1e6, cuts[98] * 1e6


def same_output(texts: list[str], ours: list[str], theirs: list[str]) -> int:
    """Print how many texts both trees redact alike, and the first that differ; the count of
    those that differ."""
    differ = [(t, a, b) for t, a, b in zip(texts, ours, theirs, strict=True) if a != b]
    print(f"same output on {len(texts) - len(differ)}/{len(texts)} in-repo test texts")
    for text, mine, other in differ[:10]:
        print(f"  DIFFERS {text!r}\n    this tree: {mine!r}\n    other:     {other!r}")
    return len(differ)


if __name__ == "__main__":
    main()
