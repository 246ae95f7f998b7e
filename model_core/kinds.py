"""The words the core judges in: verdicts, stances, presentations, rationale policies.

Each is a :class:`~enum.StrEnum` whose values are the words JSON, exports and users read,
so a member compares equal to its word and serialises as it. This module imports nothing
heavy: the CLI and the GUI read it at start-up. (A cue's level is
:class:`model_core.cues.levels.Level`.)
"""

from __future__ import annotations

from enum import StrEnum


class VerdictKind(StrEnum):
    """What the check found for one claim (its value is what JSON and users read)."""

    SUPPORTED = "supported"
    CONTRADICTED = "contradicted"
    NOT_MEASURABLE = "not measurable"
    NOT_FOUND = "not found"
    # A quote found in a transcript the recogniser itself doubts (model_core.reliability).
    TRANSCRIPT_UNRELIABLE = "transcript unreliable"
    # A description of the voice that the lexicon does not know (grounding.unchecked).
    UNCHECKED = "unchecked"


class Stance(StrEnum):
    """Which way a cited cue points for the label."""

    FOR = "for"
    AGAINST = "against"
    NEUTRAL = "neutral"


class Presentation(StrEnum):
    """How the rationale presents a cue: as support for its label, as a counterpoint, or as
    an aside that bears on the label neither way ("which says nothing about sad either way")."""

    SUPPORT = "support"
    COUNTER = "counter"
    ASIDE = "aside"


class Policy(StrEnum):
    """Who writes the rationale: the model's draft if the review passes it, else the
    composer (``checked``); the model's draft as it is (``model``); the composer alone."""

    CHECKED = "checked"
    MODEL = "model"
    COMPOSER = "composer"
