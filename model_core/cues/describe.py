"""One-line, plain-words description of a clip's cues: "high, widely varying pitch; loud; fast"."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from model_core.cues.summary import Cue

TYPICAL = "typical pitch, loudness and rate"

# cue -> level -> words; levels not listed say nothing worth a word.
PITCH_LEVEL = {"very high": "very high", "high": "high", "low": "low", "very low": "very low"}
PITCH_RANGE = {
    "very high": "very widely varying",
    "high": "widely varying",
    "low": "monotone",
    "very low": "very monotone",
}
LOUDNESS = {"very high": "very loud", "high": "loud", "low": "quiet", "very low": "very quiet"}
LOUDNESS_RANGE = {
    "very high": "very uneven loudness",
    "high": "uneven loudness",
    "very low": "very even loudness",
}
RATE = {"very high": "very fast", "high": "fast", "low": "slow", "very low": "very slow"}
PAUSES = {"very high": "very many pauses", "high": "many pauses"}
JITTER = {"very high": "very irregular voicing (jitter)", "high": "irregular voicing (jitter)"}
SHIMMER = {"very high": "very unsteady amplitude (shimmer)", "high": "unsteady amplitude (shimmer)"}
HNR = {
    "very low": "very breathy or rough voice (low HNR)",
    "low": "breathy or rough voice (low HNR)",
}


def _word(cues: dict[str, Cue], name: str, table: dict[str, str]) -> str | None:
    cue = cues.get(name)
    return table.get(cue.level) if cue is not None else None


def describe(cues: dict[str, Cue]) -> str:
    """Join the notable cues into one line; say the clip is typical when none is notable."""
    parts: list[str] = []
    pitch_words = [
        w for w in (_word(cues, "f0_mean", PITCH_LEVEL), _word(cues, "f0_range", PITCH_RANGE)) if w
    ]
    slope = cues.get("f0_final_slope")
    ending = None
    if slope is not None and slope.level != "normal" and slope.measurable:
        direction = slope.detail.get("direction")
        if direction in ("rising", "falling"):
            ending = f"{direction} at the end"
    if pitch_words:
        parts.append(", ".join(pitch_words) + " pitch" + (f" {ending}" if ending else ""))
    elif ending:
        parts.append(f"pitch {ending}")
    for name, table in (
        ("intensity_mean", LOUDNESS),
        ("intensity_range", LOUDNESS_RANGE),
        ("articulation_rate", RATE),
        ("pause_ratio", PAUSES),
        ("jitter", JITTER),
        ("shimmer", SHIMMER),
        ("hnr", HNR),
    ):
        word = _word(cues, name, table)
        if word:
            parts.append(word)
    if not parts:
        measurable = any(c.measurable for c in cues.values())
        return TYPICAL if measurable else "no measurable speech"
    return "; ".join(parts)
