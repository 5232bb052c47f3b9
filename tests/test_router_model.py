"""The trained routing model: shipped weights up to date, pure-Python scoring equal to
scikit-learn's, bands fitted from predictions, and the router using the model where it applies.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from bot.content.catalogue import Catalogue, bundled_content_root
from bot.router import Router
from bot.router.model import (
    MODEL_FILE,
    MOST,
    Bands,
    LinearModel,
    Packed,
    Shape,
    char_pieces,
    decide,
    pack,
    piece_set,
    shipped,
    unpack,
    vocabulary_of,
)
from bot.router.router import BACKGROUND
from bot.router.text import DATA
from bot.router.train import (
    DECLINED_FLOOR,
    Example,
    LinearClassifier,
    band_fits,
    fit_bands,
    inputs_digest,
    model_data,
    outcomes,
    stale,
    training_examples,
    write,
    writer_folds,
)


def test_the_shipped_model_was_trained_on_the_current_inputs() -> None:
    """A changed trigger, training phrase, labelled example or normalisation without training
    again fails here."""
    root = bundled_content_root()
    assert root is not None
    examples = training_examples(Catalogue.load(root).flows.values())
    packed = shipped()
    assert packed is not None, "no bot/data/routing/model.json: run python -m bot.router.train"
    data = packed.header
    assert data["digest"] == inputs_digest(examples), (
        "the routing model is out of date with its inputs: run python -m bot.router.train")
    assert data["examples"] == len(examples)
    assert set(data["classes"]) == {e.label for e in examples}
    # ... and model.bin is the blob that header was written with, not an older or edited one
    assert data["blob_sha256"] == hashlib.sha256(packed.blob).hexdigest()
    assert stale(DATA / MODEL_FILE, inputs_digest(examples)) is None


@pytest.mark.parametrize(("gate_c", "shape"), [
    (None, None), (10.0, None), (None, Shape(char_weight=1.5, short_sizes=(1, 2), char_idf=True))],
    ids=["one model", "two stages", "idf-weighted pieces"])
def test_pure_python_scores_equal_scikit_learns(catalogue: Catalogue, gate_c: float | None,
                                                shape: Shape | None) -> None:
    """Two stages: the gate's background, and each flow's share of the rest, in one row. Pieces
    weighed by their idf: the weights ship times the idf, the group's length over the pieces
    the model knows, as training scaled them."""
    flows = [catalogue.flows[f] for f in ("law-enforcement-request", "lost-or-stolen-card",
                                           "media-inquiry")]
    examples = [e for e in training_examples(flows, labelled=None, phrases=False)
                if e.label != BACKGROUND or e.text.startswith(("are we", "what time"))]
    texts, labels = [e.text for e in examples], [e.label for e in examples]
    fitted = LinearClassifier(vocabulary_of(texts), gate_c=gate_c, shape=shape).fit(texts,
                                                                                     labels)
    bands = Bands(0.5, 0.1, 0.1, 0.0, gate=0.5 if gate_c else 0.0)
    model = LinearModel(model_data(fitted, bands, "test", len(examples)))
    assert (model.gate_at is None) == (gate_c is None)
    messages = ["a cop wants to know what a patron borrowed", "my card got stolen",
                "reporter from the tribune on line 2", "what time do we open", "policía aquí",
                "zzqx police wants records"]
    expected = fitted.predict_proba(messages)
    for message, row in zip(messages, expected, strict=True):
        got = model.scores(message)
        for label, probability in zip(fitted.classes_, row, strict=True):
            assert got[label] == pytest.approx(probability, abs=2e-3), (message, label)


def test_fit_bands_places_each_threshold_where_the_predictions_need_it() -> None:
    """Right answers lead by 0.3 or more, wrong ones by less: the margin lands between;
    out-of-scope messages score their best flow under 0.2: the suggest bar clears them."""
    classes = ["a", "b", BACKGROUND]
    rows, labels = [], []
    for _ in range(20):
        rows.append([0.8, 0.1, 0.1])  # clear and right
        labels.append("a")
        rows.append([0.5, 0.4, 0.1])  # close call, wrong
        labels.append("b")
        rows.append([0.15, 0.05, 0.8])  # desk talk
        labels.append(BACKGROUND)
    bands = fit_bands(rows, classes, labels)
    assert 0.1 < bands.margin <= 0.7  # separates the close calls from the clear ones
    assert bands.confident <= 0.8
    started = [r for r in rows if r[0] >= bands.confident and r[0] - max(r[1:]) >= bands.margin]
    assert started == [[0.8, 0.1, 0.1]] * 20


def test_shipped_bands_are_the_median_of_the_resamples_best_not_one_knife_edge() -> None:
    """Where the predictions leave the best margin anywhere between two values, one best fit
    lands on whichever edge a few rows favour; the median over resamples does not swing with
    them: each threshold is the median of the resamples' best values."""
    import random
    import statistics

    rng = random.Random(3)
    classes = ["a", "b", BACKGROUND]
    rows, labels = [], []
    for _ in range(60):  # right answers lead by 0-0.8, wrong ones by 0-0.6: they overlap
        lead = rng.uniform(0.0, 0.8)
        rows.append([0.1 + lead, 0.1, 0.8 - lead])
        labels.append("a")
        wrong = rng.uniform(0.0, 0.6)
        rows.append([0.2 + wrong, 0.2, 0.6 - wrong])
        labels.append("b")
    whole, resampled = band_fits(rows, classes, labels, bootstraps=15)
    assert len(resampled) == 15 and len(set(resampled)) > 1  # the resamples disagree
    bands = fit_bands(rows, classes, labels, bootstraps=15)
    for name in ("confident", "margin", "suggest", "background_lead"):
        assert getattr(bands, name) == statistics.median(getattr(b, name) for b in resampled)
    assert replace(fit_bands(rows, classes, labels, bootstraps=0), near=1.0) == whole


