"""The page packet: everything a page carries, fixed when the escalation opens.

The packet is stored with the escalation and every page, notice and status line is drawn from
it, so a page sent an hour later (re-escalation) says what the first one said. Answers are
structured (the question and the chosen choice's label, never what staff typed); the only
free text is a question typed for the privacy in-charge, which passes through ``redact`` here.
"""

from __future__ import annotations

from typing import Any

from bot.content.catalogue import Catalogue, ResolvedOutcome
from bot.content.flows import Flow, Question
from bot.engine.conversation import Conversation
from bot.engine.walk import walk
from bot.escalation.records import ThreadRef
from bot.escalation.roles import Roles
from bot.privacy.redact import redact

REASONS = ("outcome", "not-sure", "page-now", "unrouted")
REASON_TEXT = {
    "outcome": "the policy says a person with authority must act",
    "not-sure": "staff were not sure which answer applies",
    "page-now": "staff asked to page the privacy in-charge now",
    "unrouted": "a question the bot has no flow for; staff chose to page",
}


STAFF_ASKED = frozenset({"page-now", "unrouted"})


def urgency_for(reason: str, outcome: ResolvedOutcome | None) -> str:
    """A page staff asked for is immediate; otherwise the outcome's urgency, at least prompt.

    Staff ask for a page with **Page now**, by paging about a question no flow covers, or with
    **Not sure** where no outcome answers it yet: someone is at the desk waiting, whatever the
    face, so the service (not each face) makes those immediate.
    """
    if reason in STAFF_ASKED or (reason == "not-sure" and outcome is None):
        return "immediate"
    wanted = outcome.escalate.urgency if outcome is not None else "none"
    return wanted if wanted in ("immediate", "prompt") else "prompt"


def build_packet(catalogue: Catalogue, roles: Roles, *, library: str, situation: str | None,
                 conversation: Conversation | None, outcome: ResolvedOutcome | None,
                 reason: str, urgency: str, asked_by: str, face: str,
                 thread: ThreadRef | None, question: str | None) -> dict[str, Any]:
    pack = catalogue.packs.get(library)
    flow = None
    if situation:
        try:
            flow = catalogue.flow(library, situation)
        except LookupError:
            flow = None
    packet: dict[str, Any] = {
        "library": library,
        "library_name": pack.library if pack else library,
        "situation": situation,
        "situation_title": flow.title if flow else None,
        "reason": reason,
        "reason_text": REASON_TEXT.get(reason, reason),
        "urgency": urgency,
        "asked_by": asked_by,
        "face": face,
        "permalink": thread.permalink if thread else None,
        "question": redact(question) if question else None,
        "path": _answers(catalogue, flow, conversation),
        "outcome": None,
        "roles": {r: pack.roles[r].display for r in pack.roles} if pack else {},
        "if_no_answer": roles.if_no_answer(library),
        "hold": None,
        # Staff said the Director is away and the policy names a stand-in: level 1 pages them.
        "stand_in": bool(outcome and roles.stand_in_paged(outcome.escalate.roles)),
    }
    if outcome is not None:
        packet["outcome"] = {
            "id": outcome.id, "headline": outcome.headline, "decision": outcome.decision,
            # whom it pages: a correction paging others re-targets the page (``PageKey``)
            "escalate": {"roles": list(outcome.escalate.roles),
                         "urgency": outcome.escalate.urgency},
            "do": list(outcome.do),
            "citations": [{"clause": c.clause, "title": c.title, "text": c.text}
                          for c in outcome.citations],
        }
    return packet


def _answers(catalogue: Catalogue, flow: Flow | None,
             conversation: Conversation | None) -> list[dict[str, Any]]:
    """The answers on the way here: each question and the label of the choice it took."""
    if conversation is None or flow is None:
        return []
    try:  # the walk alone: the path is all a page shows of where the case stands
        steps = walk(catalogue.pack(conversation.library),
                     catalogue.flow(conversation.library, conversation.flow),
                     conversation.answer_map).path
    except Exception:  # a conversation the content no longer walks: keep what we have
        steps = tuple(conversation.answers)
    path: list[dict[str, Any]] = []
    for question_id, choice_id in steps:
        node = flow.nodes.get(question_id)
        if isinstance(node, Question):
            choice = node.choice(choice_id)
            label = choice.label if choice else choice_id
            path.append({"question": node.ask, "answer": label})
    return path
