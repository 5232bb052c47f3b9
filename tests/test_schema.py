"""The fast validator and the explaining validator agree, so speed never hides an error."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from bot.content.schema import is_valid, validator
from bot.content.yamlio import load_yaml
from tests.conftest import ROOT

FLOWS = sorted((ROOT / "flows").glob("*.yaml"))
PACKS = sorted((ROOT / "knowledge").glob("*/pack.yaml"))


@pytest.mark.parametrize("path", FLOWS + PACKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shipped_content_is_valid_for_both(path: Path) -> None:
    kind = "flow" if path.parent.name == "flows" else "pack"
    document = load_yaml(path)
    assert is_valid(kind, document)
    assert validator(kind).is_valid(document)


def _first_outcome(doc: dict) -> dict:
    return next(n["outcome"] for n in doc["nodes"].values() if "outcome" in n)


def _first_question(doc: dict) -> dict:
    return next(n for n in doc["nodes"].values() if "ask" in n)


BREAKAGES = {
    "missing title": lambda d: d.pop("title"),
    "unknown top-level key": lambda d: d.update(colour="blue"),
    "decision not allowed": lambda d: _first_outcome(d).update(decision="maybe"),
    "headline too long": lambda d: _first_outcome(d).update(headline="x" * 121),
    "urgency not allowed": lambda d: _first_outcome(d).update(
        escalate={"roles": ["privacy-in-charge"], "urgency": "soon"}),
    "role not allowed": lambda d: _first_outcome(d).update(
        escalate={"roles": ["mayor"], "urgency": "prompt"}),
    "choice label too long for a button": lambda d: _first_question(d)["choices"][0].update(
        label="y" * 76),
    "choice without next": lambda d: _first_question(d)["choices"][0].pop("next"),
    "bad node id": lambda d: d["nodes"].update({"Bad Id": {"outcome": _first_outcome(d)}}),
    "question with one choice": lambda d: _first_question(d).update(
        choices=_first_question(d)["choices"][:1]),
    "branch arm without next": lambda d: d["nodes"].update(
        {"b": {"branch": [{"when": "true"}]}}),
    "triggers not a list": lambda d: d.update(triggers="cop"),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_both_validators_reject_each_breakage(breakage: str) -> None:
    document = copy.deepcopy(dict(load_yaml(ROOT / "flows" / "law-enforcement-request.yaml")))
    BREAKAGES[breakage](document)
    assert not validator("flow").is_valid(document)
    assert not is_valid("flow", document)
