"""Policy drift: each pack locks a hash of every clause's text in ``clauses.lock``.

When a library rewrites its policy, a clause keeps its id but its words change. The flows were
written against the old words, so `frontdesk check` fails, naming every flow, outcome and
branch that relies on a changed clause, until someone who has reviewed them runs
``frontdesk approve LIBRARY`` and the lock is rewritten. Nobody answers from a rule the library
has since rewritten without a person having looked at it.

The lock holds every clause of the pack (not only today's cited ones), so a new flow citing an
existing clause needs no approval, while a changed clause is caught whoever cites it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bot.content.catalogue import Catalogue, merged_outcome_spec
from bot.content.expressions import names_used
from bot.content.flows import Branch, Flow, Outcome
from bot.content.packs import Pack
from bot.errors import Problem

LOCK_NAME = "clauses.lock"
_TEXT_FIELDS = ("headline", "say")
_LIST_FIELDS = ("do", "never")


def lock_path(pack: Pack) -> Path:
    return pack.path.parent / LOCK_NAME


def read_lock(path: Path) -> dict[str, str] | None:
    """Clause id -> digest, or None when there is no lock file."""
    if not path.is_file():
        return None
    entries: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        clause_id, _, digest = line.partition(" ")
        entries[clause_id] = digest.strip()
    return entries


def render_lock(pack: Pack) -> str:
    lines = [
        f"# clauses.lock for {pack.id} ({pack.library}): one line per clause of policy.txt,",
        "# '<clause id> <first 16 hex of sha256 of the clause's verbatim text>'.",
        "# `frontdesk check` fails when a cited clause's text no longer matches. Review the",
        f"# flows it names, then run `frontdesk approve {pack.id}` to rewrite this file.",
    ]
    lines.extend(f"{clause.id} {clause.digest}" for clause in pack.clauses.values())
    return "\n".join(lines) + "\n"


def write_lock(pack: Pack) -> Path:
    path = lock_path(pack)
    path.write_text(render_lock(pack), encoding="utf-8")
    return path


@dataclass(frozen=True)
class Use:
    """One place a clause is relied on: an outcome cites it, or a branch reads a fact from it."""

    flow: Flow
    node: str
    line: int
    how: str  # "cites fact", "reads fact", "decides on fact", "cites clause"...
    fact: str | None
    path: Path
    kind: str = "outcome"  # outcome | branch


@cache
def _names(source: str, template: bool) -> frozenset[str]:
    return frozenset(names_used(source, "facts", template=template))


def _facts_in_outcome(spec: dict) -> dict[str, str]:
    """Fact name -> how the outcome uses it."""
    used: dict[str, str] = {}
    for name in spec.get("cite", ()):
        used.setdefault(name, "cites")
    if spec.get("form"):
        used.setdefault(spec["form"], "offers the form of")
    texts = [spec.get(f) for f in _TEXT_FIELDS] + [
        item for f in _LIST_FIELDS for item in spec.get(f, ())
    ]
    for text in texts:
        if isinstance(text, str):
            for name in _names(text, True):
                used.setdefault(name, "reads")
    return used


def clause_uses(catalogue: Catalogue, pack: Pack) -> dict[str, list[Use]]:
    """Clause id -> every outcome and branch of this library's flows that relies on it."""
    uses: dict[str, list[Use]] = {}

    def add(clause_id: str, use: Use) -> None:
        uses.setdefault(clause_id, []).append(use)

    for flow in catalogue.flows_for(pack.id).values():
        for node in flow.nodes.values():
            if isinstance(node, Outcome):
                key = f"{flow.id}/{node.id}"
                overridden = key in pack.overrides
                spec = merged_outcome_spec(pack, flow, node)
                where = pack.path if overridden else flow.path
                line = pack.override_lines.get(key, node.line) if overridden else node.line
                for name, verb in _facts_in_outcome(spec).items():
                    fact = pack.facts.get(name)
                    for clause_id in fact.cite if fact else ():
                        add(clause_id, Use(flow, node.id, line, f"{verb} fact", name, where))
                for clause_id in spec.get("cite_clauses", ()):
                    add(clause_id, Use(flow, node.id, line, "quotes it", None, where))
            elif isinstance(node, Branch):
                for rule in node.rules:
                    for name in _names(rule.when or "", False):
                        fact = pack.facts.get(name)
                        for clause_id in fact.cite if fact else ():
                            use = Use(flow, node.id, rule.line, "decides on fact", name,
                                      flow.path, "branch")
                            add(clause_id, use)
    return uses


