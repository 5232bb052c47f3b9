"""The trained routing model at run time: features of a message, and a linear model over them.

The model is logistic regression over two groups of features of a message:

* **words** — the normalised content words (``bot.router.text``: slang, typos, stems, and a
  long unknown word corrected to a known one by rapidfuzz) and their adjacent pairs
  ("search warrant");
* **characters** — the 3- to 5-letter pieces of each word, padded with a space at both ends, of
  the message lower-cased with its accents removed (not stemmed: "orden judicial", "policía"
  and "poilce" still share most of their pieces with what the model was trained on), and the
  shorter pieces ``Shape.short_sizes`` of a word outside a-z (one Chinese character is often
  a word, two often are).

Each group is scaled to unit length, so a long message weighs no more than a short one. With
``Shape.char_idf`` (shipped) each character piece is weighed by its inverse document frequency in
training, as a TF-IDF vector's are (" the" says less than "warr"), and the group's length is
taken over the pieces the model knows; its weights ship already multiplied by the idf, and the
idf squared beside them for that length.

The model is either one multinomial regression over the flows and the background (desk talk), or
two stages (``gate_class`` in the header): a binary in-scope/desk-talk gate in front of the choice
among the flows, trained on in-scope text only. Both stages read the same features and ship as
one matrix — the background's column holds the gate's logit — so a message is still scored by one
sum per feature. Its scores still sum to one: the gate's probability of the background, and the
rest divided among the flows by the second stage (``LinearModel.scores``); ``decide`` reads the
gate, then the flows' shares.

Training (``bot.router.train``, scikit-learn) happens offline; what ships is
``bot/data/routing/model.json`` (the classes, the intercepts, the band thresholds fitted by
cross-validation, a digest of everything it was trained on) and ``model.bin`` beside it (the
features' names and their weights as 16-bit integers with one scale: ``Packed``), read in a few
milliseconds. Scoring a message is then one dictionary lookup per feature and one C-level sum
per class (no numpy at run time).
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from operator import add, sub
from pathlib import Path
from typing import Any

from bot.errors import ContentError, Problem
from bot.router.text import DATA, Normaliser, is_content, plain_words, words

MODEL_FILE = "model.json"  # the header: classes, bands, intercepts, digests
WEIGHTS_FILE = "model.bin"  # the feature names and weights (``Packed``)
CHAR_SIZES = (3, 4, 5)
SHORT_SIZES = (2,)  # and these for a word outside a-z
WORD = "w:"  # feature prefixes: a word or word pair, and a piece of characters
CHAR = "c:"


@dataclass(frozen=True)
class Bands:
    """Where a ranking becomes a decision (see ``decide``), in units of the model's scores."""

    confident: float  # start the best flow at or above this ...
    margin: float  # ... when it leads the runner-up (flow or background) by this much
    suggest: float  # below this nothing is offered
    background_lead: float  # the best flow must beat the background by this much
    # On a decline, the best flow is still offered as the closest guess when it scores this
    # much (``Router.route``): a message the model nearly placed is not a dead end. Fitted
    # after the others (``bot.router.train.fit_near``); 1.0, a model without it: never.
    near: float = 1.0
    # Decided by a gate (a two-stage model's in-scope gate, or one model's background read as
    # one): decline when the background scores this much or more; the flows' scores are then
    # read as shares of the in-scope rest (``decide``) and ``background_lead`` is not used.
    # 0.0: the background-lead rule.
    gate: float = 0.0
    # A runner-up that leads, with what the message states, to the same immediate page as the
    # best flow (``Flow.immediate_page``: both page the same people at once) is no reason to
    # ask "Did you mean": staff's first step is the same either way. Its score is counted with
    # the best flow's, and the best flow starts when the sum is confident (``decide``).
    same_page: bool = False

    def to_json(self) -> dict[str, float | bool]:
        return {k: v if isinstance(v, bool) else round(v, 4) for k, v in self.__dict__.items()}


# Whether the runner-up (second) leads to the same immediate page as the best flow (first), for
# the message being decided (``Bands.same_page``).
SamePage = Callable[[str, str], bool]


