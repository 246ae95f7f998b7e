"""Each clip's label-head inputs for whole corpora, cached per clip and per augmentation.

Two blocks, cached apart because they cost and vary differently:

- **acoustic** (100 values: the 88 eGeMAPS v02 functionals, then the 12 catalogue cues
  raw): Praat and openSMILE, about a third of a second a clip on one core; it does not
  depend on any model, so every head and every Whisper context shares it;
- **whisper** ((L + 1, 2 d): the mean and SD over the clip's real frames of *every*
  encoder layer, the embeddings first): one encoder pass in one context (``padded``
  30-s windows or the ``clip``'s own frames), from which a head may read one layer, a
  concatenation, or a learned weighted sum (:mod:`train.head_recipes`).

A clip is keyed by its audio's SHA-256, its span and its augmentation (``None`` for the
clip as recorded; see :mod:`train.channel`), so a renamed corpus hits the cache and a
killed run resumes where it stopped (each entry is written under a temporary name and
renamed).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model_core.acoustics.egemaps import EGEMAPS_SIZE
from model_core.audio import AudioError
from model_core.model.head import CUE_ORDER, pooled_states
from model_core.model.head_features import acoustic_features, measured_summary
from train.datasets.example import Example
from train.features import samples_of

ACOUSTIC_SIZE = EGEMAPS_SIZE + len(CUE_ORDER)
FEATURE_VERSION = 1
WHISPER_GROUP = 8  # clips per encoder call (like lengths together)


@dataclass
class CorpusFeatures:
    """Features of the readable examples, row for row.

    Attributes
    ----------
    examples : list of Example
        The examples kept (unreadable ones are left out and reported).
    acoustic : np.ndarray
        Shape (n, 100): eGeMAPS v02 functionals, then the cues (NaN: not measurable).
    whisper : np.ndarray or None
        Shape (n, L + 1, 2 d): every encoder layer's pooled mean and SD; None when no
        Whisper context was asked for.
    augmentation : str or None
    """

    examples: list[Example]
    acoustic: np.ndarray
    whisper: np.ndarray | None
    augmentation: str | None = None


def clip_key(example: Example, augmentation: str | None, *parts) -> str:
    """A cache key: the audio's SHA-256, the span, the augmentation and ``parts``."""
    digest = hashlib.sha256()
    with open(example.audio, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    digest.update(
        json.dumps([example.start, example.end, augmentation, FEATURE_VERSION, *parts]).encode()
    )
    return digest.hexdigest()[:32]


def _save(path: Path, values: np.ndarray) -> None:
    handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npy.tmp")
    with os.fdopen(handle, "wb") as out:
        np.save(out, values, allow_pickle=False)
    os.replace(tmp, path)


def acoustic_block(samples: np.ndarray, name: str = "clip") -> np.ndarray:
    """eGeMAPS functionals and raw cue values of 16 kHz samples, shape (100,).

    Raises
    ------
    model_core.audio.AudioError
        For a clip the acoustic analysis refuses (too short, silent).
    """
    # The head's own acoustic block (the one serving builds), without the Whisper block.
    return acoustic_features(samples, measured_summary(samples, name))


def whisper_layer_stats(model, clips: list[np.ndarray]) -> list[np.ndarray]:
    """Every Whisper encoder layer's mean and SD over each clip's real frames.

    Parameters
    ----------
    model : EmoReasoner
        Its frozen Whisper and its ``whisper_context`` (``padded`` or ``clip``).
    clips : list of np.ndarray
        16 kHz mono samples.

    Returns
    -------
    list of np.ndarray
        Per clip, shape (L + 1, 2 d): the embeddings' and each layer's pooled states.
    """
    import torch

    from model_core.model.encoders import (
        ALL_LAYERS,
        run_whisper_encoder,
        select_windows,
        whisper_inputs,
    )

    config = model.config
    inputs = whisper_inputs(
        [np.asarray(c, dtype=np.float32) for c in clips],
        model.feature_extractor,
        config.whisper_context,
        config.whisper_tail_s,
    )
    frames: list[list[np.ndarray]] = [[] for _ in clips]
    order = sorted(range(len(inputs.owners)), key=lambda w: inputs.valid_frames[w])
    with torch.inference_mode():
        for first in range(0, len(order), WHISPER_GROUP):
            windows = order[first : first + WHISPER_GROUP]
            _, every = run_whisper_encoder(
                model.whisper.model.encoder,
                select_windows(inputs, windows),
                model.device,
                model.placement.dtype,
                ALL_LAYERS,
                to_the_end=False,
            )
            every = every.float().cpu().numpy()  # (L + 1, n_windows, frames, d)
            for slot, window in enumerate(windows):
                valid = inputs.valid_frames[window]
                frames[inputs.owners[window]].append(every[:, slot, :valid])
    stats = []
    for parts in frames:
        joined = np.concatenate(parts, axis=1)  # (L + 1, T, d)
        stats.append(np.stack([pooled_states(layer) for layer in joined]).astype(np.float32))
    return stats


def corpus_features(
    examples: list[Example],
    cache: Path,
    model=None,
    augmentation: str | None = None,
    say: Callable[[str], None] = print,
) -> CorpusFeatures:
    """Both blocks of every readable example, computed once and cached under ``cache``.

    Parameters
    ----------
    model : EmoReasoner, optional
        Whose Whisper (in its context) gives the whisper block; None: acoustic only.
    augmentation : str, optional
        A :data:`train.channel.AUGMENTATIONS` name: the clip is altered (seeded by its
        key) before both blocks are measured.
    """
    from train.channel import augmented

    context = None
    if model is not None:
        config = model.config
        context = [config.speech_encoder, config.whisper_context, config.whisper_tail_s]
    acoustic_dir = cache / "acoustic"
    whisper_dir = cache / (
        "whisper-" + hashlib.sha256(json.dumps(context).encode()).hexdigest()[:12]
    )
    for folder in (acoustic_dir, whisper_dir):
        folder.mkdir(parents=True, exist_ok=True)
    kept, acoustic, whisper = [], [], []
    pending: list[tuple[int, Path, np.ndarray]] = []  # rows whose whisper block is missing
    started = time.perf_counter()

    def flush() -> None:
        stats = whisper_layer_stats(model, [samples for _, _, samples in pending])
        for (row, path, _), values in zip(pending, stats, strict=True):
            _save(path, values)
            whisper[row] = values
        pending.clear()

    for index, example in enumerate(examples, 1):
        key = clip_key(example, augmentation)
        acoustic_path = acoustic_dir / f"{key}.npy"
        whisper_path = whisper_dir / f"{key}.npy"
        need_whisper = model is not None and not whisper_path.exists()
        samples = None
        try:
            if acoustic_path.exists():
                values = np.load(acoustic_path, allow_pickle=False)
            else:
                samples = _samples(example, augmentation, key, augmented)
                values = acoustic_block(samples, str(example.audio))
                _save(acoustic_path, values)
            if need_whisper and samples is None:
                samples = _samples(example, augmentation, key, augmented)
        except AudioError as err:
            say(f"features: skipped {example.source or example.id}: {err}")
            continue
        kept.append(example)
        acoustic.append(values)
        if model is None:
            whisper.append(None)
        elif need_whisper:
            whisper.append(None)
            pending.append((len(whisper) - 1, whisper_path, samples))
            if len(pending) >= WHISPER_GROUP:
                flush()
        else:
            whisper.append(np.load(whisper_path, allow_pickle=False))
        if index % 200 == 0 or index == len(examples):
            say(f"features {index}/{len(examples)} ({time.perf_counter() - started:.0f} s)")
    if pending:
        flush()
    return CorpusFeatures(
        kept,
        np.vstack(acoustic) if acoustic else np.zeros((0, ACOUSTIC_SIZE)),
        np.stack(whisper) if model is not None and whisper else None,
        augmentation,
    )


def _samples(example: Example, augmentation: str | None, key: str, augmented) -> np.ndarray:
    samples = samples_of(example)
    if augmentation is None:
        return samples
    return augmented(samples, augmentation, seed=int(key[:8], 16))
