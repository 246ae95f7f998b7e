"""What each emotion label expects of each cue: the profiles of the emotion table.

The profiles themselves (directions, sources, caveats) live with the emotions in
:mod:`model_core.emotions`; this module answers questions about them. Labels without a
profile (surprise, or a word no emotion owns) say so: :func:`profile_for` returns None.
"""

from __future__ import annotations

from model_core.emotions import (
    DOWN,
    NONE,
    TYPICAL,
    UP,
    Emotion,
    Expectation,
    emotion_for,
)

EXPECTATIONS = tuple(Expectation)
__all__ = ["DOWN", "EXPECTATIONS", "NONE", "TYPICAL", "UP", "expectation", "profile_for"]


def profile_for(label: str | None) -> Emotion | None:
    """The emotion whose profile ``label`` reads, or None when the literature gives it
    none (surprise) or the label names no emotion."""
    emotion = emotion_for(label)
    return emotion if emotion is not None and emotion.has_profile else None


def expectation(label: str | None, cue: str) -> Expectation:
    """``up``, ``down``, ``typical`` or ``none``: what ``label`` expects of ``cue``."""
    profile = profile_for(label)
    return profile.expectation(cue) if profile else NONE


def no_profile_reason(label: str | None) -> str:
    """Why a label has no expectations, in one line."""
    if not label:
        return "no label to weigh the cue against"
    return f"no acoustic profile for {label!r} in the literature EmoStudio follows"
