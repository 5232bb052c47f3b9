"""The trained routing model at run time: features of a message, and a linear model over them.

The model is a multinomial logistic regression over two groups of features of a message:

* **words** — the normalised content words (``bot.router.text``: slang, typos, stems, and a
  long unknown word corrected to a known one by rapidfuzz) and their adjacent pairs
  ("search warrant");
* **characters** — the 3- to 5-letter pieces of each word, padded with a space at both ends, of
  the message lower-cased with its accents removed (not stemmed: "orden judicial", "policía"
  and "poilce" still share most of their pieces with what the model was trained on).

Each group is scaled to unit length, so a long message weighs no more than a short one. Training
(``bot.router.train``, scikit-learn) happens offline; what ships is ``bot/data/routing/model.json``:
the classes, the features kept, their weights (16-bit integers and one scale, zlib and base64),
the intercepts, the band thresholds fitted by cross-validation and a digest of everything it was
trained on. Scoring a message is then dictionary lookups and a few hundred additions of
15-number rows, in pure Python (no numpy at run time).
"""

from __future__ import annotations

import base64
import json
import math
import zlib
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from bot.router.text import DATA, Normaliser, is_content, plain_words, words

MODEL_FILE = "model.json"
CHAR_SIZES = (3, 4, 5)
WORD = "w:"  # feature prefixes: a word or word pair, and a piece of characters
CHAR = "c:"


@dataclass(frozen=True)
class Bands:
    """Where a ranking becomes a decision (see ``decide``), in units of the model's scores."""

    confident: float  # start the best flow at or above this ...
    margin: float  # ... when it leads the runner-up (flow or background) by this much
    suggest: float  # below this nothing is offered
    background_lead: float  # the best flow must beat the background by this much

    def to_json(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in self.__dict__.items()}


def decide(everything: Iterable[tuple[str, float]], bands: Bands,
           background: str) -> tuple[str, list[tuple[str, float]]]:
    """The band for ranked scores (``background`` among them), and the flows ranked without it.

    * ``none`` — the best flow does not beat the background by ``background_lead``, or scores
      below ``suggest``: decline;
    * ``confident`` — it scores ``confident`` or more and leads the runner-up (the second flow
      or the background, whichever is higher) by ``margin``: start it;
    * ``ambiguous`` — anything between: "Did you mean".
    """
    everything = list(everything)
    noise = dict(everything).get(background, 0.0)
    ranked = [(fid, score) for fid, score in everything if fid != background]
    top = ranked[0][1] if ranked else 0.0
    runner_up = max(ranked[1][1] if len(ranked) > 1 else 0.0, noise)
    if top < noise + bands.background_lead or top < bands.suggest:
        return "none", ranked
    if top >= bands.confident and top - runner_up >= bands.margin:
        return "confident", ranked
    return "ambiguous", ranked


def char_pieces(text: str, sizes: Iterable[int] = CHAR_SIZES) -> list[str]:
    """The 3- to 5-letter pieces of each word of ``text`` (lower case, no accents), padded.

    A word outside a-z (Chinese, Korean...) also gives its 2-letter pieces: in those scripts
    two characters are often a whole word ("警察", police)."""
    pieces: list[str] = []
    for word in plain_words(text):
        padded = f" {word} "
        size = len(padded)
        for n in (2, *sizes) if not word.isascii() else sizes:
            if n > size:
                break
            pieces.extend(padded[i : i + n] for i in range(size - n + 1))
    return pieces


def word_features(content: tuple[str, ...]) -> list[str]:
    return [*content, *(f"{a} {b}" for a, b in zip(content, content[1:], strict=False) if a != b)]


@dataclass(frozen=True)
class Shape:
    """Which features, and how much each group weighs (shipped with the weights)."""

    char_sizes: tuple[int, ...] = CHAR_SIZES
    char_weight: float = 1.0  # the character group's length, the word group's being 1
    pairs: bool = True  # adjacent word pairs as well as words

    def to_json(self) -> dict[str, Any]:
        return {"char_sizes": list(self.char_sizes), "char_weight": self.char_weight,
                "pairs": self.pairs}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Shape:
        return cls(tuple(data["char_sizes"]), float(data["char_weight"]), bool(data["pairs"]))


