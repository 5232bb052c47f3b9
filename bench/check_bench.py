"""How long `frontdesk check` takes on the whole repository, against a baseline in the same run.

The baseline is the floor any checker pays: parsing every pack and flow YAML file. The ratio
shows what the graph, reference and safety checks over every path cost on top of it. Each
measurement runs in a fresh interpreter (cold imports and caches, as a user runs it), repeated.

    python bench/check_bench.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BASELINE = """
import time; t = time.process_time()
from pathlib import Path
import yaml
for p in [*Path('knowledge').glob('*/pack.yaml'), *Path('flows').glob('*.yaml')]:
    yaml.load(p.read_text(), Loader=yaml.CSafeLoader)
print(time.process_time() - t)
"""

CHECK = """
import time; t = time.process_time()
from bot.check import run_checks
report = run_checks()
assert not report.errors, report.errors[:3]
print(time.process_time() - t, report.paths)
"""


def measure(code: str, repeat: int) -> tuple[list[float], str]:
    times, extra = [], ""
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
        times.append(float(out[0]))
        extra = " ".join(out[1:])
    return times, extra


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    base, _ = measure(BASELINE, args.repeat)
    full, paths = measure(CHECK, args.repeat)
    b, f = statistics.median(base), statistics.median(full)
    print(f"baseline (parse YAML only): median {b * 1000:7.1f} ms CPU")
    print(f"frontdesk check ({paths} paths): median {f * 1000:7.1f} ms CPU, "
          f"min {min(full) * 1000:.1f} ms, max {max(full) * 1000:.1f} ms")
    print(f"ratio check / baseline: {f / b:.1f}x; target: whole repository under 1000 ms "
          f"({'met' if f < 1.0 else 'NOT met'})")


if __name__ == "__main__":
    main()