def decide(everything: Iterable[tuple[str, float]], bands: Bands,
           background: str, same_page: SamePage | None = None
           ) -> tuple[str, list[tuple[str, float]]]:
    """The band for ranked scores (``background`` among them), and the flows ranked without it.

    * ``none`` — the best flow does not beat the background by ``background_lead``, or scores
      below ``suggest``: decline (the router still offers it when it scores ``near``);
    * ``confident`` — it scores ``confident`` or more and leads the runner-up (the second flow
      or the background, whichever is higher) by ``margin``: start it;
    * ``ambiguous`` — anything between: "Did you mean".

    With a ``gate`` (a two-stage model, or one model read as one), ``none`` is the background
    scoring ``gate`` or more (or the best flow's share below ``suggest``), and the flows'
    scores are compared as shares of what the gate left in scope: the choice among flows is
    theirs alone, its margin not spent on telling desk talk apart.

    With ``bands.same_page``, an ``ambiguous`` decision whose runner-up ``same_page`` says leads
    to the best flow's immediate page is taken again with the two as one (their scores added,
    the third flow as the runner-up): ``confident`` when the sum is, the best flow starting.
    (``same_page`` is asked only when the sum could be confident: it reads the message.)
    """
    everything = list(everything)
    noise = dict(everything).get(background, 0.0)
    ranked = [(fid, score) for fid, score in everything if fid != background]
    top = ranked[0][1] if ranked else 0.0
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    third = ranked[2][1] if len(ranked) > 2 else 0.0
    if bands.gate:
        if noise >= bands.gate or top <= 0.0:
            return "none", ranked
        top, second, third = (s / (1.0 - noise) for s in (top, second, third))
        runner_up, after = second, third
        if top < bands.suggest:
            return "none", ranked
    else:
        runner_up, after = max(second, noise), max(third, noise)
        if top < noise + bands.background_lead or top < bands.suggest:
            return "none", ranked
    if top >= bands.confident and top - runner_up >= bands.margin:
        return "confident", ranked
    both = top + second
    if (bands.same_page and same_page is not None and second > 0.0
            and both >= bands.confident and both - after >= bands.margin
            and same_page(ranked[0][0], ranked[1][0])):
        return "confident", ranked
    return "ambiguous", ranked


def char_pieces(text: str, sizes: Iterable[int] = CHAR_SIZES,
                short: Iterable[int] = SHORT_SIZES) -> list[str]:
    """The 3- to 5-letter pieces of each word of ``text`` (lower case, no accents), padded.

    A word outside a-z (Chinese, Korean...) also gives its ``short`` pieces (2 letters): in
    those scripts two characters are often a whole word ("警察", police)."""
    pieces: list[str] = []
    wide = sorted({*short, *sizes})
    for word in plain_words(text):
        padded = f" {word} "
        size = len(padded)
        for n in sizes if word.isascii() else wide:
            if n > size:
                break
            pieces.extend(padded[i : i + n] for i in range(size - n + 1))
    return pieces


def piece_set(text: str, sizes: Iterable[int] = CHAR_SIZES,
              short: Iterable[int] = SHORT_SIZES, *, across: bool = False) -> set[str]:
    """``set(char_pieces(text, sizes, short))``, cut with fewer Python-level steps (the hot
    path): each word's pieces in one C-level pass over the slices of its length (``_cuts``),
    in ``char_pieces``' order, so the set is built exactly as before (its order, and so the
    order its pieces' weights are summed in, is unchanged). ``across``: also the pieces that
    span a space between two words ("h war" of "search warrant"), cut from the words joined
    by single spaces."""
    sizes = tuple(sizes)
    wide = tuple(sorted({*short, *sizes}))
    pieces: set[str] = set()
    found = plain_words(text)
    if across and found:
        joined = f" {' '.join(found)} "
        size = len(joined)
        for n in sizes:
            pieces.update(map(joined.__getitem__, map(slice, range(size - n + 1),
                                                      range(n, size + 1))))
        found = [word for word in found if not word.isascii()]  # their short pieces still
    update = pieces.update
    for word in set(found):
        padded = f" {word} "
        update(map(padded.__getitem__, _cuts(len(padded), sizes if word.isascii() else wide)))
    return pieces


