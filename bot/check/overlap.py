"""Overlap analysis: trigger phrases that read like another situation (local topic confusion).

A staff member who types one flow's trigger phrase should land in that flow. For every trigger
phrase this check asks the router (the same one every face uses) where the phrase goes, and
warns, at the trigger's file:line, when

* the router would send the phrase to another flow, or
* another flow scores within ``MARGIN`` of the phrase's own flow (staff typing it would get
  "Did you mean" instead of the flow), or
* another flow has a trigger with the same normalised words (``DUPLICATE`` similarity).

These are warnings: overlap is sometimes deliberate (police asking for camera footage belongs
to two flows). Fix by rewording the trigger, moving it, or accepting the "Did you mean".

Routing every trigger is the costliest part of `frontdesk check`, and its answer depends only on
the flows' phrases, the routing data and the router's code: the warnings are kept in the user's
cache folder under a digest of all three, and recomputed whenever any of them changes.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib.resources import files
from pathlib import Path

import platformdirs
from rapidfuzz import fuzz, process

from bot.content.catalogue import Catalogue
from bot.content.flows import Flow
from bot.errors import Problem

MARGIN = 0.10  # another flow this close to the trigger's own flow is a confusion
DUPLICATE = 92.0  # ratio of two triggers' sorted normalised words at which they collide


def _line(flow: Flow, index: int) -> int:
    lines = flow.trigger_lines
    return lines[index] if index < len(lines) else flow.lines.get("id", 0)


def _check_flows(flows: list[Flow]) -> list[Problem]:
    from bot.router import Router  # (only when the cache misses: the router's readers are heavy)

    router = Router(flows)
    by_id = {f.id: f for f in flows}
    problems: list[Problem] = []
    normalised = [
        (flow, index, " ".join(sorted(set(router.normaliser.content(trigger)))))
        for flow in flows
        for index, trigger in enumerate(flow.triggers)
    ]
    texts = [words for _, _, words in normalised]
    for flow, index, words in normalised:
        trigger = flow.triggers[index]
        where = (flow.path, _line(flow, index))
        ranked = [(fid, s) for fid, s in router.score_all(trigger) if fid in by_id]
        own = dict(ranked).get(flow.id, 0.0)
        rival, rival_score = next(((fid, s) for fid, s in ranked if fid != flow.id), ("", 0.0))
        if ranked and ranked[0][0] != flow.id:
            problems.append(Problem(*where, (
                f"trigger {trigger!r} routes to {rival!r} ({rival_score:.2f}) rather than "
                f"{flow.id!r} ({own:.2f}): reword it, or move it to {rival!r}"
            ), severity="warning"))
        elif rival and own - rival_score < MARGIN:
            problems.append(Problem(*where, (
                f"trigger {trigger!r} scores close to {rival!r} ({own:.2f} vs {rival_score:.2f}): "
                f"staff typing it may get 'Did you mean' instead of {flow.id!r}"
            ), severity="warning"))
        if words.count(" ") < 1:
            continue
        # One C-level pass over every trigger per phrase (not a Python double loop): with
        # ~700 triggers the pairwise comparison was most of `frontdesk check`'s time.
        # ``words`` are already sorted, so plain ``ratio`` equals token_sort_ratio, unsorted.
        alike = process.extract(words, texts, scorer=fuzz.ratio, processor=None,
                                score_cutoff=DUPLICATE, limit=None)
        for _, _, column in sorted(alike, key=lambda match: match[2]):
            other, other_index, other_words = normalised[column]
            if other.id <= flow.id or other_words.count(" ") < 1:
                continue
            problems.append(Problem(*where, (
                    f"trigger {trigger!r} has the same words as {other.id!r}'s trigger "
                    f"{other.triggers[other_index]!r} ({other.path}:{_line(other, other_index)})"
                ), severity="warning"))
    return problems


def _digest(flows: list[Flow]) -> str:
    """What the overlap warnings depend on: phrases and their places, routing data, router code."""
    digest = hashlib.sha256()
    for flow in sorted(flows, key=lambda f: f.id):
        digest.update(json.dumps([str(flow.path), flow.id, flow.title, flow.description,
                                  list(flow.triggers), list(flow.trigger_lines),
                                  flow.lines.get("id", 0)]).encode())
    for folder in (files("bot") / "data" / "routing", files("bot") / "router"):
        for item in sorted(folder.iterdir(), key=lambda i: i.name):
            if item.is_file() and item.name.endswith((".py", ".txt", ".yaml")):
                digest.update(item.name.encode() + item.read_bytes())
    return digest.hexdigest()[:32]


def _cached(flows: list[Flow]) -> list[Problem]:
    """``_check_flows``, from the cache when nothing it depends on has changed."""
    folder = Path(os.environ.get("FRONTDESK_CACHE") or platformdirs.user_cache_dir("frontdesk"))
    path = folder / f"overlap-{_digest(flows)}.json"
    try:
        return [Problem(Path(p["path"]), p["line"], p["message"], p["severity"])
                for p in json.loads(path.read_text("utf-8"))]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    problems = _check_flows(flows)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps([{"path": str(p.path), "line": p.line,
                                        "message": p.message, "severity": p.severity}
                                       for p in problems]), "utf-8")
        partial.replace(path)
    except OSError:
        pass  # a read-only home: the next run computes it again
    return problems


def check_overlap(catalogue: Catalogue) -> list[Problem]:
    """Warnings for trigger phrases that overlap another flow, for every library's flow set."""
    problems: list[Problem] = []
    seen_sets: set[tuple[int, ...]] = set()
    libraries = sorted(catalogue.packs) or [""]
    for library in libraries:
        flows = list(catalogue.flows_for(library).values()) if library else list(
            catalogue.flows.values())
        key = tuple(sorted(id(f) for f in flows))
        if key in seen_sets or len(flows) < 2:
            continue
        seen_sets.add(key)
        problems.extend(_cached(flows))
    unique: dict[tuple[str, int, str], Problem] = {}
    for problem in problems:
        unique.setdefault((str(problem.path), problem.line, problem.message), problem)
    return sorted(unique.values(), key=lambda p: (str(p.path), p.line, p.message))
