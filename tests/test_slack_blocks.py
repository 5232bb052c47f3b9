"""Block Kit limits hold for any content: checked with slack_sdk's models and the fake's
validator (the same checks that make the fake Slack answer ``invalid_blocks``)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from bot.content.catalogue import Catalogue, Citation
from bot.content.flows import Choice, Question
from bot.engine import start, step
from bot.engine.step import STATED_DATE
from bot.faces.slack import blocks
from bot.faces.slack.paging import paging_note
from tests.fakeslack import block_errors, view_errors
from tests.slack_support import SLACK_CONTENT, button, buttons


@pytest.fixture(scope="module")
def slack_catalogue() -> Catalogue:
    return Catalogue.load(SLACK_CONTENT)


def outcome_view(catalogue: Catalogue):  # type: ignore[no-untyped-def]
    current = start(catalogue, "testlib", "police-request")
    return step(catalogue, current.conversation, "warrant").outcome


def test_outcome_with_many_long_clauses_fits_in_50_blocks(slack_catalogue: Catalogue) -> None:
    pack = slack_catalogue.pack("testlib")
    result = outcome_view(slack_catalogue)
    many = tuple(Citation(f"X.{n}", f"Clause {n}", "word " * 1500) for n in range(80))
    huge = replace(
        result,
        citations=many,
        do=tuple("step " * 200 for _ in range(30)),
        never=tuple("never " * 200 for _ in range(30)),
        say="say " * 1000,
    )
    message = blocks.outcome(
        pack,
        huge,
        thread_ts="1.0",
        rev=3,
        paging=blocks.Paging("Privacy Officer", "immediate", "paged"),
        prefilled=tuple((f"q{n}", "x", "ask " * 400, "label " * 100) for n in range(30)),
    )
    assert len(message.blocks) <= 50
    assert block_errors(message.blocks) == []
    assert button(message.blocks, "Show the policy")
    assert button(message.blocks, "Page someone now")
    assert button(message.blocks, "Change: ask")


def test_the_policy_sits_behind_show_the_policy(slack_catalogue: Catalogue) -> None:
    pack = slack_catalogue.pack("testlib")
    result = outcome_view(slack_catalogue)
    message = blocks.outcome(pack, result, thread_ts="1.0", rev=1, paging=None)
    shown = "\n".join(
        b["text"]["text"] for b in message.blocks if "text" in b and isinstance(b["text"], dict)
    )
    ids = [c.clause for c in result.citations]
    for citation in result.citations:  # named, not quoted, in the thread
        assert citation.text[:60] not in shown
    assert f"{len(ids)} clause" in shown
    policy = button(message.blocks, "Show the policy")
    assert policy["action_id"] == blocks.SHOW_POLICY
    assert blocks.parse_value(policy["value"]) == {"l": "testlib", "c": ids}
    modal = blocks.clause_modal(pack, ids)
    assert view_errors(modal) == []
    text = " ".join(b["text"]["text"] for b in modal["blocks"] if b["type"] == "section")
    assert "the people who must act on it." in text


def test_never_first_for_urgent_outcomes(slack_catalogue: Catalogue) -> None:
    pack = slack_catalogue.pack("testlib")
    result = outcome_view(slack_catalogue)
    texts = [
        b["text"]["text"]
        for b in blocks.outcome(pack, result, thread_ts="1", rev=1, paging=None).blocks
        if "text" in b
    ]
    order = [t for t in texts if t.startswith(("*⛔", "*✅"))]
    assert order[0].startswith("*⛔")  # immediate: the warnings come before the steps


def test_question_with_many_choices_and_long_labels() -> None:
    choices = tuple(Choice(f"c{n}", "label " * 20, (), "x", 1) for n in range(40))
    question = Question("q", "ask " * 900, "help " * 900, choices, 1)
    message = blocks.question(question, thread_ts="1.0", rev=0, number=2, can_go_back=True)
    assert block_errors(message.blocks) == []
    assert all(len(b["elements"]) <= 25 for b in message.blocks if b["type"] == "actions")
    # Not sure, Back, Start over, Something else, Page someone now
    assert len(buttons(message.blocks)) == 40 + 5


def test_text_from_content_is_escaped() -> None:
    assert blocks.escape("<@U1> & <!channel>") == "&lt;@U1&gt; &amp; &lt;!channel&gt;"


def test_button_values_tolerate_garbage() -> None:
    assert blocks.parse_value("not json") == {}
    assert blocks.parse_value('["a"]') == {}
    assert blocks.parse_value(None) == {}


def test_cached_question_rendering_matches_a_fresh_one(slack_catalogue: Catalogue) -> None:
    flow = slack_catalogue.flow("testlib", "police-request")
    for node in flow.questions():
        for rev in (0, 7, 770077):
            fresh = blocks.Message(node.ask, blocks.render(
                blocks._question_blocks(node, "1712345678.000200", rev, 2, True, ())
            ))
            cached = blocks.question(
                node, thread_ts="1712345678.000200", rev=rev, number=2, can_go_back=True
            )
            assert cached == fresh


def test_the_paging_head_names_what_the_service_paged_or_says_nothing_was() -> None:
    paged = blocks.Paging("Privacy Officer", "prompt", "Paged the Privacy Officer.", "e1", "s")
    unsent = blocks.Paging(None, None, "⚠️ Paging is not set up in this workspace: call them.")
    assert paged.head == "*📟 Paging (prompt):* Privacy Officer"
    assert unsent.head == "*📟 Not paged*"
    for paging in (paged, unsent):
        note = paging_note(paging)
        assert note.text == f"{paging.head}\n{paging.status}"
        assert block_errors(note.blocks) == []


def test_the_day_it_happened_is_shown_as_understood_without_a_change_button() -> None:
    shown = blocks.understood(
        [("document", "none", "What does the officer have?", "Nothing in writing"),
         (STATED_DATE, "2026-11-06", "When it happened", "Friday 6 November 2026")],
        thread_ts="1700000000.000100", rev=3)
    text = json.dumps(blocks.render(shown))
    assert "Friday 6 November 2026" in text and "the deadline counts from it" in text
    assert "Change: What does the officer have?" in text
    assert "Change: When it happened" not in text
