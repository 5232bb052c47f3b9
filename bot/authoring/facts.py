"""The fact registry (``bot/data/packs/facts.yaml``) and the clauses likely to answer a fact.

Every pack defines every fact in the registry; the flows branch on them. ``suggest`` ranks a
policy's clauses for one fact with rapidfuzz: how many of the fact's keywords a clause uses
(fuzzy, so "subpoenas" and "sub-poena" count) and how close its words are to the fact's plain
question, so an author answering "Is a subpoena enough to release records?" is shown the two or
three passages that most likely say. ``applies`` reads a fact's ``ask_if``: facts that depend on
an earlier answer (the emergency form when there is no emergency exception) are not asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml
from rapidfuzz import fuzz

from bot.authoring.outline import ProposedClause

FACT_TYPES = ("bool", "text", "int", "choice")


@dataclass(frozen=True)
class FactSpec:
    name: str
    section: str
    type: str
    meaning: str
    question: str = ""
    keywords: tuple[str, ...] = ()
    required: bool = False
    extra: bool = False
    choices: tuple[str, ...] = ()
    choice_words: tuple[str, ...] = ()  # each choice as the wizard offers it
    ask_if: tuple[tuple[str, Any], ...] = ()  # (earlier fact, value or list of values)
    skipped: Any = None  # the value written when ask_if rules the question out
    cite_when_false: bool = False  # "no" is a rule the policy states: ask which clause

    @property
    def words(self) -> str:
        """What the fact is about, for matching: its question and keywords."""
        return f"{self.question or self.meaning} {' '.join(self.keywords)}"


def applies(fact: FactSpec, values: dict[str, Any]) -> bool:
    """Whether ``fact`` is asked, given the values answered so far (its ``ask_if``)."""
    for name, wanted in fact.ask_if:
        value = values.get(name)
        if wanted == "answered":
            if value is None or value is False:
                return False
        elif isinstance(wanted, list):
            if value not in wanted:
                return False
        elif value != wanted:
            return False
    return True


@cache
def registry() -> tuple[FactSpec, ...]:
    """Every fact, in the order docs/packs.md lists them."""
    raw = yaml.safe_load((files("bot") / "data" / "packs" / "facts.yaml").read_text("utf-8"))
    return tuple(
        FactSpec(name=item["name"], section=item["section"], type=item["type"],
                 meaning=item["meaning"], question=item.get("question", ""),
                 keywords=tuple(item.get("keywords", ())),
                 required=bool(item.get("required")), extra=bool(item.get("extra")),
                 choices=tuple(item.get("choices", ())),
                 choice_words=tuple((item.get("choice_words") or {}).get(c, c)
                                    for c in item.get("choices", ())),
                 ask_if=tuple((item.get("ask_if") or {}).items()), skipped=item.get("skipped"),
                 cite_when_false=bool(item.get("cite_when_false")))
        for item in raw
    )


_STOP = frozenset((
    "a", "an", "the", "of", "or", "and", "to", "in", "on", "for", "by", "is", "are", "be", "may",
    "can", "does", "do", "must", "this", "that", "it", "its", "their", "they", "who", "what",
    "when", "how", "much", "many", "with", "as", "at", "from", "not", "only", "any", "it's"))


def _score(fact: FactSpec, body: str) -> float:
    """0-100: the share of the fact's keywords the clause uses (fuzzy), then closeness to its
    question's content words."""
    lowered = body.lower()
    found = sum(fuzz.partial_ratio(k.lower(), lowered) >= 90 for k in fact.keywords)
    share = found / len(fact.keywords) if fact.keywords else 0.0
    question = " ".join(w for w in re.findall(r"[\w'-]+", (fact.question or fact.meaning).lower())
                        if w not in _STOP)
    return 70 * share + 0.3 * fuzz.token_set_ratio(question, lowered)


def suggest(fact: FactSpec, clauses: list[ProposedClause], text: str,
            limit: int = 3) -> list[ProposedClause]:
    """The clauses most likely to answer ``fact``, best first (tight clauses before sections)."""
    tight = [c for c in clauses if not c.title.endswith("(whole section)")] or clauses
    scored = sorted(tight, key=lambda c: -_score(fact, text[c.start:c.end]))
    return scored[:limit]
