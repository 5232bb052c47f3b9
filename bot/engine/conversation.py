"""Conversation state: everything needed to resume, and nothing that identifies a patron.

The position in the flow is not stored: it is derived by walking the flow with the answers.
That makes "back", "start over" and changing an earlier answer trivial and always consistent,
and a stored conversation can never point at a node that a content update removed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Turn:
    """One answer as given: the question, the choice it matched, and the (redacted) words.

    ``said`` lives only in memory, for the step that received it: the stored form
    (``to_json``: conversations, Slack threads, the case trail) is the structured answer alone,
    question id and choice id, so what staff typed is never kept, redacted or not.
    """

    question: str
    choice: str
    said: str = field(default="", compare=False)  # transient: not part of the answer
    prefilled: bool = False
    worded: bool = False  # typed as words (not a button, id or menu number): echoed back

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"question": self.question, "choice": self.choice}
        if self.prefilled:
            data["prefilled"] = True
        if self.worded:
            data["worded"] = True
        return data


@dataclass(frozen=True)
class Conversation:
    library: str
    flow: str
    answers: tuple[tuple[str, str], ...] = ()
    transcript: tuple[Turn, ...] = ()
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    # What the opening message hinted at but did not state clearly enough to answer (a weak cue
    # for a safety-critical choice, or a doubted one): (question id, choice id, the flow's
    # phrase it was heard as). The question is asked, offering the choice.
    suggestions: tuple[tuple[str, str, str], ...] = ()
    # The day the opening message says it happened (ISO date: a preservation request "last
    # month", footage from "5 days ago"); a hold that counts from a stated date starts there.
    stated_date: str | None = None
    # What the opening message stated for each of the library's situations, as structured
    # answers only — (flow id, question id, choice id, the flow's phrase for a suggestion,
    # suggested) — so that "This is something else" starts the next situation with them, in
    # every face, without keeping the message itself.
    opening: tuple[tuple[str, str, str, str, bool], ...] = ()
    # The "Did you mean …?" the last view showed: (question id, choice id). A plain "yes" typed
    # next takes that choice, not the question's own "Yes, …" option (``bot.engine.step``).
    offered: tuple[str, str] | None = None

    @property
    def answer_map(self) -> dict[str, str]:
        return dict(self.answers)

    def with_answer(self, question: str, choice: str, turn: Turn) -> Conversation:
        """Record (or change) one answer; answers to later questions are kept if still relevant."""
        answers = tuple((q, c) for q, c in self.answers if q != question) + ((question, choice),)
        return replace(self, answers=answers, transcript=(*self.transcript, turn))

    def without_answer(self, question: str, turn: Turn) -> Conversation:
        answers = tuple((q, c) for q, c in self.answers if q != question)
        return replace(self, answers=answers, transcript=(*self.transcript, turn))

    def cleared(self, turn: Turn) -> Conversation:
        return replace(self, answers=(), transcript=(*self.transcript, turn))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "library": self.library,
            "flow": self.flow,
            "answers": [list(pair) for pair in self.answers],
            "transcript": [t.to_json() for t in self.transcript],
            **({"suggestions": [list(s) for s in self.suggestions]} if self.suggestions else {}),
            **({"stated_date": self.stated_date} if self.stated_date else {}),
            **({"opening": [list(fact) for fact in self.opening]} if self.opening else {}),
            **({"offered": list(self.offered)} if self.offered else {}),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Conversation:
        return cls(
            library=data["library"],
            flow=data["flow"],
            answers=tuple((q, c) for q, c in data.get("answers", ())),
            transcript=tuple(
                Turn(t["question"], t["choice"], prefilled=t.get("prefilled", False),
                     worded=t.get("worded", False))
                for t in data.get("transcript", ())
            ),
            id=data["id"],
            suggestions=tuple((q, c, s) for q, c, s in data.get("suggestions", ())),
            stated_date=data.get("stated_date"),
            opening=tuple((f, q, c, s, bool(hint)) for f, q, c, s, hint in data.get("opening", ())),
            offered=(str(data["offered"][0]), str(data["offered"][1])) if data.get("offered")
            else None,
        )
