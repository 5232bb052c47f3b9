"""Relevance per library and "Not sure": what the engine asks, where not knowing leads."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.check import run_checks
from bot.check.paths import enumerate_paths
from bot.check.relevance import check_not_sure
from bot.cli import main
from bot.content.catalogue import Catalogue
from bot.content.decisions import caution_key
from bot.content.flows import NOT_SURE, Question
from bot.engine import start, step
from bot.engine.relevance import LEGACY, relevance
from tests.conftest import ROOT
from tests.terminal_support import chat
from tests.test_check import FLOW, break_file, line_of

PARENT = "parent-requests-child-records"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.load(ROOT)


def play(catalogue: Catalogue, library: str, flow: str, *said: str):
    view = start(catalogue, library, flow)
    for text in said:
        view = step(catalogue, view.conversation, text)
    return view


def test_a_question_whose_answer_changes_nothing_is_not_asked(catalogue: Catalogue) -> None:
    # Mount Prospect gives parents nothing, card or not: the card question is skipped.
    view = play(catalogue, "mount-prospect", PARENT, "yes", "fines")
    assert view.outcome is not None and view.outcome.id == "no-parent-access"
    assert [q for q, _ in view.path] == ["minor", "want"]
    # Jackson County ties a parent's access to the card: the same answers ask for it.
    view = play(catalogue, "jackson-county", PARENT, "yes", "fines")
    assert view.question is not None and view.question.id == "card"


def test_the_old_rules_still_ask_it(catalogue: Catalogue) -> None:
    pack, flow = catalogue.pack("mount-prospect"), catalogue.flow("mount-prospect", PARENT)
    now = {q for path in enumerate_paths(pack, flow) for q, _ in path.steps}
    before = {q for path in enumerate_paths(pack, flow, LEGACY) for q, _ in path.steps}
    assert before - now == {"card"}


def test_not_sure_takes_the_most_cautious_reachable_outcome_everywhere(
        catalogue: Catalogue) -> None:
    """For every asked question at every library: "Not sure" (unless the flow says it pages)
    ends at an outcome no other reachable outcome is more cautious than, never a release,
    and it pages exactly when that outcome names someone."""
    checked = 0
    for library, pack in catalogue.packs.items():
        for flow in catalogue.flows_for(library).values():
            logic = relevance(pack, flow)
            for path in enumerate_paths(pack, flow):
                if not path.steps or path.steps[-1][1] != NOT_SURE:
                    continue
                question = flow.nodes[path.steps[-1][0]]
                assert isinstance(question, Question)
                if question.choice(NOT_SURE).pages:
                    continue
                context = tuple(sorted({**dict(path.skipped),
                                        **dict(path.steps[:-1])}.items()))
                reachable = set(logic.candidates(question, context))
                chosen = logic.outcome(path.outcome)
                assert chosen.decision not in ("disclose", "disclose-limited"), path.describe()
                assert path.outcome in reachable, path.describe()
                assert all(caution_key(chosen) <= caution_key(logic.outcome(o))
                           for o in reachable), path.describe()
                checked += 1
    assert checked > 50


def test_not_sure_about_the_card_withholds_without_paging(catalogue: Catalogue) -> None:
    view = play(catalogue, "jackson-county", PARENT, "yes", "items-out", "not-sure")
    assert view.outcome is not None and view.outcome.id == "need-card"
    assert not view.outcome.escalate.pages
    hint = catalogue.flow("jackson-county", PARENT).nodes["card"].choice(NOT_SURE).find_out
    assert "card" in hint


def test_check_lists_skipped_questions_and_paging_not_sure() -> None:
    result = CliRunner().invoke(main, ["check", str(ROOT)])
    assert result.exit_code == 0, result.output
    assert f"{PARENT} [mount-prospect]: card" in result.output
    assert f"{PARENT} [calumet]: card\n" in result.output  # one card question there
    assert f"{PARENT} [jackson-county]" not in result.output
    assert "law-enforcement-request: document" in result.output


def test_a_not_sure_marked_to_page_must_page(content_copy: Path) -> None:
    assert run_checks(content_copy).errors == []
    path = break_file(content_copy, FLOW,
                      "say: I'll get the person who can help you.\n"
                      "      cite: [general_confidentiality]\n"
                      "      escalate: {roles: [privacy-in-charge], urgency: prompt}",
                      "say: I'll get the person who can help you.\n"
                      "      cite: [general_confidentiality]\n"
                      "      escalate: {roles: [], urgency: none}")
    # The structural check stops the whole-catalogue ones; ours also sees pack overrides.
    errors = check_not_sure(Catalogue.load(content_copy, strict=False))
    ours = [p for p in errors if "marked pages: true" in p.message]
    assert ours and "pages nobody" in ours[0].message, [str(p) for p in errors]
    assert ours[0].line == line_of(path, "pages: true") - 3  # the not-sure choice's "- id"


def test_not_sure_between_two_releases_is_an_error(content_copy: Path) -> None:
    path = break_file(content_copy, FLOW, "        label: Nothing\n        next: withhold",
                      "        label: Nothing\n        next: fines-only")
    report = run_checks(content_copy)
    wanted = [p for p in report.errors if "a release is never the cautious answer" in p.message]
    assert wanted, [str(p) for p in report.problems]
    assert wanted[0].path == path


def test_the_terminal_says_how_to_find_out_after_a_cautious_answer(catalogue: Catalogue) -> None:
    said = "\n".join(chat(catalogue, "jackson-county",
                          ["parent wants to know what her 12 year old has overdue", "not sure",
                           ""]))
    assert ("You weren't sure, so this is the most cautious answer. To find out: Ask to see "
            "the child's library card or card number.") in said
    assert "PAGED" not in said
