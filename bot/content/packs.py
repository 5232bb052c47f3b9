"""Policy packs: one library's policy text verbatim, its clauses, facts and roles.

A clause is not a copy of the policy: it is a span of the verbatim text, found by its first
and last words. Quoting a clause therefore always quotes the library's own words, and a pack
whose anchors no longer match its text fails to load instead of quoting something stale.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from bot.content.schema import validate
from bot.content.yamlio import LineMap, load_yaml
from bot.errors import ContentError, Problem

ROLE_IDS = ("privacy-in-charge", "director")
#: The optional role a policy names to act when another role's holder is away (``stands_in_for``).
STAND_IN = "stand-in"


@dataclass(frozen=True)
class ReleaseTerms:
    """One way a clause allows a release: who may ask, and what else must be established."""

    who: str | None
    needs: tuple[str, ...]
    line: int

    @property
    def conditions(self) -> tuple[str, ...]:
        return ((self.who,) if self.who else ()) + self.needs


@dataclass(frozen=True)
class Clause:
    id: str
    title: str
    start: int
    end: int
    text: str
    line: int
    releases: tuple[ReleaseTerms, ...] = ()  # empty: the clause allows no release by itself

    @property
    def digest(self) -> str:
        """A stable hash of the clause's words, for the drift lock file."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Fact:
    name: str
    value: Any
    cite: tuple[str, ...]
    note: str
    line: int


@dataclass(frozen=True)
class Role:
    id: str
    titles: tuple[str, ...]
    cite: tuple[str, ...]
    line: int
    # Only on the stand-in role: whose holder it replaces when away, and the policy's words
    # saying so (checked word for word against the cited clauses when the pack loads).
    stands_in_for: str | None = None
    quote: str | None = None

    @property
    def display(self) -> str:
        """Titles for a sentence: "Privacy In-Charge, Executive Director or Deputy Director"."""
        if len(self.titles) == 1:
            return self.titles[0]
        return ", ".join(self.titles[:-1]) + " or " + self.titles[-1]


