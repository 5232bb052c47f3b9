"""Prefill on its labelled sets (tests/prefill/): the blind set, written by someone who had not
seen the prefill rules and never tuned on, and the development set the rules were designed on.

A safety-critical answer (a choice a flow marks ``critical``: a warrant or court order in hand,
an emergency claimed, abuse material, danger now, a minor) is never taken wrongly: precision
100 % on both sets. The other bars are deliberately loose sanity floors; the figures are
reported by ``python bench/prefill_bench.py`` (``--set tests/prefill/dev.yaml``).
"""

from __future__ import annotations

import pytest

from bot.content.catalogue import Catalogue
from tests.prefill.scoring import HERE, Score, load_items, score

BLIND = load_items(HERE / "blind.yaml")
DEV = load_items(HERE / "dev.yaml")


@pytest.fixture(scope="module")
def blind(catalogue: Catalogue) -> Score:
    return score(catalogue, BLIND)


@pytest.fixture(scope="module")
def dev(catalogue: Catalogue) -> Score:
    return score(catalogue, DEV)


def test_the_blind_set_is_big_enough_and_every_item_names_a_flow(blind: Score) -> None:
    assert len(BLIND) >= 300 and sum(item.tricky for item in BLIND) >= 60
    assert blind.skipped == []


def test_no_safety_critical_answer_is_taken_wrongly_on_the_blind_set(blind: Score) -> None:
    assert blind.critical_errors == []
    assert blind.critical.fp == 0 and blind.critical.precision == 1.0
    assert blind.critical.tp > 0  # the strong cues are still read


def test_no_safety_critical_answer_is_taken_wrongly_on_the_dev_set(dev: Score) -> None:
    assert dev.critical_errors == [] and dev.critical.precision == 1.0


def test_loose_floors_on_the_blind_set(blind: Score) -> None:
    assert blind.overall.precision >= 0.85, blind.misses
    assert blind.overall.recall >= 0.45
    assert blind.tricky.precision >= 0.80
    assert blind.dates["right"] >= blind.dates["wrong"] + blind.dates["invented"]


def test_floors_on_the_dev_set(dev: Score) -> None:
    assert dev.overall.precision >= 0.95 and dev.overall.recall >= 0.80
    assert dev.dates["wrong"] == 0 and dev.dates["missed"] == 0
