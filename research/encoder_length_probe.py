"""Probe for issue 16: Whisper tiny.en's encoder on each clip's own frames, no 30-s padding.

    python research/encoder_length_probe.py    # needs runs/ravdess (scripts/train_default.sh)

On fold 1 of the RAVDESS folds (18 actors train, 6 held out) it times the encoder both
ways and gives the label head's UA with the Whisper block pooled from padded or from
clip-length states (a head fitted on each; eGeMAPS and cue blocks unchanged). ASR on
clip-length states (the WER check issue 16 asks for) is not measured here. Results:
docs/experiments/2026-11-30-encoder-length.md.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import torch

from model_core.devices import pick_placement
from model_core.model.encoders import whisper_inputs
from model_core.model.head import VoiceStats, pooled_states
from model_core.pipeline import load_model
from train.datasets import load_examples
from train.features import samples_of
from train.head import fit_label_head, head_features

RUN = Path(__file__).resolve().parents[1] / "runs" / "ravdess"
LABELS = ["neutral", "happy", "sad", "angry"]
LAYER = 2


def layer_states(model, samples: np.ndarray, own_length: bool) -> np.ndarray:
    """(T, d) states after encoder layer ``LAYER``: of the padded 30-s window's real
    frames, or of the encoder run on the clip's own mel frames (positions sliced)."""
    encoder = model.whisper.model.encoder
    inputs = whisper_inputs([samples], model.feature_extractor)
    if not own_length:
        output = encoder(inputs.features, output_hidden_states=True)
        return output.hidden_states[LAYER][0, : inputs.valid_frames[0]].numpy()
    frames = min(3000, math.ceil(len(samples) / 160))
    frames += frames % 2  # the second convolution halves the frame rate
    hidden = torch.nn.functional.gelu(encoder.conv1(inputs.features[:, :, :frames]))
    hidden = torch.nn.functional.gelu(encoder.conv2(hidden)).permute(0, 2, 1)
    hidden = hidden + encoder.embed_positions.weight[: hidden.shape[1]]
    kept = None
    for index, layer in enumerate(encoder.layers, 1):  # all layers, as the pipeline runs them
        output = layer(hidden, None)
        hidden = output[0] if isinstance(output, tuple) else output
        if index == LAYER:
            kept = hidden[0].numpy()
    return kept


def features(model, examples, cache: Path):
    """(padded rows, own-length rows, examples kept); the Whisper block is replaced."""
    padded, kept = head_features(examples, model, LAYER, cache, say=lambda _message: None)
    own = padded.copy()
    seconds = {False: 0.0, True: 0.0}
    for row, example in enumerate(kept):
        samples = samples_of(example)
        for own_length in (False, True):
            started = time.perf_counter()
            states = layer_states(model, samples, own_length)
            seconds[own_length] += time.perf_counter() - started
        own[row, : 2 * states.shape[1]] = pooled_states(states)
    ratio = seconds[False] / seconds[True]
    print(
        f"{len(kept)} clips: padded {seconds[False]:.1f} s, own length {seconds[True]:.1f} s "
        f"(x{ratio:.1f})",
        flush=True,
    )
    return padded, own, kept


def unweighted_accuracy(head, rows: np.ndarray, examples) -> float:
    speakers = [e.speaker for e in examples]
    voices = {
        s: VoiceStats.from_features(rows[[i for i, t in enumerate(speakers) if t == s]])
        for s in set(speakers)
    }
    predicted = [
        LABELS[int(np.argmax(p))] for p in head.probabilities(rows, [voices[s] for s in speakers])
    ]
    truth = [e.label for e in examples]
    recalls = [
        np.mean([p == label for p, t in zip(predicted, truth, strict=True) if t == label])
        for label in LABELS
    ]
    return float(np.mean(recalls))


def main() -> None:
    torch.set_grad_enabled(False)
    model = load_model("default", pick_placement("cpu"))
    cache = RUN / "cache" / "head"
    train, test = (
        [e for e in load_examples(f"manifest:{RUN}/folds/fold1-{part}.csv") if e.label in LABELS]
        for part in ("train", "test")
    )
    train_padded, train_own, train_kept = features(model, train, cache)
    test_padded, test_own, test_kept = features(model, test, cache)
    truth, speakers = [e.label for e in train_kept], [e.speaker for e in train_kept]
    padded_head = fit_label_head(train_padded, truth, speakers, LABELS)
    own_head = fit_label_head(train_own, truth, speakers, LABELS)
    print(
        f"UA, padded head, padded test: {unweighted_accuracy(padded_head, test_padded, test_kept):.3f}"
    )
    print(
        f"UA, padded head, own-length test: {unweighted_accuracy(padded_head, test_own, test_kept):.3f}"
    )
    print(
        f"UA, own-length head, own-length test: {unweighted_accuracy(own_head, test_own, test_kept):.3f}"
    )


if __name__ == "__main__":
    main()
