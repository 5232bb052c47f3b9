"""The escalation lifecycle, declared once: its states and the events that move between them.

Every module that changes an escalation's ``state`` asks ``move(current, event)`` for the new
one; an event the table does not allow from the current state raises ``IllegalTransition``
(a bug, never a user error: callers check ``allows`` first when a person's click may simply be
late). The states are ``StrEnum`` members, so they are stored and compared as plain strings.

=============  =============================  ==============
event          from                           to
=============  =============================  ==============
trigger        (none: a new escalation)       triggered
step           triggered                      triggered      the next rung of the ladder
reescalate     triggered                      triggered      the next level, or a repeat
expire         triggered                      expired
acknowledge    triggered                      acknowledged
resolve        triggered, acknowledged,       resolved
               expired
withdraw       triggered, acknowledged        resolved       the corrected case needs nobody
=============  =============================  ==============

A correction that still pages (``corrections.update_in_place``) keeps the state; a waiting
page then starts its level's ladder again for the new urgency (``lifecycle.restart_level``).
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    TRIGGERED = "triggered"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    EXPIRED = "expired"


class Event(StrEnum):
    TRIGGER = "trigger"
    STEP = "step"
    REESCALATE = "reescalate"
    EXPIRE = "expire"
    ACKNOWLEDGE = "acknowledge"
    RESOLVE = "resolve"
    WITHDRAW = "withdraw"


INITIAL = State.TRIGGERED

TRANSITIONS: dict[Event, tuple[frozenset[State], State]] = {
    Event.STEP: (frozenset({State.TRIGGERED}), State.TRIGGERED),
    Event.REESCALATE: (frozenset({State.TRIGGERED}), State.TRIGGERED),
    Event.EXPIRE: (frozenset({State.TRIGGERED}), State.EXPIRED),
    Event.ACKNOWLEDGE: (frozenset({State.TRIGGERED}), State.ACKNOWLEDGED),
    Event.RESOLVE: (frozenset({State.TRIGGERED, State.ACKNOWLEDGED, State.EXPIRED}),
                    State.RESOLVED),
    Event.WITHDRAW: (frozenset({State.TRIGGERED, State.ACKNOWLEDGED}), State.RESOLVED),
}

#: States in which someone still has to act (listed by ``frontdesk pages``).
OPEN = (State.TRIGGERED, State.ACKNOWLEDGED)
#: States nothing moves out of but a resolve (or nothing at all): purged after retention.
CLOSED = (State.RESOLVED, State.EXPIRED)
#: The one state whose deadlines ``tick`` acts on and whose pages are live. A page not yet sent
#: when its escalation leaves it (acknowledged: someone is on it; resolved or withdrawn; expired:
#: the ladder ran out) is not sent, whatever its channel: it would wake someone again for a page
#: that is over, and no stand-down is owed for it (review 9 m3) — but for ``OWED``.
WAITING = State.TRIGGERED
#: States in which the Slack pages of an escalation's first rung are still posted, late,
#: showing that state: it expired with nobody acting, and those it paged first must learn of the
#: case even if no page reached them in time (Slack out through the whole ladder: review 13's
#: gate). Its later rungs' pages are not (they would page again for what is over), nor are texts,
#: emails or calls, which cannot show that it expired (they would ask for an acknowledgement).
OWED = (State.EXPIRED,)
#: States in which the director's notice is not posted when no page of the escalation went out
#: (nor may have): the page was called off — withdrawn, or resolved — before anyone was paged
#: (review 9 M1). Acknowledged or expired, the director still hears of the case.
CALLED_OFF = (State.RESOLVED,)


class IllegalTransition(RuntimeError):
    """An event the table does not allow from the escalation's current state."""


def allows(current: str, event: Event) -> bool:
    return current in TRANSITIONS[event][0]


def move(current: str, event: Event) -> State:
    """The state ``event`` leads to from ``current``; raises when the table forbids it."""
    sources, target = TRANSITIONS[event]
    if current not in sources:
        raise IllegalTransition(f"cannot {event} an escalation that is {current}")
    return target
