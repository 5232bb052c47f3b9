"""The router's model against the bench's TF-IDF + LR peer, by five-fold cross-validation on the
training examples alone, in the SAME folds (no held-out set is read).

    python bench/router_cv.py [--only shipped,tfidf,#0,...] [--save DIR] [--errors NAME]

Systems: the shipped setting (``bot.router.train.SETTING``), the bench's TF-IDF + LR peer exactly
as ``bench/router_bench.py`` builds it, and each of ``bot.router.train.CANDIDATES`` (``#0``...).
Each system is trained five times (``bot.router.train.out_of_fold``: stratified, seeded, so the
folds are the same for every system); its out-of-fold predictions of the message-like examples
(``calibration``) are decided with bands fitted on those same predictions, as the shipped model's
and the bench's peer's are (``fit_bands``: the router by its gate, the peer by the background
lead, as ``bench/router_bench.py`` fits it); the router's decided as it routes, not asking
between two situations that page the same people at once for the message (``train.SAME_PAGE``,
``same_page_rows``; ``--ask-same-page``: as before that rule). Printed per system: mean
utility, top-1 (in scope, first offer right), started (in scope, started right), declined (out
of scope), conf-wrong, and the bands' top-1 alone (``argmax``: the best flow right, whatever
the band), with its difference to the peer per source of examples.

``--by-writer``: the folds are the writers (``train.writer_folds``: each training phrases file and
the labelled set held out in turn), as an unseen set's writer is new; the figures are then
printed per writer too.

``--bands-from`` (with ``--by-writer``): which predictions each held-out writer's bands are fitted
on. ``same`` (the default): the by-writer predictions themselves, every writer's included (the
bands have seen the writer they decide). ``stratified``: the five stratified folds' predictions,
as the bands were shipped until session 12 (what a new writer met). ``others``: the by-writer
predictions of the other writers only (nested: what a new writer meets when the bands are fitted
by writer, ``train.BANDS_BY_WRITER``). The figures are then pooled over the writers.

``--errors NAME``: the in-scope classes where NAME's argmax top-1 differs most from the peer's,
and a sample of training examples one gets right and the other wrong (training data only).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.router_bench import tfidf_peer  # noqa: E402
from bot.router.router import BACKGROUND  # noqa: E402
from bot.router.train import (  # noqa: E402
    CANDIDATES,
    SAME_PAGE,
    SETTING,
    UTILITY,
    Setting,
    calibration,
    default_flows,
    figures,
    fit_bands,
    out_of_fold,
    outcomes,
    same_page_rows,
    training_examples,
    vocabulary_of,
)


def systems(vocabulary: set[str]) -> dict[str, tuple[Any, bool, str]]:
    """Name -> (how to make one, decided by a gate, what it is): the shipped setting, the
    bench's TF-IDF peer, and ``CANDIDATES`` as ``#0``, ``#1``..."""
    def router(setting: Setting) -> tuple[Any, bool, str]:
        return (lambda: setting.classifier(vocabulary)), setting.gated, setting.describe()

    return {"shipped": router(SETTING),
            "tfidf": (tfidf_peer, False, "the bench's TF-IDF + LR peer"),
            **{f"#{i}": router(setting) for i, setting in enumerate(CANDIDATES)}}


def argmax_right(p: Any, classes: list[str], labels: list[str]) -> Any:
    import numpy as np

    bg = classes.index(BACKGROUND)
    flows = np.asarray(p, dtype=float).copy()
    flows[:, bg] = -1.0
    truth = np.array([classes.index(label) for label in labels])
    return flows.argmax(axis=1) == truth, truth != bg


def pooled(kinds: list[str], labels: list[str]) -> dict[str, float]:
    """``train.figures``'s rates of decisions already made (``train.outcomes``' kinds)."""
    inside = [k for k, label in zip(kinds, labels, strict=True) if label != BACKGROUND]
    outside = [k for k, label in zip(kinds, labels, strict=True) if label == BACKGROUND]
    return {"utility": sum(UTILITY[k] for k in kinds) / len(kinds),
            "top-1": sum(k.endswith(" right") for k in inside) / max(1, len(inside)),
            "started": inside.count("started right") / max(1, len(inside)),
            "declined": outside.count("declined") / max(1, len(outside)),
            "conf-wrong": (inside.count("started wrong") + outside.count("started"))
            / len(kinds)}


