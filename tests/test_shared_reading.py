"""Within one routing or prefill call the questions of a message share its reading when their
typo corrections of its words agree (``ChoiceMatcher._said``): sharing must never change what a
question finds. Messages of misspelt choice words are the hard case: one question corrects a
word another leaves as it is."""

from __future__ import annotations

import random

from bot.content.catalogue import Catalogue
from bot.router import matcher
from bot.router.cues import one_reading
from bot.router.text import one_message
from tests.test_router_typos import _misspelt


def test_within_one_reading_each_question_finds_what_it_finds_on_its_own(
        catalogue: Catalogue) -> None:
    flows = catalogue.flows_for("mount-prospect").values()
    questions = [q for flow in sorted(flows, key=lambda f: f.id) for q in flow.questions()]
    known = sorted({w for q in questions for w in matcher(q).normaliser.vocabulary
                    if len(w) >= 5})
    rng = random.Random(3)
    messages = ["officer says " + " ".join(_misspelt(rng.choice(known), rng)
                                           for _ in range(rng.randrange(2, 7)))
                for _ in range(60)]
    messages += ["the officer has a serch warrant and an invesitgator's subpeona",
                 "mom wants her daughters checkout histroy, she is 16"]
    found_any = 0
    for message in messages:
        alone = [matcher(q).hits(message) for q in questions]
        with one_message(), one_reading():
            shared = [matcher(q).hits(message) for q in questions]
        assert shared == alone, message
        found_any += any(alone)
    assert found_any > 20  # the messages do state choices
