"""Who is paged at each level, who may act on a page, and what staff do when nobody answers.

Level 1 is everyone in the ``privacy-in-charge`` role (and the escalation channel), level 2
the ``director`` role. When the outcome names the pack's ``stand-in`` (staff said the holder of
the role it replaces is away), level 1 is the ``stand-in`` role instead; the director is still
notified. People come from the config; their titles come from the library's pack,
so a refusal names the role the way that library's policy does.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.config import Config, Rung
from bot.content.catalogue import Catalogue
from bot.escalation.records import AckResult, Paged
from bot.store.paging import Record

PIC = "privacy-in-charge"
DIRECTOR = "director"
STAND_IN = "stand-in"
DEFAULT_IF_NO_ANSWER = ("Phone the director directly. If anyone is in danger, call 911. "
                        "Do not hand over records or information until someone with authority "
                        "has told you to.")


class Roles:
    """The config's role members and the packs' role titles, as the escalation engine asks."""

    def __init__(self, config: Config, catalogue: Catalogue):
        self.config = config
        self.catalogue = catalogue

    def recipients(self, level: int, packet: dict[str, Any] | None = None) -> list[str]:
        """People (user ids) and the channel paged at ``level`` (for the escalation whose
        ``packet`` this is: it may page the stand-in first)."""
        people = list(self.people(level, packet))
        if self.config.escalation.channel:
            people.append(self.config.escalation.channel)
        return people

    def people(self, level: int, packet: dict[str, Any] | None = None) -> tuple[str, ...]:
        """The people (user ids, no channel) paged at ``level``: who texts and calls reach."""
        if level == 1:
            return tuple(dict.fromkeys(m for role in level_one(packet)
                                       for m in self.config.members(role)))
        return self.config.members(DIRECTOR)

    def stand_in_paged(self, outcome_roles: tuple[str, ...]) -> bool:
        """Whether an outcome naming ``outcome_roles`` pages the stand-in at level 1: it names
        the stand-in, and the roster has people for it (or names no privacy in-charge either,
        as in the terminal demo). A roster without a stand-in pages the privacy in-charge as
        before (``frontdesk doctor`` says so), so no page goes to nobody."""
        return STAND_IN in outcome_roles and (
            bool(self.config.members(STAND_IN)) or not self.config.members(PIC))

    def ladder(self, urgency: str) -> tuple[Rung, ...]:
        """The rungs of each level for ``urgency`` (``prompt``'s for an unknown one)."""
        ladder = self.config.escalation.ladder
        return ladder.get(urgency) or ladder.get("prompt") or (Rung(0, ("slack",)),)

    def first_level(self, packet: dict[str, Any] | None = None) -> int:
        """Level 1, unless it reaches nobody and a director is configured."""
        if not self.recipients(1, packet) and self.config.members(DIRECTOR):
            return 2
        return 1

    def has_director(self) -> bool:
        return bool(self.config.members(DIRECTOR))

    def can_act(self, user_id: str, packet: dict[str, Any] | None = None) -> bool:
        """Whether ``user_id`` may acknowledge or resolve the escalation whose ``packet`` this
        is (``None``: a hold, or a page not named). Members of the privacy-in-charge and
        director roles always may; the stand-in only on a page that went to the stand-in
        (``packet["stand_in"]``): a page meant for the Director must not be silenced by the
        staff member who stands in when the Director is away. With no role members configured
        at all (the terminal demo), the local terminal user may."""
        roles = (PIC, DIRECTOR, STAND_IN) if packet and packet.get("stand_in") else (
            PIC, DIRECTOR)
        members = {m for role in roles for m in self.config.members(role)}
        if members:
            return user_id in members
        if any(self.config.members(role) for role in (PIC, DIRECTOR, STAND_IN)):
            return False
        return user_id.startswith("terminal")

    def refusal(self, library: str) -> str:
        """What someone outside both roles is told when they press Acknowledge or Resolve."""
        pack = self.catalogue.packs.get(library)
        title = pack.roles[PIC].display if pack and PIC in pack.roles else "privacy in-charge"
        return (f"Sorry — only the {title} or the director can acknowledge or resolve this page. "
                "If you need them, stay in the thread: they have been paged.")

    def if_no_answer(self, library: str) -> str:
        """The deployment's advice first, then the library's pack, then a safe default."""
        if text := self.config.contacts.get("if_no_answer"):
            return text
        pack = self.catalogue.packs.get(library)
        if pack and pack.contacts.get("if_no_answer"):
            return pack.contacts["if_no_answer"]
        return DEFAULT_IF_NO_ANSWER

    def phones(self, library: str, titles: dict[str, str] | None = None) -> dict[str, Any]:
        """Whom to phone now, as facts: ``numbers`` from ``[phones]`` as (title, number), the
        privacy in-charge's first, by the library's titles; ``if_no_answer``, the library's
        advice for when nobody answers (what a channel says when there are no numbers)."""
        if titles is None:
            pack = self.catalogue.packs.get(library)
            titles = {r: pack.roles[r].display for r in pack.roles} if pack else {}
        phones = self.config.phones
        order = [PIC, DIRECTOR, *(name for name in phones if name not in (PIC, DIRECTOR))]
        return {"numbers": [[titles.get(name) or name.replace("-", " "), phones[name]]
                            for name in order if name in phones],
                "if_no_answer": self.if_no_answer(library)}

    def ack_timeout(self, urgency: str) -> timedelta:
        """How long each level waits for an acknowledgement (``prompt``'s for an unknown one)."""
        seconds = self.config.escalation.ack_timeout_seconds
        return timedelta(seconds=seconds.get(urgency, seconds.get("prompt", 900)))


def level_one(packet: dict[str, Any] | None) -> tuple[str, ...]:
    """The roles level 1 pages for the escalation whose ``packet`` this is: the privacy
    in-charge; the stand-in instead when staff said the holder is away; both when the outcome
    pages the stand-in alongside them (``stand_in: alongside``: a search warrant)."""
    if not (packet and packet.get("stand_in")):
        return (PIC,)
    named = ((packet.get("outcome") or {}).get("escalate") or {}).get("roles") or ()
    return (STAND_IN, PIC) if PIC in named else (STAND_IN,)


def level_one_title(packet: dict[str, Any]) -> str:
    """Whom level 1 pages, by the packet's titles ("the staff member in charge of the library
    and the Library Director")."""
    titles = packet.get("roles") or {}
    fallback = {PIC: "privacy in-charge", STAND_IN: "stand-in"}
    named = [titles.get(role) or fallback[role] for role in level_one(packet)]
    return " and the ".join(dict.fromkeys(named))


def who_is_paged(row: Record) -> Paged:
    """Whom the escalation ``row`` pages at its level (its packet's title for that role) and how
    urgently (the urgency it was opened with)."""
    packet = json.loads(row.packet or "{}")
    titles = packet.get("roles") or {}
    if row.level == 1:
        return Paged(level_one_title(packet), row.urgency)
    return Paged(titles.get(DIRECTOR) or "director", row.urgency)


def row_to_act_on(row: Record | None, roles: Roles, user_id: str,
                  missing: str) -> Record | AckResult:
    """The row (an escalation or a hold, locked for the change); or why ``user_id`` cannot act:
    there is no such row, or they may not act on it (``Roles.can_act``)."""
    if row is None:
        return AckResult("not-found", missing)
    if not roles.can_act(user_id, row_packet(row)):
        return AckResult("refused", roles.refusal(row.library))
    return row


def row_packet(row: Record) -> dict[str, Any] | None:
    """The packet of an escalation ``row``; ``None`` for a hold (it has none)."""
    packet = getattr(row, "packet", None)
    return json.loads(packet) if packet else None
