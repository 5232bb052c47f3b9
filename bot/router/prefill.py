"""Prefill: facts the opening message already states answer the flow's matching questions.

"officer with a search warrant" routes to the law-enforcement flow *and* answers its
"What does the officer have?" question with ``search-warrant``. Only high-confidence facts are
taken (see ``ChoiceMatcher.find``: whole phrases, not negated, one choice per question); the
faces show what was understood and staff can change it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.content.flows import Flow
from bot.router.choices import matcher


@dataclass(frozen=True)
class PrefilledAnswer:
    question: str  # question id
    choice: str  # choice id
    ask: str  # the question as staff see it
    label: str  # the choice's label
    said: str  # the words of the message that stated it (as written in the flow's phrase)

    def to_json(self) -> dict[str, Any]:
        return {"question": self.question, "choice": self.choice, "label": self.label}


def prefill(flow: Flow, message: str) -> tuple[PrefilledAnswer, ...]:
    """Every question of ``flow`` that ``message`` (already redacted) answers, in flow order.

    One stretch of the message states one fact: a phrase found inside a longer phrase found for
    *another* question does not count either ("search warrant" is not also "what they searched").
    """
    questions = flow.questions()
    hits = {q.id: matcher(q).hits(message) for q in questions}
    spans = [(h.start, h.end) for found in hits.values() for h in found]
    out: list[PrefilledAnswer] = []
    for question in questions:
        kept = [
            h for h in hits[question.id]
            if not any(s <= h.start and h.end <= e and e - s > h.end - h.start for s, e in spans)
        ]
        named = {h.choice for h in kept}
        if len(named) != 1:
            continue
        best = max(kept, key=lambda h: h.end - h.start)
        choice = question.choice(best.choice)
        assert choice is not None
        out.append(PrefilledAnswer(question.id, choice.id, question.ask, choice.label,
                                   best.phrase.text))
    return tuple(out)
