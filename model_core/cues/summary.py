"""Cue summaries: each cue's value, z-score against a baseline, level and time spans."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model_core.acoustics.analysis import AcousticAnalysis, AcousticSettings, analyze_acoustics
from model_core.audio.recording import MODEL_SAMPLE_RATE, Recording
from model_core.cues.baseline import SpeakerBaseline
from model_core.cues.catalog import CATALOG, CUE_LABELS
from model_core.cues.describe import describe
from model_core.cues.levels import NOT_MEASURABLE, Level, level_of
from model_core.cues.measure import Measurement
from model_core.cues.spans import Span, top_spans


@dataclass(frozen=True)
class Cue:
    """One prosodic or voice cue of a clip.

    Attributes
    ----------
    name : str
        Identifier, e.g. ``"f0_mean"``.
    value : float
        Raw value in ``unit`` (NaN when not measurable).
    unit : str
    z : float
        Standard scores against the baseline (NaN when not measurable).
    level : str
        One of :data:`LEVELS` or ``"not measurable"``.
    spans : list of (start, end)
        Seconds where the cue is most expressed, at most three, in time order.
    detail : dict
        Extra facts, e.g. ``{"semitones": 2.4}`` for F0 level or
        ``{"direction": "rising"}`` for the final slope.
    """

    name: str
    value: float
    unit: str
    z: float
    level: str
    spans: list[Span] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return CUE_LABELS.get(self.name, self.name)

    @property
    def measurable(self) -> bool:
        return self.level != NOT_MEASURABLE

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "value": _json_float(self.value),
            "unit": self.unit,
            "z": _json_float(self.z),
            "level": self.level,
            "spans": [[round(a, 4), round(b, 4)] for a, b in self.spans],
            "detail": {
                k: _json_float(v) if isinstance(v, float) else v for k, v in self.detail.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Cue:
        """The cue :meth:`to_dict` wrote (None for a value that was NaN)."""
        return cls(
            str(data["name"]),
            _float(data.get("value")),
            str(data.get("unit", "")),
            _float(data.get("z")),
            Level(data.get("level") or NOT_MEASURABLE),
            [(float(a), float(b)) for a, b in data.get("spans") or []],
            dict(data.get("detail") or {}),
        )

    @property
    def has_z(self) -> bool:
        """Whether the cue was measured and scored against a baseline."""
        return math.isfinite(self.z)


CueLike = Cue | Mapping[str, Any]


def cues_of(cues: Mapping[str, CueLike]) -> dict[str, Cue]:
    """Cue objects from a clip's cues as objects or as their JSON (``CueSummary.to_dict()
    ["cues"]``, a stored analysis's), each as its JSON reads it back: rounded to 4 decimals,
    so that a live analysis and the same analysis reopened are judged alike."""
    return {
        name: Cue.from_dict(cue.to_dict() if isinstance(cue, Cue) else {"name": name, **cue})
        for name, cue in cues.items()
    }


@dataclass(frozen=True)
class CueSummary:
    """All cues of a clip or selection against one baseline, with a one-line description."""

    cues: dict[str, Cue]
    descriptor: str
    baseline: SpeakerBaseline
    start: float  # s
    end: float  # s

    def __getitem__(self, name: str) -> Cue:
        return self.cues[name]

    def raw_values(self) -> dict[str, float]:
        """Cue name -> raw value (F0 in Hz), as :meth:`SpeakerBaseline.from_measurements` takes."""
        return {name: cue.value for name, cue in self.cues.items()}

    def baseline_used(self, voice_recordings: int = 0) -> dict[str, Any]:
        """What a result was judged against (``AnalysisResult.baseline``): this summary's
        baseline, the recordings behind it (0: population priors), and the recordings the
        label head read the speaker's voice from (0: population weights)."""
        return {
            "name": self.baseline.name,
            "recordings": self.baseline.n_recordings,
            "voice_recordings": voice_recordings,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": round(self.start, 4),
            "end": round(self.end, 4),
            "baseline": self.baseline.name,
            "descriptor": self.descriptor,
            "cues": {name: cue.to_dict() for name, cue in self.cues.items()},
        }


def _float(value: Any) -> float:
    return float("nan") if value is None else float(value)


def _json_float(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 4)


FINAL_SLOPE_DEADZONE = 5.0  # st/s; flatter final stretches are "level"


def _cue_from(measurement: Measurement, baseline: SpeakerBaseline) -> Cue:
    stat = baseline.stats.get(measurement.name)
    z = (measurement.scored - stat.mean) / stat.sd if stat and stat.sd > 0 else float("nan")
    detail = dict(measurement.detail)
    if measurement.name == "f0_final_slope" and math.isfinite(measurement.value):
        slope = measurement.value
        detail["direction"] = (
            "level" if abs(slope) < FINAL_SLOPE_DEADZONE else "rising" if slope > 0 else "falling"
        )
    if not math.isfinite(measurement.value):
        return Cue(
            measurement.name,
            float("nan"),
            measurement.unit,
            float("nan"),
            NOT_MEASURABLE,
            [],
            detail,
        )
    if measurement.spans is not None:
        spans = list(measurement.spans)
    elif measurement.score is not None and measurement.times is not None:
        flip = measurement.signed and math.isfinite(z) and z < 0
        spans = top_spans(measurement.times, -measurement.score if flip else measurement.score)
    else:
        spans = []
    return Cue(
        measurement.name,
        float(measurement.value),
        measurement.unit,
        float(z),
        level_of(z),
        spans,
        detail,
    )


def summarize(analysis: AcousticAnalysis, baseline: SpeakerBaseline | None = None) -> CueSummary:
    """Compare every cue of ``analysis`` with ``baseline`` (population priors if None)."""
    baseline = baseline or SpeakerBaseline.population()
    measured = (spec.measure(analysis, baseline) for spec in CATALOG if spec.measure)
    cues = {m.name: _cue_from(m, baseline) for m in measured}
    return CueSummary(
        cues, describe(cues), baseline, analysis.offset, analysis.offset + analysis.duration
    )


def analyze_clip(
    recording: Recording,
    start: float | None = None,
    end: float | None = None,
    *,
    baseline: SpeakerBaseline | None = None,
    settings: AcousticSettings = AcousticSettings(),
) -> tuple[AcousticAnalysis, CueSummary]:
    """Acoustic tracks and cue summary of a recording or of a selection in it.

    Parameters
    ----------
    recording : Recording
    start, end : float, optional
        Selection in seconds; the whole recording by default. Times in the result
        stay on the recording's time axis.
    baseline : SpeakerBaseline, optional
        The speaker's baseline; population priors when None.

    Raises
    ------
    AudioTooShortError
        When the clip or selection is too short to analyse.
    """
    samples = recording.for_model
    first = 0 if start is None else max(0, round(start * MODEL_SAMPLE_RATE))
    last = len(samples) if end is None else min(len(samples), round(end * MODEL_SAMPLE_RATE))
    clip = samples[first : max(first, last)]
    analysis = analyze_acoustics(
        np.ascontiguousarray(clip),
        MODEL_SAMPLE_RATE,
        settings,
        offset=first / MODEL_SAMPLE_RATE,
        source=str(recording.path or recording.name),
    )
    return analysis, summarize(analysis, baseline)
