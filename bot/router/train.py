"""Train the routing model and fit its bands: ``python -m bot.router.train`` (needs scikit-learn,
the ``train`` extra; the bot itself never imports this module).

What it learns from (``training_examples``), each a (text, class) pair:

* every flow's phrases: its triggers, title and description sentences (``Router.phrases``);
* ordinary desk talk (``bot/data/routing/background.txt``, and ``background_trained.txt``: desk
  talk that uses privacy words, kept from the lexical scorer), the class that is never started;
* the extra training phrases (``bot/data/routing/training_phrases*.yaml``), written as staff
  would type them, out-of-scope desk talk and non-English openings included (eight sets written
  blind, one by the team: each file's header says which);
* the labelled tuning set (``tests/routing/labelled.yaml``).

Never the held-out sets (``tests/routing/heldout*.yaml``): they only measure.

The bands (confident, margin, suggest, background lead) are not placed by hand: five-fold
cross-validation gives every example a prediction from a model that never saw it, and each
threshold is the median, over resamples of the out-of-fold predictions of the message-like
examples (the training phrases and the labelled set, not the terse triggers), of the values that
maximise ``UTILITY`` among those that decline at least ``DECLINED_FLOOR`` of the out-of-scope
ones (``fit_bands``): stable against a small change of the training data, where the single best
combination was not (``bench/router_bands_bench.py`` shows the spread).

How the model is built (``SETTING``: C, the features, the desk talk's weight, one model or two
stages — an in-scope gate in front of the flows' choice, with a gate threshold in the bands) is
chosen among ``CANDIDATES`` by the same cross-validation: ``--select`` prints each one's
out-of-fold utility, top-1, started, declined and conf-wrong, with and without temperature
scaling before the bands.

The result, ``bot/data/routing/model.json``, carries a digest of every input (``inputs_digest``):
``tests/test_router_model.py`` fails when a trigger, a phrase or the normalisation changed and the
model was not trained again. ``python -m bot.router.train --check`` says the same from a shell.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from bot.content.catalogue import Catalogue, bundled_content_root
from bot.content.flows import Flow
from bot.router.model import (
    CHAR,
    MODEL_FILE,
    Bands,
    Featurizer,
    Packed,
    Shape,
    pack,
    vocabulary_of,
)
from bot.router.router import BACKGROUND, Router, background_phrases
from bot.router.text import DATA

ROOT = Path(__file__).resolve().parents[2]
# Messages as staff type them (each file's header says who wrote it: all but the team's blind, from
# the situations' titles and descriptions alone; the team's, dangers disclosed at the desk)
PHRASES = ("training_phrases.yaml", "training_phrases3.yaml", "training_phrases4.yaml",
           "training_phrases7.yaml", "training_phrases8.yaml", "training_phrases12.yaml",
           "training_phrases13.yaml", "training_phrases14.yaml", "training_phrases_team.yaml")
TRAINED_BACKGROUND = "background_trained.txt"  # desk talk with privacy words: the model only
LABELLED = ROOT / "tests" / "routing" / "labelled.yaml"
OUT_OF_SCOPE = "out-of-scope"
# The normalisation's data and code: a change to any of them changes every feature.
NORMALISATION = ("typos.yaml", "slang.yaml", "stopwords.txt")
CODE = ("text.py", "model.py")  # the features; the training settings are digested below
FOLDS = 5
SEED = 0

# The share of the out-of-fold out-of-scope messages the bands must decline: among the
# thresholds that do, the ones of highest ``UTILITY`` win. Utility alone let desk talk through
# ("Did you mean") for a point of top-1: at its optimum the cross-validated decline rate was
# 89 %, and held-out desk talk was declined 82-97 % of the time against a target of 95 %.
DECLINED_FLOOR = 0.95

# What one decision is worth, per kind of message: the bands maximise the sum. Starting the wrong
# flow without asking costs four right starts; an out-of-scope message offered a "Did you mean"
# costs half a right decline.
UTILITY = {
    "started right": 1.0,
    "offered right": 0.7,  # "Did you mean" with the right flow first
    "offered wrong": 0.1,
    "missed": 0.0,  # in scope, declined
    "started wrong": -4.0,
    "declined": 1.0,  # out of scope, declined
    "offered": -0.5,  # out of scope, "Did you mean"
    "started": -4.0,  # out of scope, started
}


@dataclass(frozen=True)
class Setting:
    """How the model is built, chosen among ``CANDIDATES`` by cross-validation on the training
    examples (``--select``)."""

    c: float = 30.0  # logistic regression's C (inverse strength): the model's, or the flows'
    shape: Shape = Shape(char_weight=1.5, short_sizes=(1, 2))  # the features
    # how much one desk-talk example weighs in the fit against one in-scope example (the
    # gate's, with two stages)
    background_weight: float = 3.0
    gate_c: float | None = None  # two stages: the in-scope gate's C; None: one model
    # one model decided as two stages are (``Bands.gate``): its background's probability as
    # the gate, then the flows' shares of the rest
    by_gate: bool = False

    @property
    def gated(self) -> bool:
        """Decided by a gate (``Bands.gate``), not by the background lead."""
        return self.gate_c is not None or self.by_gate

    def classifier(self, vocabulary: Iterable[str]) -> LinearClassifier:
        return LinearClassifier(vocabulary, self.c, self.shape, self.background_weight,
                                self.gate_c)

    def describe(self) -> str:
        stages = (f"two stages, gate C={self.gate_c:g}, " if self.gate_c is not None
                  else "one model by its gate, " if self.by_gate else "one model, ")
        return (f"{stages}C={self.c:g}, desk-talk weight {self.background_weight:g}, "
                f"{self.shape.to_json()}")


ONE_MODEL = Setting()  # the single model of 15 classes (flows and the background)
BY_GATE = Setting(by_gate=True)  # one model decided by its gate (shipped until session 10)
# character pieces weighed by their idf, decided by its gate (``CANDIDATES`` says why)
BY_IDF = Setting(by_gate=True, shape=Shape(char_weight=1.5, short_sizes=(1, 2), char_idf=True))
# ... with desk talk weighing 5 (session 12, ``CANDIDATES``): what ships
SETTING = replace(BY_IDF, background_weight=5.0)


@dataclass(frozen=True)
class Example:
    text: str
    label: str  # a flow id, or BACKGROUND
    source: str  # "flow", "background", "phrases" or "labelled"
    # the file it came from (a training phrases file is one writer's): ``by_writer`` holds
    # out one at a time; not digested, the text, class and source say what is learnt
    origin: str = ""


def read_labelled(path: Path, source: str) -> list[Example]:
    """A ``{situation or out-of-scope: [text or {text, also}]}`` file as examples (``origin``:
    the file's name)."""
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    examples = []
    for key, items in data.items():
        label = BACKGROUND if key == OUT_OF_SCOPE else str(key)
        for item in items or ():
            text = item["text"] if isinstance(item, dict) else str(item)
            examples.append(Example(text, label, source, path.name))
    return examples


def _lines(name: str) -> list[str]:
    path = DATA / name
    if not path.is_file():
        return []
    lines = path.read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def training_examples(flows: Iterable[Flow], *, labelled: Path | None = LABELLED,
                      phrases: bool = True) -> list[Example]:
    """Every (text, class) the model learns from, in a stable order (``labelled=None`` and
    ``phrases=False``: only the flows' own phrases and the background)."""
    flows = sorted(flows, key=lambda f: f.id)
    known = {f.id for f in flows}
    examples = [Example(text, f.id, "flow") for f in flows for text in Router.phrases(f)]
    examples += [Example(text, BACKGROUND, "background") for text in background_phrases()]
    examples += [Example(text, BACKGROUND, "background") for text in _lines(TRAINED_BACKGROUND)]
    for name in PHRASES if phrases else ():
        extra = DATA / name
        if extra.is_file():
            examples += read_labelled(Path(str(extra)), "phrases")
    if labelled is not None and labelled.is_file():
        examples += read_labelled(labelled, "labelled")
    unknown = sorted({e.label for e in examples} - known - {BACKGROUND})
    if unknown:
        raise ValueError(f"training phrases name unknown situations: {', '.join(unknown)}")
    return examples


def inputs_digest(examples: Sequence[Example]) -> str:
    """A digest of everything training reads: examples, normalisation data, this code."""
    digest = hashlib.sha256()
    for e in examples:
        digest.update(f"{e.label}\t{e.source}\t{e.text}\n".encode())
    for name in NORMALISATION:
        digest.update((DATA / name).read_bytes())
    here = Path(__file__).resolve().parent
    for name in CODE:
        digest.update((here / name).read_bytes())
    digest.update(f"{SETTING} folds={FOLDS} seed={SEED} "
                  f"bootstraps={BOOTSTRAPS} {sorted(UTILITY.items())} "
                  f"declined_floor={DECLINED_FLOOR} same_page={SAME_PAGE}"
                  f"{' bands_by_writer' if BANDS_BY_WRITER else ''}".encode())
    return digest.hexdigest()


def default_flows() -> list[Flow]:
    root = bundled_content_root()
    if root is None:
        raise SystemExit("no bundled flows/ to train on")
    return list(Catalogue.load(root).flows.values())


# --- fitting the bands -----------------------------------------------------------------------

def outcomes(probabilities: Any, classes: Sequence[str], labels: Sequence[str],
             bands: Bands, same_page: Sequence[bool] | None = None) -> list[str]:
    """The kind of decision (a ``UTILITY`` key) each row of probabilities gets under ``bands``
    (``same_page``: per row, whether its runner-up leads to its best flow's immediate page,
    ``same_page_rows``)."""
    from bot.router.model import decide

    kinds = []
    alike = [False] * len(labels) if same_page is None else list(same_page)
    for row, label, same in zip(probabilities, labels, alike, strict=True):
        ranked = sorted(zip(classes, map(float, row), strict=True), key=lambda p: (-p[1], p[0]))
        band, flows = decide(ranked, bands, BACKGROUND, lambda _a, _b, same=same: same)
        first = flows[0][0] if flows else None
        if label == BACKGROUND:
            kinds.append({"none": "declined", "ambiguous": "offered", "confident": "started"}[band])
        elif band == "none":
            kinds.append("missed")
        else:
            right = first == label
            kinds.append(f"{'started' if band == 'confident' else 'offered'} "
                         f"{'right' if right else 'wrong'}")
    return kinds


BOOTSTRAPS = 25  # resamples of the out-of-fold predictions the bands are fitted on
# Whether the out-of-fold predictions the bands are fitted on hold out a writer at a time
# (``writer_folds``) instead of five stratified folds: a new message comes from a writer the model
# never read. Off: measured as a new writer meets them (``bench/router_cv.py --by-writer
# --bands-from others``, each writer decided by bands fitted on the other writers' held-out
# predictions, against ``--bands-from stratified``), they declined no more of a new writer's desk
# talk (session 12, 8,047 examples, pooled: 0.949 against 0.955; top-1 0.842 against 0.839,
# started 0.670 against 0.626): the shortfall on one writer is that writer's spread (0.92-0.98
# declined), not a bias of the stratified folds.
BANDS_BY_WRITER = False
# Shipped bands do not ask between two situations that page the same people at once for the
# message (``Bands.same_page``): the fit and the figures count it (``same_page_rows``).
SAME_PAGE = True


def same_page_rows(probabilities: Any, classes: Sequence[str], texts: Sequence[str],
                   flows: Iterable[Flow]) -> list[bool]:
    """Per row: whether its runner-up flow leads, with what the row's text states, to the same
    immediate page as its best flow (``Router``'s rule, ``Flow.immediate_page``), read once
    here so that the bands are fitted and measured on the decisions the router makes."""
    import numpy as np

    router = Router(flows, trained=False)
    p = np.asarray(probabilities, dtype=float)
    flow_columns = [j for j, c in enumerate(classes) if c != BACKGROUND]
    found = []
    for row, text in zip(p, texts, strict=True):
        ranked = sorted(flow_columns, key=lambda j: (-row[j], classes[j]))[:2]
        found.append(len(ranked) == 2 and row[ranked[1]] > 0.0 and router._same_page(text, {})(
            classes[ranked[0]], classes[ranked[1]]))
    return found


def band_fits(probabilities: Any, classes: Sequence[str], labels: Sequence[str],
              bootstraps: int = BOOTSTRAPS, seed: int = SEED,
              declined_floor: float | None = None, *,
              gated: bool = False, same_page: Sequence[bool] | None = None
              ) -> tuple[Bands, list[Bands]]:
    """The thresholds that maximise ``UTILITY`` over these (out-of-fold) predictions, and those
    that maximise it over each of ``bootstraps`` resamples of them (rows drawn with
    replacement, ``seed`` fixed); with ``declined_floor``, only among the thresholds that
    decline at least that share of the out-of-scope rows (of the predictions, or of the
    resample). ``gated``: the predictions of a two-stage model, decided by its gate
    (``Bands.gate`` takes the background lead's place in the grid). ``same_page``: per row,
    whether its runner-up leads to its best flow's immediate page (``same_page_rows``): those
    rows are decided as ``decide`` does with ``Bands.same_page``.

    Vectorised over the rows (numpy, a training dependency): a grid of ~20,000 threshold
    combinations, each scored once for the predictions and every resample (one matrix product);
    ties go to the larger margin and the larger background lead (the safer side). When no
    combination declines enough, the one that declines the most wins (the grid's strictest).
    """
    import numpy as np

    p = np.asarray(probabilities, dtype=float)
    index = list(classes)
    bg = index.index(BACKGROUND)
    flows = p.copy()
    flows[:, bg] = -1.0
    order = np.argsort(-flows, axis=1, kind="stable")
    rows = np.arange(len(p))
    top, second = flows[rows, order[:, 0]], flows[rows, order[:, 1]]
    third = flows[rows, order[:, 2]] if flows.shape[1] > 2 else np.zeros(len(p))
    third = np.maximum(third, 0.0)  # the background's -1 when there are only two flows
    noise = p[:, bg]
    if gated:  # the flows' shares of what the gate left in scope (``decide``)
        rest = np.maximum(1.0 - noise, 1e-12)
        top, second, third = top / rest, second / rest, third / rest
        runner_up, after = second, third
    else:
        runner_up, after = np.maximum(second, noise), np.maximum(third, noise)
    alike = (np.zeros(len(p), dtype=bool) if same_page is None
             else np.asarray(same_page, dtype=bool) & (second > 0.0))
    both = top + second
    truth = np.array([index.index(label) for label in labels])
    in_scope = truth != bg
    right = order[:, 0] == truth
    # row weights: all ones (the predictions as they are), then one row of counts per resample
    draws = np.random.default_rng(seed).integers(0, len(p), size=(bootstraps, len(p)))
    weights = np.vstack([np.ones(len(p)),
                         *(np.bincount(d, minlength=len(p)) for d in draws)])

    out_weight = np.maximum(weights @ ~in_scope, 1)
    if not (~in_scope).any():
        declined_floor = None  # nothing out of scope to decline

    def value(kind: str) -> float:
        return UTILITY[kind]

    grid: list[Bands] = []
    totals: list[Any] = []
    steps = np.round(np.arange(0.0, 1.0001, 0.05), 2)
    # the first threshold: the gate (two stages), else the background lead
    firsts = steps[(steps > 0) & (steps < 1)] if gated else np.round(np.arange(-0.5, 0.5001,
                                                                                0.05), 2)
    for first in firsts:
        for suggest in np.round(np.arange(0.05, 0.5001, 0.05), 2):
            declined = ((noise >= first) if gated else (top < noise + first)) | (top < suggest)
            for confident in steps[steps >= suggest]:
                for margin in np.round(np.arange(0.0, 0.8001, 0.05), 2):
                    started = ~declined & (((top >= confident) & (top - runner_up >= margin))
                                           | (alike & (both >= confident)
                                              & (both - after >= margin)))
                    offered = ~declined & ~started
                    per_row = np.where(
                        in_scope,
                        np.where(declined, value("missed"),
                                 np.where(started,
                                          np.where(right, value("started right"),
                                                   value("started wrong")),
                                          np.where(right, value("offered right"),
                                                   value("offered wrong")))),
                        np.where(declined, value("declined"),
                                 np.where(offered, value("offered"), value("started"))),
                    )
                    total = weights @ per_row
                    if declined_floor is not None:  # short of the floor: below every
                        rate = (weights @ (~in_scope & declined)) / out_weight  # that meets it
                        total = np.where(rate >= declined_floor - 1e-9, total, rate - 1e9)
                    totals.append(total)
                    grid.append(Bands(float(confident), float(margin), float(suggest),
                                      0.0 if gated else float(first),
                                      gate=float(first) if gated else 0.0,
                                      same_page=same_page is not None))
    table = np.array(totals)  # grid x (1 + bootstraps)
    margins = np.array([b.margin for b in grid])
    # the safer side of a tie: the larger lead, or the stricter (smaller) gate
    leads = np.array([-b.gate if gated else b.background_lead for b in grid])
    # the best row of each column: highest total, then the larger margin, then the safer side
    best = [grid[int(np.lexsort((leads, margins, table[:, j]))[-1])]
            for j in range(table.shape[1])]
    return best[0], best[1:]


def fit_bands(probabilities: Any, classes: Sequence[str], labels: Sequence[str],
              bootstraps: int = BOOTSTRAPS,
              declined_floor: float | None = DECLINED_FLOOR, *, gated: bool = False,
              same_page: Sequence[bool] | None = None) -> Bands:
    """The bands shipped: each threshold the median of its best values over the resamples of
    ``band_fits`` (with no resamples, the best over the predictions as they are), each
    resample's declining at least ``declined_floor`` of its out-of-scope rows.

    The single best combination sits on a ridge of the utility that a handful of predictions
    can move (a tiny change of the training data once moved the background lead by 0.1 and a
    blind set's top-1 by three points); the median over resamples stays where most of them
    agree. Medians keep the order of the thresholds: every resample's confident >= suggest.
    """
    import statistics

    whole, resampled = band_fits(probabilities, classes, labels, bootstraps,
                                 declined_floor=declined_floor, gated=gated, same_page=same_page)
    if resampled:
        whole = Bands(**{name: float(statistics.median(getattr(b, name) for b in resampled))
                         for name in ("confident", "margin", "suggest", "background_lead",
                                      "gate")}, same_page=whole.same_page)
    return replace(whole, near=fit_near(probabilities, classes, labels, whole, bootstraps))


def fit_near(probabilities: Any, classes: Sequence[str], labels: Sequence[str], bands: Bands,
             bootstraps: int = BOOTSTRAPS, seed: int = SEED) -> float:
    """``Bands.near``: the least score at which a message ``bands`` decline still offers its
    best flow, as the median over resamples (as ``band_fits`` draws them) of the value that
    maximises ``UTILITY`` over the declined rows: an in-scope one offered its right flow is
    "offered right" (0.7, where declined it was "missed", 0), an out-of-scope one offered a
    flow is "offered" (-0.5, where it was "declined", 1). No floor: the bands already decline
    what they must; this only decides whether a decline names its closest guess. Ties go to
    the higher value (fewer offers); 1.0 is never."""
    import numpy as np

    p = np.asarray(probabilities, dtype=float)
    bg = list(classes).index(BACKGROUND)
    flows = p.copy()
    flows[:, bg] = -1.0
    best, top = flows.argmax(axis=1), flows.max(axis=1)
    if bands.gate:
        share = top / np.maximum(1.0 - p[:, bg], 1e-12)
        declined = (p[:, bg] >= bands.gate) | (share < bands.suggest)
    else:
        declined = (top < p[:, bg] + bands.background_lead) | (top < bands.suggest)
    truth = np.array([list(classes).index(label) for label in labels])
    in_scope, right = truth != bg, best == truth
    draws = np.random.default_rng(seed).integers(0, len(p), size=(bootstraps, len(p)))
    weights = np.vstack([np.ones(len(p)), *(np.bincount(d, minlength=len(p)) for d in draws)])
    values = np.round(np.arange(0.05, 1.0001, 0.05), 2)
    table = []
    for near in values:
        offered = declined & (top >= near)
        per_row = np.where(
            ~declined, 0.0,  # the same for every value
            np.where(in_scope,
                     np.where(offered, np.where(right, UTILITY["offered right"],
                                                UTILITY["offered wrong"]), UTILITY["missed"]),
                     np.where(offered, UTILITY["offered"], UTILITY["declined"])))
        table.append(weights @ per_row)
    totals = np.array(table)  # values x (1 + bootstraps)
    # the best value of each column: the highest total, then the highest value
    chosen = [float(values[len(values) - 1 - int(np.argmax(totals[::-1, j]))])
              for j in range(totals.shape[1])]
    return float(np.median(chosen[1:])) if bootstraps else chosen[0]


# --- the model -------------------------------------------------------------------------------

def vectorise(featurizer: Featurizer, texts: Sequence[str]) -> tuple[Any, Any]:
    from sklearn.feature_extraction import DictVectorizer

    vectorizer = DictVectorizer()
    return vectorizer, vectorizer.fit_transform([featurizer.features(t) for t in texts])


def fit(matrix: Any, labels: Sequence[str], c: float,
        background_weight: float = 1.0) -> Any:
    from sklearn.linear_model import LogisticRegression

    weights = [background_weight if label == BACKGROUND else 1.0 for label in labels]
    return LogisticRegression(C=c, max_iter=3000).fit(matrix, labels, sample_weight=weights)


def out_of_fold(examples: Sequence[Example], make: Callable[[], Any],
                folds: int = FOLDS, *, by_writer: bool = False) -> tuple[Any, list[str]]:
    """Every example's class probabilities from a model fitted without its fold.

    ``make()`` returns a fresh classifier with ``fit(texts, labels)`` and
    ``predict_proba(texts)`` and a ``classes_`` list (the same for every system measured).
    ``by_writer``: the folds are the writers (``writer_folds``), not ``folds`` stratified ones.
    """
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    texts = [e.text for e in examples]
    labels = [e.label for e in examples]
    classes = sorted(set(labels))
    result = np.zeros((len(examples), len(classes)))
    splits = (writer_folds(examples) if by_writer else
              StratifiedKFold(folds, shuffle=True, random_state=SEED).split(texts, labels))
    for train, test in splits:
        model = make().fit([texts[i] for i in train], [labels[i] for i in train])
        probabilities = model.predict_proba([texts[i] for i in test])
        columns = [classes.index(c) for c in model.classes_]
        result[np.ix_(test, columns)] = probabilities
    return result, classes


def writer_folds(examples: Sequence[Example]) -> list[tuple[list[int], list[int]]]:
    """(train, test) rows holding out one writer's messages at a time: each file of the
    message-like examples (``calibration``: a training phrases file, the labelled set) is one
    writer's; the flows' own phrases and the background are always learnt from. A held-out
    writer's words and habits are new to the model, as an unseen set's are, where stratified
    folds mix every writer's messages into training (``bench/router_cv.py --by-writer``)."""
    rows = calibration(examples)
    writers = sorted({examples[i].origin for i in rows})
    splits = []
    for writer in writers:
        test = [i for i in rows if examples[i].origin == writer]
        held = set(test)
        splits.append(([i for i in range(len(examples)) if i not in held], test))
    return splits


IN_SCOPE = "in-scope"  # the gate's other class (two stages)


def gated(outside: Any, shares: Any) -> Any:
    """Two stages' probabilities as one row per message: each flow's share of the in-scope
    rest (``shares``, the second stage's), then the gate's background (``outside``), last."""
    import numpy as np

    return np.hstack([shares * (1.0 - outside)[:, None], outside[:, None]])


class LinearClassifier:
    """Our features + scikit-learn's logistic regression, with the fit/predict_proba protocol.

    ``gate_c``: two stages — a binary in-scope/desk-talk model (this C, desk talk weighing
    ``background_weight``) in front of the choice among the flows, trained on in-scope text
    only (``c``), so that telling desk talk apart no longer spends the flows' margin. Both
    read the same features, and ship as one matrix: the flows' columns and the gate's logit
    for the background (``bot.router.model.LinearModel.scores``)."""

    def __init__(self, vocabulary: Iterable[str], c: float | None = None,
                 shape: Shape | None = None, background_weight: float | None = None,
                 gate_c: float | None = None):
        self.c = SETTING.c if c is None else c
        self.featurizer = Featurizer(vocabulary, shape or SETTING.shape, remember=True)
        self.background_weight = (SETTING.background_weight if background_weight is None
                                  else background_weight)
        self.gate_c = gate_c
        self.gate: Any = None

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> LinearClassifier:
        if self.featurizer.shape.char_idf:
            self.featurizer.fit_idf(texts)
        self.vectorizer, matrix = vectorise(self.featurizer, texts)
        if self.gate_c is None:
            self.model = fit(matrix, labels, self.c, self.background_weight)
            self.classes_ = list(self.model.classes_)
            return self
        outside = [label == BACKGROUND for label in labels]
        self.gate = fit(matrix, [BACKGROUND if o else IN_SCOPE for o in outside], self.gate_c,
                        self.background_weight)
        inside = [i for i, o in enumerate(outside) if not o]
        self.model = fit(matrix[inside], [labels[i] for i in inside], self.c)
        self.classes_ = [*map(str, self.model.classes_), BACKGROUND]
        return self

    def predict_proba(self, texts: Sequence[str]) -> Any:
        matrix = self.vectorizer.transform([self.featurizer.features(t) for t in texts])
        if self.gate is None:
            return self.model.predict_proba(matrix)
        outside = self.gate.predict_proba(matrix)[:, list(self.gate.classes_).index(BACKGROUND)]
        return gated(outside, self.model.predict_proba(matrix))

    def weights(self) -> tuple[list[list[float]], list[float]]:
        """One row of weights per class of ``classes_`` (one column per feature of the
        vectorizer), and the intercepts: two stages, the gate's logit for the background in
        the background's row."""
        rows = [list(map(float, row)) for row in self.model.coef_]
        intercept = [float(b) for b in self.model.intercept_]
        if self.gate is not None:  # a binary model's one row is the logit of classes_[1]
            sign = 1.0 if self.gate.classes_[1] == BACKGROUND else -1.0
            rows.append([sign * float(w) for w in self.gate.coef_[0]])
            intercept.append(sign * float(self.gate.intercept_[0]))
        return rows, intercept


def calibration(examples: Sequence[Example]) -> list[int]:
    """The rows the bands are fitted on: messages written like staff type them."""
    return [i for i, e in enumerate(examples) if e.source in ("phrases", "labelled")]


def fitted_bands(examples: Sequence[Example], make: Callable[[], Any], *,
                 gated: bool = False, flows: Iterable[Flow] | None = None,
                 by_writer: bool | None = None) -> Bands:
    """Bands fitted on ``make``'s out-of-fold predictions of the message-like examples; with
    ``flows``, deciding as the router does with ``Bands.same_page``. ``by_writer`` (default
    ``BANDS_BY_WRITER``): the predictions of models that never saw the row's writer."""
    probabilities, classes = out_of_fold(
        examples, make, by_writer=BANDS_BY_WRITER if by_writer is None else by_writer)
    rows = calibration(examples)
    p = probabilities[rows]
    alike = (same_page_rows(p, classes, [examples[i].text for i in rows], flows)
             if flows is not None else None)
    return fit_bands(p, classes, [examples[i].label for i in rows], gated=gated,
                     same_page=alike)


# What ``--select`` compares: logistic regression's C and the features, by five-fold
# cross-validation on the training examples alone (never a held-out set). Earlier rounds
# compared the character group's weight and short pieces (the shipped shape won), two-letter
# pieces and pieces across word boundaries (not better). Once the bands had to decline
# ``DECLINED_FLOOR`` of the desk talk, C was compared again: mean utility 0.705 (C 10),
# 0.709 (30), 0.707 (100), 0.689 (300); 30 shipped. With training set 7 (6,216 examples):
# C 10 0.718, C 30 0.718, C 100 0.714 (background weight 1); at C 30, background weight 2
# 0.721, 3 0.722 (top-1 0.775 -> 0.782 -> 0.781, started 0.547 -> 0.543 -> 0.571, declined
# 0.952 -> 0.945 -> 0.944); character weight 2.0 at weight 2: 0.712. Weight 3 shipped.
# With training set 8 (7,014 examples), one model against two stages (a binary in-scope gate,
# desk-talk weight 3, in front of the flows' choice trained on in-scope text only), out of fold:
#                                      utility  top-1  started  declined  conf-wrong
#   one model (C 30)                     0.743  0.800    0.553     0.952       0.010
#   one model, C 10                      0.744  0.798    0.545     0.951       0.009
#   one model, C 100                     0.739  0.799    0.538     0.949       0.010
#   one model, decided by its gate       0.742  0.792    0.605     0.956       0.013
#   two stages, gate C 30, flows C 30    0.712  0.759    0.547     0.948       0.011
#   two stages, gate C 10, flows C 30    0.715  0.757    0.540     0.955       0.010
#   two stages, gate C 10, flows C 100   0.716  0.764    0.530     0.951       0.010
# Temperature scaling before the bands (T of least log loss: 1.0 for one model, 0.81 for the
# flows' stage) moved utility by under 0.005. The one model's own background probability tells
# desk talk apart better than the dedicated gate (out-of-fold ROC AUC 0.981 against 0.972 at
# gate C 30, 0.974 at C 10): the single model ships, at C 30 (C 10 is level with it: within
# 0.002 the shipped setting stays). Decided by its gate, it starts five points more at equal
# utility (0.742 against 0.743), for 0.8 of top-1 and 0.3 of conf-wrong; decided by the
# background lead, a message of 0.89 for one flow and 0.1 for desk talk was a "Did you mean"
# (the lead counts the background as a runner-up), and right starts fell against the model
# before (review: 2055 -> 1950 on 668 held-out texts x 5 libraries). Where utility is level,
# the one that starts more ships: one model, decided by its gate.
# With training set 8, against the bench's TF-IDF + LR peer in the same five folds
# (``bench/router_cv.py``; "argmax": the best flow right, whatever the band):
#                                      utility  top-1  started  declined  conf-wrong  argmax
#   TF-IDF + LR (the bench's peer)       0.727  0.778    0.537     0.955       0.010   0.856
#   by its gate (shipped before)         0.742  0.792    0.605     0.956       0.013   0.856
#   ... pieces weighed by idf            0.751  0.807    0.611     0.951       0.012   0.863
#   ... idf, pieces of 2-5 letters       0.750  0.807    0.611     0.949       0.012   0.863
#   ... idf, character weight 2.0        0.746  0.808    0.603     0.949       0.013   0.865
#   ... idf, scaled by the count (*)     0.714  0.773    0.636     0.955       0.019   0.855
# The peer ranked as well as the router (argmax 0.856 both): its character n-grams are weighed
# by their idf, the router's were all alike, so " the" counted as much as "warr". Weighed by
# their idf (the group's length over the idf of the pieces the model knows, as TF-IDF's
# vectors are), the router ranks better than the peer and gains 1.5 points of top-1; two-letter
# pieces add nothing; a heavier character group (2.0 against 1.5) loses utility; idf with the old
# length (the count of pieces) loses ((*): not kept as an option). Idf at weight 1.5 (``BY_IDF``)
# is the best by CV, but was not shipped at first: retrained with it, some search-warrant
# openings ("sheriff's deputy here with a search warrant for the computers", 0.87 papers served
# / 0.11 police) went from a start and an immediate page to a "Did you mean" between the two
# situations that both page at once for a warrant (review 7 m5). With the band rule that does
# not count a runner-up leading to the same immediate page as a reason to ask (``SAME_PAGE``,
# ``Bands.same_page``), decided the way the router decides (session 10, same folds):
#                                      utility  top-1  started  declined  conf-wrong  argmax
#   by its gate, the rule                0.741  0.792    0.605     0.956       0.013   0.856
#   ... pieces weighed by idf, the rule  0.750  0.807    0.611     0.951       0.012   0.863
# (the rule changes 2-3 of 5,624 decisions: a "Did you mean" between police and papers served
# for a warrant or a national security letter starts the leader; where the label was the
# runner-up it counts as a wrong start, though the page is the same). Idf ships (``SETTING``):
# ahead by 0.009 of utility, 1.5 points of top-1 and 0.6 of started, at 0.5 points of declined.
# Session 12, with training sets 12 and 13 (8,047 examples; 1,397 of them out of scope): the
# desk talk's weight again, 3 against 5, by stratified folds and as a new writer meets it
# (``bench/router_cv.py --by-writer --bands-from stratified``: each writer's file held out, decided
# with the bands fitted on the stratified folds, as shipped), pooled over the writers:
#                                      utility  top-1  started  declined  conf-wrong
#   stratified: idf, desk-talk weight 3  0.768  0.814    0.601     0.954       0.010
#               ... weight 5             0.768  0.820    0.637     0.952       0.013
#               TF-IDF + LR (the peer)   0.751  0.798    0.563     0.950       0.009
#   new writer: idf, desk-talk weight 3  0.780  0.839    0.626     0.955       0.011
#               ... weight 5             0.783  0.834    0.660     0.961       0.012
#               TF-IDF + LR (the peer)   0.770  0.821    0.585     0.955       0.009
# Weight 5 ships: level or ahead on utility both ways, a new writer's desk talk declined more
# (0.955 -> 0.961; the least-declined writer 0.917 -> 0.921) and three points more started, at
# half a point of a new writer's top-1 (the stratified folds' top-1 rose 0.6).
CANDIDATES: tuple[Setting, ...] = (
    ONE_MODEL,
    Setting(c=10.0),
    Setting(c=100.0),
    BY_GATE,
    Setting(gate_c=30.0),
    Setting(gate_c=10.0),
    Setting(gate_c=10.0, c=100.0),
    BY_IDF,
    Setting(by_gate=True, shape=Shape(char_sizes=(2, 3, 4, 5), char_weight=1.5,
                                      short_sizes=(1, 2), char_idf=True)),
    Setting(by_gate=True, shape=Shape(char_weight=2.0, short_sizes=(1, 2), char_idf=True)),
    SETTING,
)


def cross_validated(examples: Sequence[Example], setting: Setting
                    ) -> dict[str, dict[str, float]]:
    """Out-of-fold figures for a candidate, on the message-like examples (``calibration``),
    with bands fitted on the same predictions: the mean ``UTILITY``, the bench's rates and the
    bands; as the model gives them (``raw``) and temperature-scaled first (``T=...``, the
    temperature of least log loss, ``fit_temperature``)."""
    vocabulary = vocabulary_of(e.text for e in examples)
    probabilities, classes = out_of_fold(examples, lambda: setting.classifier(vocabulary))
    rows = calibration(examples)
    labels = [examples[i].label for i in rows]
    raw = probabilities[rows]
    temperature = fit_temperature(raw, classes, labels, gated=setting.gated)
    found = {}
    for name, p in (("raw", raw),
                    (f"T={temperature:g}", temper(raw, classes, temperature,
                                                  gated=setting.gated))):
        bands = fit_bands(p, classes, labels, gated=setting.gated)
        found[name] = {**figures(p, classes, labels, bands),
                       **{k: getattr(bands, k) for k in ("gate", "confident", "margin")}}
    return found


def temper(probabilities: Any, classes: Sequence[str], temperature: float, *,
           gated: bool = False) -> Any:
    """The probabilities with their logits divided by ``temperature`` (temperature scaling):
    one model's over every class; two stages', the flows' shares only (the gate is decided by
    one threshold on its own score, which any monotonic calibration only renames)."""
    import numpy as np

    p = np.clip(np.asarray(probabilities, dtype=float), 1e-300, None)
    if not gated:
        scaled = p ** (1.0 / temperature)
        return scaled / scaled.sum(axis=1, keepdims=True)
    bg = list(classes).index(BACKGROUND)
    outside = p[:, bg]
    flows = np.delete(p, bg, axis=1) ** (1.0 / temperature)
    flows = flows / flows.sum(axis=1, keepdims=True) * (1.0 - outside)[:, None]
    return np.insert(flows, bg, outside, axis=1)


def fit_temperature(probabilities: Any, classes: Sequence[str], labels: Sequence[str], *,
                    gated: bool = False) -> float:
    """The temperature (0.25-4) that minimises the log loss of these out-of-fold predictions
    (two stages: of the flows' shares, over the in-scope rows)."""
    import numpy as np

    p = np.asarray(probabilities, dtype=float)
    index = list(classes)
    truth = np.array([index.index(label) for label in labels])
    rows = truth != index.index(BACKGROUND) if gated else np.ones(len(p), dtype=bool)
    best, lowest = 1.0, float("inf")
    for t in np.round(np.exp(np.linspace(np.log(0.25), np.log(4.0), 41)), 3):
        q = temper(p, classes, float(t), gated=gated)
        if gated:
            q = q / np.maximum(1.0 - q[:, [index.index(BACKGROUND)]], 1e-12)
        loss = -np.log(np.clip(q[rows, truth[rows]], 1e-12, None)).mean()
        if loss < lowest:
            best, lowest = float(t), float(loss)
    return best


def figures(probabilities: Any, classes: Sequence[str], labels: Sequence[str],
            bands: Bands, same_page: Sequence[bool] | None = None) -> dict[str, float]:
    """The mean ``UTILITY`` and the bench's rates of these predictions decided with ``bands``
    (``same_page``: per row, as ``outcomes``)."""
    kinds = outcomes(probabilities, classes, labels, bands, same_page)
    in_scope = [k for k, label in zip(kinds, labels, strict=True) if label != BACKGROUND]
    out_scope = [k for k, label in zip(kinds, labels, strict=True) if label == BACKGROUND]
    return {
        "utility": sum(UTILITY[k] for k in kinds) / len(kinds),
        "top-1": sum(k.endswith(" right") for k in in_scope) / max(1, len(in_scope)),
        "started": in_scope.count("started right") / max(1, len(in_scope)),
        "declined": out_scope.count("declined") / max(1, len(out_scope)),
        "conf-wrong": (in_scope.count("started wrong") + out_scope.count("started")) / len(kinds),
    }


def train(examples: Sequence[Example], flows: Iterable[Flow]) -> Packed:
    """The model file's data for these examples: bands by cross-validation (deciding as the
    router does for ``flows``: ``SAME_PAGE``), then the model."""
    vocabulary = vocabulary_of(e.text for e in examples)
    bands = fitted_bands(examples, lambda: SETTING.classifier(vocabulary), gated=SETTING.gated,
                         flows=flows if SAME_PAGE else None)
    final = SETTING.classifier(vocabulary).fit([e.text for e in examples],
                                               [e.label for e in examples])
    return model_data(final, bands, inputs_digest(examples), len(examples))


def model_data(fitted: LinearClassifier, bands: Bands, digest: str,
               examples: int) -> Packed:
    """What ``bot.router.model.LinearModel`` reads, from a fitted classifier."""
    names = list(fitted.vectorizer.feature_names_)
    rows, intercept = fitted.weights()  # classes x features
    idf = None
    if fitted.featurizer.shape.char_idf:  # a piece's weight ships times its idf
        idf = {name[len(CHAR):]: fitted.featurizer.idf[name[len(CHAR):]]
               for name in names if name.startswith(CHAR)}
        factors = [idf[name[len(CHAR):]] if name.startswith(CHAR) else 1.0 for name in names]
        rows = [[w * f for w, f in zip(row, factors, strict=True)] for row in rows]
    header: dict[str, Any] = {
        "about": "frontdesk routing model: logistic regression over word and character "
                 "features (bot/router/model.py), weights in model.bin; built by "
                 "python -m bot.router.train from the inputs whose digest is below; do not edit",
        "digest": digest,
        "examples": examples,
        "regularisation": fitted.c,
        "background_weight": fitted.background_weight,
        "bands": bands.to_json(),
        "shape": fitted.featurizer.shape.to_json(),
        "classes": list(fitted.classes_),
        "intercept": [round(b, 6) for b in intercept],
    }
    if fitted.gate_c is not None:  # two stages: the background's row is the gate's
        header |= {"gate_class": BACKGROUND, "gate_regularisation": fitted.gate_c}
    return pack(header, names, rows, idf)


def write(packed: Packed, header: Path) -> Path:
    """``model.json`` at ``header`` and its ``model.bin`` beside it (the blob first: a reader
    that finds the new header finds its weights)."""
    blob = header.with_suffix(".bin")  # model.json -> model.bin (WEIGHTS_FILE)
    blob.write_bytes(packed.blob)
    header.write_text(json.dumps(packed.header, indent=1) + "\n", encoding="utf-8")
    return blob


def stale(header: Path, digest: str) -> str | None:
    """Why the model at ``header`` (and its blob) is not the one ``digest``'s inputs make, or
    None when it is."""
    blob = header.with_suffix(".bin")
    if not header.is_file() or not blob.is_file():
        return "missing"
    data = json.loads(header.read_text("utf-8"))
    if data.get("digest") != digest:
        return "out of date with its inputs"
    if data.get("blob_sha256") != hashlib.sha256(blob.read_bytes()).hexdigest():
        return f"{blob.name} is not the one this header was written with"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="only say whether the shipped model matches its inputs")
    parser.add_argument("--output", type=Path, default=None, help="default: the shipped model")
    parser.add_argument("--select", action="store_true",
                        help="compare the CANDIDATES (C, features) by cross-validation; write "
                             "nothing")
    args = parser.parse_args(argv)
    flows = default_flows()
    examples = training_examples(flows)
    if args.select:
        for setting in CANDIDATES:
            for calibrated, found in cross_validated(examples, setting).items():
                print(f"{setting.describe()} ({calibrated}): "
                      + ", ".join(f"{k} {v:.3f}" for k, v in found.items()), flush=True)
        return 0
    target = args.output or Path(str(DATA / MODEL_FILE))
    if args.check:
        problem = stale(target, inputs_digest(examples))
        if problem:
            print(f"{target}: {problem}; run python -m bot.router.train", file=sys.stderr)
            return 1
        print(f"{target}: up to date")
        return 0
    packed = train(examples, flows)
    blob = write(packed, target)
    features = packed.header["features"]
    print(f"{target} and {blob.name}: {features['chars'] + features['words']} features x "
          f"{len(packed.header['classes'])} classes from {len(examples)} examples; "
          f"bands {packed.header['bands']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
