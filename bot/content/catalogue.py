"""The catalogue: every pack and flow under a content root, and outcomes resolved per library.

Faces never read YAML: they ask the catalogue for a library's pack, a flow, and an outcome
already filled in with that library's titles and its own clause text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.cache import cached, code_digest, files_digest
from bot.content.flows import Escalation, Flow, Outcome, load_flow
from bot.content.labels import decision_label
from bot.content.packs import Pack, load_pack
from bot.content.schema import schema
from bot.errors import ContentError, Problem, UnknownName

DEMO_LIBRARY = "mount-prospect"


@dataclass(frozen=True)
class Citation:
    clause: str
    title: str
    text: str


@dataclass(frozen=True)
class ResolvedOutcome:
    """An outcome as one library's staff see it."""

    id: str
    headline: str
    decision: str
    decision_label: str  # the decision in plain words (bot.content.labels)
    do: tuple[str, ...]
    never: tuple[str, ...]
    say: str
    citations: tuple[Citation, ...]
    escalate: Escalation
    form: str | None
    hold: dict[str, Any] | None
    reviewed: str | None
    # The first of ``do`` when staff said a role's holder is away and no stand-in role applies
    # (``AWAY_*``): said because of that answer alone, it makes no other step differ.
    away_note: str | None = None
    # ``do`` as it reads without that absence, where the flow words steps for it (``absent``:
    # "The Director is away today: keep it out of sight for them"): what a case whose opening
    # said so reads is no reason to ask whether the holder is away (``relevance.signature``).
    unaway_do: tuple[str, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "headline": self.headline,
            "decision": self.decision,
            "decision_label": self.decision_label,
            "do": list(self.do),
            "never": list(self.never),
            "say": self.say,
            "citations": [
                {"clause": c.clause, "title": c.title, "text": c.text} for c in self.citations
            ],
            "escalate": {"roles": list(self.escalate.roles), "urgency": self.escalate.urgency},
            "form": self.form,
            "hold": self.hold,
            "reviewed": self.reviewed,
        }


def bundled_content_root() -> Path | None:
    """The demo content that ships with frontdesk: ``bot/bundled`` in an installed wheel, or the
    checkout's own ``flows/`` and ``knowledge/`` when running from source."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "bundled", package.parent):
        if (candidate / "flows").is_dir() and (candidate / "knowledge").is_dir():
            return candidate
    return None


def find_content_root(explicit: Path | None = None) -> Path:
    """Where ``knowledge/`` (and usually ``flows/``) live.

    In order: the argument, $FRONTDESK_CONTENT, the working folder or a parent holding both
    folders, then the bundled demo content. A library's own folder may hold only
    ``knowledge/<library>/`` (its pack, and its own flows under ``knowledge/<library>/flows/``):
    the bundled flows are then laid under it (see ``Catalogue.load``).
    """
    if explicit is not None:
        return explicit
    if env := os.environ.get("FRONTDESK_CONTENT"):
        return Path(env)
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / "flows").is_dir() and (candidate / "knowledge").is_dir():
            return candidate
    if bundled := bundled_content_root():
        return bundled
    raise ContentError(
        Problem(here, 0, "no flows/ and knowledge/ found here or above, and no bundled content; "
                "set FRONTDESK_CONTENT")
    )


def _content_key(root: Path) -> bytes:
    """Every file the catalogue reads under ``root`` (and the bundled flows it may lay under it),
    and the code that reads them."""
    folders = [root / "knowledge", root / "flows"]
    if not (root / "flows").is_dir() and (bundled := bundled_content_root()) is not None:
        folders.append(bundled / "flows")
    paths = [p for f in folders if f.is_dir() for p in f.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts]
    return str(root.resolve()).encode() + files_digest(paths) + code_digest("content", "errors.py")


def merged_outcome_spec(pack: Pack, flow: Flow, outcome: Outcome) -> dict[str, Any]:
    """The flow's outcome with the pack's override (if any) laid over it."""
    override = pack.overrides.get(f"{flow.id}/{outcome.id}")
    if not override:
        return outcome.spec
    base = dict(outcome.spec)
    if "decision" in override and "label" not in override:
        # The flow's plain label was written for the flow's decision, not the library's.
        base.pop("label", None)
        base.pop("label_detail", None)
    return {**base, **override}


def citations_for(pack: Pack, spec: dict[str, Any]) -> tuple[Citation, ...]:
    """Clause ids in order, without repeats: facts' clauses first, then literal clause ids."""
    ids: list[str] = []
    for fact_name in spec.get("cite", ()):
        ids.extend(pack.facts[fact_name].cite)
    ids.extend(spec.get("cite_clauses", ()))
    unique = list(dict.fromkeys(ids))
    return tuple(Citation(cid, pack.clauses[cid].title, pack.clauses[cid].text) for cid in unique)


