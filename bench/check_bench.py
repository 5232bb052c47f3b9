"""Start-up and `frontdesk check` as a user runs them: whole-process wall time, against the
floor any Python command pays (`python -c pass`), measured in the same run.

Targets (issue 13): `check` on the bundled content <= 0.6 s above the floor; on 50 generated
packs <= 2 s above it; `route` <= 0.25 s above it. Each command runs in a fresh process
(cold imports, as a user runs it), repeated; the median is reported. The overlap warnings'
cache is warmed once first (a user's second `check` and every CI run after the first use it).
The older in-process CPU figure (check vs parsing the YAML alone) is kept for comparison.
Beside each median wall time: the median CPU time (user + system) above the floor's, which a
shared machine's load inflates much less than the wall time.

Bytecode: a shell that sets PYTHONDONTWRITEBYTECODE (this team's machines do) makes every run
compile frontdesk's own modules from source again (a quarter of `route`'s instructions at
34e19f0), which an installed package never does (pip compiles at install). ``--bytecode-cache``
drops the variable for the commands timed, so they run as a user's do (bytecode written by the
warm-up runs and reused); without it the bench measures as before. The last line says which.

    python bench/check_bench.py [--repeat 5] [--packs 50] [--bytecode-cache]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRONTDESK = [sys.executable, "-c", "from bot.cli import main; main()"]


def wall(command: list[str], repeat: int, env: dict[str, str]) -> tuple[list[float], list[float]]:
    """Each run's wall time, and its CPU time (user + system): on a shared machine the wall
    time is mostly other processes' turn on the CPU, the CPU time much less so."""
    times, cpu = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode not in (0, 1) or "Traceback" in done.stderr:  # check exits 1 on errors
            raise SystemExit(f"{' '.join(command[3:])} failed:\n{done.stderr[-800:]}")
    return times, cpu


def generated_content(folder: Path, packs: int) -> Path:
    """``packs`` libraries: copies of the bundled packs under new ids, with the bundled flows."""
    shutil.copytree(ROOT / "flows", folder / "flows")
    (folder / "knowledge").mkdir(parents=True)
    shutil.copy(ROOT / "knowledge" / "safety.yaml", folder / "knowledge" / "safety.yaml")
    sources = sorted(p.parent for p in (ROOT / "knowledge").glob("*/pack.yaml"))
    for index in range(packs):
        source = sources[index % len(sources)]
        new_id = f"{source.name}-{index}"
        target = folder / "knowledge" / new_id
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("flows"))
        text = (target / "pack.yaml").read_text(encoding="utf-8")
        (target / "pack.yaml").write_text(text.replace(f"id: {source.name}", f"id: {new_id}", 1),
                                          encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--packs", type=int, default=50)
    parser.add_argument("--bytecode-cache", action="store_true",
                        help="drop PYTHONDONTWRITEBYTECODE: run with bytecode, as installed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "FRONTDESK_CACHE": str(Path(tmp) / "cache"), "NO_COLOR": "1"}
        if args.bytecode_cache:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
        many = generated_content(Path(tmp) / "many", args.packs)
        commands = {
            "floor: python -c pass": [sys.executable, "-c", "pass"],
            "frontdesk --version": [*FRONTDESK, "--version"],
            "frontdesk route TEXT": [*FRONTDESK, "route", "cop at the desk wants what a patron "
                                     "borrowed"],
            "frontdesk check (bundled)": [*FRONTDESK, "check", "--quiet", str(ROOT)],
            f"frontdesk check ({args.packs} packs)": [*FRONTDESK, "check", "--quiet", str(many)],
        }
        for warm in commands.values():  # caches and bytecode, as in a user's second run
            subprocess.run(warm, cwd=ROOT, env=env, capture_output=True, check=False)
        runs = {name: wall(cmd, args.repeat, env) for name, cmd in commands.items()}
    medians = {name: statistics.median(times) for name, (times, _) in runs.items()}
    cpu = {name: statistics.median(used) for name, (_, used) in runs.items()}
    floor, cpu_floor = medians["floor: python -c pass"], cpu["floor: python -c pass"]
    targets = {"frontdesk route TEXT": 0.25, "frontdesk check (bundled)": 0.6,
               f"frontdesk check ({args.packs} packs)": 2.0}
    print(f"{'command':<34} {'median':>9} {'above floor':>12}  {'cpu above floor':>15}  target")
    for name, value in medians.items():
        above = value - floor
        target = targets.get(name)
        verdict = "" if target is None else (
            f"<= {target:.2f} s above: {'met' if above <= target else 'NOT met'}")
        print(f"{name:<34} {value:8.3f}s {above:11.3f}s  {cpu[name] - cpu_floor:14.3f}s  {verdict}")
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; the target is on "
          "wall time, the CPU column shows what a busy machine's wait leaves out; bytecode "
          f"{'compiled again every run' if 'PYTHONDONTWRITEBYTECODE' in env else 'cached'})")


if __name__ == "__main__":
    main()
