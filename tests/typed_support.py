"""What a typed answer at a question sets: shared by the tests of safety-critical answers
(tests/test_typed_critical.py, tests/test_taken_back.py)."""

from __future__ import annotations

from bot.content.catalogue import Catalogue
from bot.engine.matching import match_choice


def assert_asked_again(catalogue: Catalogue, library: str, flow: str, question: str,
                       answers: list[str]) -> None:
    """None of ``answers`` sets a safety-critical choice of ``question``: it is asked again."""
    node = catalogue.flow(library, flow).nodes[question]
    for answer in answers:
        found = match_choice(node, answer)
        assert found is None or not found.critical, (answer, found and found.id)


def assert_taken(catalogue: Catalogue, library: str, flow: str, question: str,
                 answers: dict[str, str]) -> None:
    """Each answer typed at ``question`` sets the choice it maps to."""
    node = catalogue.flow(library, flow).nodes[question]
    for answer, expected in answers.items():
        found = match_choice(node, answer)
        assert found is not None and found.id == expected, (answer, found and found.id)
