"""AnalysisResult: everything one analysis produced, as plain JSON-ready data."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

UNTRAINED_NOTE = (
    "UNTRAINED MODEL: its adapters and LoRA weights are freshly initialised, so the label, "
    "probabilities and rationale are placeholders, not findings."
)


@dataclass
class AnalysisResult:
    """One clip (or selection) analysed end to end.

    ``words`` items are ``{"word", "start", "end"}`` (seconds); ``probabilities`` maps each
    label of the model's set to P(label); ``citations`` are the grounding module's checked
    claims; ``cues`` is :meth:`model_core.cues.CueSummary.to_dict`; ``timings`` are seconds
    per stage (model stages are for the whole batch of ``timings["batch_size"]`` clips).
    ``rationale_review`` says where the rationale came from (:mod:`model_core.rationale.review`):
    ``{"source": "model" | "composer", "draft": the model's own text, "problems": why the
    draft was rejected}``; None when no rationale was asked for. ``transcript_reliability``
    is :class:`model_core.reliability.Reliability` as a dict (None without a transcript).
    ``label_set`` is the label's prediction set (the labels that together hold the true one
    for ``uncertainty["coverage"]`` of clips from corpora the model never heard; None for
    a model without calibrated sets); ``uncertainty`` is ``{"coverage", "unsure",
    "reasons", "novelty", "novelty_limit"}`` (:class:`model_core.model.uncertainty.Assessment`):
    ``unsure`` when the set holds more than one label or the clip is unlike the training
    data, ``reasons`` saying why in plain words. ``baseline`` is the baseline the analysis
    actually used: ``{"name", "recordings", "voice_recordings"}``, the cue baseline's name
    and how many of the speaker's recordings built it (0: population priors), and how many
    the label head read the speaker's voice from (0: population weights); None when not
    recorded (analyses stored before it was). ``utterance`` places an analysis of one
    utterance of a cut recording: ``{"number", "of", "segmentation"}`` (1-based number,
    the cut's utterance count, and :meth:`model_core.segments.Segmentation.describe`);
    None for an analysis of a whole recording or of a hand-made selection.
    """

    file: str | None
    sha256: str
    duration: float
    sample_rate: int
    start: float
    end: float
    label: str | None = None
    probabilities: dict[str, float] = field(default_factory=dict)
    transcript: str = ""
    words: list[dict[str, Any]] = field(default_factory=list)
    rationale: str = ""
    citations: list[dict[str, Any]] = field(default_factory=list)
    cues: dict[str, Any] = field(default_factory=dict)
    model: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    note: str | None = None
    rationale_review: dict[str, Any] | None = None
    transcript_reliability: dict[str, Any] | None = None
    label_set: list[str] | None = None
    uncertainty: dict[str, Any] | None = None
    baseline: dict[str, Any] | None = None
    utterance: dict[str, Any] | None = None

    @property
    def unsure(self) -> bool:
        """Whether the label must be shown as uncertain."""
        return bool(self.uncertainty and self.uncertainty.get("unsure"))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, allow_nan=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnalysisResult:
        return cls(**data)
