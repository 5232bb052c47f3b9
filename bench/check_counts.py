"""Start-up and `frontdesk check` counted rather than timed: for each command of
``bench/check_bench.py``, the modules a fresh process imports and (with ``--instructions``)
the instructions it runs, from valgrind's callgrind (deterministic under any load, with
PYTHONHASHSEED=0). On a shared machine wall times mean little; these counts do not move.

Caches are warmed first, as check_bench does (a user's second run); ``--bytecode-cache`` as
check_bench's (see its docstring).
``--against REF`` counts a second tree in the same run: a git ref of this checkout, exported
to a temporary folder.

    python bench/check_counts.py [--instructions] [--packs 50] [--against main]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_bench import generated_content  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import atexit, json, sys
def report():
    print(json.dumps(sorted(sys.modules)), file=sys.__stderr__)
atexit.register(report)
sys.argv = ["frontdesk", *{args!r}]
from bot.cli import main
main()
"""
# What a short command should not pay for, by top-level package (or bot module prefix).
WATCHED = ("slack_bolt", "slack_sdk", "sqlalchemy", "fpdf", "flask", "faker", "nicknames",
           "english_words", "jinja2", "jsonschema", "bot.router.router", "bot.privacy",
           "bot.engine.step")


def commands(tree: Path, many: Path) -> dict[str, list[str]]:
    return {
        "python -c pass": [],
        "frontdesk --version": ["--version"],
        "frontdesk route TEXT": ["route", "cop at the desk wants what a patron borrowed"],
        "frontdesk check (bundled)": ["check", "--quiet", str(tree)],
        f"frontdesk check ({len(list((many / 'knowledge').glob('*/pack.yaml')))} packs)":
            ["check", "--quiet", str(many)],
    }


def run(tree: Path, args: list[str], env: dict[str, str], *, callgrind: bool,
        out: Path) -> tuple[list[str], int | None]:
    """The modules one fresh process imported, and its instruction count."""
    code = "pass" if not args else PROBE.format(args=args)
    python = [sys.executable, "-c", code]
    done = subprocess.run(python, cwd=tree, env=env, capture_output=True, text=True)
    modules = json.loads(done.stderr.strip().splitlines()[-1]) if args else []
    if not callgrind:
        return modules, None
    target = out / "callgrind.out"
    if not args:
        command = python
    else:
        command = [sys.executable, "-c", "from bot.cli import main; main()", *args]
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={target}", *command],
                   cwd=tree, env=env, capture_output=True, check=False)
    totals = [line for line in target.read_text().splitlines() if line.startswith("totals:")]
    return modules, int(totals[0].split()[1])


def count(tree: Path, many: Path, cache: Path, callgrind: bool,
          bytecode: bool) -> dict[str, tuple]:
    env = {**os.environ, "FRONTDESK_CACHE": str(cache), "NO_COLOR": "1", "PYTHONHASHSEED": "0"}
    if bytecode:  # as check_bench runs them (see its docstring)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    found = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name, args in commands(tree, many).items():
            if args:  # warm the caches (a user's second run)
                subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", *args],
                               cwd=tree, env=env, capture_output=True, check=False)
            found[name] = run(tree, args, env, callgrind=callgrind, out=Path(scratch))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instructions", action="store_true", help="also run under callgrind")
    parser.add_argument("--packs", type=int, default=50)
    parser.add_argument("--against", help="a git ref to count in the same run")
    parser.add_argument("--bytecode-cache", action="store_true",
                        help="drop PYTHONDONTWRITEBYTECODE: run with bytecode, as installed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        many = generated_content(Path(tmp) / "many", args.packs)
        trees = {"this tree": ROOT}
        if args.against:
            other = Path(tmp) / "against"
            other.mkdir()
            archive = subprocess.run(["git", "archive", args.against], cwd=ROOT, check=True,
                                     capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(other)], input=archive, check=True)
            trees = {args.against: other, **trees}
        results = {label: count(tree, many, Path(tmp) / f"cache-{index}", args.instructions,
                                args.bytecode_cache)
                   for index, (label, tree) in enumerate(trees.items())}
        shutil.rmtree(many, ignore_errors=True)
    for label, found in results.items():
        print(f"== {label}")
        floor = found["python -c pass"][1]
        for name, (modules, instructions) in found.items():
            watched = sorted({w for w in WATCHED for m in modules
                              if m == w or m.startswith(w + ".")})
            above = "" if instructions is None or floor is None else (
                f"  {instructions / 1e6:9.1f} M instructions ({(instructions - floor) / 1e6:8.1f}"
                " M above the floor)")
            print(f"{name:<28} {len(modules):4d} modules{above}  {', '.join(watched) or '-'}")


if __name__ == "__main__":
    main()