_CUT_LENGTHS = 64  # padded words up to this long have their slices made once (``_cuts``)


def _cuts(size: int, sizes: tuple[int, ...]) -> tuple[slice, ...]:
    """The slices that cut a padded word of ``size`` characters into its pieces of ``sizes``
    (``char_pieces``: each size in turn, from the left, none once a size exceeds the word),
    made once per length and sizes: making a slice object per piece and message cost more
    than cutting the piece (session 12: 786k -> 417k instructions on a slow message). Slices
    hold only numbers; a longer word (no staff word is) has its slices made each time."""
    if size > _CUT_LENGTHS:
        return _make_cuts(size, sizes)
    return _short_cuts(size, sizes)


def _make_cuts(size: int, sizes: tuple[int, ...]) -> tuple[slice, ...]:
    out: list[slice] = []
    for n in sizes:
        if n > size:
            break
        out.extend(map(slice, range(size - n + 1), range(n, size + 1)))
    return tuple(out)


_short_cuts = cache(_make_cuts)


def word_features(content: tuple[str, ...]) -> list[str]:
    return [*content, *(f"{a} {b}" for a, b in zip(content, content[1:], strict=False) if a != b)]


@dataclass(frozen=True)
class Shape:
    """Which features, and how much each group weighs (shipped with the weights)."""

    char_sizes: tuple[int, ...] = CHAR_SIZES
    char_weight: float = 1.0  # the character group's length, the word group's being 1
    pairs: bool = True  # adjacent word pairs as well as words
    short_sizes: tuple[int, ...] = SHORT_SIZES  # also cut from a word outside a-z
    across: bool = False  # character pieces also across the space between two words
    # each character piece weighed by its inverse document frequency in training (a piece
    # every message has says little), the group scaled over the pieces the model knows
    char_idf: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"char_sizes": list(self.char_sizes), "char_weight": self.char_weight,
                "pairs": self.pairs, "short_sizes": list(self.short_sizes),
                "across": self.across, "char_idf": self.char_idf}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Shape:
        return cls(tuple(data["char_sizes"]), float(data["char_weight"]), bool(data["pairs"]),
                   tuple(data.get("short_sizes", SHORT_SIZES)), bool(data.get("across")),
                   bool(data.get("char_idf")))


class Featurizer:
    """A message -> its features, each group scaled to a fixed length (shared by training)."""

    def __init__(self, vocabulary: Iterable[str] = (), shape: Shape = Shape(), *,
                 correct: bool = True, remember: bool = False):
        """``remember``: keep the typo corrections made (training, over its own examples; never
        for staff's messages)."""
        self.shape = shape
        self.correct = correct
        self.normaliser = Normaliser(vocabulary, remember=remember)
        self.idf: dict[str, float] = {}  # ``Shape.char_idf``: a character piece's, from training

    def fit_idf(self, texts: Iterable[str]) -> None:
        """``idf``: each character piece's smoothed inverse document frequency in ``texts``
        (scikit-learn's: ln((1 + n) / (1 + df)) + 1)."""
        counts: dict[str, int] = {}
        n = 0
        for text in texts:
            n += 1
            for piece in self.groups(text)[1]:
                counts[piece] = counts.get(piece, 0) + 1
        self.idf = {piece: math.log((1 + n) / (1 + df)) + 1.0 for piece, df in counts.items()}

    def content(self, text: str) -> tuple[str, ...]:
        if self.correct:
            return self.normaliser.content(text)
        return tuple(w for w in words(text) if is_content(w))

    def groups(self, text: str) -> tuple[set[str], set[str]]:
        """The distinct word features and character pieces of ``text`` (no prefixes)."""
        content = self.content(text)
        found = set(word_features(content)) if self.shape.pairs else set(content)
        return found, piece_set(text, self.shape.char_sizes, self.shape.short_sizes,
                                across=self.shape.across)

    def features(self, text: str) -> dict[str, float]:
        """``groups`` as one sparse vector (prefixed names), each group scaled to its length."""
        out: dict[str, float] = {}
        found, pieces = self.groups(text)
        for prefix, group, length in ((WORD, found, 1.0),
                                      (CHAR, pieces, self.shape.char_weight)):
            if prefix == CHAR and self.shape.char_idf:
                known = {piece: self.idf[piece] for piece in group if piece in self.idf}
                norm = math.sqrt(sum(v * v for v in known.values()))
                for feature, v in known.items():
                    out[prefix + feature] = length * v / norm
            elif group:
                value = length / math.sqrt(len(group))
                for feature in group:
                    out[prefix + feature] = value
        return out


