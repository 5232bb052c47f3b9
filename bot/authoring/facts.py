"""The fact registry (``bot/data/packs/facts.yaml``) and the clauses likely to answer a fact.

Every pack defines every fact in the registry; the flows branch on them. ``suggest`` ranks a
policy's clauses for one fact with rapidfuzz (the fact's meaning and its name's words against
each clause's text), so an author answering "may a subpoena release records?" is shown the
two or three passages that most likely say.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml
from rapidfuzz import fuzz, process

from bot.authoring.outline import ProposedClause

FACT_TYPES = ("bool", "text", "int", "choice")


@dataclass(frozen=True)
class FactSpec:
    name: str
    section: str
    type: str
    meaning: str
    required: bool = False
    extra: bool = False
    choices: tuple[str, ...] = ()

    @property
    def words(self) -> str:
        """What the fact is about, for matching: its meaning and its name's words."""
        return f"{self.meaning} {self.name.replace('_', ' ')}"


@cache
def registry() -> tuple[FactSpec, ...]:
    """Every fact, in the order docs/packs.md lists them."""
    raw = yaml.safe_load((files("bot") / "data" / "packs" / "facts.yaml").read_text("utf-8"))
    return tuple(
        FactSpec(name=item["name"], section=item["section"], type=item["type"],
                 meaning=item["meaning"], required=bool(item.get("required")),
                 extra=bool(item.get("extra")), choices=tuple(item.get("choices", ())))
        for item in raw
    )


def suggest(fact: FactSpec, clauses: list[ProposedClause], text: str,
            limit: int = 3) -> list[ProposedClause]:
    """The clauses most likely to answer ``fact``, best first (tight clauses before sections)."""
    tight = [c for c in clauses if not c.title.endswith("(whole section)")] or clauses
    bodies = {c.id: text[c.start:c.end] for c in tight}
    ranked = process.extract(fact.words, bodies, scorer=fuzz.token_set_ratio,
                             processor=str.lower, limit=limit)
    by_id = {c.id: c for c in tight}
    return [by_id[key] for _, _, key in ranked]
