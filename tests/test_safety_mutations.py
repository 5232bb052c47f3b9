"""Mutation suite for the safety proof: unsafe edits of the real content that `check` must reject.

Each mutation is generated from the shipped flows and packs (not hand-picked lines): every
outcome that keeps records in is flipped to a release, every release loses its person in charge,
conditions are cut out of the graph, library-only copies and pack overrides do the same, topics
and danger questions are removed. `frontdesk check` must reject every one with a safety error at
a file and line, and the safe edits at the end must still pass.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.check import run_checks
from bot.check.paths import enumerate_paths
from bot.content.catalogue import Catalogue
from bot.content.flows import Branch, Flow, Outcome, Question
from bot.content.yamlio import load_yaml
from tests.conftest import ROOT

RELEASES = ("disclose", "disclose-limited", "comply")
SAFETY_CUES = {cid: spec.get("cues", ()) for cid, spec in
               load_yaml(ROOT / "knowledge" / "safety.yaml")["conditions"].items()}
REAL = Catalogue.load(ROOT)
LINE = re.compile(r"^(?P<path>[^\s].*?):(?P<line>\d+): (?P<message>.+)$")


@dataclass(frozen=True)
class Edit:
    """One edit of a copy of the real content; ``expect`` is part of the error it must cause."""

    name: str
    apply: Callable[[Path], None]
    expect: str = "safety rule"

    def rejected_by(self, message: str) -> bool:
        if not self.expect:  # a pack's conditions: the cue check or the release proof
            return "release" in message or "without its conditions" in message
        # A flip on a not-sure path is also caught by the structural not-sure check.
        return self.expect in message or (
            self.expect == "safety rule" and "must withhold or refer" in message
        )


def in_copy(root: Path, file: Path) -> Path:
    """``file`` of the real content (or already relative to the copy) inside the copy."""
    return root / (file.resolve().relative_to(ROOT) if file.is_absolute() else file)


def replace_after(root: Path, file: Path, line: int, pattern: str, new: str) -> None:
    """Replace the first line at or after ``line`` (1-based) whose text matches ``pattern``."""
    target = in_copy(root, file)
    lines = target.read_text().split("\n")
    for index in range(line - 1, len(lines)):
        if re.search(pattern, lines[index]):
            lines[index] = re.sub(pattern, new, lines[index], count=1)
            target.write_text("\n".join(lines))
            return
    raise AssertionError(f"{pattern!r} not found after {file}:{line}")


def insert_after(root: Path, file: Path, line: int, text: str) -> None:
    target = in_copy(root, file)
    lines = target.read_text().split("\n")
    lines.insert(line, text)
    target.write_text("\n".join(lines))


def add_override(pack: Path, block: str) -> None:
    """Add one override (YAML lines under ``overrides:``) to a copied pack."""
    text = pack.read_text()
    if re.search(r"^overrides:", text, re.M):
        text = re.sub(r"^overrides:.*\n", lambda m: m.group(0) + block, text, count=1,
                      flags=re.M)
    else:
        text += "\noverrides:\n" + block
    pack.write_text(text)


def reachable(flow: Flow, library: str) -> set[str]:
    """The outcomes a library can reach in ``flow`` (an edit elsewhere changes nothing there)."""
    return {path.outcome for path in enumerate_paths(REAL.packs[library], flow)}


def reachable_anywhere(flow: Flow) -> set[str]:
    return set().union(*(reachable(flow, library) for library in REAL.packs))


def decision(flow: Flow, outcome: Outcome) -> str:
    return str(outcome.spec["decision"])


def flows_on(*topics: str) -> list[Flow]:
    return [f for f in REAL.flows.values() if set(f.topics) & set(topics)]


GOVERNED = ("law-enforcement", "legal-process", "third-party", "media", "public-records",
            "footage", "minors", "family", "patron-self", "card", "complaint", "staff-conduct")


def flipped_decisions() -> Iterator[Edit]:
    """An outcome that keeps records in, on every governed topic, flipped to a release.

    One per flow (the middle one a library can reach), to keep the suite quick: ``comply`` (the
    decision the old rules forgot) on law-enforcement topics, ``disclose`` elsewhere.
    """
    for flow in flows_on(*GOVERNED):
        live = reachable_anywhere(flow)
        kept = [o for o in flow.outcomes()
                if decision(flow, o) not in RELEASES and o.id in live]
        new = "comply" if {"law-enforcement", "legal-process"} & set(flow.topics) else "disclose"
        for outcome in kept[len(kept) // 2:][:1]:

            def apply(root: Path, flow: Flow = flow, outcome: Outcome = outcome,
                      new: str = new) -> None:
                replace_after(root, flow.path, outcome.line, r"decision: [a-z-]+",
                              f"decision: {new}")

            yield Edit(f"flip {flow.id}/{outcome.id} to {new}", apply)


def roles_removed() -> Iterator[Edit]:
    """Every law-enforcement release without its person in charge."""
    for flow in flows_on("law-enforcement", "legal-process"):
        for outcome in flow.outcomes():
            if decision(flow, outcome) not in RELEASES:
                continue

            def apply(root: Path, flow: Flow = flow, outcome: Outcome = outcome) -> None:
                replace_after(root, flow.path, outcome.line, r"roles: \[[^\]]*\]", "roles: []")

            yield Edit(f"no privacy in-charge on {flow.id}/{outcome.id}", apply)


def release_targets(flow: Flow) -> set[str]:
    return {o.id for o in flow.outcomes() if decision(flow, o) in RELEASES}


# The answers that establish a release condition, each with the answer that must not.
CONDITION_ANSWERS = {
    "law-enforcement-request": [("document", "court-order", "none"), ("emergency", "yes", "no"),
                                ("sworn", "yes", "no"), ("danger", "yes", "no"),
                                ("scope", "identity-only", "records-of-use")],
}


def conditions_dropped() -> Iterator[Edit]:
    """Release conditions cut out of the graph, keeping every node reachable.

    A branch arm that leads to a release on a library fact is made unconditional (where some
    library's fact says no), and an answer that establishes a condition trades places with
    the answer that denies it.
    """
    for flow in flows_on("law-enforcement", "legal-process"):
        releases = release_targets(flow)
        for node in flow.nodes.values():
            if not isinstance(node, Branch):
                continue
            for arm in node.rules:
                if arm.when is None or "facts." not in arm.when or arm.next not in releases:
                    continue
                if all(arm.next in reachable(flow, library) for library in REAL.packs):
                    continue  # the fact already holds everywhere: nothing to drop

                def always(root: Path, flow: Flow = flow, line: int = arm.line) -> None:
                    replace_after(root, flow.path, line, r'when: ".*"', 'when: "true"')

                yield Edit(f"{flow.id}: branch {node.id} releases without its fact", always)
        for question_id, good, bad in CONDITION_ANSWERS.get(flow.id, ()):
            question = flow.nodes[question_id]
            assert isinstance(question, Question)
            first, second = question.choice(good), question.choice(bad)
            assert first is not None and second is not None

            def swap(root: Path, flow: Flow = flow, first=first, second=second) -> None:  # noqa: ANN001
                replace_after(root, flow.path, first.next_line, r"next: [a-z0-9_-]+",
                              f"next: {second.next}")
                replace_after(root, flow.path, second.next_line, r"next: [a-z0-9_-]+",
                              f"next: {first.next}")

            yield Edit(f"{flow.id}: {question_id}={bad} goes where {good} went", swap)


def library_only_copies() -> Iterator[Edit]:
    """The law-enforcement flow copied into one library's own flows, releasing without paper."""
    source = REAL.flows["law-enforcement-request"]
    withheld = [o for o in source.outcomes() if decision(source, o) == "withhold"]
    for index, library in enumerate(sorted(REAL.packs)):
        live = [o for o in withheld if o.id in reachable(source, library)]
        outcome = live[index % len(live)]

        def apply(root: Path, library: str = library, outcome: Outcome = outcome) -> None:
            folder = root / "knowledge" / library / "flows"
            folder.mkdir(exist_ok=True)
            copy = folder / "police-shortcut.yaml"
            copy.write_text(source.path.read_text().replace(
                "id: law-enforcement-request", "id: police-shortcut", 1))
            replace_after(root, copy.relative_to(root), outcome.line, r"decision: [a-z-]+",
                          "decision: disclose")

        yield Edit(f"library-only copy for {library} discloses at {outcome.id}", apply)


def pack_overrides() -> Iterator[Edit]:
    """A pack override that turns a refusal into compliance for that library only."""
    pairs = [("law-enforcement-request", "needs-court-order"),
             ("law-enforcement-request", "not-sworn"),
             ("legal-document-served", "lawyer-letter"),
             ("parent-requests-child-records", "no-parent-access"),
             ("third-party-requests-patron-info", "withhold-account")]
    for library in sorted(REAL.packs):
        flow_id, outcome_id = next(
            (f, o) for f, o in pairs[len(library) % len(pairs):] + pairs
            if o in reachable(REAL.flows[f], library)
        )

        def apply(root: Path, library: str = library, key: str = f"{flow_id}/{outcome_id}"
                  ) -> None:
            add_override(root / "knowledge" / library / "pack.yaml",
                         f'  "{key}":\n    decision: comply\n')

        yield Edit(f"{library} overrides {flow_id}/{outcome_id} to comply", apply)


def meaning_removed() -> Iterator[Edit]:
    """Topics and danger questions taken away so that a rule would no longer apply."""
    footage = REAL.flows["security-camera-footage"]
    who = footage.nodes["who"]
    assert isinstance(who, Question)
    police = who.choice("police")
    assert police is not None
    no_rule = footage.nodes["police-no-rule"]

    def footage_without_police(root: Path) -> None:
        replace_after(root, footage.path, no_rule.line, r"decision: [a-z-]+", "decision: comply")
        replace_after(root, footage.path, police.line, r"topic: \[law-enforcement\]", "topic: []")

    yield Edit("footage to police without the law-enforcement topic", footage_without_police,
               "topic")

    def footage_to_anyone(root: Path) -> None:
        replace_after(root, footage.path, police.line, r"topic: \[law-enforcement\]",
                      "topic: [media]")
        replace_after(root, footage.path, no_rule.line, r"decision: [a-z-]+", "decision: comply")

    yield Edit("footage released once the police choice is relabelled", footage_to_anyone)

    law = REAL.flows["law-enforcement-request"]

    def misspelled_topic(root: Path) -> None:
        replace_after(root, law.path, 1, r"^topic: \[law-enforcement\]",
                      "topic: [law-enforcment]")

    yield Edit("law-enforcement topic misspelled", misspelled_topic, "unknown topic")

    def no_topic(root: Path) -> None:
        replace_after(root, law.path, 1, r"^topic: \[law-enforcement\]\n?", "")

    yield Edit("law-enforcement flow without a topic", no_topic, "topic")

    for flow_id, question_id in (("emergency-or-illegal-activity", "danger"),
                                 ("cybertipline-concern", "child-danger"),
                                 ("parent-requests-child-records", "danger")):
        flow = REAL.flows[flow_id]
        question = flow.nodes[question_id]

        def not_danger(root: Path, flow: Flow = flow, line: int = question.line) -> None:
            replace_after(root, flow.path, line, r"^    danger: true$", "    # asked later")

        yield Edit(f"{flow_id}: {question_id} no longer the danger question", not_danger,
                   "danger")


def pack_conditions_removed() -> Iterator[Edit]:
    """A condition, or who may ask, deleted from a pack's release terms.

    Up to three conditions and one requester per library, each from a different clause where
    the pack has enough, to keep the suite quick.
    """
    for library, pack in sorted(REAL.packs.items()):
        ways = [(c, t) for c in pack.clauses.values() for t in c.releases]
        needs = [(c, t, n) for c, t in ways for n in t.needs[:1]][:3]
        # Who may ask, taken away where the clause's words still say who (or nothing is left):
        # Calumet's emergency way is the one not caught by the pack (its text says "law
        # enforcement officers", no cue), and the law-enforcement rule still asks for a sworn one.
        who = [(c, t) for c, t in ways if t.who and (not t.needs or any(
            cue in " ".join(c.text.lower().split())
            for cue in SAFETY_CUES.get(t.who, ())))][:1]
        for clause, terms, condition in needs:

            def drop(root: Path, pack_path: Path = pack.path, line: int = terms.line,
                     condition: str = condition) -> None:
                replace_after(root, pack_path, line, rf"(needs: \[.*?)\b{condition}\b(, )?",
                              r"\1")

            yield Edit(f"{library} {clause.id} loses {condition}", drop, "")
        for clause, terms in who:

            def anyone(root: Path, pack_path: Path = pack.path, line: int = terms.line,
                       who: str = str(terms.who)) -> None:
                replace_after(root, pack_path, line, rf"- who: {who}$", "-")

            yield Edit(f"{library} {clause.id} lets anyone ask, not only {terms.who}", anyone, "")


def fixes_undone() -> Iterator[Edit]:
    """The two unsafe answers found at the desk, put back: check must fail on each."""
    law = REAL.flows["law-enforcement-request"]
    form = law.nodes["form"]
    assert isinstance(form, Question)
    signed, refuses = form.choice("signed"), form.choice("refuses")
    assert signed is not None and refuses is not None

    def no_form_question(root: Path) -> None:
        replace_after(root, law.path, signed.next_line, r"next: [a-z-]+", "next: form-refused")
        replace_after(root, law.path, refuses.next_line, r"next: [a-z-]+",
                      "next: emergency-identify")

    yield Edit("an officer who won't sign still gets the release", no_form_question,
               "completes and signs the library's form")

    parent = REAL.flows["parent-requests-child-records"]
    route = parent.nodes["route"]
    assert isinstance(route, Branch)
    fines_arm = next(arm for arm in route.rules if arm.when and "fines'" in arm.when
                     and arm.next == "relationship")

    def no_relationship_question(root: Path) -> None:
        replace_after(root, parent.path, fines_arm.next_line, r"next: relationship",
                      "next: fines-to-parent")

    yield Edit("fines offered without asking for the parent or legal guardian",
               no_relationship_question, "parent or legal guardian")


UNSAFE: list[Edit] = [
    *flipped_decisions(),
    *roles_removed(),
    *conditions_dropped(),
    *library_only_copies(),
    *pack_overrides(),
    *meaning_removed(),
    *pack_conditions_removed(),
    *fixes_undone(),
]


def safe_edits() -> Iterator[Edit]:
    law = REAL.flows["law-enforcement-request"]
    court = law.nodes["court-order"]
    emergency = law.nodes["emergency"]

    def headline(root: Path) -> None:
        replace_after(root, law.path, court.line, r'headline: ".*"',
                      'headline: "Court order: the {{ pic }} handles it. Paging them now."')

    yield Edit("reword a release headline", headline)

    def trigger(root: Path) -> None:
        insert_after(root, law.path, law.trigger_lines[0], "  - officer at circ with questions")

    yield Edit("add a trigger phrase", trigger)

    def louder(root: Path) -> None:
        needs = law.nodes["needs-court-order"]
        replace_after(root, law.path, needs.line, r"escalate: \{roles: \[\], urgency: none\}",
                      "escalate: {roles: [privacy-in-charge], urgency: prompt}")

    yield Edit("page sooner on a refusal", louder)

    def more_never(root: Path) -> None:
        replace_after(root, law.path, court.line, r"^      never:$",
                      "      never:\n        - Do not promise the officer a time.")

    yield Edit("add a never line to a release", more_never)

    def safer(root: Path) -> None:
        replace_after(root, law.path, court.line, r"decision: comply", "decision: refer")

    yield Edit("make a release a referral", safer)

    def extra_topic(root: Path) -> None:
        media = REAL.flows["media-inquiry"]
        replace_after(root, media.path, 1, r"^topic: \[media\]", "topic: [media, third-party]")

    yield Edit("add a topic that holds", extra_topic)

    def override_text(root: Path) -> None:
        add_override(root / "knowledge" / "calumet" / "pack.yaml",
                     '  "law-enforcement-request/court-order":\n'
                     '    headline: "Court order: Calumet\'s {{ pic }} handles it. Paging them."\n')

    yield Edit("a pack override rewords a release", override_text)

    def library_copy(root: Path) -> None:
        folder = root / "knowledge" / "westmont" / "flows"
        folder.mkdir(exist_ok=True)
        (folder / "police-at-westmont.yaml").write_text(law.path.read_text().replace(
            "id: law-enforcement-request", "id: police-at-westmont", 1))

    yield Edit("an unchanged library-only copy", library_copy)

    def reorder(root: Path) -> None:
        replace_after(root, law.path, emergency.line, r"Go by what the officer tells you\.",
                      "Go by the officer's own words.")

    yield Edit("reword a question's help", reorder)


SAFE = list(safe_edits())


def content_copy_of_real(tmp_path: Path) -> Path:
    target = tmp_path / "real"
    target.mkdir()
    shutil.copytree(ROOT / "flows", target / "flows")
    shutil.copytree(ROOT / "knowledge", target / "knowledge")
    return target


def test_the_suite_has_at_least_30_unsafe_mutations() -> None:
    assert len(UNSAFE) >= 30, len(UNSAFE)
    assert len({m.name for m in UNSAFE}) == len(UNSAFE)


@pytest.mark.parametrize("edit", UNSAFE, ids=[m.name for m in UNSAFE])
def test_check_rejects_every_unsafe_edit(edit: Edit, tmp_path: Path) -> None:
    root = content_copy_of_real(tmp_path)
    edit.apply(root)
    errors = run_checks(root).errors
    assert any(edit.rejected_by(p.message) for p in errors), (
        f"{edit.name}: check did not reject it; errors: {[str(p) for p in errors]}"
    )
    for problem in errors:
        assert LINE.match(str(problem)), str(problem)
        assert "\n" not in str(problem)
        assert problem.line > 0


@pytest.mark.parametrize("edit", SAFE, ids=[m.name for m in SAFE])
def test_check_accepts_safe_edits(edit: Edit, tmp_path: Path) -> None:
    root = content_copy_of_real(tmp_path)
    edit.apply(root)
    errors = run_checks(root).errors
    assert errors == [], [str(p) for p in errors]