class Featurizer:
    """A message -> its features, each group scaled to a fixed length (shared by training)."""

    def __init__(self, vocabulary: Iterable[str] = (), shape: Shape = Shape(), *,
                 correct: bool = True):
        self.shape = shape
        self.correct = correct
        self.normaliser = Normaliser(vocabulary)

    def content(self, text: str) -> tuple[str, ...]:
        if self.correct:
            return self.normaliser.content(text)
        return tuple(w for w in words(text) if is_content(w))

    def features(self, text: str) -> dict[str, float]:
        shape = self.shape
        content = self.content(text)
        found = set(word_features(content)) if shape.pairs else set(content)
        out: dict[str, float] = {}
        for prefix, group, length in ((WORD, found, 1.0),
                                      (CHAR, set(char_pieces(text, shape.char_sizes)),
                                       shape.char_weight)):
            if group:
                value = length / math.sqrt(len(group))
                for feature in group:
                    out[prefix + feature] = value
        return out


def vocabulary_of(texts: Iterable[str]) -> set[str]:
    """The content words of ``texts``: what the normaliser corrects unknown long words to."""
    return {w for text in texts for w in words(text) if is_content(w)}


class LinearModel:
    """Scores for every class (softmax probabilities) of a message, from shipped weights."""

    def __init__(self, data: dict[str, Any], *, correct: bool = True):
        self.data = data
        self.classes: list[str] = list(data["classes"])
        self.bands = Bands(**data["bands"])
        self.digest: str = data["digest"]
        width = len(self.classes)
        raw = array("h")
        raw.frombytes(zlib.decompress(base64.b64decode(data["weights"])))
        scale = float(data["scale"])
        self.intercept = [float(b) for b in data["intercept"]]
        names: list[str] = data["features"]
        # arrays, not lists: 20,000-odd rows the garbage collector need never walk
        self.rows: dict[str, array[float]] = {
            name: array("d", [v * scale for v in raw[i * width : (i + 1) * width]])
            for i, name in enumerate(names)
        }
        self.featurizer = Featurizer(
            (n[len(WORD):] for n in names if n.startswith(WORD) and " " not in n),
            Shape.from_json(data["shape"]), correct=correct)

    @property
    def normaliser(self) -> Normaliser:
        return self.featurizer.normaliser

    def scores(self, text: str) -> dict[str, float]:
        """Every class's probability for ``text`` (already redacted)."""
        groups: dict[float, list[array[float]]] = {}  # one scale per feature group
        rows = self.rows
        for feature, value in self.featurizer.features(text).items():
            row = rows.get(feature)
            if row is not None:
                groups.setdefault(value, []).append(row)
        if not groups:  # nothing the model knows: no evidence for any class
            return dict.fromkeys(self.classes, 0.0)
        logits = self.intercept
        for value, found in groups.items():
            logits = [a + value * sum(column)
                      for a, column in zip(logits, zip(*found, strict=True), strict=True)]
        top = max(logits)
        exp = [math.exp(v - top) for v in logits]
        norm = sum(exp)
        return {c: e / norm for c, e in zip(self.classes, exp, strict=True)}


def encode_weights(matrix: list[list[float]]) -> tuple[str, float]:
    """Rows of floats -> (base64 of zlib of 16-bit integers, the scale that restores them)."""
    peak = max((abs(v) for row in matrix for v in row), default=0.0) or 1.0
    scale = peak / 32767
    packed = array("h", (round(v / scale) for row in matrix for v in row))
    return base64.b64encode(zlib.compress(packed.tobytes(), 9)).decode("ascii"), scale


@cache
def shipped() -> dict[str, Any] | None:
    """The shipped model's data (``bot/data/routing/model.json``), or None when there is none."""
    path = DATA / MODEL_FILE
    if not path.is_file():
        return None
    return json.loads(path.read_text("utf-8"))
