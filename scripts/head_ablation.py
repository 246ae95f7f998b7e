"""Which of the label head's blocks earn their place: speaker-independent folds, one run.

usage: python scripts/head_ablation.py DATA [DATA ...] --cache DIR [--cross TEST_DATA]
       [--base MODEL] [--folds 4] [--out FILE]

Cross-validates the head by speaker with each block alone and with both (features from
the cache that ``emostudio-train crossval --head`` / ``fit-head`` fill), in both modes,
and, given ``--cross``, trains each variant on all of DATA and scores TEST_DATA (another
corpus; each speaker against their own voice). Writes a markdown table.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from model_core.devices import pick_placement
from model_core.pipeline import load_model
from train.datasets import load_examples
from train.evaluate import classification_metrics
from train.head import (
    HEAD_CACHE,
    crossval_head,
    fit_label_head,
    head_features,
    middle_layer,
    voices_of,
)
from train.speaker_cv import speaker_folds, summarise

VARIANTS = {
    "whisper middle layer only": {"whisper": 1.0, "acoustic": 0.0},
    "eGeMAPS + cues only": {"whisper": 0.0, "acoustic": 1.0},
    "both (the shipped blocks)": {"whisper": 1.0, "acoustic": 1.0},
    "both, acoustic weighted 2": {"whisper": 1.0, "acoustic": 2.0},
}


def cross_corpus_ua(head, features, examples) -> float:
    speakers = [e.speaker for e in examples]
    voices = voices_of(features, speakers)
    probabilities = head.probabilities(features, [voices.get(s) for s in speakers])
    predicted = [head.labels[int(k)] for k in probabilities.argmax(axis=1)]
    truth = [e.label or "" for e in examples]
    return classification_metrics(truth, predicted, head.labels).unweighted_accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", nargs="+")
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--cross", help="another corpus, scored by heads trained on all of DATA")
    parser.add_argument("--cross-sample", type=int, default=0, help="sample this many (0: all)")
    parser.add_argument("--base", default="synthetic")
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    model = load_model(args.base, pick_placement("auto"))
    labels = list(model.config.labels)
    layer, cache = middle_layer(model), args.cache / HEAD_CACHE
    examples = [e for spec in args.data for e in load_examples(spec) if e.label in labels]
    features, kept = head_features(examples, model, layer, cache, print)
    truth, speakers = [e.label or "" for e in kept], [e.speaker for e in kept]
    folds = dict(enumerate(speaker_folds(kept, args.folds), 1))
    cross = None
    if args.cross:
        from train.compare import sample

        others = [e for e in load_examples(args.cross) if e.label in labels]
        if args.cross_sample:
            others = sample(others, args.cross_sample)
        cross = head_features(others, model, layer, cache, print)
    lines = [
        f"Label-head ablation: {', '.join(args.data)}, {len(kept)} clips, {len(folds)} folds by "
        f"speaker; Whisper layer {layer}"
        + (f"; cross-corpus: {args.cross} ({len(cross[1])} clips)" if cross else ""),
        "",
        "| blocks | same-speaker pooled UA | population pooled UA | cross-corpus UA |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, weights in VARIANTS.items():
        results, temperatures = crossval_head(
            features,
            truth,
            speakers,
            folds,
            labels,
            lambda _: None,
            layer=layer,
            block_weights=weights,
        )
        summary = summarise(results, labels)
        own = summary["emoreasoner-head/same-speaker"]["pooled_ua"]
        population = summary["emoreasoner-head/population"]["pooled_ua"]
        other = "-"
        if cross is not None:
            head = fit_label_head(
                features,
                truth,
                speakers,
                labels,
                layer=layer,
                block_weights=weights,
                temperatures=temperatures,
            )
            other = f"{cross_corpus_ua(head, *cross):.1%}"
        lines.append(f"| {name} | {own:.1%} | {population:.1%} | {other} |")
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
