"""The router: a staff member's words -> the situation (flow) they are in, or an honest "not sure".

Two scorers, one decision:

* **the trained model** (``bot.router.model``), used whenever the library's flows are the ones it
  was trained on (the bundled catalogue): a logistic regression over word and character features,
  trained offline by ``python -m bot.router.train`` on every flow's phrases, ordinary desk talk
  (``bot/data/routing/background.txt``, a pseudo-situation that is never started), the training
  phrases and the labelled set; its scores are probabilities, its bands fitted by
  cross-validation and shipped with its weights (``bot/data/routing/model.json``);
* **the lexical scorer** below, for a catalogue the model was not trained on (a pack that adds a
  situation, a test's content): no training needed, bands placed by hand (``Tuning``).

The lexical scorer normalises every phrase that describes a flow and every background line once
(``bot.router.text``: slang, typos, stems) and scores a message against each flow with four
signals over its content words and adjacent word pairs ("search warrant"):

* **posterior** — a naive Bayes posterior over the flows and the background (features present
  in the flow's phrases; the background's prior is ``background_prior``), smoothed by a fixed
  pseudo-count mass, ``smoothing``, spread over the vocabulary.
* **evidence** — the share of the message's information that points at the flow (idf-weighted,
  times how characteristic each word is of the flow).
* **overlap** — the best single phrase of the flow, as an idf-weighted F-score of shared words.
* **likeness** — rapidfuzz ``token_set_ratio`` between the message and the flow's phrases that
  overlap it best, for the ``likeness_top`` best classes.

``score = posterior_weight * posterior + (1 - posterior_weight) * (evidence_weight * evidence +
overlap_weight * overlap + likeness_weight * likeness)``, in 0..1.

Either way the scores become a band the same way (``bot.router.model.decide``): ``none`` when the
best flow does not beat the background by ``background_lead`` (or scores below ``suggest``);
``confident`` (start the flow) when it scores ``confident`` and leads the runner-up (flow or
background) by ``margin``; otherwise ``ambiguous`` ("Did you mean"). With the trained model's
bands (``Bands.same_page``), a runner-up that pages the same people at once as the best flow for
what the message states (``Flow.immediate_page``: "sheriff's deputy here with a search warrant",
police asking or papers served) is no reason to ask: the best flow starts when the two together
are confident.
"""

from __future__ import annotations

import math
import operator
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from rapidfuzz import fuzz, process

from bot.content.flows import Flow
from bot.privacy.redact import redact
from bot.router.cues import one_reading
from bot.router.model import Bands, LinearModel, decide, shipped
from bot.router.prefill import PrefilledAnswer, StatedDate, prefill, stated_start
from bot.router.text import DATA, Normaliser, is_content, one_message, words

BANDS = ("confident", "ambiguous", "none")
BACKGROUND = "_background"  # ordinary desk talk (bot/data/routing/background.txt): never started
# Messages routed in this process, by band: ``bot.ops.metrics`` exports them at each scrape as
# frontdesk_routing_total (kept here so that routing never imports prometheus_client).
ROUTED: Counter[str] = Counter()
_ROUTED_LOCK = threading.Lock()