@dataclass
class Drift:
    """How one pack's clauses differ from its lock."""

    pack: Pack
    locked: dict[str, str] | None
    changed: list[str] = field(default_factory=list)  # in the lock with another digest
    added: list[str] = field(default_factory=list)  # in the pack, not in the lock
    removed: list[str] = field(default_factory=list)  # in the lock, not in the pack

    @property
    def clean(self) -> bool:
        return self.locked is not None and not (self.changed or self.added or self.removed)


def drift(pack: Pack) -> Drift:
    locked = read_lock(lock_path(pack))
    result = Drift(pack, locked)
    if locked is None:
        return result
    for clause in pack.clauses.values():
        if clause.id not in locked:
            result.added.append(clause.id)
        elif locked[clause.id] != clause.digest:
            result.changed.append(clause.id)
    result.removed = [cid for cid in locked if cid not in pack.clauses]
    return result


def _how(uses: list[Use]) -> str:
    """"cites facts emergency_release, emergency_form; reads fact emergency_probable_cause"."""
    verbs: dict[str, list[str]] = {}
    for use in uses:
        verbs.setdefault(use.how, [])
        if use.fact and use.fact not in verbs[use.how]:
            verbs[use.how].append(use.fact)
    parts = []
    for how, facts in verbs.items():
        if len(facts) > 1:
            how = how.replace("fact", "facts")
        parts.append(f"{how} {', '.join(facts)}".strip())
    return "; ".join(parts)


def check_drift(catalogue: Catalogue) -> list[Problem]:
    """Errors for every use of a cited clause whose text changed since it was approved."""
    problems: list[Problem] = []
    for library, pack in sorted(catalogue.packs.items()):
        found = drift(pack)
        approve = f"review it, then run `frontdesk approve {library}`"
        if found.locked is None:
            problems.append(
                Problem(
                    pack.path,
                    1,
                    f"no {LOCK_NAME} beside this pack, so policy changes go unnoticed; "
                    f"run `frontdesk approve {library}` to create it",
                    "warning",
                )
            )
            continue
        # (who relies on which clause is worked out only when a clause changed or is new: in a
        # clean pack, the usual case, it would be every outcome of every flow for nothing)
        uses = clause_uses(catalogue, pack) if found.changed or found.added else {}
        for clause_id in found.changed + found.added:
            state = "changed since it was approved" if clause_id in found.changed else "is new"
            clause = pack.clauses[clause_id]
            if not uses.get(clause_id):
                problems.append(
                    Problem(
                        pack.path,
                        clause.line,
                        f"clause {clause_id} {state} (no flow relies on it); "
                        f"run `frontdesk approve {library}`",
                        "warning",
                    )
                )
                continue
            grouped: dict[tuple[str, str], list[Use]] = {}
            for use in uses[clause_id]:
                grouped.setdefault((use.flow.id, use.node), []).append(use)
            for (flow_id, node_id), same in grouped.items():
                problems.append(
                    Problem(
                        same[0].path,
                        same[0].line,
                        f"policy drift [{library}]: {flow_id}: {same[0].kind} {node_id} "
                        f"({_how(same)}) relies on {library} clause {clause_id} "
                        f"({clause.title}), which {state}; {approve}",
                    )
                )
        for clause_id in found.removed:
            problems.append(
                Problem(
                    lock_path(pack),
                    1,
                    f"clause {clause_id} is locked but no longer in the pack; "
                    f"run `frontdesk approve {library}`",
                    "warning",
                )
            )
    return problems
