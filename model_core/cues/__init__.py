"""Per-clip cue summaries against a speaker baseline: value, z, level, spans, descriptor."""

from model_core.cues.baseline import CueStat, SpeakerBaseline
from model_core.cues.catalog import CUE_LABELS
from model_core.cues.describe import describe
from model_core.cues.levels import LEVELS, NOT_MEASURABLE, Level, level_of
from model_core.cues.spans import top_spans
from model_core.cues.summary import Cue, CueSummary, analyze_clip, summarize

__all__ = [
    "CUE_LABELS",
    "LEVELS",
    "NOT_MEASURABLE",
    "Cue",
    "CueStat",
    "CueSummary",
    "Level",
    "SpeakerBaseline",
    "analyze_clip",
    "describe",
    "level_of",
    "summarize",
    "top_spans",
]