@cache
def background_phrases() -> tuple[str, ...]:
    text = (DATA / "background.txt").read_text("utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and line[0] != "#")


def shipped_model(flows: dict[str, Flow]) -> LinearModel | None:
    """The shipped trained model, if it was trained on exactly these flows (by id); a library
    whose pack adds or replaces situations is routed by the lexical scorer until it is trained.
    (Whether the shipped model is up to date with the flows' phrases is a test's job.)"""
    data = shipped()
    if data is None or set(data.header["classes"]) != {*flows, BACKGROUND}:
        return None
    return _shipped_model()


@cache
def _shipped_model() -> LinearModel:
    data = shipped()
    assert data is not None
    return LinearModel(data)


@dataclass(frozen=True)
class Tuning:
    """The knobs, measured on tests/routing/labelled.yaml with bench/router_bench.py."""

    posterior_weight: float = 0.7
    evidence_weight: float = 0.5  # the other three split the remaining 1 - posterior_weight
    overlap_weight: float = 0.3
    likeness_weight: float = 0.2
    smoothing: float = 800.0  # naive Bayes pseudo-counts per class, spread over the vocabulary
    alpha: float | None = None  # per-feature smoothing instead (None: smoothing / vocabulary)
    background_prior: float = 4.0  # prior odds of ordinary desk talk against one flow
    unknown_weight: float = 2.0  # weight of a word the catalogue never uses (idf units)
    pair_weight: float = 0.5  # weight of an adjacent word pair relative to its words
    saturation: float = 2.0  # a word counts fully for a flow once this many phrases use it
    beta: float = 1.0  # overlap F-score: >1 favours phrases that explain all of the message
    background_lead: float = 0.15  # the best flow must beat the background by this much
    confident: float = 0.6
    margin: float = 0.05
    suggest: float = 0.15
    suggest_floor: float = 0.1  # a runner-up below this is not worth offering in "Did you mean"
    scorer: Any = field(default=fuzz.token_set_ratio)
    likeness_top: int = 3  # likeness is computed for this many best classes only
    likeness_phrases: int = 8  # ... against this many of their best-overlapping phrases
    background_likeness: bool = True


@dataclass(frozen=True)
class Candidate:
    situation: str
    title: str
    score: float

    def to_json(self) -> dict[str, Any]:
        return {"situation": self.situation, "score": round(self.score, 4)}


@dataclass(frozen=True)
class RouteResult:
    """What the router made of one message. ``situation`` is set only when ``band`` is confident."""

    text: str  # the message after redaction: the only form of it anything keeps
    situation: str | None
    confidence: float
    band: str
    candidates: tuple[Candidate, ...]  # the best three flows (score > 0), best first
    prefill: tuple[PrefilledAnswer, ...] = ()
    # what to offer in "Did you mean": ambiguous, the best few; declined, the best flow when
    # it scores the bands' ``near`` (else nothing: every face lists all situations)
    suggestions: tuple[Candidate, ...] = ()
    stated_date: StatedDate | None = None  # the day it happened, for a hold counting from it
    # what the message stated for each "Did you mean" situation (flow id, its prefill), read
    # from the words as typed like ``prefill``: a pick starts from it
    offered_prefill: tuple[tuple[str, tuple[PrefilledAnswer, ...]], ...] = ()

    def to_json(self, *, detail: bool = False) -> dict[str, Any]:
        """The ``frontdesk route --jsonl`` contract: text, situation, confidence, candidates;
        with ``detail`` (``route --json``, ``run --json``'s routing) also the band, the
        prefilled facts and the stated date."""
        data: dict[str, Any] = {
            "text": self.text,
            "situation": self.situation,
            "confidence": round(self.confidence, 4),
            "candidates": [c.to_json() for c in self.candidates],
        }
        if detail:
            data["band"] = self.band
            data["prefill"] = [p.to_json() for p in self.prefill]
            if self.stated_date:
                data["stated_date"] = self.stated_date.to_json()
        return data


_UNPOSTED_IDF = 0.1  # words this common (in all classes but one or none) are not posted

_SENTENCE = re.compile(r"[;.!?]\s+|\s+or\s+(?=[a-z]+ [a-z]+ )")


def _pairs(content: tuple[str, ...]) -> list[str]:
    return [f"{a} {b}" for a, b in zip(content, content[1:], strict=False) if a != b]


class Router:
    """Routes free text to one of a library's flows. Build once per catalogue and library."""

    def __init__(self, flows: Iterable[Flow], tuning: Tuning | None = None, *,
                 model: LinearModel | None = None, trained: bool = True):
        """``model``: the trained model to score with (default: the shipped one, when it was
        trained on exactly these flows and ``trained`` is true); without one, the lexical
        scorer and ``tuning``'s bands."""
        self.tuning = tuning or Tuning()
        self.flows: dict[str, Flow] = {f.id: f for f in sorted(flows, key=lambda f: f.id)}
        if model is None and trained:
            model = shipped_model(self.flows)
        self.model = model
        if model is not None:
            self.bands = model.bands
            self.normaliser = model.normaliser
        else:
            t = self.tuning
            self.bands = Bands(t.confident, t.margin, t.suggest, t.background_lead)
            self._build()

    @classmethod
    def from_catalogue(cls, catalogue: Any, library: str, tuning: Tuning | None = None, *,
                       model: LinearModel | None = None, trained: bool = True) -> Router:
        catalogue.pack(library)  # unknown library -> UnknownName, before any work
        return cls(catalogue.flows_for(library).values(), tuning, model=model, trained=trained)

    # --- index ------------------------------------------------------------------------------

    @staticmethod
    def phrases(flow: Flow) -> list[str]:
        """Every phrase that describes ``flow``: triggers, title, description sentences.

        (Choice labels and synonyms were measured too: as routing evidence they made it worse,
        so they serve prefill and answers only.)
        """
        return [*flow.triggers, flow.title, *(p for p in _SENTENCE.split(flow.description) if p)]

    def _build(self) -> None:
        t = self.tuning
        texts = {fid: self.phrases(flow) for fid, flow in self.flows.items()}
        if self.flows:
            texts[BACKGROUND] = list(background_phrases())
        vocabulary = {w for ps in texts.values() for p in ps for w in words(p) if is_content(w)}
        self.normaliser = Normaliser(vocabulary)

        counts: dict[str, Counter[str]] = defaultdict(Counter)  # feature -> class -> phrases
        self._phrase_owner: list[str] = []
        self._likeness_texts: list[str] = []
        phrase_words: list[tuple[str, ...]] = []
        for fid, phrases in texts.items():
            for text in phrases:
                content = self.normaliser.content(text)
                if not content:
                    continue
                for feature in {*content, *_pairs(content)}:
                    counts[feature][fid] += 1
                self._phrase_owner.append(fid)
                self._likeness_texts.append(" ".join(content))
                phrase_words.append(tuple(dict.fromkeys(content)))

        classes = list(texts)
        n = len(classes)
        self._idf: dict[str, float] = {}
        self._share: dict[str, dict[str, float]] = {}
        sizes = Counter(self._phrase_owner)  # phrases per class
        for feature, per_class in counts.items():
            self._idf[feature] = math.log((n + 1) / (len(per_class) + 0.5))
            # how characteristic: the share of the class's phrases that use the feature, so the
            # background (ten times a flow's phrases) does not win on raw counts
            rates = {fid: c / sizes[fid] for fid, c in per_class.items()}
            top = max(rates.values())
            self._share[feature] = {
                fid: (rates[fid] / top) * min(1.0, c / t.saturation)
                for fid, c in per_class.items()
            }
        # Naive Bayes: log P(feature | class) for seen features, and the floor for unseen ones.
        # The smoothing is a fixed pseudo-count mass spread over the vocabulary: a per-feature
        # alpha would grow the smoothing with every trigger phrase added to the catalogue.
        size = len(counts)
        alpha = t.alpha if t.alpha is not None else t.smoothing / max(1, size)
        totals = Counter[str]()
        for per_class in counts.values():
            totals.update(per_class)
        self._log_floor = {
            c: math.log(alpha / (totals[c] + alpha * size)) if size else 0.0 for c in classes
        }
        self._log_like: dict[str, dict[str, float]] = {
            feature: {
                c: math.log((k + alpha) / (totals[c] + alpha * size))
                for c, k in per_class.items()
            }
            for feature, per_class in counts.items()
        }
        self._log_prior = {c: math.log(t.background_prior) if c == BACKGROUND else 0.0
                           for c in classes}
        self._log_prior_vector = [self._log_prior[c] for c in classes]
        self._log_vector = {
            feature: [likes.get(c, self._log_floor[c]) for c in classes]
            for feature, likes in self._log_like.items()
        }
        # Phrases as weighted word sets, reached from each word through a postings list. A word
        # in (almost) every class ("patron": idf ~0.03) is not posted: it would add hundreds of
        # phrases to every query's overlap pass for next to no weight.
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._phrase_weight: list[float] = []
        for index, content in enumerate(phrase_words):
            for word in content:
                if self._idf[word] >= _UNPOSTED_IDF:
                    self._postings[word].append(index)
            self._phrase_weight.append(sum(self._idf[w] for w in content) or 1.0)

    # --- scoring ----------------------------------------------------------------------------

    def signals(self, text: str) -> dict[str, dict[str, float]]:
        """posterior, evidence, overlap and likeness per class (flows and ``BACKGROUND``), 0..1."""
        content = self.normaliser.content(text)
        unique = list(dict.fromkeys(content))
        classes = list(self._log_prior)
        zero = dict.fromkeys(classes, 0.0)
        signals = {name: dict(zero) for name in ("posterior", "evidence", "overlap", "likeness")}
        if not unique or not classes:
            return signals
        t = self.tuning
        pairs = list(dict.fromkeys(_pairs(content)))

        # evidence, and the shared weight of every phrase that has one of the words
        evidence = signals["evidence"]
        total = 0.0
        query_weight = 0.0
        shared: dict[int, float] = defaultdict(float)
        for word in unique:
            idf = self._idf.get(word)
            if idf is None:
                total += t.unknown_weight
                query_weight += t.unknown_weight
                continue
            total += idf
            query_weight += idf
            for fid, share in self._share[word].items():
                evidence[fid] += idf * share
            for index in self._postings.get(word, ()):
                shared[index] += idf
        for pair in pairs:
            idf = self._idf.get(pair)
            if idf is None:
                continue
            total += idf * t.pair_weight
            for fid, share in self._share[pair].items():
                evidence[fid] += idf * t.pair_weight * share
        for fid in classes:
            evidence[fid] /= total

        # overlap: the best phrase's idf-weighted F-score, (1 + b²)·shared / (b²·query + phrase)
        overlap = signals["overlap"]
        b2 = t.beta * t.beta
        query_part = b2 * query_weight
        near: dict[str, list[tuple[float, int]]] = defaultdict(list)  # class -> (F, phrase)
        owners = self._phrase_owner
        weights = self._phrase_weight
        for index, common in shared.items():
            score = (1 + b2) * common / (query_part + weights[index])
            owner = owners[index]
            near[owner].append((score, index))
            if score > overlap[owner]:
                overlap[owner] = score

        # posterior: naive Bayes over the known features (one precomputed vector per feature)
        known = [f for f in (*unique, *pairs) if f in self._log_vector]
        if known:
            log_post = self._log_prior_vector
            for feature in known:
                log_post = list(map(operator.add, log_post, self._log_vector[feature]))
            top = max(log_post)
            exp = [math.exp(v - top) for v in log_post]
            norm = sum(exp)
            signals["posterior"] = {c: v / norm for c, v in zip(classes, exp, strict=True)}

        # likeness: rapidfuzz between the message and the best-overlapping phrases of the classes
        # still in the running (its weight is small: it can reorder close contenders, never lift
        # a class from nowhere; a phrase sharing no word with the message is never the best)
        likeness = signals["likeness"]
        if t.likeness_weight:
            query = " ".join(content)
            partial = self.combine(signals)
            contenders = [c for c in near if c != BACKGROUND or t.background_likeness]
            texts = self._likeness_texts
            for c in sorted(contenders, key=partial.__getitem__, reverse=True)[: t.likeness_top]:
                closest = near[c]
                if len(closest) > t.likeness_phrases:
                    closest = sorted(closest, reverse=True)[: t.likeness_phrases]
                best = process.extractOne(query, [texts[i] for _, i in closest],
                                          scorer=t.scorer, processor=None)
                likeness[c] = best[1] / 100 if best else 0.0
        return signals

    def combine(self, signals: dict[str, dict[str, float]]) -> dict[str, float]:
        t = self.tuning
        p = t.posterior_weight
        return {
            c: p * signals["posterior"][c]
            + (1 - p) * (t.evidence_weight * signals["evidence"][c]
                         + t.overlap_weight * signals["overlap"][c]
                         + t.likeness_weight * signals["likeness"][c])
            for c in signals["posterior"]
        }

    def score_all(self, text: str) -> list[tuple[str, float]]:
        """Every flow's score (and ``BACKGROUND``'s) for ``text``, best first."""
        if self.model is not None:
            scores = self.model.scores(text)
        else:
            scores = self.combine(self.signals(text))
        return sorted(scores.items(), key=lambda item: (-item[1], item[0]))

    def decide(self, everything: list[tuple[str, float]], text: str | None = None
               ) -> tuple[str, list[tuple[str, float]]]:
        """The band for ranked scores, and the ranked flows (background left out); with the
        message's ``text``, a runner-up leading to the same immediate page as the best flow is
        no reason to ask (``Bands.same_page``)."""
        return decide(everything, self.bands, BACKGROUND,
                      None if text is None else self._same_page(text, {}))

    def _same_page(self, text: str, read: dict[str, tuple[PrefilledAnswer, ...]]
                   ) -> Callable[[str, str], bool]:
        """Whether two flows, with what ``text`` states for each (its prefill, kept in ``read``
        for the caller), page the same people at once before any question
        (``Flow.immediate_page``; a suggested answer is not stated)."""
        def page(flow_id: str) -> frozenset[str] | None:
            if flow_id not in read:
                read[flow_id] = prefill(self.flows[flow_id], text)
            stated = {p.question: p.choice for p in read[flow_id] if not p.suggested}
            return self.flows[flow_id].immediate_page(stated) if stated else None

        def same(first: str, second: str) -> bool:
            leader = page(first)
            return leader is not None and leader == page(second)
        return same

    def route(self, text: str, *, with_prefill: bool = True, redacted: str | None = None
              ) -> RouteResult:
        """Decide: start a flow, suggest up to three, or decline; ``text`` redacted is the only
        form of it the result keeps (``result.text``, which later readings use).

        The started flow's prefill (or each suggested one's) reads ``text`` as typed, in this
        call: redaction masks a
        named person's age ("Liam (aged 18)" → "[name] (aged [age])"), the one fact an age
        question needs, and the result keeps only the structured answers (question and choice
        ids, and the flow's own phrase or "age 18" for what was heard), never the words.

        The scores are computed from ``text`` as typed and never stored or logged: redaction
        may mask words of a script other than Latin as names, which could leave a Chinese,
        Korean, Russian or Arabic message nothing to be routed on, and the model is trained on
        messages as typed. Nothing of it outlives the call: the normalised words and typo
        corrections are worked out once for scoring and prefill together
        (``text.one_message``), its sentences and clauses once for every question prefill
        reads (``cues.one_reading``), and both dropped at the end.

        ``redacted``: ``redact(text)``, when the caller has it already (a Slack event's words
        were redacted as the inbox stored them): not worked out again."""
        with one_message(), one_reading():
            return self._route(text, with_prefill=with_prefill, redacted=redacted)

    def _route(self, text: str, *, with_prefill: bool, redacted: str | None = None
               ) -> RouteResult:
        said = redact(text) if redacted is None else redacted
        read: dict[str, tuple[PrefilledAnswer, ...]] = {}  # prefill already worked out
        band, ranked = decide(self.score_all(text), self.bands, BACKGROUND,
                              self._same_page(text, read))
        top = ranked[0][1] if ranked else 0.0
        candidates = tuple(
            Candidate(fid, self.flows[fid].title, score) for fid, score in ranked[:3] if score > 0
        )
        # the best flow is always offered; a runner-up only when it is worth reading; on a
        # decline, the best flow alone when it scores ``near`` (the closest guess: a message
        # the model nearly placed is offered its situation, not only the whole list)
        suggestions = candidates[:1] + tuple(
            c for c in candidates[1:] if c.score >= self.tuning.suggest_floor)
        if band == "confident" or (band == "none" and top < self.bands.near):
            suggestions = ()
        elif band == "none":
            suggestions = candidates[:1]
        situation = ranked[0][0] if band == "confident" else None
        filled: tuple[PrefilledAnswer, ...] = ()
        offered: tuple[tuple[str, tuple[PrefilledAnswer, ...]], ...] = ()
        dated = None
        def read_for(flow_id: str) -> tuple[PrefilledAnswer, ...]:
            return read[flow_id] if flow_id in read else prefill(self.flows[flow_id], text)

        if situation is not None and with_prefill:
            filled = read_for(situation)
            dated = stated_start(self.flows[situation], said)
        elif with_prefill:
            offered = tuple((c.situation, read_for(c.situation)) for c in suggestions)
        with _ROUTED_LOCK:
            ROUTED[band] += 1
        return RouteResult(said, situation, min(1.0, top), band, candidates, filled, suggestions,
                           dated, offered)

    def situations(self) -> list[tuple[str, str]]:
        """(id, title) of every flow, by title: the list shown when nothing matched."""
        return sorted(((f.id, f.title) for f in self.flows.values()), key=lambda p: p[1])