def vocabulary_of(texts: Iterable[str]) -> set[str]:
    """The content words of ``texts``: what the normaliser corrects unknown long words to."""
    return {w for text in texts for w in words(text) if is_content(w)}


OFFSET = 32768  # a weight w is stored as the unsigned 16-bit w + OFFSET
SLOT = 32  # bits per class in a row's integer: room for 2**16 summed weights
MOST = (1 << (SLOT - 16)) - 1  # rows one sum may add before a slot could overflow


class Rows(dict[int, int]):
    """Feature index -> the feature's weights for every class as one Python integer, class ``c``
    in bits ``SLOT*c`` up (each ``w + OFFSET``), built from the blob on first use.

    Adding rows adds every class's weight at once in one C-level ``sum``, where one sum per
    class would cost a Python-level call per feature and class: scoring a message is ~20 times
    faster, and start-up builds no row it does not use."""

    def __init__(self, wide: bytes | bytearray, width: int):
        super().__init__()
        self.wide = wide
        self.size = width * SLOT // 8

    def __missing__(self, index: int) -> int:
        start = index * self.size
        row = self[index] = int.from_bytes(self.wide[start:start + self.size], "little")
        return row

    def totals(self, found: list[int], classes: int) -> list[int]:
        """The summed 16-bit weights of the ``found`` features, per class. (The sum's slots are
        read apart in C, as an array of unsigned 32-bit numbers made from its bytes, where a
        shift and a mask per class cost a Python step each: the same numbers, no slot carrying
        into the next.)"""
        totals = [0] * classes
        mask = (1 << SLOT) - 1
        for at in range(0, len(found), MOST):
            chunk = found[at:at + MOST]
            packed, shift = sum(map(self.__getitem__, chunk)), OFFSET * len(chunk)
            if _SLOTS is None:  # pragma: no cover - no 32-bit array type on this platform
                for c in range(classes):
                    totals[c] += ((packed >> (SLOT * c)) & mask) - shift
                continue
            slots = array(_SLOTS, packed.to_bytes(self.size, "little"))
            if sys.byteorder == "big":  # pragma: no cover - the slots are little-endian
                slots.byteswap()
            totals = list(map(add, totals, map(sub, slots, repeat(shift))))
        return totals


# an array type of unsigned SLOT-bit numbers (``Rows.totals``), if the platform has one
_SLOTS = next((code for code in "IL" if array(code).itemsize * 8 == SLOT), None)


