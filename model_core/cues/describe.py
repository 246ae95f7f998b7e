"""One-line, plain-words description of a clip's cues: "high, widely varying pitch; loud; fast"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model_core.cues.catalog import BY_NAME, CATALOG

if TYPE_CHECKING:
    from model_core.cues.summary import Cue

TYPICAL = "typical pitch, loudness and rate"

# The cues named in the descriptor after the pitch words, in catalog order.
NAMED_AFTER_PITCH = tuple(spec.name for spec in CATALOG if spec.described)


def _word(cues: dict[str, Cue], name: str) -> str | None:
    """The catalog's descriptor words for the cue's level (None: nothing worth a word)."""
    cue = cues.get(name)
    return BY_NAME[name].words.get(cue.level) if cue is not None else None


def describe(cues: dict[str, Cue]) -> str:
    """Join the notable cues into one line; say the clip is typical when none is notable."""
    parts: list[str] = []
    pitch_words = [w for w in (_word(cues, "f0_mean"), _word(cues, "f0_range")) if w]
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
    for name in NAMED_AFTER_PITCH:
        word = _word(cues, name)
        if word:
            parts.append(word)
    if not parts:
        measurable = any(c.measurable for c in cues.values())
        return TYPICAL if measurable else "no measurable speech"
    return "; ".join(parts)
