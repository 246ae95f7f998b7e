"""A cue's level: the word for how far its z lies from the baseline."""

from __future__ import annotations

import math
from enum import StrEnum

from model_core.thresholds import LEVEL_EDGES


class Level(StrEnum):
    """The level of a cue against its baseline (its value is the word users read)."""

    VERY_LOW = "very low"
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    VERY_HIGH = "very high"
    NOT_MEASURABLE = "not measurable"


LEVELS = (Level.VERY_LOW, Level.LOW, Level.NORMAL, Level.HIGH, Level.VERY_HIGH)
MARKED_LEVELS = (Level.VERY_LOW, Level.LOW, Level.HIGH, Level.VERY_HIGH)
NOT_MEASURABLE = Level.NOT_MEASURABLE


def level_of(z: float) -> Level:
    """The level for a z-score: very low (z <= -2) .. very high (z >= 2); not measurable
    for NaN."""
    if not math.isfinite(z):
        return Level.NOT_MEASURABLE
    if z <= LEVEL_EDGES[0]:
        return Level.VERY_LOW
    if z <= LEVEL_EDGES[1]:
        return Level.LOW
    if z < LEVEL_EDGES[2]:
        return Level.NORMAL
    return Level.HIGH if z < LEVEL_EDGES[3] else Level.VERY_HIGH
