"""The label head: the emotion label and its probabilities from utterance statistics.

Why a head beside the LLM. On real speech (RAVDESS, speaker-independent folds) the
LLM's label scoring, fine-tuned for hours on two CPU cores, reached 56 % unweighted
accuracy, below a logistic regression on eGeMAPS (70 %). A linear read-out of Whisper's
*middle* encoder layer, pooled over the clip and taken relative to the speaker's own
voice, reached 87 %, and with eGeMAPS and the cue values beside it it also carried over
to another language (ASED, Amharic). So the label comes from this head; the LLM, which
still hears both encoders' tokens, writes the rationale for that label (label first, then
the explanation, as the seed paper's targets are written).

Features of one clip (:func:`utterance_features`), in two blocks:

- ``whisper``: the mean and the SD over the clip's real frames of Whisper's encoder
  states after layer ``whisper_layer`` (2 × d_model values);
- ``acoustic``: the 88 eGeMAPS v02 functionals and the 12 cue values of
  :mod:`model_core.cues.catalog` (raw, F0 in Hz).

Each block has its own multinomial logistic regression; their log-probabilities are
added with the block weights and divided by a temperature fitted on held-out speakers
(calibration). Two sets of weights: ``speaker`` for features taken relative to the
speaker's own recordings (:class:`VoiceStats`, the baseline's voice), and
``population`` for an unknown speaker (raw features).

Speaker mode is *anchored*: the population weights' logits on the raw features are added
to the speaker weights' logits on the relative ones, times ``population_anchor``. Why: a
clip at a speaker's own mean is ambiguous (a calm speaker whose recordings are all
neutral, or the middle of an actor's four emotions); where the speaker's voice sits in the
population settles it. Measured on RAVDESS folds, ASED and the asterisk prompts in
docs/experiments/2026-11-30-anchored-head.md.

A head fitted leave-one-corpus-out (``emostudio-train corpus-cv --write-model``, format 2)
also knows how far to trust itself: its temperatures and per-mode prediction-set
thresholds were fitted on the logits of corpora it was not trained on, and its novelty
limit on its training clips; :meth:`LabelHead.assess` gives each clip its set and why it
is unsure (:mod:`model_core.model.uncertainty`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from model_core.acoustics.egemaps import EGEMAPS_SIZE
from model_core.cues.catalog import CATALOG
from model_core.model.uncertainty import (
    DEFAULT_COVERAGE,
    Assessment,
    Novelty,
    prediction_set,
    unsure_reasons,
)

if TYPE_CHECKING:
    from model_core.model.encoders import WhisperInputs

HEAD_FILE = "label_head.safetensors"
HEAD_FORMAT = 2  # 2: prediction-set thresholds and novelty; format 1 heads load without them
READABLE_FORMATS = (1, 2)
CUE_ORDER: tuple[str, ...] = tuple(spec.name for spec in CATALOG)
BLOCKS = ("whisper", "acoustic")
MODES = ("speaker", "population")
# A speaker's SD is shrunk towards the typical within-speaker SD as if this many more
# recordings had it: three recordings alone would give wild SDs.
SD_PRIOR_RECORDINGS = 4.0


def pooled_states(frames: np.ndarray) -> np.ndarray:
    """Mean and SD over time of encoder states.

    Parameters
    ----------
    frames : np.ndarray
        Shape (T, d): the clip's real frames (20 ms each for Whisper).

    Returns
    -------
    np.ndarray
        Shape (2 d,): the means, then the SDs.
    """
    frames = np.asarray(frames, dtype=np.float64)
    if frames.ndim != 2 or len(frames) == 0:
        raise ValueError(f"frames must be (T >= 1, d), got shape {frames.shape}")
    return np.concatenate([frames.mean(axis=0), frames.std(axis=0)])


def nan_mean_sd(rows: np.ndarray, ddof: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Per-column mean and SD of (n, F) rows ignoring NaN; 0 where a column has no value
    (a cue never measured, e.g. no final F0 slope in unvoiced speech)."""
    import warnings

    with warnings.catch_warnings():
        # An all-NaN column warns "Mean of empty slice": expected here, and it becomes 0.
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(rows, axis=0)
        sd = np.nanstd(rows, axis=0, ddof=ddof) if len(rows) > ddof else np.zeros(rows.shape[1])
    return np.nan_to_num(mean), np.nan_to_num(sd)


