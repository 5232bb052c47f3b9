"""Does this tree route, prefill and match answers exactly as another revision does?

A change made for speed must not change what the router decides. This runs both trees, each in
its own process over the same content (this tree's flows and packs), on every in-repo text:

* ``route()`` (mount-prospect, prefill on) of every string of the test data and the tests
  (``redact_bench.corpus``: blind sets, scenario openings and answers, canary notes...), of
  every training phrase and background line (``bot/data/routing``) and every flow's triggers:
  the redacted text, band, situation, every class's score (exact floats), candidates,
  suggestions, prefill, the prefill offered with "Did you mean", and the stated date;
* ``prefill()`` of every routing-set and prefill-set message against every flow, not only the
  one it routes to (what a "Did you mean" pick or a test of another flow reads);
* every question's ``ChoiceMatcher.match`` of every twentieth short text (30 characters or
  fewer: what staff type as an answer; all of them would take ten minutes a tree).

It prints how many results agree and the first that differ, and exits 1 when one differs.

    python bench/route_identity.py --against main@{1hour}
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from redact_bench import corpus, unpack  # this folder is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]

# Run with the tree to check first on sys.path; reads the texts on stdin, prints the results.
RUNNER = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from bot.content.catalogue import Catalogue
from bot.router import Router, matcher, prefill

given = json.loads(sys.stdin.read())
catalogue = Catalogue.load(Path(sys.argv[2]))
router = Router.from_catalogue(catalogue, "mount-prospect")
flows = sorted(catalogue.flows_for("mount-prospect").values(), key=lambda f: f.id)

def entries(found):
    return [[p.question, p.choice, p.said, p.suggested] for p in found]

out = []
for text in given["route"]:
    r = router.route(text)
    out.append(json.dumps([
        r.text, r.band, r.situation, repr(r.confidence),
        [[c.situation, repr(c.score)] for c in r.candidates],
        [c.situation for c in r.suggestions], entries(r.prefill),
        [[s, entries(p)] for s, p in r.offered_prefill],
        r.stated_date and [r.stated_date.date, r.stated_date.said],
        [[c, repr(s)] for c, s in router.score_all(text)]], ensure_ascii=False))
for text in given["prefill"]:
    out.append(json.dumps([entries(prefill(flow, text)) for flow in flows], ensure_ascii=False))
questions = [q for flow in flows for q in flow.questions()]
for text in given["answers"]:
    found = [matcher(q).match(text) for q in questions]
    out.append(json.dumps([c and c.id for c in found], ensure_ascii=False))
print(json.dumps(out))
"""


def texts() -> dict[str, list[str]]:
    """The texts each kind of check reads (see the module docstring)."""
    import yaml

    from bot.content.catalogue import Catalogue

    data = ROOT / "bot" / "data" / "routing"
    found = dict.fromkeys(corpus())
    for path in sorted(data.glob("training_phrases*.yaml")):
        for messages in yaml.safe_load(path.read_text("utf-8")).values():
            found.update(dict.fromkeys(str(m) for m in messages))
    for path in sorted(data.glob("background*.txt")):
        found.update(dict.fromkeys(line.strip() for line in path.read_text("utf-8").splitlines()
                                   if line.strip() and not line.startswith("#")))
    for flow in Catalogue.load(ROOT).flows.values():
        found.update(dict.fromkeys(flow.triggers))
    messages = dict.fromkeys(
        str(message) for folder in ("routing", "prefill")
        for path in sorted((ROOT / "tests" / folder).glob("*.yaml"))
        for message in _strings(yaml.safe_load(path.read_text("utf-8"))))
    return {"route": list(found), "prefill": list(messages),
            "answers": [t for t in found if len(t) <= 30][::20]}


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def results(tree: Path, given: dict[str, list[str]]) -> list[str]:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as cache:  # each tree builds its own cached content
        done = subprocess.run([sys.executable, "-c", RUNNER, str(tree), str(ROOT)],
                              input=json.dumps(given), capture_output=True, text=True,
                              check=False, env={**os.environ, "FRONTDESK_CACHE": cache})
    if done.returncode:
        raise SystemExit(f"running {tree} failed:\n{done.stderr[-800:]}")
    print(f"{tree}: {time.perf_counter() - started:.0f} s")
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="a git revision (main@{1hour})")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    given = texts()
    inputs = [(kind, text) for kind, items in given.items() for text in items]
    with tempfile.TemporaryDirectory() as folder:
        theirs = results(unpack(args.against, Path(folder)), given)
        ours = results(ROOT, given)
    differ = [(kind, text, a, b) for (kind, text), a, b in zip(inputs, ours, theirs, strict=True)
              if a != b]
    counts = ", ".join(f"{len(items)} {kind}" for kind, items in given.items())
    print(f"same results on {len(inputs) - len(differ)}/{len(inputs)} ({counts})")
    for kind, text, mine, other in differ[:10]:
        print(f"  DIFFERS ({kind}) {text!r}\n    this tree: {mine}\n    {args.against}: {other}")
    if differ:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