def writer_bands(p: Any, classes: list[str], labels: list[str], writers: list[str],
                 gated: bool, alike: list[bool] | None, source: str,
                 stratified: Any = None, alike_stratified: list[bool] | None = None
                 ) -> dict[str, Any]:
    """Per writer, the bands its held-out predictions ``p`` are decided with (``--bands-from``:
    fitted on ``stratified`` predictions, or on the other writers' rows of ``p``)."""
    if source == "stratified":
        shipped = fit_bands(stratified, classes, labels, gated=gated, same_page=alike_stratified)
        return dict.fromkeys(writers, shipped)
    found = {}
    for writer in sorted(set(writers)):
        rest = [j for j, w in enumerate(writers) if w != writer]
        found[writer] = fit_bands(p[rest], classes, [labels[j] for j in rest], gated=gated,
                                  same_page=None if alike is None else [alike[j] for j in rest])
    return found


def main() -> None:
    import numpy as np

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="",
                        help="comma-separated: shipped, tfidf, #0, #1... (CANDIDATES)")
    parser.add_argument("--save", type=Path, default=None,
                        help="keep each system's out-of-fold predictions here (.npy)")
    parser.add_argument("--errors", default="", help="a system to compare with the peer")
    parser.add_argument("--by-writer", action="store_true",
                        help="hold out one writer's file at a time, not five stratified folds")
    parser.add_argument("--ask-same-page", action="store_true",
                        help="decide the router as before Bands.same_page: ask between two "
                             "situations that page the same people at once")
    parser.add_argument("--bands-from", choices=("same", "stratified", "others"),
                        default="same",
                        help="with --by-writer: the predictions each writer's bands are fitted "
                             "on (see the docstring)")
    args = parser.parse_args()
    if args.bands_from != "same" and not args.by_writer:
        parser.error("--bands-from needs --by-writer")
    flows = default_flows()
    examples = training_examples(flows)
    vocabulary = vocabulary_of(e.text for e in examples)
    rows = calibration(examples)
    labels = [examples[i].label for i in rows]
    sources = [examples[i].source for i in rows]
    chosen = [n for n in args.only.split(",") if n] or list(systems(vocabulary))
    unknown = set(chosen) - set(systems(vocabulary))
    if unknown:
        raise SystemExit(f"unknown systems: {', '.join(sorted(unknown))} "
                         f"(known: {', '.join(systems(vocabulary))})")
    print(f"{len(examples)} examples, {len(rows)} message-like scored; five folds, seed fixed")
    print(f"{'':<10} {'utility':>7} {'top-1':>6} {'started':>7} {'declined':>8} "
          f"{'conf-wr':>7} {'argmax':>6}  bands")
    kept: dict[str, Any] = {}
    for name in chosen:
        make, gated, about = systems(vocabulary)[name]
        started = time.perf_counter()
        suffix = ".writer" if args.by_writer else ""
        cached = args.save / f"{name}{suffix}.npy" if args.save else None
        if cached is not None and cached.is_file():
            p = np.load(cached)
            classes = sorted({e.label for e in examples})
        else:
            probabilities, classes = out_of_fold(examples, make, by_writer=args.by_writer)
            p = probabilities[rows]
            if cached is not None:
                cached.parent.mkdir(parents=True, exist_ok=True)
                np.save(cached, p)
        kept[name] = p
        alike = (same_page_rows(p, classes, [examples[i].text for i in rows], flows)
                 if name != "tfidf" and SAME_PAGE and not args.ask_same_page else None)
        bands = fit_bands(p, classes, labels, gated=gated, same_page=alike)
        found = figures(p, classes, labels, bands, alike)
        right, in_scope = argmax_right(p, classes, labels)
        print(f"{name:<10} {found['utility']:7.3f} {found['top-1']:6.3f} {found['started']:7.3f} "
              f"{found['declined']:8.3f} {found['conf-wrong']:7.3f} "
              f"{right[in_scope].mean():6.3f}  {bands.to_json()} "
              f"({time.perf_counter() - started:.0f} s)\n{'':<6}{about}", flush=True)
        if args.by_writer and args.bands_from != "same":
            writers = [examples[i].origin for i in rows]
            stratified = alike_stratified = None
            if args.bands_from == "stratified":
                cached = args.save / f"{name}.npy" if args.save else None
                if cached is not None and cached.is_file():
                    stratified = np.load(cached)
                else:
                    stratified = out_of_fold(examples, make)[0][rows]
                    if cached is not None:
                        np.save(cached, stratified)
                alike_stratified = (same_page_rows(stratified, classes,
                                                   [examples[i].text for i in rows], flows)
                                    if alike is not None else None)
            chosen_bands = writer_bands(p, classes, labels, writers, gated, alike,
                                        args.bands_from, stratified, alike_stratified)
            kinds = [""] * len(rows)
            for writer, bands_of in chosen_bands.items():
                mine = [j for j, w in enumerate(writers) if w == writer]
                decided = outcomes(p[mine], classes, [labels[j] for j in mine], bands_of,
                                   None if alike is None else [alike[j] for j in mine])
                for j, kind in zip(mine, decided, strict=True):
                    kinds[j] = kind
                part = pooled(decided, [labels[j] for j in mine])
                outside = sum(labels[j] == BACKGROUND for j in mine)
                print(f"{'':<6}{writer:<28} {len(mine) - outside:5} in, {outside:4} out: "
                      + ", ".join(f"{k} {v:.3f}" for k, v in part.items())
                      + f"  (gate {bands_of.gate:g}, confident {bands_of.confident:g}, "
                        f"margin {bands_of.margin:g}, suggest {bands_of.suggest:g}, "
                        f"lead {bands_of.background_lead:g})", flush=True)
            print(f"{'':<6}pooled, bands from {args.bands_from}: "
                  + ", ".join(f"{k} {v:.3f}" for k, v in pooled(kinds, labels).items()),
                  flush=True)
        elif args.by_writer:
            writers = [examples[i].origin for i in rows]
            for writer in sorted(set(writers)):
                mine = [j for j, w in enumerate(writers) if w == writer]
                part = figures(p[mine], classes, [labels[j] for j in mine], bands,
                               None if alike is None else [alike[j] for j in mine])
                outside = sum(labels[j] == BACKGROUND for j in mine)
                print(f"{'':<6}{writer:<28} {len(mine) - outside:5} in, {outside:4} out: "
                      + ", ".join(f"{k} {v:.3f}" for k, v in part.items()), flush=True)
    if args.errors and "tfidf" in kept and args.errors in kept:
        classes = sorted({e.label for e in examples})
        ours, in_scope = argmax_right(kept[args.errors], classes, labels)
        theirs, _ = argmax_right(kept["tfidf"], classes, labels)
        by_class: Counter[str] = Counter()
        by_source: Counter[str] = Counter()
        for i in np.flatnonzero(in_scope & (ours != theirs)):
            by_class[labels[i]] += 1 if ours[i] else -1
            by_source[sources[i]] += 1 if ours[i] else -1
        print(f"\n{args.errors} minus tfidf, argmax right, per class: "
              + ", ".join(f"{k} {v:+d}" for k, v in by_class.most_common()))
        print("per source: " + ", ".join(f"{k} {v:+d}" for k, v in by_source.items()))
        texts = [examples[i].text for i in rows]
        lost = [i for i in np.flatnonzero(in_scope & theirs & ~ours)]
        print(f"\nright by tfidf only ({len(lost)}), a sample:")
        for i in lost[:: max(1, len(lost) // 40)]:
            guess = classes[int(np.argmax(np.where(
                np.arange(len(classes)) == classes.index(BACKGROUND), -1, kept[args.errors][i])))]
            print(f"  {labels[i]} <- {guess} | {texts[i]}")


if __name__ == "__main__":
    main()