class LinearModel:
    """Scores for every class (softmax probabilities) of a message, from shipped weights."""

    def __init__(self, packed: Packed, *, correct: bool = True):
        header = packed.header
        self.header = header
        self.classes: list[str] = list(header["classes"])
        self.bands = Bands(**header["bands"])
        self.digest: str = header["digest"]
        self.intercept = [float(b) for b in header["intercept"]]
        self.scale = float(header["scale"])
        chars, word_names, self.rows = unpack(packed)
        # ``Shape.char_idf``: each known piece's idf squared (row 0: none), the character
        # group's length being over them; the weights already hold each piece's idf. A list:
        # its items are floats already, where an array's would be made on every read
        squares = idf_squares(packed)
        self.idf_squares = None if squares is None else squares.tolist()
        # 1-based: row 0 is no feature's, so a name the model lacks (None) filters out as falsy
        self.char_index = dict(zip(chars, range(1, len(chars) + 1), strict=True))
        self.word_index = dict(zip(word_names, range(len(chars) + 1,
                                                     len(chars) + len(word_names) + 1),
                                   strict=True))
        self.featurizer = Featurizer((w for w in word_names if " " not in w),
                                     Shape.from_json(header["shape"]), correct=correct)
        # two stages: the column of ``gate_class`` holds the in-scope gate's logit for that
        # class (the background), every other column the choice among the flows
        gate = header.get("gate_class")
        self.gate_at: int | None = self.classes.index(gate) if gate is not None else None

    @property
    def normaliser(self) -> Normaliser:
        return self.featurizer.normaliser

    def weights(self, feature: str) -> list[float]:
        """One feature's weight per class (``w:`` or ``c:`` prefixed, as in training)."""
        index = (self.word_index if feature.startswith(WORD) else self.char_index).get(
            feature[len(WORD):])
        if index is None:
            return [0.0] * len(self.classes)
        return [w * self.scale for w in self.rows.totals([index], len(self.classes))]

    def scores(self, text: str) -> dict[str, float]:
        """Every class's probability for ``text`` (already redacted)."""
        found_words, pieces = self.featurizer.groups(text)
        words_at = [*filter(None, map(self.word_index.get, found_words))]
        pieces_at = [*filter(None, map(self.char_index.get, pieces))]
        if not words_at and not pieces_at:  # nothing the model knows: no evidence for any class
            return dict.fromkeys(self.classes, 0.0)
        # every word has the same value: the group's length over its square root; so has
        # every piece (times its idf, which its weights hold)
        width = len(self.classes)
        word_value = self.scale / math.sqrt(len(found_words)) if found_words else 0.0
        if self.idf_squares is None:
            norm = math.sqrt(len(pieces))
        else:  # over the pieces the model knows, each by its idf (the weights hold the idf)
            norm = math.sqrt(sum(map(self.idf_squares.__getitem__, pieces_at)))
        char_value = self.scale * self.featurizer.shape.char_weight / norm if norm else 0.0
        logits = [
            bias + word_value * w + char_value * c
            for bias, w, c in zip(self.intercept, self.rows.totals(words_at, width),
                                  self.rows.totals(pieces_at, width), strict=True)
        ]
        if self.gate_at is None:
            return dict(zip(self.classes, softmax(logits), strict=True))
        # the gate's probability of the background, and the flows sharing the rest
        gate = logits.pop(self.gate_at)
        outside = 1.0 / (1.0 + math.exp(-gate)) if gate > -700 else 0.0
        shares = [p * (1.0 - outside) for p in softmax(logits)]
        shares.insert(self.gate_at, outside)
        return dict(zip(self.classes, shares, strict=True))


def softmax(logits: list[float]) -> list[float]:
    top = max(logits)
    exp = [math.exp(v - top) for v in logits]
    norm = sum(exp)
    return [e / norm for e in exp]


@dataclass(frozen=True)
class Packed:
    """The model as shipped: ``model.json`` (``header``: classes, bands, intercepts, the weights'
    scale, digests) and ``model.bin`` (``blob``: the feature names, then the weights).

    ``blob`` is the character pieces' names, then the words' (UTF-8, one per line, no prefix),
    a NUL byte, then one row per feature in the order of the names, after a row of zeros: the
    feature's weight for each class as a little-endian unsigned 16-bit ``w + OFFSET``. The
    header records how many names of each group there are and the blob's SHA-256."""

    header: dict[str, Any]
    blob: bytes