# Said first when staff said a role's holder is away and the pack names no stand-in role
# (play-test 5 E3): who acts instead, in the policy's words (its ``absence_stand_in`` fact),
# or that the policy names no one — never a stand-in the policy does not name. The fact's
# clauses are cited with the outcome.
AWAY_OTHERS_ACT = ("While the {absent} is away, your policy lets the {others} act: call them "
                   "instead.")
AWAY_NO_ONE_ACTS = ("Your policy names no one to act for the {absent} while away: phone the "
                    "{absent} anyway (they can decide by phone), and give nothing to anyone "
                    "else. If anyone is in danger, call 911.")


def _away_without_stand_in(pack: Pack, away: frozenset[str]) -> str | None:
    """What ``AWAY_*`` says for the roles in ``away``, when no stand-in role replaces them."""
    absent = [pack.roles[r].display for r in sorted(away) if r in pack.roles]
    fact = pack.facts.get("absence_stand_in")
    if not absent or fact is None or pack.standing_in(away) is not None:
        return None
    if fact.value:
        return AWAY_OTHERS_ACT.format(absent=absent[0], others=fact.value)
    return AWAY_NO_ONE_ACTS.format(absent=absent[0])


def resolve_outcome(pack: Pack, flow: Flow, outcome: Outcome,
                    answers: dict[str, str] | None = None) -> ResolvedOutcome:
    """``outcome`` as this library's staff see it. ``answers`` (the case's, when known) may say
    a role's holder is away: where the pack names a stand-in for that role, the text names the
    stand-in in the role's place and the page goes to the stand-in instead."""
    from bot.content.expressions import render  # (jinja2: not for commands that only route)

    spec = merged_outcome_spec(pack, flow, outcome)
    away = flow.away(answers) if answers else frozenset()
    context = pack.context_when_away(away) if away else pack.template_context()
    escalate = spec.get("escalate") or {"roles": [], "urgency": "none"}
    roles = tuple(escalate["roles"])
    if (stand_in := pack.standing_in(away)) is not None:
        replaced = pack.stood_in_for(away)
        if escalate.get("stand_in") == "alongside":
            roles = tuple(dict.fromkeys((stand_in.id, *roles)))
        else:
            roles = tuple(dict.fromkeys(stand_in.id if r in replaced else r for r in roles))
    form_fact = spec.get("form")
    form = pack.facts[form_fact].value if form_fact else None
    first: tuple[str, ...] = ()
    do = tuple(render(s, context) for s in spec["do"])
    unaway_do: tuple[str, ...] | None = None
    if away and (instead := _away_without_stand_in(pack, away)) is not None:
        first = (instead,)
        spec = {**spec, "cite": [*spec.get("cite", ()), "absence_stand_in"]}
        unaway_do = tuple(render(s, pack.template_context()) for s in spec["do"])
    return ResolvedOutcome(
        id=outcome.id,
        headline=render(spec["headline"], context),
        decision=spec["decision"],
        decision_label=decision_label(spec, context),
        do=first + do,
        never=tuple(render(s, context) for s in spec.get("never", ())),
        say=render(spec["say"], context),
        citations=citations_for(pack, spec),
        escalate=Escalation(roles, escalate["urgency"]),
        form=str(form) if form else None,
        hold=hold_for(pack, spec["hold"]) if spec.get("hold") else None,
        reviewed=flow.last_reviewed,
        away_note=first[0] if first else None,
        unaway_do=unaway_do,
    )


