"""How cautious each decision is, defined once (the plain words staff read: ``labels``).

**Most cautious.** When staff answer "Not sure", the engine takes the most cautious outcome
the question's real answers could still lead to. Caution is ordered by what leaves the desk:

1. ``withhold`` — nothing is shared;
2. ``refer`` — nothing is shared at the desk; a person with authority decides;
3. ``report`` — the library reports to the authorities named in the policy;
4. ``comply`` — staff do not obstruct legal process the person in charge handles;
5. ``disclose-limited`` and then ``disclose`` — something is shared. Disclosing is never the
   most cautious choice while anything else is reachable.

Between outcomes with the same decision, the one that interrupts fewer people is preferred
(no page before a prompt page before an immediate one): "Not sure" is not a page by itself.
Then the one that assumes the fewest further answers ("not sure of the age" does not assume
what the parent wants to see). A flow that wants a person fetched when staff cannot tell
marks that question's "Not sure" with ``pages: true`` instead. Remaining ties keep the
flow's order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.content.catalogue import ResolvedOutcome

CAUTION = ("withhold", "refer", "report", "comply", "disclose-limited", "disclose")
RELEASES = frozenset({"disclose", "disclose-limited", "comply"})  # decisions that hand records over
URGENCY_ORDER = ("none", "prompt", "immediate")

def caution_key(outcome: ResolvedOutcome) -> tuple[int, int, int]:
    """Smaller is more cautious (see the module docstring)."""
    escalate = outcome.escalate
    urgency = escalate.urgency if escalate.pages else "none"
    roles = len(escalate.roles) if escalate.pages else 0
    return CAUTION.index(outcome.decision), URGENCY_ORDER.index(urgency), roles


def most_cautious(outcome_ids: Sequence[str], resolve: Callable[[str], ResolvedOutcome],
                  assumptions: Callable[[str], int | None] = lambda _: 0) -> str:
    """The most cautious of ``outcome_ids``; between equals, the one that takes the fewest
    further assumed answers (``assumptions``), then the first."""
    if not outcome_ids:
        raise ValueError("no outcome to choose from")
    return min(outcome_ids,
               key=lambda oid: (*caution_key(resolve(oid)), assumptions(oid) or 0))