def test_the_bands_decline_the_floors_share_of_desk_talk_even_at_a_cost_in_offers() -> None:
    """Desk talk that scores like a half-sure flow: offering it ("Did you mean") is worth more
    to ``UTILITY`` than declining it, since in-scope messages of that shape are right more
    often. The decline floor holds the bands to declining ``DECLINED_FLOOR`` of it anyway."""
    classes = ["a", "b", BACKGROUND]
    rows = ([[0.8, 0.1, 0.1]] * 40  # clear and right
            + [[0.45, 0.05, 0.5]] * 30  # unsure, right
            + [[0.45, 0.05, 0.5]] * 10  # desk talk of the same shape
            + [[0.05, 0.05, 0.9]] * 90)  # plain desk talk
    labels = ["a"] * 70 + [BACKGROUND] * 100

    def band(row: list[float], bands: Bands) -> str:
        ranked = sorted(zip(classes, row, strict=True), key=lambda p: -p[1])
        return decide(ranked, bands, BACKGROUND)[0]

    def declined(bands: Bands) -> float:
        out = [r for r, label in zip(rows, labels, strict=True) if label == BACKGROUND]
        return sum(band(r, bands) == "none" for r in out) / len(out)

    assert declined(fit_bands(rows, classes, labels, declined_floor=None)) == 0.9
    floored = fit_bands(rows, classes, labels)
    assert declined(floored) >= DECLINED_FLOOR
    assert band([0.8, 0.1, 0.1], floored) == "confident"


def test_the_router_uses_the_model_only_for_the_flows_it_was_trained_on(
        catalogue: Catalogue, fixture_catalogue: Catalogue) -> None:
    assert Router.from_catalogue(catalogue, "mount-prospect").model is not None
    some = list(catalogue.flows.values())[:-1]
    assert Router(some).model is None  # a situation fewer: the lexical scorer
    assert Router(catalogue.flows.values(), trained=False).model is None
    fixture = next(iter(fixture_catalogue.packs))
    assert Router.from_catalogue(fixture_catalogue, fixture).model is None


def test_a_message_with_nothing_the_model_knows_gets_no_candidates(catalogue: Catalogue) -> None:
    result = Router.from_catalogue(catalogue, "mount-prospect").route("")
    assert result.band == "none" and result.candidates == () and result.confidence == 0.0


def test_character_pieces_come_from_every_script_and_skip_placeholders() -> None:
    pieces = char_pieces("警察 want [name]'s Policía records")
    assert "警察" in pieces  # two-character pieces for a script without spaces
    assert " pol" in pieces and "licia" in pieces  # accents removed, lower case
    assert not any("name" in p for p in pieces)  # a redaction placeholder carries no meaning