def hold_for(pack: Pack, spec: dict[str, Any]) -> dict[str, Any]:
    """The deadline an outcome starts at this library: ``days_fact`` (footage_retention_days)
    gives its length where the pack states that number, since the footage is gone after it;
    otherwise the flow's ``days``."""
    hold = dict(spec)
    fact = pack.facts.get(hold.pop("days_fact", None) or "")
    if fact is not None and isinstance(fact.value, int) and not isinstance(fact.value, bool) \
            and fact.value > 0:
        hold["days"] = fact.value
    return hold


def validate_outcome_spec(spec: dict[str, Any]) -> list[str]:
    """Schema messages for a merged (flow + override) outcome."""
    flow_schema = schema("flow")
    sub = {**flow_schema["$defs"]["outcome"], "$defs": flow_schema["$defs"]}
    from jsonschema import Draft202012Validator

    return [e.message for e in Draft202012Validator(sub).iter_errors(spec)]


@dataclass
class Catalogue:
    """All packs and flows under one root. ``problems`` holds what failed to load."""

    root: Path
    packs: dict[str, Pack] = field(default_factory=dict)
    flows: dict[str, Flow] = field(default_factory=dict)
    library_flows: dict[str, dict[str, Flow]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def load(cls, root: Path | None = None, *, strict: bool = True) -> Catalogue:
        """Every pack and flow under ``root``: parsed once, then from the disk cache (``bot.cache``)
        until a content file or frontdesk's content code changes."""
        found = find_content_root(root)
        catalogue = cached("catalogue", _content_key(found), lambda: cls._fresh(found))
        if strict and catalogue.problems:
            raise ContentError(catalogue.problems)
        return catalogue

    @classmethod
    def _fresh(cls, root: Path) -> Catalogue:
        catalogue = cls(root)
        catalogue._load_all()
        return catalogue

    def _load_all(self) -> None:
        if not (self.root / "knowledge").is_dir():
            self.problems.append(Problem(self.root, 0, "no knowledge folder here: expected "
                                         "knowledge/<library>/pack.yaml (and flows/<situation>"
                                         ".yaml, or none to use the bundled flows)"))
            return
        flows_root = self.root if (self.root / "flows").is_dir() else bundled_content_root()
        if flows_root is None:
            self.problems.append(Problem(self.root, 0, "no flows folder here and no bundled "
                                         "flows to use: expected flows/<situation>.yaml"))
            return
        knowledge = self.root / "knowledge"
        for folder in sorted(p for p in knowledge.iterdir() if (p / "pack.yaml").is_file()):
            try:
                self.packs[folder.name] = load_pack(folder)
            except ContentError as exc:
                self.problems.extend(exc.problems)
            extra = folder / "flows"
            if extra.is_dir():
                for path in sorted(extra.glob("*.yaml")):
                    try:
                        flow = load_flow(path)
                        self.library_flows.setdefault(folder.name, {})[flow.id] = flow
                    except ContentError as exc:
                        self.problems.extend(exc.problems)
        for path in sorted((flows_root / "flows").glob("*.yaml")):
            try:
                flow = load_flow(path)
                self.flows[flow.id] = flow
            except ContentError as exc:
                self.problems.extend(exc.problems)

    # --- lookups used by every face -------------------------------------------------------

    def pack(self, library: str) -> Pack:
        try:
            return self.packs[library]
        except KeyError:
            known = ", ".join(sorted(self.packs))
            raise UnknownName(f"unknown library {library!r} (known: {known})") from None

    def flows_for(self, library: str) -> dict[str, Flow]:
        """The shared flows plus any the library's pack adds (a pack flow wins on the same id)."""
        return {**self.flows, **self.library_flows.get(library, {})}

    def flow(self, library: str, flow_id: str) -> Flow:
        flows = self.flows_for(library)
        try:
            return flows[flow_id]
        except KeyError:
            known = ", ".join(sorted(flows))
            raise UnknownName(f"unknown flow {flow_id!r} (known: {known})") from None
