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
        }


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
            role_id, tuple(spec["titles"]), cited(spec["cite"], f"role {role_id}", line), line
        )

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
