"""Load tests/routing/labelled.yaml: (text, situation or None, also-acceptable situations)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

LABELLED = Path(__file__).resolve().parent / "labelled.yaml"
OUT_OF_SCOPE = "out-of-scope"


@dataclass(frozen=True)
class Example:
    text: str
    situation: str | None
    also: frozenset[str] = frozenset()

    def accepts(self, situation: str | None) -> bool:
        return situation is not None and (situation == self.situation or situation in self.also)


def load_examples(path: Path = LABELLED) -> list[Example]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    examples: list[Example] = []
    for key, items in data.items():
        situation = None if key == OUT_OF_SCOPE else key
        for item in items:
            if isinstance(item, dict):
                examples.append(Example(item["text"], situation, frozenset(item.get("also", ()))))
            else:
                examples.append(Example(str(item), situation))
    return examples