def head_frames(inputs: WhisperInputs) -> list[np.ndarray]:
    """Each clip's real frames of the head's Whisper layer, (T, d) each.

    ``inputs`` is the :class:`~model_core.model.encoders.WhisperInputs` that
    :meth:`~model_core.model.reasoner.EmoReasoner.whisper_states` filled in.
    """
    from model_core.model.encoders import join_windows

    if inputs.head_states is None:
        raise ValueError("the encoder pass did not keep the head's layer")
    n_clips = max(inputs.owners) + 1 if inputs.owners else 0
    frames, mask = join_windows(inputs.head_states, inputs, n_clips)
    return [frames[i][mask[i]].float().cpu().numpy() for i in range(n_clips)]


def cue_vector(cues: dict[str, Any], cue_order: tuple[str, ...] = CUE_ORDER) -> np.ndarray:
    """The cues as raw values, shape (len(cue_order),); NaN where a cue was not measured.

    ``cues`` maps a cue name to its raw value or to its ``CueSummary.to_dict()`` entry;
    ``cue_order`` is the head's (default: every catalog cue, in catalog order).
    """
    values = []
    for name in cue_order:
        entry = cues.get(name)
        value = entry.get("value") if isinstance(entry, dict) else entry
        values.append(np.nan if value is None else float(value))
    return np.asarray(values, dtype=np.float64)


def utterance_features(
    whisper_frames: np.ndarray,
    egemaps: np.ndarray,
    cues: dict[str, Any],
    cue_order: tuple[str, ...] = CUE_ORDER,
) -> np.ndarray:
    """One clip's head input: pooled Whisper states, eGeMAPS, cue values (whisper block first).

    Build it with :func:`model_core.model.head_features.clip_head_features`, which
    training and serving share.

    Returns
    -------
    np.ndarray
        Shape (2 d + 88 + len(cue_order),), float64; NaN where a value could not be measured.
    """
    egemaps = np.asarray(egemaps, dtype=np.float64)
    if egemaps.shape != (EGEMAPS_SIZE,):
        raise ValueError(f"egemaps must have shape ({EGEMAPS_SIZE},), got {egemaps.shape}")
    return np.concatenate([pooled_states(whisper_frames), egemaps, cue_vector(cues, cue_order)])