def pack(header: dict[str, Any], names: list[str], matrix: list[list[float]],
         idf: dict[str, float] | None = None) -> Packed:
    """``matrix`` (one row of floats per class, one column per name ``c:...`` or ``w:...``) as
    16-bit integers with one scale, and ``header`` completed with what reading it back needs.
    ``idf`` (``Shape.char_idf``, by piece name without its prefix): each character piece's
    idf, shipped squared after the weights (32-bit floats, in the order of the names)."""
    order = sorted(range(len(names)), key=lambda j: (names[j][:len(CHAR)] != CHAR, names[j]))
    chars = [names[j][len(CHAR):] for j in order if names[j].startswith(CHAR)]
    word_names = [names[j][len(WORD):] for j in order if names[j].startswith(WORD)]
    if len(chars) + len(word_names) != len(names):
        raise ValueError("a feature name without the c: or w: prefix")
    if any("\n" in name or "\0" in name for name in names):
        raise ValueError("a feature name with a line break or NUL")
    peak = max((abs(v) for row in matrix for v in row), default=0.0) or 1.0
    scale = peak / (OFFSET - 1)
    weights = array("H", [OFFSET] * len(matrix))  # row 0: no feature's
    for j in order:
        weights.extend(round(row[j] / scale) + OFFSET for row in matrix)
    if sys.byteorder == "big":  # pragma: no cover - the file is little-endian everywhere
        weights.byteswap()
    blob = "\n".join([*chars, *word_names]).encode("utf-8") + b"\0" + weights.tobytes()
    counts: dict[str, Any] = {"chars": len(chars), "words": len(word_names)}
    if idf is not None:
        squares = array("f", [0.0, *(idf[name] ** 2 for name in chars)])  # row 0: none
        if sys.byteorder == "big":  # pragma: no cover
            squares.byteswap()
        blob += squares.tobytes()
        counts["idf"] = True
    return Packed({**header, "scale": scale, "features": counts,
                   "blob_sha256": hashlib.sha256(blob).hexdigest()}, blob)


def unpack(packed: Packed) -> tuple[list[str], list[str], Rows]:
    """The character pieces' names, the words' names, and their rows of weights."""
    counts, classes = packed.header["features"], len(packed.header["classes"])
    blob = packed.blob
    split = blob.index(b"\0")
    names = blob[:split].decode("utf-8").split("\n") if split else []
    weights = memoryview(blob)[split + 1:len(blob) - _idf_bytes(packed.header)]
    if (len(names) != counts["chars"] + counts["words"]
            or len(weights) != 2 * classes * (len(names) + 1)):
        raise ValueError("model.bin does not hold the features and weights model.json says")
    step = SLOT // 8
    wide = bytearray(len(weights) // 2 * step)  # each 16-bit weight in a SLOT-bit slot
    wide[0::step], wide[1::step] = weights[0::2], weights[1::2]
    return names[:counts["chars"]], names[counts["chars"]:], Rows(wide, classes)


def _idf_bytes(header: dict[str, Any]) -> int:
    counts = header["features"]
    return 4 * (counts["chars"] + 1) if counts.get("idf") else 0


def idf_squares(packed: Packed) -> array[float] | None:
    """Each character piece's idf squared, by its row (``pack``), or None: no idf shipped."""
    size = _idf_bytes(packed.header)
    if not size:
        return None
    squares = array("f", packed.blob[len(packed.blob) - size:])
    if sys.byteorder == "big":  # pragma: no cover
        squares.byteswap()
    return squares


_REMEDY = "reinstall frontdesk or run python -m bot.router.train"


def read_packed(header: Path, blob: Path) -> Packed | None:
    """The model in ``header`` and ``blob``, checked against the SHA-256 the header names (a
    blob cut short, damaged or replaced would otherwise be routed on without a sign: a flipped
    byte keeps the length); None when there is no header (the lexical router routes). A
    missing or damaged blob is a one-line ``ContentError`` naming the file, not a silent fall
    back to the lexical router."""
    if not header.is_file():
        return None
    if not blob.is_file():
        raise ContentError(Problem(blob, 0, f"missing beside {header.name}; {_REMEDY}"))
    packed = Packed(json.loads(header.read_text("utf-8")), blob.read_bytes())
    if hashlib.sha256(packed.blob).hexdigest() != packed.header.get("blob_sha256"):
        raise ContentError(Problem(
            blob, 0, f"damaged: not the weights {header.name} names (sha256 differs); {_REMEDY}"))
    return packed


@cache
def shipped() -> Packed | None:
    """The shipped model (``bot/data/routing/model.json`` and ``model.bin``, ``read_packed``),
    or None."""
    return read_packed(Path(str(DATA / MODEL_FILE)), Path(str(DATA / WEIGHTS_FILE)))