def test_the_weights_survive_packing_and_unpacking(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Every weight reads back within half a quantisation step, whatever its sign or size, and
    the files written are what a reader loads; a blob cut short or grown is refused."""
    names = ["w:warrant", "c: po", "c:警察", "w:search warrant", "c:lic"]
    matrix = [[2.5, -1.0, 0.0, 0.3, -2.5], [-0.001, 0.7, 1.2, -0.3, 0.0]]
    packed = pack({"classes": ["a", "b"], "bands": Bands(0.5, 0.1, 0.1, 0.0).to_json(),
                   "digest": "test", "intercept": [0.1, -0.1], "shape": {
                       "char_sizes": [3], "char_weight": 1.0, "pairs": True}}, names, matrix)
    assert packed.header["features"] == {"chars": 3, "words": 2}
    step = packed.header["scale"]
    model = LinearModel(packed)
    for j, name in enumerate(names):
        assert model.weights(name) == pytest.approx([row[j] for row in matrix], abs=step / 2)
    assert model.weights("w:unknown") == [0.0, 0.0]
    chars, words, _ = unpack(packed)
    assert chars == [" po", "lic", "警察"] and words == ["search warrant", "warrant"]

    header = tmp_path / "model.json"
    write(packed, header)
    assert stale(header, "test") is None
    assert stale(header, "other") == "out of date with its inputs"
    (tmp_path / "model.bin").write_bytes(packed.blob + b"\0\0")
    assert stale(header, "test") == "model.bin is not the one this header was written with"
    with pytest.raises(ValueError, match="does not hold"):
        LinearModel(Packed(packed.header, packed.blob + b"\0\0"))


def test_row_sums_hold_past_the_point_a_slot_could_overflow() -> None:
    """More features than one packed sum may add: the totals are still exact."""
    packed = pack({"classes": ["a", "b", "c"], "bands": Bands(0.5, 0.1, 0.1, 0.0).to_json(),
                   "digest": "test", "intercept": [0.0] * 3, "shape": {
                       "char_sizes": [3], "char_weight": 1.0, "pairs": True}},
                  ["w:max", "w:min"], [[1.0, -1.0], [-1.0, 1.0], [0.5, 0.0]])
    model = LinearModel(packed)
    top, bottom = model.word_index["max"], model.word_index["min"]
    found = [top] * (MOST + 5) + [bottom] * 3
    assert model.rows.totals(found, 3) == [32767 * (MOST + 2), -32767 * (MOST + 2),
                                           16384 * (MOST + 5)]


def test_the_piece_set_is_the_set_of_pieces() -> None:
    for text in ("警察 want [name]'s Policía records", "cop cop COP", "", "a", "Ёлка 경찰 مكتبة"):
        assert piece_set(text) == set(char_pieces(text))
        assert piece_set(text, (3, 4), (1, 2)) == set(char_pieces(text, (3, 4), (1, 2)))
    assert "警" in piece_set("警察", short=(1, 2)) and "警" not in piece_set("警察")


def test_gated_bands_decline_by_the_gate_and_start_by_the_flows_shares() -> None:
    """Two stages: desk talk that the gate places at 0.6-0.9 and in-scope messages at 0.1 — the
    gate lands between, where every out-of-scope row is declined; the flows' shares (0.9 / 0.1
    right, 0.5 / 0.45 a coin toss) set the margin between the sure and the unsure, however
    much of the score the gate took (one model's rule would read 0.45 raw against 0.5)."""
    classes = ["a", "b", BACKGROUND]

    def row(outside: float, a: float, b: float) -> list[float]:
        return [a * (1 - outside), b * (1 - outside), outside]

    rows = ([row(0.1, 0.9, 0.1)] * 30 + [row(0.5, 0.9, 0.1)] * 10  # sure and right
            + [row(0.1, 0.5, 0.45)] * 30  # coin tosses: half of them wrong
            + [row(0.6, 0.5, 0.5)] * 20 + [row(0.9, 0.5, 0.5)] * 40)  # desk talk
    labels = ["a"] * 40 + ["a"] * 15 + ["b"] * 15 + [BACKGROUND] * 60
    bands = fit_bands(rows, classes, labels, gated=True)
    assert 0.5 < bands.gate <= 0.6 and bands.background_lead == 0.0
    kinds = outcomes(rows, classes, labels, bands)
    assert kinds[:40] == ["started right"] * 40  # under the gate, shares 0.9 / 0.1: started
    assert set(kinds[40:70]) <= {"offered right", "offered wrong"}  # coin tosses: asked
    assert kinds[70:] == ["declined"] * 60


def test_writer_folds_hold_out_one_writers_file_at_a_time_and_always_learn_the_rest() -> None:
    """``--by-writer`` cross-validation: each message-like file (a training phrases file, the
    labelled set) is one fold's test set and nobody else's; the flows' phrases and the
    background are in every fold's training, never tested."""
    examples = [
        Example("police want records", "law-enforcement-request", "flow"),
        Example("printer jammed again", BACKGROUND, "background"),
        Example("cop at the desk asking who had this book", "law-enforcement-request",
                "phrases", "training_phrases.yaml"),
        Example("are we open monday", BACKGROUND, "phrases", "training_phrases.yaml"),
        Example("the reporter wants to know who reads what", "media-inquiry", "phrases",
                "training_phrases3.yaml"),
        Example("mom wants her kid's list", "parent-requests-child-records", "labelled",
                "labelled.yaml"),
    ]
    folds = writer_folds(examples)
    assert [sorted(test) for _train, test in folds] == [[5], [2, 3], [4]]
    for train, test in folds:
        assert {0, 1} <= set(train)
        assert not set(train) & set(test)
        assert set(train) | set(test) == set(range(len(examples)))
