"""The decision in plain words: every label staff can see above an outcome, defined once.

The ``decision`` of an outcome (withhold, comply, refer, ...) is the machine's word: drills,
comparisons and the release proofs read it. Staff read a label instead: "Share nothing" above
a subpoena where nothing is handed over, not "COMPLY". Each decision has a default label; an
outcome whose situation needs another says so in data (``label:`` one of the ids below, and
``label_detail:`` for "Share only …"), never in a Python ``if``.

Labels are templates over the pack's context (``pic``, ``director``) plus ``detail``, so roles
carry the library's own titles.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# id -> template. Keep them short: they head the first screen of an answer.
LABELS: Mapping[str, str] = {
    "share-nothing": "Share nothing",
    "share": "Share it with them",
    "share-only": "Share only {{ detail }}",
    "hand-over-nothing": "Hand over nothing yourself — the {{ pic }} handles it",
    "dont-obstruct": "Don't obstruct — the {{ pic }} handles it",
    "report": "Report now",
    "call-911": "Call 911 now",
    "pass-to-pic": "Pass it to the {{ pic }}",
    "pass-to-director": "Pass it to the {{ director }}",
    "do-as-asked": "Do as the patron asks",
    "preserve": "Keep it safe — hand over nothing",
    "tell-no-one": "Tell no one — the {{ pic }} handles it",
    "block-card": "Block the card",
    "explain": "Tell them what the policy says",
    "check-id-first": "Check their card or ID first",
}

# The label an outcome gets when it names none.
DEFAULT_LABEL: Mapping[str, str] = {
    "withhold": "share-nothing",
    "disclose": "share",
    "disclose-limited": "share-only",
    "comply": "hand-over-nothing",
    "report": "report",
    "refer": "pass-to-pic",
}

# "Share only …" with no detail in the outcome.
DEFAULT_DETAIL = "what the policy allows"


def decision_label(spec: Mapping[str, Any], context: Mapping[str, Any]) -> str:
    """The plain label for a merged outcome spec, in one library's words."""
    from bot.content.expressions import render  # (jinja2: not for commands that only route)

    label_id = spec.get("label") or DEFAULT_LABEL[spec["decision"]]
    detail = spec.get("label_detail") or DEFAULT_DETAIL
    return render(LABELS[label_id], {**context, "detail": render(detail, context)})
