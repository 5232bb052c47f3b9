"""How a page ended: a choice the person resolving it makes, kept and shown instead of words.

A resolve is first a structured answer (non-negotiable 3: store choices, not staff's free
text); the optional note after it is for what no choice says, and is redacted before it is
kept. The choices are declared once here: the Slack modal offers them, ``frontdesk resolve
--ending`` takes their ids, and the page, the asker's thread and the audit show their labels.
"""

from __future__ import annotations

ENDINGS: dict[str, str] = {
    "handled": "Handled as the policy says",
    "referred": "Referred to the director or the library's attorney",
    "reported": "Reported where the policy says (law enforcement, NCMEC), after counsel",
    "nothing-needed": "Nothing needed: no patron-privacy matter after all",
    "duplicate": "A duplicate of another page",
}


def ending_label(ending: str | None) -> str | None:
    """The label of ``ending`` (an id of ``ENDINGS``); None for none or an unknown id."""
    return ENDINGS.get(ending) if ending else None
