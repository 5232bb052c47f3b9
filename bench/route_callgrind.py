"""How many machine instructions route() executes per message: a count a loaded machine does not
blur, C work (regular expressions, rapidfuzz, numpy) included.

    python bench/route_callgrind.py [--sets blind,blind2,blind3,blind4] [--at REV]
                                    [--profile FILE] [--every N]

It runs one process under ``valgrind --tool=callgrind`` (``PYTHONHASHSEED=0``): the router for
mount-prospect, every opening of the sets routed once uncounted (the warm-up every timing bench
does; callgrind's instrumentation is off until then), then each routed again between two calls
of ``os.getppid``, which callgrind is told to dump before (``--dump-before=os_getppid``): one
dump per message, its instructions that message's ``route()`` (and a few hundred for the
loop). It prints per set and over all of them
the mean, p50, p99 and max in millions of instructions.

``--at REV`` measures another revision's ``bot`` package (unpacked with ``git archive``) on this
tree's messages and content, as ``route_identity`` compares them.
``--profile FILE`` instead writes one callgrind dump of the whole measured pass (for
``callgrind_annotate --inclusive=yes FILE``). ``--every N`` measures every Nth message only
(a quicker look; the figures to report use all of them).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from redact_bench import unpack  # this folder is on sys.path when run as a script
from router_bench import SETS

ROOT = Path(__file__).resolve().parents[1]

# Run under callgrind with the tree to measure first on sys.path; reads the texts on stdin.
RUNNER = r"""
import json, os, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from bot.content.catalogue import Catalogue
from bot.router import Router

texts = json.loads(Path(sys.argv[4]).read_text("utf-8"))
router = Router.from_catalogue(Catalogue.load(Path(sys.argv[3])), "mount-prospect")
route = router.route
for text in texts:
    route(text)
print("ready", flush=True)
go = Path(sys.argv[5])
while not go.exists():  # (the parent switches the instrumentation on, then makes the file)
    pass
if sys.argv[2] == "each":
    os.getppid()  # the first dump (the wait) ends here
    for text in texts:
        route(text)
        os.getppid()  # one dump per message
else:
    os.getpid()  # the counts are zeroed here
    for text in texts:
        route(text)
    os.getppid()  # the one dump
"""


def openings(sets: list[str]) -> dict[str, list[str]]:
    """Every opening of each set (in scope or not), as the router bench routes them."""
    sys.path.insert(0, str(ROOT))
    from tests.routing.labelled import load_examples

    return {name: [e.text for e in load_examples(SETS[name])] for name in sets}


def run(tree: Path, texts: list[str], folder: Path, profile: Path | None) -> list[int]:
    """Instructions per text (per message mode), or [] after writing ``profile``.

    Start-up and the warm-up pass run with callgrind's instrumentation off (at a few times the
    native speed, not ~50 times): the runner says "ready", this switches it on with
    ``callgrind_control -i on`` and makes the file the runner waits for."""
    out = folder / "cg.out"
    given, go = folder / "texts.json", folder / "go"
    given.write_text(json.dumps(texts), "utf-8")
    trigger = ["--instr-atstart=no", "--dump-before=os_getppid",
               f"--callgrind-out-file={profile or out}"]
    if profile is not None:
        trigger.insert(0, "--zero-before=os_getpid")
    command = ["valgrind", "--tool=callgrind", *trigger, sys.executable, "-c", RUNNER, str(tree),
               "profile" if profile else "each", str(ROOT), str(given), str(go)]
    callgrind(tree, command, go)
    if profile is not None:  # (the pass's dump is profile.1; profile itself, the exit's)
        profile.with_name(profile.name + ".1").replace(profile)
        return []
    return counts_per_text(folder, len(texts))


def callgrind(tree: Path, command: list[str], go: Path) -> None:
    """Run ``command`` (valgrind and a runner) with its own content cache; once the runner says
    "ready", switch callgrind's instrumentation on and make the file ``go`` it waits for."""
    with tempfile.TemporaryDirectory() as cache:  # each tree builds its own cached content
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, env={**os.environ, "PYTHONHASHSEED": "0",
                                                 "FRONTDESK_CACHE": cache})
        assert child.stdout is not None
        if child.stdout.readline().strip() == "ready":
            subprocess.run(["callgrind_control", "-i", "on", str(child.pid)], check=True,
                           capture_output=True)
            go.touch()
        _, errors = child.communicate()
    if child.returncode:
        raise SystemExit(f"callgrind on {tree} failed:\n{errors[-1500:]}")


def counts_per_text(folder: Path, texts: int) -> list[int]:
    """Instructions per text from ``folder``'s dumps: dump 1 is the wait for the file, dump
    k + 1 the k-th text's."""
    dumps = sorted(folder.glob("cg.out.*"), key=lambda p: int(p.suffix[1:]))
    counts = [_totals(p) for p in dumps][1:]
    if len(counts) != texts:
        raise SystemExit(f"expected {texts} dumps after the first, found {len(counts)}")
    return counts


def _totals(path: Path) -> int:
    for line in path.read_text("utf-8", "replace").splitlines():
        if line.startswith("totals:"):
            return int(line.split()[1])
    raise SystemExit(f"{path}: no totals line")


def quantile(values: list[int], share: float) -> int:
    """Nearest rank, as the timing benches take p99."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="blind,blind2,blind3,blind4")
    parser.add_argument("--at", default=None, help="a git revision to measure instead of this tree")
    parser.add_argument("--profile", type=Path, default=None,
                        help="write one callgrind dump of the measured pass here instead")
    parser.add_argument("--every", type=int, default=1, help="measure every Nth message only")
    parser.add_argument("--json", type=Path, default=None, help="also write the counts here")
    args = parser.parse_args()
    by_set = {name: texts[:: args.every] for name, texts in openings(args.sets.split(",")).items()}
    texts = [t for items in by_set.values() for t in items]
    with tempfile.TemporaryDirectory() as folder:
        tree = ROOT if args.at is None else unpack(args.at, Path(folder) / "tree")
        dumps = Path(folder) / "dumps"
        dumps.mkdir()
        counts = run(tree, texts, dumps, args.profile and args.profile.resolve())
    if args.profile is not None:
        print(f"wrote {args.profile} ({len(texts)} messages)")
        return
    if args.json:
        args.json.write_text(json.dumps(dict(zip(texts, counts, strict=True)), ensure_ascii=False))
    print(f"{args.at or 'this tree'}: route() instructions per message (millions), callgrind")
    print(f"{'set':8} {'n':>5} {'mean':>7} {'p50':>7} {'p99':>7} {'max':>7}")
    start = 0
    rows = [(name, counts[start:(start := start + len(items))]) for name, items in by_set.items()]
    for name, values in [*rows, ("all", counts)]:
        mean = sum(values) / len(values) / 1e6
        print(f"{name:8} {len(values):5} {mean:7.3f} {quantile(values, 0.5) / 1e6:7.3f} "
              f"{quantile(values, 0.99) / 1e6:7.3f} {max(values) / 1e6:7.3f}")


if __name__ == "__main__":
    main()
