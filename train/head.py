"""Training and cross-validating the label head (:mod:`model_core.model.head`).

The head is a pair of logistic regressions on utterance statistics, so it trains in
seconds once each clip's features are known; computing them (Whisper's encoder, eGeMAPS,
the cue analysis) is the slow part and is cached per clip. Speaker-normalised training
uses every training speaker's own recordings as their voice, as EmoStudio does for any
speaker it holds several recordings of; labels never enter a voice.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from model_core.acoustics.egemaps import EGEMAPS_SIZE, egemaps_functionals
from model_core.audio import MODEL_SAMPLE_RATE, AudioError
from model_core.model.head import (
    BLOCKS,
    CUE_ORDER,
    BlockModel,
    LabelHead,
    VoiceStats,
    head_frames,
    nan_mean_sd,
    pooled_states,
    relative_to_voice,
)
from model_core.model.head_features import clip_head_features, measured_summary
from train.datasets.example import Example
from train.evaluate import ClassificationMetrics, classification_metrics
from train.features import samples_of, whisper_context_key

HEAD_FEATURE_VERSION = 1
HEAD_CACHE = "head"  # the head's features, in this subfolder of a feature cache
# Inverse L2 strength per block. The acoustic block's 0.005 (was 0.02) carried better to
# another language at the same RAVDESS figure (docs/experiments/2026-11-30-anchored-head.md).
DEFAULT_C = {"whisper": 0.01, "acoustic": 0.005}
# Whisper tiny.en's states are English-bound; weighting them 0.75 against the acoustic
# block (eGeMAPS, cues) carried better to Amharic at no cost on RAVDESS (see the anchored
# head's experiment note), as does anchoring speaker mode in the population.
DEFAULT_BLOCK_WEIGHTS = {"whisper": 0.75, "acoustic": 1.0}
DEFAULT_POPULATION_ANCHOR = 1.0
TEMPERATURES = np.round(np.arange(0.3, 5.01, 0.05), 2)
NEVER = -1e4  # the bias of a label no training clip had: its probability is 0


def load_head_base(spec: str, context: str | None = None, tail_s: float | None = None):
    """The model whose Whisper the head reads (``spec``: a shipped name or folder), in
    the given Whisper context (default: the model's own); a model folder written with
    the head keeps that context (:func:`write_model_with_head`).

    Raises
    ------
    train.config.ConfigError
        For a tail without the clip context, or a context the model config refuses.
    """
    from model_core.devices import pick_placement
    from model_core.model.config import EmoReasonerConfig
    from model_core.pipeline import load_model
    from train.config import ConfigError

    if tail_s is not None and context != "clip":
        raise ConfigError("--whisper-tail needs --whisper-context clip")
    model = load_model(spec, pick_placement("auto"))
    if context is not None:
        wanted = {**model.config.to_dict(), "whisper_context": context}
        wanted["whisper_tail_s"] = float(tail_s or 0.0) if context == "clip" else 0.0
        try:
            model.config = EmoReasonerConfig.from_dict(wanted)
        except ValueError as err:
            raise ConfigError(str(err)) from err
    return model


def middle_layer(model) -> int:
    """The encoder layer the head reads: the middle one (2 of Whisper tiny.en's 4 read
    emotion best on RAVDESS and carried best to ASED; see docs/experiments)."""
    return max(1, int(model.whisper.config.encoder_layers) // 2)


def whisper_layer_states(model, samples: np.ndarray, layer: int) -> np.ndarray:
    """Whisper encoder states after ``layer`` for the clip's real frames, shape (T, d).

    ``model`` is an :class:`~model_core.model.reasoner.EmoReasoner` (its frozen Whisper).
    """
    import torch

    from model_core.model.reasoner import ClipInput

    with torch.inference_mode():
        inputs, _ = model.whisper_states([ClipInput(samples)], head_layer=layer, head_only=True)
    return head_frames(inputs)[0]


def _key(example: Example, model, layer: int, context: list | None = None) -> str:
    """The cache key of one clip's features: its audio, span, encoder, Whisper context
    (``context``: another context's :func:`whisper_context_key`; default the model's) and
    layer."""
    digest = hashlib.sha256()
    with open(example.audio, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    config = model.config
    encoder = [config.speech_encoder, config.seed if config.speech_encoder == "random" else 0]
    encoder += whisper_context_key(config) if context is None else context
    digest.update(
        json.dumps([example.start, example.end, *encoder, layer, HEAD_FEATURE_VERSION]).encode()
    )
    return digest.hexdigest()[:32]


def clip_features(example: Example, model, layer: int, cache: Path | None) -> np.ndarray:
    """One example's :func:`~model_core.model.head.utterance_features`, cached as .npy.

    Raises
    ------
    model_core.audio.AudioError
        For audio that cannot be decoded or analysed.
    """
    path = None
    if cache is not None:
        path = cache / f"{_key(example, model, layer)}.npy"
        if path.exists():
            return np.load(path, allow_pickle=False)
    samples = samples_of(example)
    states = whisper_layer_states(model, samples, layer)
    acoustic = _padded_acoustic_block(example, model, layer, cache)
    if acoustic is not None:  # the eGeMAPS and cue block measured for the padded context
        features = np.concatenate([pooled_states(states), acoustic])
    else:
        try:
            summary = measured_summary(samples, str(example.audio))
        except AudioError as err:
            raise type(err)(example.audio, err.problem) from err
        features = clip_head_features(
            states, samples, summary, egemaps=egemaps_functionals(samples, MODEL_SAMPLE_RATE)
        )
    if path is not None:
        # Written under a temporary name and renamed: a killed run leaves no half file.
        handle, tmp = tempfile.mkstemp(dir=cache, suffix=".npy.tmp")
        with os.fdopen(handle, "wb") as out:
            np.save(out, features, allow_pickle=False)
        os.replace(tmp, path)
    return features


def _padded_acoustic_block(example: Example, model, layer: int, cache: Path | None):
    """The acoustic block (eGeMAPS, cues) of the clip's cached padded-context features, or
    None. It does not depend on Whisper's context, so a head in another context measures
    only Whisper anew (seconds instead of minutes for a corpus)."""
    if cache is None or model.config.whisper_context == "padded":
        return None
    padded = cache / f"{_key(example, model, layer, context=[])}.npy"
    if not padded.exists():
        return None
    return np.load(padded, allow_pickle=False)[-(EGEMAPS_SIZE + len(CUE_ORDER)) :]


def head_features(
    examples: list[Example],
    model,
    layer: int | None = None,
    cache: Path | None = None,
    say: Callable[[str], None] = print,
) -> tuple[np.ndarray, list[Example]]:
    """Features of every readable example, shape (n, F), and the examples kept.

    ``layer`` is the Whisper encoder layer to pool (default :func:`middle_layer`).
    """
    layer = middle_layer(model) if layer is None else layer
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    rows, kept, started = [], [], time.perf_counter()
    for index, example in enumerate(examples, 1):
        try:
            rows.append(clip_features(example, model, layer, cache))
            kept.append(example)
        except AudioError as err:
            say(f"head: skipped {example.source or example.id}: {err}")
        if index % 100 == 0 or index == len(examples):
            say(f"head features {index}/{len(examples)} ({time.perf_counter() - started:.0f} s)")
    if not rows:  # nothing readable, or nothing given
        width = 2 * int(model.whisper.config.d_model) + EGEMAPS_SIZE + len(CUE_ORDER)
        return np.zeros((0, width)), kept
    return np.vstack(rows), kept


def voices_of(features: np.ndarray, speakers: list[str | None]) -> dict[str, VoiceStats]:
    """Each named speaker's voice from all their rows (labels unseen)."""
    voices = {}
    for speaker in {s for s in speakers if s}:
        rows = [i for i, s in enumerate(speakers) if s == speaker]
        voices[speaker] = VoiceStats.from_features(features[rows])
    return voices


def within_speaker_sd(features: np.ndarray, speakers: list[str | None]) -> np.ndarray:
    """Root mean within-speaker variance of each feature (speakers with 2+ rows), (F,)."""
    variances = [v.sd**2 for v in voices_of(features, speakers).values() if v.n_recordings > 1]
    if not variances:
        return nan_mean_sd(features)[1] + 1e-6
    return np.sqrt(np.mean(variances, axis=0)) + 1e-6


def speaker_relative(
    features: np.ndarray, speakers: list[str | None], within_sd: np.ndarray
) -> np.ndarray:
    """Rows relative to their own speaker's voice (rows without a speaker stay raw)."""
    voices = voices_of(features, speakers)
    out = np.array(features, dtype=np.float64, copy=True)
    for i, speaker in enumerate(speakers):
        if speaker:
            out[i] = relative_to_voice(features[i], voices[speaker], within_sd)
    return out


def _fit_block(
    values: np.ndarray,
    truth: list[str],
    labels: list[str],
    c: float,
    sample_weight: np.ndarray | None = None,
) -> BlockModel:
    """One block's logistic regression; classes balanced, or weighted by ``sample_weight``
    (which then carries the balance itself)."""
    from sklearn.linear_model import LogisticRegression

    centre, scale = nan_mean_sd(values)
    scale = scale + 1e-6
    z = np.nan_to_num((values - centre) / scale, nan=0.0)
    balance = "balanced" if sample_weight is None else None
    model = LogisticRegression(C=c, max_iter=5000, class_weight=balance)
    model.fit(z, truth, sample_weight=sample_weight)
    weights, bias = model.coef_, model.intercept_
    if len(model.classes_) == 2:  # one logit for the second class: as two softmax logits
        weights = np.vstack([np.zeros_like(weights[0]), weights[0]])
        bias = np.array([0.0, bias[0]])
    # A label no training clip has (a fold without it) gets a logit it never wins.
    classes = list(model.classes_)
    rows = [
        weights[classes.index(label)] if label in classes else np.zeros(weights.shape[1])
        for label in labels
    ]
    biases = [bias[classes.index(label)] if label in classes else NEVER for label in labels]
    return BlockModel(centre, scale, np.vstack(rows), np.asarray(biases, dtype=np.float64))


def fit_label_head(
    features: np.ndarray,
    truth: list[str],
    speakers: list[str | None],
    labels: list[str],
    *,
    layer: int = 2,
    c: dict[str, float] | None = None,
    block_weights: dict[str, float] | None = None,
    temperatures: dict[str, float] | None = None,
    population_anchor: float = DEFAULT_POPULATION_ANCHOR,
    sample_weight: np.ndarray | None = None,
    allow_missing: bool = False,
) -> LabelHead:
    """Fit both modes' block models on labelled rows.

    Parameters
    ----------
    features : np.ndarray
        (n, F) rows of :func:`~model_core.model.head.utterance_features`.
    truth, speakers : list
        Each row's label and speaker (None: no voice; such rows train the population
        weights only).
    labels : list of str
        The label set; every one must occur in ``truth``.
    population_anchor : float
        Weight of the population logits added in speaker mode
        (:meth:`~model_core.model.head.LabelHead.speaker_logits`); 0 for none.
    sample_weight : np.ndarray, optional
        (n,) weight of each row (e.g. every corpus and class alike,
        :func:`train.head_recipes.balanced_weights`); None: classes balanced.
    allow_missing : bool
        Fit even when a label has no training clip (a leave-one-corpus-out fold): it is
        then never predicted. Off: a missing label is an error.
    """
    missing = sorted(set(labels) - set(truth))
    if missing and not allow_missing:
        raise ValueError(f"no training clip of {', '.join(missing)}")
    c = c or DEFAULT_C
    whisper_size = features.shape[1] - len(CUE_ORDER) - 88
    within_sd = within_speaker_sd(features, speakers)
    named = [i for i, s in enumerate(speakers) if s]
    relative = speaker_relative(features, speakers, within_sd)
    slices = {"whisper": slice(0, whisper_size), "acoustic": slice(whisper_size, None)}
    models = {"speaker": {}, "population": {}}
    weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    for block in BLOCKS:
        part = slices[block]
        models["speaker"][block] = _fit_block(
            relative[named][:, part],
            [truth[i] for i in named],
            labels,
            c[block],
            None if weights is None else weights[named],
        )
        models["population"][block] = _fit_block(
            features[:, part], truth, labels, c[block], weights
        )
    return LabelHead(
        list(labels),
        layer,
        whisper_size,
        models,
        dict(block_weights or DEFAULT_BLOCK_WEIGHTS),
        dict(temperatures or {"speaker": 1.0, "population": 1.0}),
        within_sd,
        {"C": c, "clips": len(truth), "speakers": len({s for s in speakers if s})},
        float(population_anchor),
    )


def fit_temperature(logits: np.ndarray, truth_index: np.ndarray) -> float:
    """The temperature of :data:`TEMPERATURES` that minimises the negative log-likelihood of
    held-out logits (:func:`train.calibration.fit_temperature` on the head's own grid)."""
    from train.calibration import fit_temperature as fit

    return fit(logits, truth_index, grid=TEMPERATURES)


def crossval_head(
    features: np.ndarray,
    truth: list[str],
    speakers: list[str | None],
    folds: dict[int, list[str]],
    labels: list[str],
    say: Callable[[str], None] = print,
    always: tuple[np.ndarray, list[str], list[str | None]] | None = None,
    **options,
) -> tuple[dict[str, list[ClassificationMetrics]], dict[str, float]]:
    """The head on speaker folds, both modes; (results per ``system/mode``, temperatures).

    Each fold's head is fitted on the other speakers only, plus ``always`` (features,
    labels, speakers of data that always train and are never scored); a held-out
    speaker's voice comes from their own clips (labels unseen). The temperatures are
    fitted on the pooled held-out logits: what calibrates the head that is then trained
    on every speaker.
    """
    extra_features, extra_truth, extra_speakers = always or (
        np.zeros((0, features.shape[1])),
        [],
        [],
    )
    results: dict[str, list[ClassificationMetrics]] = {
        "emoreasoner-head/same-speaker": [],
        "emoreasoner-head/population": [],
    }
    held_logits = {"speaker": [], "population": []}
    held_truth: list[int] = []
    for index, held_out in folds.items():
        train = [i for i, s in enumerate(speakers) if s not in held_out]
        test = [i for i, s in enumerate(speakers) if s in held_out]
        head = fit_label_head(
            np.vstack([features[train], extra_features]),
            [truth[i] for i in train] + list(extra_truth),
            [speakers[i] for i in train] + list(extra_speakers),
            labels,
            **options,
        )
        voices = voices_of(features[test], [speakers[i] for i in test])
        relative = np.vstack(
            [relative_to_voice(features[i], voices[speakers[i]], head.within_sd) for i in test]
        )
        for mode, logits, name in (
            ("speaker", head.speaker_logits(features[test], relative), "same-speaker"),
            ("population", head.fused_logits(features[test], "population"), "population"),
        ):
            held_logits[mode].append(logits)
            predicted = [labels[int(k)] for k in logits.argmax(axis=1)]
            metrics = classification_metrics([truth[i] for i in test], predicted, labels)
            results[f"emoreasoner-head/{name}"].append(metrics)
            say(f"head fold {index} ({name}): UA {metrics.unweighted_accuracy:.1%}")
        held_truth += [labels.index(truth[i]) for i in test]
    truth_index = np.asarray(held_truth)
    temperatures = {
        mode: fit_temperature(np.vstack(parts), truth_index) for mode, parts in held_logits.items()
    }
    return results, temperatures


def write_model_with_head(
    base: Path, head: LabelHead, out: Path, report: dict, config=None
) -> Path:
    """A model folder: ``base``'s files (its LLM, adapters, encoders) and ``head``.

    ``report`` (how the head was cross-validated and trained) goes to ``head.json``;
    ``config`` (an EmoReasonerConfig), when given, replaces ``base``'s (e.g. the Whisper
    context the head was trained in). The folder is built beside ``out`` and renamed
    into place: a killed run leaves no half.

    Raises
    ------
    ValueError
        When ``base``'s labels are not the head's.
    """
    import shutil

    from model_core.model.checkpoint import replace_folder
    from model_core.model.config import EmoReasonerConfig

    base_config = EmoReasonerConfig.load(base)
    if list(base_config.labels) != list(head.labels):
        raise ValueError(f"{base} labels {base_config.labels} differ from the head's {head.labels}")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        shutil.copytree(base, tmp, dirs_exist_ok=True, symlinks=False)
        head.save(tmp)
        if config is not None:
            config.save(tmp)
        (tmp / "head.json").write_text(json.dumps(report, indent=2))
        replace_folder(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
