"""The label head's anchor, block weights and asterisk prompts against three checks, one run.

usage: python scripts/anchor_probe.py RAVDESS_DATA --cache DIR --cross ASED_DATA
       [--cross-sample 481] [--cross-part 0] [--base synthetic] [--out FILE]
       [--prompts 0,12,24] [--weights 1,0.75,0.5] [--anchors 0,0.5,1,1.5]
       [--c-whisper 0.01] [--c-acoustic 0.005] [--whisper-context clip --whisper-tail 1]

For each setting: RAVDESS pooled UA over four folds by actor (each held-out actor against
their own voice), and, for a head trained on all of RAVDESS, the UA on the other corpus
(each speaker against their own voice) and the share of the 100 held-out asterisk prompts
(one calm speaker, all neutral, her prompts as her voice) read as neutral. The asterisk
prompts the head trains on are the same seed-0 sample ``--train-only-sample`` takes.
Features come from the cache that ``emostudio-train crossval --head`` / ``fit-head`` fill.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np

from train.compare import sample
from train.datasets import load_examples
from train.evaluate import classification_metrics
from train.head import (
    DEFAULT_C,
    HEAD_CACHE,
    crossval_head,
    fit_label_head,
    head_features,
    load_head_base,
    middle_layer,
)
from train.speaker_cv import speaker_folds, summarise

ANCHORS = "0,0.5,1,1.5"
WHISPER_WEIGHTS = "1,0.75,0.5"
PROMPTS = "0,12,24,48,96"


def numbers(text: str, kind=float) -> list:
    """``"0,0.5"`` -> ``[0.0, 0.5]``: one grid axis from the command line."""
    return [kind(part) for part in text.split(",") if part.strip()]


def own_voice_reading(head, features, speakers) -> list[str]:
    from train.head import voices_of

    voices = voices_of(features, speakers)
    probabilities = head.probabilities(features, [voices.get(s) for s in speakers])
    return [head.labels[int(k)] for k in probabilities.argmax(axis=1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data")
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--cross", required=True)
    parser.add_argument("--cross-sample", type=int, default=481)
    parser.add_argument(
        "--cross-part", type=int, default=0, help="which sample of the other corpus (0, 1, ...)"
    )
    parser.add_argument("--base", default="synthetic")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--prompts", default=PROMPTS, help="asterisk prompts in training")
    parser.add_argument("--weights", default=WHISPER_WEIGHTS, help="Whisper block weights")
    parser.add_argument("--anchors", default=ANCHORS, help="population anchors")
    parser.add_argument("--c-whisper", default=str(DEFAULT_C["whisper"]), help="inverse L2")
    parser.add_argument("--c-acoustic", default=str(DEFAULT_C["acoustic"]), help="inverse L2")
    parser.add_argument("--whisper-context", choices=("padded", "clip"), help="default: the base's")
    parser.add_argument("--whisper-tail", type=float, help="seconds after a clip (clip context)")
    args = parser.parse_args()

    model = load_head_base(args.base, args.whisper_context, args.whisper_tail)
    labels = list(model.config.labels)
    layer, cache = middle_layer(model), args.cache / HEAD_CACHE

    def features_of(examples):
        features, kept = head_features(examples, model, layer, cache, lambda _: None)
        return features, [e.label or "" for e in kept], [e.speaker for e in kept], kept

    train = features_of([e for e in load_examples(args.data) if e.label in labels])
    cross = features_of(
        sample(
            [e for e in load_examples(args.cross) if e.label in labels],
            args.cross_sample,
            part=args.cross_part,
        )
    )
    calm = features_of(load_examples("asterisk-test"))
    prompts = [e for e in load_examples("asterisk-train") if e.label in labels]
    folds = dict(enumerate(speaker_folds(train[3], 4), 1))
    lines = [
        f"Anchor probe: {args.data} ({len(train[1])} clips, 4 folds by speaker), "
        f"{args.cross} ({len(cross[1])} clips), asterisk-test ({len(calm[1])} prompts)",
        "",
        "| asterisk prompts | Whisper weight | anchor | C Whisper | C acoustic "
        "| RAVDESS own voice | cross-corpus UA | asterisk neutral |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    grid = itertools.product(
        numbers(args.prompts, int),
        numbers(args.weights),
        numbers(args.anchors),
        numbers(args.c_whisper),
        numbers(args.c_acoustic),
    )
    for count, weight, anchor, c_whisper, c_acoustic in grid:
        extra = (
            features_of(sample(prompts, count))
            if count
            else (np.zeros((0, train[0].shape[1])), [], [], [])
        )
        options = dict(
            layer=layer,
            block_weights={"whisper": weight, "acoustic": 1.0},
            population_anchor=anchor,
            c={"whisper": c_whisper, "acoustic": c_acoustic},
        )
        results, temperatures = crossval_head(
            *train[:3], folds, labels, lambda _: None, always=extra[:3], **options
        )
        own = summarise(results, labels)["emoreasoner-head/same-speaker"]["pooled_ua"]
        head = fit_label_head(
            np.vstack([train[0], extra[0]]),
            train[1] + extra[1],
            train[2] + extra[2],
            labels,
            temperatures=temperatures,
            **options,
        )
        read = own_voice_reading(head, cross[0], cross[2])
        other = classification_metrics(cross[1], read, labels).unweighted_accuracy
        neutral = np.mean(
            [label == "neutral" for label in own_voice_reading(head, calm[0], calm[2])]
        )
        lines.append(
            f"| {count} | {weight} | {anchor} | {c_whisper} | {c_acoustic} "
            f"| {own:.1%} | {other:.1%} | {neutral:.0%} |"
        )
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
