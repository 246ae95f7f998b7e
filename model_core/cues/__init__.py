"""Per-clip cue summaries against a speaker baseline: value, z, level, spans, descriptor."""

from model_core.cues.baseline import CueStat, SpeakerBaseline
from model_core.cues.describe import describe
from model_core.cues.spans import top_spans
from model_core.cues.summary import (
    CUE_LABELS,
    LEVELS,
    NOT_MEASURABLE,
    Cue,
    CueSummary,
    analyze_clip,
    level_of,
    summarize,
)

__all__ = [
    "CUE_LABELS",
    "LEVELS",
    "NOT_MEASURABLE",
    "Cue",
    "CueStat",
    "CueSummary",
    "SpeakerBaseline",
    "analyze_clip",
    "describe",
    "level_of",
    "summarize",
    "top_spans",
]