@dataclass(frozen=True)
class Pack:
    id: str
    library: str
    title: str
    jurisdiction: str | None
    source: str
    dates: dict[str, str]
    policy_text: str
    clauses: dict[str, Clause]
    facts: dict[str, Fact]
    roles: dict[str, Role]
    contacts: dict[str, str]
    overrides: dict[str, dict[str, Any]]
    path: Path
    override_lines: dict[str, int] = field(default_factory=dict)

    @property
    def policy_date(self) -> str | None:
        """The policy's own latest date as it labels it ("revised September 11, 2023"), shown
        under its quotes: the library's date, never the project's review of its flows."""
        for label in ("revised", "amended", "updated", "reviewed", "approved", "adopted",
                      "effective"):
            if self.dates.get(label):
                return f"{label} {self.dates[label]}"
        return next((f"{k.replace('_', ' ')} {v}" for k, v in self.dates.items() if v), None)

    def fact_values(self) -> dict[str, Any]:
        return self._context["facts"]

    def template_context(self) -> dict[str, Any]:
        """What flow text and conditions may read about this library.

        Built once per pack: every branch of every step reads it, and a loaded pack never
        changes. Callers treat it as read-only (the sandbox cannot mutate it either).
        """
        return self._context

    def standing_in(self, away: frozenset[str]) -> Role | None:
        """The stand-in role, when staff said the holder of the role it replaces is away."""
        stand_in = self.roles.get(STAND_IN)
        if stand_in is not None and stand_in.stands_in_for in away:
            return stand_in
        return None

    def stood_in_for(self, away: frozenset[str]) -> frozenset[str]:
        """The roles the stand-in takes over when the holders of ``away`` are away: the role
        it stands in for, and any other role the policy gives the same title (Westmont's
        privacy in-charge *is* its Library Director)."""
        stand_in = self.standing_in(away)
        if stand_in is None or stand_in.stands_in_for is None:
            return frozenset()
        absent = self.roles[stand_in.stands_in_for].titles
        return frozenset(r for r in ROLE_IDS if self.roles[r].titles == absent)

    def title_or_stand_in(self, role_id: str) -> str:
        """The role's title, and the stand-in's after "or" where the stand-in takes it over
        in an absence (a form signed by whoever receives it: "Library Director or staff member
        in charge of the library")."""
        title = self.roles[role_id].display
        stand_in = self.roles.get(STAND_IN)
        if stand_in is not None and stand_in.stands_in_for is not None \
                and role_id in self.stood_in_for(frozenset({stand_in.stands_in_for})):
            return f"{title} or {stand_in.display}"
        return title

    def context_when_away(self, away: frozenset[str]) -> dict[str, Any]:
        """What flow text reads once staff said the holders of the roles in ``away`` are away:
        each role the stand-in takes over (``pic``, ``director``) reads as the stand-in's title,
        ``away`` holds the absent holder's title and the stand-in's (empty when no stand-in
        applies), and ``absent`` the absent holder's title either way."""
        stand_in = self.standing_in(away)
        # the absent holder's title, so that no step sends staff to them "in person today"
        absent = next((self.roles[r].display for r in sorted(away) if r in self.roles), "")
        if stand_in is None or stand_in.stands_in_for is None:
            return {**self._context, "absent": absent}
        replaced = self.stood_in_for(away)
        names = {"pic": "privacy-in-charge", "director": "director"}
        return {**self._context, "absent": absent,
                **{name: stand_in.display for name, role in names.items() if role in replaced},
                "away": {"title": self.roles[stand_in.stands_in_for].display,
                         "stand_in": stand_in.display}}

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (the content cache) without what is derived from it on use."""
        return {k: v for k, v in self.__dict__.items() if k not in ("_context", "_paths_cache")}

    @cached_property
    def _context(self) -> dict[str, Any]:
        return {
            "facts": {name: fact.value for name, fact in self.facts.items()},
            "library": self.library,
            "pic": self.roles["privacy-in-charge"].display,
            "director": self.roles["director"].display,
            "contacts": dict(self.contacts),
            "away": {},
            "absent": "",
        }


def _words(text: str) -> str:
    return " ".join(text.split())


def _stand_in_problems(path: Path, roles: dict[str, Role],
                       clauses: dict[str, Clause]) -> list[Problem]:
    """The stand-in role must say whom it replaces and quote the policy's words naming it,
    word for word from a clause it cites: a fallback the text does not state pages no one."""
    problems: list[Problem] = []
    for role in roles.values():
        declared = (role.stands_in_for is not None, role.quote is not None)
        if role.id != STAND_IN:
            if any(declared):
                problems.append(Problem(path, role.line, f"role {role.id}: only the {STAND_IN} "
                                        "role takes stands_in_for and quote"))
            continue
        if not all(declared):
            problems.append(Problem(path, role.line, f"role {STAND_IN} needs stands_in_for (the "
                                    "role it replaces) and quote (the policy's words naming it)"))
            continue
        quote = _words(role.quote or "")
        if not any(quote in _words(clauses[c].text) for c in role.cite if c in clauses):
            problems.append(Problem(path, role.line, f"role {STAND_IN}: quote {role.quote!r} is "
                                    f"not word for word in its cited clauses {list(role.cite)}"))
    return problems


def span(text: str, start: str, end: str | None) -> tuple[int, int] | str:
    """The (start, end) offsets of a clause, or a message saying why the anchors fail."""
    count = text.count(start)
    if count == 0:
        return f"'from' text not found verbatim in the policy: {start[:60]!r}"
    if count > 1:
        return f"'from' text occurs {count} times in the policy; quote more words: {start[:60]!r}"
    begin = text.index(start)
    if end is None:
        return begin, begin + len(start)
    stop = text.find(end, begin)
    if stop < 0:
        return f"'to' text not found verbatim after 'from': {end[:60]!r}"
    return begin, stop + len(end)


def load_pack(folder: Path) -> Pack:
    """Load ``folder/pack.yaml`` and its policy text; every problem is reported with its line."""
    path = folder / "pack.yaml"
    doc = load_yaml(path)
    problems = validate("pack", doc, path)
    if problems:
        raise ContentError(problems)
    assert isinstance(doc, LineMap)
    if doc["id"] != folder.name:
        problems.append(
            Problem(path, doc.line_of("id"), f"id {doc['id']!r} must match folder {folder.name!r}")
        )
    policy_path = folder / doc["policy"]
    try:
        policy_text = policy_path.read_text(encoding="utf-8")
    except OSError:
        raise ContentError(
            Problem(path, doc.line_of("policy"), f"policy text file not found: {doc['policy']}")
        ) from None
    except UnicodeDecodeError as exc:
        raise ContentError(Problem(policy_path, 0, f"not UTF-8 (byte {exc.start})")) from None

    clauses: dict[str, Clause] = {}
    clause_docs: LineMap = doc["clauses"]
    for clause_id, spec in clause_docs.items():
        found = span(policy_text, spec["from"], spec.get("to"))
        line = clause_docs.line_of(clause_id)
        if isinstance(found, str):
            problems.append(Problem(path, line, f"clause {clause_id}: {found}"))
            continue
        terms = spec.get("release") or []
        clauses[clause_id] = Clause(
            clause_id, spec["title"], found[0], found[1], policy_text[found[0] : found[1]], line,
            tuple(ReleaseTerms(t.get("who"), tuple(t.get("needs", ())), terms.line_of(i))
                  for i, t in enumerate(terms)),
        )

    def cited(ids: list[str], owner: str, line: int) -> tuple[str, ...]:
        for clause_id in ids:
            if clause_id not in clause_docs:
                problems.append(Problem(path, line, f"{owner} cites missing clause {clause_id!r}"))
        return tuple(ids)

    facts: dict[str, Fact] = {}
    fact_docs: LineMap = doc["facts"]
    for name, spec in fact_docs.items():
        line = fact_docs.line_of(name)
        facts[name] = Fact(
            name,
            spec["value"],
            cited(spec["cite"], f"fact {name}", line),
            spec.get("note", ""),
            line,
        )

    roles: dict[str, Role] = {}
    role_docs: LineMap = doc["roles"]
    for role_id, spec in role_docs.items():
        line = role_docs.line_of(role_id)
        roles[role_id] = Role(
            role_id, tuple(spec["titles"]), cited(spec["cite"], f"role {role_id}", line), line,
            spec.get("stands_in_for"), spec.get("quote"),
        )
    problems.extend(_stand_in_problems(path, roles, clauses))

    overrides: LineMap = doc.get("overrides") or LineMap()
    if problems:
        raise ContentError(problems)
    return Pack(
        id=doc["id"],
        library=doc["library"],
        title=doc["title"],
        jurisdiction=doc.get("jurisdiction"),
        source=doc.get("source", ""),
        dates=dict(doc.get("dates") or {}),
        policy_text=policy_text,
        clauses=clauses,
        facts=facts,
        roles=roles,
        contacts=dict(doc.get("contacts") or {}),
        overrides={key: dict(value) for key, value in overrides.items()},
        path=path,
        override_lines={key: overrides.line_of(key) for key in overrides},
    )
