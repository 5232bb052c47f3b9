"""How well `frontdesk pack new` proposes, measured on the bundled libraries' hand-made packs.

1. Clauses: the clauses the outline proposes from each policy.txt against the pack's own
   (a match: the same id and the same span of text). Precision = matched / proposed,
   recall = matched / the pack's.
2. Fact suggestions: for every fact a pack answers (value not null), is a clause the pack
   cites among the wizard's top three suggestions? Measured twice: choosing among the pack's
   own clauses (the matching alone) and among the proposed clauses (what the wizard shows).

    python bench/authoring_bench.py

No timing: the figures are counts, the same on every machine.
"""

from __future__ import annotations

from pathlib import Path

from bot.authoring.facts import registry, suggest
from bot.authoring.outline import ProposedClause, propose
from bot.content.packs import load_pack

ROOT = Path(__file__).resolve().parents[1]


def packs() -> list:
    return [load_pack(folder) for folder in sorted((ROOT / "knowledge").iterdir())
            if (folder / "pack.yaml").is_file()]


def clause_figures(pack) -> tuple[int, int, int]:
    """(matched, proposed, the pack's own)."""
    proposed = propose(pack.policy_text)
    own = {(cid, c.start, c.end) for cid, c in pack.clauses.items()}
    matched = sum((p.id, p.start, p.end) in own for p in proposed)
    return matched, len(proposed), len(own)


def suggestion_hits(pack, candidates: list[ProposedClause]) -> tuple[int, int]:
    """(facts whose cited clause is in the top three, facts answered)."""
    hits = total = 0
    for fact in registry():
        answered = pack.facts.get(fact.name)
        if answered is None or answered.value is None:
            continue
        total += 1
        top = {c.id for c in suggest(fact, candidates, pack.policy_text, limit=3)}
        hits += bool(top & set(answered.cite))
    return hits, total


def main() -> None:
    sums = [0] * 7
    print(f"{'library':16} clauses: matched/proposed/own   top-3 (own clauses)  top-3 (proposed)")
    for pack in packs():
        matched, proposed, own = clause_figures(pack)
        own_clauses = [ProposedClause(cid, c.title, c.start, c.end, "", None)
                       for cid, c in pack.clauses.items()]
        hit_own, total = suggestion_hits(pack, own_clauses)
        hit_proposed, _ = suggestion_hits(pack, propose(pack.policy_text))
        for i, v in enumerate((matched, proposed, own, hit_own, total, hit_proposed, total)):
            sums[i] += v
        print(f"{pack.id:16} {matched:3}/{proposed:3}/{own:3}"
              f"{'':19}{hit_own:3}/{total:3}{'':13}{hit_proposed:3}/{total:3}")
    matched, proposed, own, hit_own, total, hit_proposed, _ = sums
    print(f"\nclauses: precision {matched / proposed:.1%}, recall {matched / own:.1%} "
          f"({matched} of {proposed} proposed match the packs' {own})")
    print(f"fact suggestions, top 3: {hit_own / total:.1%} among the packs' own clauses, "
          f"{hit_proposed / total:.1%} among the proposed ({total} answered facts)")


if __name__ == "__main__":
    main()