@dataclass
class VoiceStats:
    """What a speaker's recordings look like to the head: per-feature mean and SD.

    Built from the speaker's recordings' :func:`utterance_features` (labels unseen); the
    head reads a clip of theirs relative to it.
    """

    mean: np.ndarray  # (F,)
    sd: np.ndarray  # (F,), the recordings' own SD (ddof 1); zeros for one recording
    n_recordings: int

    @classmethod
    def from_features(cls, rows: np.ndarray) -> VoiceStats:
        """Statistics of a speaker's feature rows, shape (n, F), n >= 1."""
        rows = np.atleast_2d(np.asarray(rows, dtype=np.float64))
        if len(rows) == 0:
            raise ValueError("a voice needs at least one recording")
        mean, sd = nan_mean_sd(rows, ddof=1)
        return cls(mean, sd if len(rows) > 1 else np.zeros(rows.shape[1]), len(rows))

    def to_dict(self) -> dict[str, Any]:
        return {
            "mean": [round(float(v), 6) for v in self.mean],
            "sd": [round(float(v), 6) for v in self.sd],
            "n_recordings": self.n_recordings,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VoiceStats:
        mean, sd = np.asarray(data["mean"], float), np.asarray(data["sd"], float)
        if mean.shape != sd.shape or mean.ndim != 1:
            raise ValueError("a voice's mean and sd must be lists of the same length")
        return cls(mean, sd, int(data["n_recordings"]))


def relative_to_voice(features: np.ndarray, voice: VoiceStats, within_sd: np.ndarray) -> np.ndarray:
    """Features as z-scores against the speaker's voice; NaN (unmeasured) becomes 0.

    The SD is the speaker's own, shrunk towards ``within_sd`` (the training speakers'
    typical within-speaker SD) by :data:`SD_PRIOR_RECORDINGS` pseudo-recordings.
    """
    own = max(voice.n_recordings - 1, 0)
    variance = (own * voice.sd**2 + SD_PRIOR_RECORDINGS * within_sd**2) / (
        own + SD_PRIOR_RECORDINGS
    )
    z = (features - voice.mean) / np.sqrt(np.maximum(variance, 1e-12))
    relative: np.ndarray = np.nan_to_num(z, nan=0.0, posinf=0.0, neginf=0.0)
    return relative


@dataclass
class BlockModel:
    """One block's standardisation and logistic regression, for one mode."""

    centre: np.ndarray  # (F_b,)
    scale: np.ndarray  # (F_b,)
    weights: np.ndarray  # (L, F_b)
    bias: np.ndarray  # (L,)

    def log_probabilities(self, values: np.ndarray) -> np.ndarray:
        """(n, F_b) -> (n, L) log-probabilities; NaN inputs count as the centre."""
        z = np.nan_to_num((values - self.centre) / self.scale, nan=0.0)
        logits = z @ self.weights.T + self.bias
        log_probabilities: np.ndarray = logits - _logsumexp(logits)
        return log_probabilities


@dataclass
class LabelHead:
    """The fitted head: block models per mode, block weights, temperatures.

    ``within_sd`` (F,) is the typical within-speaker SD of each feature in training.
    """

    labels: list[str]
    whisper_layer: int
    whisper_size: int  # 2 d_model: the whisper block's width
    models: dict[str, dict[str, BlockModel]]  # mode -> block -> model
    block_weights: dict[str, float]
    temperatures: dict[str, float]  # mode -> T
    within_sd: np.ndarray
    info: dict[str, Any] = field(default_factory=dict)  # how it was trained (recorded, not used)
    population_anchor: float = 0.0  # weight of the population logits in speaker mode
    # mode -> split-conformal threshold for ``coverage`` (model_core.model.uncertainty),
    # fitted on held-out corpora; empty: no prediction sets (a format 1 head)
    set_thresholds: dict[str, float] = field(default_factory=dict)
    coverage: float = DEFAULT_COVERAGE
    novelty: Novelty | None = None  # on the acoustic block; None: not measured
    # The cues it reads, in its order: a cue added to the catalog later does not change it.
    cue_order: tuple[str, ...] = CUE_ORDER

    @property
    def n_features(self) -> int:
        return self.whisper_size + EGEMAPS_SIZE + len(self.cue_order)

    def block_slices(self) -> dict[str, slice]:
        return {"whisper": slice(0, self.whisper_size), "acoustic": slice(self.whisper_size, None)}

    def probabilities(self, features: np.ndarray, voices: list[VoiceStats | None]) -> np.ndarray:
        """Label probabilities of clips.

        Parameters
        ----------
        features : np.ndarray
            Shape (n, F): :func:`utterance_features` of each clip.
        voices : list of VoiceStats or None
            Each clip's speaker's voice, or None for an unknown speaker (population
            weights, raw features).

        Returns
        -------
        np.ndarray
            Shape (n, L), rows summing to 1, in the order of ``labels``.
        """
        features = np.atleast_2d(np.asarray(features, dtype=np.float64))
        if features.shape[1] != self.n_features:
            raise ValueError(
                f"the head takes {self.n_features} features per clip, got {features.shape[1]}"
            )
        if len(voices) != len(features):
            raise ValueError(f"{len(features)} clips but {len(voices)} voices")
        rows = []
        for row, voice in zip(features, voices, strict=True):
            if voice is None:
                logits = self.fused_logits(row[None, :], "population")
                rows.append(logits[0] / self.temperatures["population"])
                continue
            if voice.mean.shape != row.shape:
                raise ValueError("the speaker's voice was measured for another head")
            relative = relative_to_voice(row, voice, self.within_sd)
            logits = self.speaker_logits(row[None, :], relative[None, :])
            rows.append(logits[0] / self.temperatures["speaker"])
        logits = np.vstack(rows)
        probabilities: np.ndarray = np.exp(logits - _logsumexp(logits))
        return probabilities

    def assess(
        self, features: np.ndarray, probabilities: np.ndarray, voices: list[VoiceStats | None]
    ) -> list[Assessment]:
        """Each clip's prediction set and whether its label is unsure.

        Parameters
        ----------
        features : np.ndarray
            Shape (n, F), as given to :meth:`probabilities`.
        probabilities : np.ndarray
            Shape (n, L): what :meth:`probabilities` returned for them.
        voices : list of VoiceStats or None
            As given to :meth:`probabilities` (they choose the mode's threshold).
        """
        features = np.atleast_2d(np.asarray(features, dtype=np.float64))
        novelty = (
            self.novelty.of(features[:, self.block_slices()["acoustic"]])
            if self.novelty is not None
            else [None] * len(features)
        )
        limit = self.novelty.threshold if self.novelty is not None else None
        found = []
        for row, voice, far in zip(probabilities, voices, novelty, strict=True):
            threshold = self.set_thresholds.get("population" if voice is None else "speaker")
            if threshold is None:  # no calibration: the label alone, nothing claimed
                found.append(Assessment(None, [], None if far is None else float(far), limit))
                continue
            labels = [self.labels[i] for i in prediction_set(row, threshold)]
            reasons = unsure_reasons(labels, far, limit)
            found.append(Assessment(labels, reasons, None if far is None else float(far), limit))
        return found

    def speaker_logits(self, raw: np.ndarray, relative: np.ndarray) -> np.ndarray:
        """Speaker mode's logits before the temperature, (n, F) twice -> (n, L).

        ``raw`` are the clips' features, ``relative`` the same taken against their
        speaker's voice; the population logits of ``raw`` anchor the speaker ones.
        """
        logits = self.fused_logits(relative, "speaker")
        if self.population_anchor:
            logits = logits + self.population_anchor * self.fused_logits(raw, "population")
        return logits

    def fused_logits(self, values: np.ndarray, mode: str) -> np.ndarray:
        """Weighted sum of the blocks' log-probabilities, (n, F) -> (n, L), before the
        temperature."""
        total: float | np.ndarray = 0.0  # an array once the first block is added
        for block, part in self.block_slices().items():
            model = self.models[mode][block]
            total = total + self.block_weights[block] * model.log_probabilities(values[:, part])
        return cast("np.ndarray", total)

    # ----------------------------------------------------------------- files
    def save(self, folder: Path) -> Path:
        """Write :data:`HEAD_FILE` (safetensors: arrays, and the rest as JSON metadata)."""
        from safetensors.numpy import save_file

        tensors = {"within_sd": self.within_sd.astype(np.float32)}
        if self.novelty is not None:
            tensors["novelty.centre"] = self.novelty.centre.astype(np.float32)
            tensors["novelty.scale"] = self.novelty.scale.astype(np.float32)
        for mode, blocks in self.models.items():
            for block, model in blocks.items():
                for part in ("centre", "scale", "weights", "bias"):
                    tensors[f"{mode}.{block}.{part}"] = getattr(model, part).astype(np.float32)
        meta = {
            "format": HEAD_FORMAT,
            "labels": self.labels,
            "whisper_layer": self.whisper_layer,
            "whisper_size": self.whisper_size,
            "block_weights": self.block_weights,
            "temperatures": self.temperatures,
            "population_anchor": self.population_anchor,
            "cue_order": list(self.cue_order),
            "info": self.info,
            "set_thresholds": self.set_thresholds,
            "coverage": self.coverage,
            "novelty_threshold": None if self.novelty is None else self.novelty.threshold,
        }
        path = Path(folder) / HEAD_FILE
        save_file(tensors, str(path), metadata={"head": json.dumps(meta)})
        return path

    @classmethod
    def load(cls, folder: Path) -> LabelHead:
        """Read :data:`HEAD_FILE` from a model folder.

        Raises
        ------
        ValueError
            When the file was written by another format or for other cues.
        """
        from safetensors import safe_open

        path = Path(folder) / HEAD_FILE
        with safe_open(str(path), framework="numpy") as handle:
            meta = json.loads((handle.metadata() or {}).get("head", "{}"))
            names = list(handle.keys())
            arrays = {key: handle.get_tensor(key).astype(np.float64) for key in names}
        if meta.get("format") not in READABLE_FORMATS:
            raise ValueError(
                f"{path}: head format {meta.get('format')!r}, expected one of {READABLE_FORMATS}"
            )
        cue_order = tuple(meta.get("cue_order") or ())
        if not cue_order or set(cue_order) - set(CUE_ORDER):
            raise ValueError(
                f"{path}: the head reads cues the catalog does not measure: "
                f"{sorted(set(cue_order) - set(CUE_ORDER)) or 'none listed'}"
            )
        models = {
            mode: {
                block: BlockModel(
                    *(
                        arrays[f"{mode}.{block}.{part}"]
                        for part in ("centre", "scale", "weights", "bias")
                    )
                )
                for block in BLOCKS
            }
            for mode in MODES
        }
        return cls(
            list(meta["labels"]),
            int(meta["whisper_layer"]),
            int(meta["whisper_size"]),
            models,
            {k: float(v) for k, v in meta["block_weights"].items()},
            {k: float(v) for k, v in meta["temperatures"].items()},
            arrays["within_sd"],
            meta.get("info", {}),
            float(meta.get("population_anchor", 0.0)),  # heads written before it: none
            {k: float(v) for k, v in meta.get("set_thresholds", {}).items()},
            float(meta.get("coverage", DEFAULT_COVERAGE)),
            Novelty(
                arrays["novelty.centre"], arrays["novelty.scale"], float(meta["novelty_threshold"])
            )
            if "novelty.centre" in arrays
            else None,
            cue_order,
        )


def _logsumexp(logits: np.ndarray) -> np.ndarray:
    top = logits.max(axis=1, keepdims=True)
    total: np.ndarray = top + np.log(np.exp(logits - top).sum(axis=1, keepdims=True))
    return total
