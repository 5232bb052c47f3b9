"""Property tests: whatever staff type, the engine answers, stays on a path, and keeps no PII."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content.catalogue import Catalogue
from bot.engine import start, step
from tests.conftest import ROOT

CATALOGUE = Catalogue.load(ROOT)
LIBRARIES = sorted(CATALOGUE.packs)
FLOWS = sorted(CATALOGUE.flows)

words = st.sampled_from(["yes", "no", "not sure", "back", "start over", "1", "2", "3", "9",
                         "warrant", "subpoena", "card", "nothing", "emergency", "?", ""])
typed = st.one_of(words, st.text(max_size=40))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(library=st.sampled_from(LIBRARIES), flow=st.sampled_from(FLOWS),
       inputs=st.lists(typed, max_size=8))
def test_any_input_sequence_gives_a_question_or_an_outcome(library: str, flow: str,
                                                           inputs: list[str]) -> None:
    current = start(CATALOGUE, library, flow)
    for text in inputs:
        current = step(CATALOGUE, current.conversation, text)
        assert (current.question is None) != (current.outcome is None)
        if current.outcome is not None:
            assert current.outcome.citations, "every outcome quotes the policy"
        answered = dict(current.conversation.answers)
        for question_id, choice_id in current.path:
            assert answered[question_id] == choice_id


@settings(max_examples=60, deadline=None)
@given(library=st.sampled_from(LIBRARIES), flow=st.sampled_from(FLOWS),
       card=st.from_regex(r"2[0-9]{13}", fullmatch=True),
       user=st.from_regex(r"[a-z]{3,10}", fullmatch=True))
def test_patron_identifiers_typed_into_a_case_are_never_kept(library: str, flow: str, card: str,
                                                              user: str) -> None:
    email = f"{user}@example.org"
    current = start(CATALOGUE, library, flow)
    for text in (f"patron card {card}", f"her email is {email}", "not sure"):
        current = step(CATALOGUE, current.conversation, text)
    kept = json.dumps(current.conversation.to_json())
    assert card not in kept and email not in kept
