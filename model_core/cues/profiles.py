"""What each emotion label expects of each cue, from the vocal-expression literature.

An expectation is ``up`` (the cue rises above the speaker's baseline), ``down``, ``typical``
(stays near the baseline: the neutral label) or ``none`` (the literature gives no clear
direction). Directions follow the cross-study summaries, and only where they agree:

- Juslin, P. N. and Laukka, P. (2003). Communication of emotions in vocal expression and
  music performance: different channels, same code? *Psychological Bulletin* 129(5),
  770-814, Table 11 (speech rate, voice intensity and its variability, F0 level, F0
  variability, F0 contour, microstructural regularity);
- Banse, R. and Scherer, K. R. (1996). Acoustic profiles in vocal emotion expression.
  *Journal of Personality and Social Psychology* 70(3), 614-636;
- Scherer, K. R. (2003). Vocal communication of emotion: a review of research paradigms.
  *Speech Communication* 40, 227-256, Table 3 (also pauses and boredom).

Mappings to EmoStudio's cues: F0 level -> ``f0_mean``; F0 variability -> ``f0_range``;
F0 contour direction -> ``f0_final_slope``; voice intensity -> ``intensity_mean``;
intensity variability -> ``intensity_range``; speech rate -> ``articulation_rate`` and
``speech_rate``; microstructural irregularity -> ``jitter`` and ``shimmer`` up. HNR has no
direction in these tables (so ``none`` everywhere but neutral). Labels without a profile
(calm, surprise, frustration, ...) say so: :func:`profile_for` returns None.
"""

from __future__ import annotations

from dataclasses import dataclass

from model_core.cues.catalog import CITABLE

UP, DOWN, TYPICAL, NONE = "up", "down", "typical", "none"
EXPECTATIONS = (UP, DOWN, TYPICAL, NONE)

JL2003 = "Juslin & Laukka 2003, Table 11"
BS1996 = "Banse & Scherer 1996"
S2003 = "Scherer 2003, Table 3"


@dataclass(frozen=True)
class EmotionProfile:
    """The expected direction of each cue for one emotion.

    Attributes
    ----------
    label : str
        The canonical label (``"angry"``).
    expected : dict
        Cue name -> ``up``/``down``/``typical``; cues not listed expect ``none``.
    sources : tuple of str
        The literature the directions come from.
    note : str
        Caveats (disagreements between studies).
    """

    label: str
    expected: dict[str, str]
    sources: tuple[str, ...]
    note: str = ""

    def expectation(self, cue: str) -> str:
        return self.expected.get(cue, NONE)


def _profile(
    label: str, sources: tuple[str, ...], note: str = "", **expected: str
) -> EmotionProfile:
    return EmotionProfile(label, expected, sources, note)


PROFILES: dict[str, EmotionProfile] = {
    profile.label: profile
    for profile in (
        EmotionProfile(
            "neutral",
            {name: TYPICAL for name in CITABLE},
            ("by definition: the speaker's own baseline",),
            "Every cue is expected near the speaker's usual; a marked cue speaks against it.",
        ),
        _profile(
            "angry",
            (JL2003, BS1996, S2003),
            "Hot anger; cold anger (contained irritation) is quieter and slower.",
            f0_mean=UP,
            f0_range=UP,
            f0_final_slope=UP,
            intensity_mean=UP,
            intensity_range=UP,
            articulation_rate=UP,
            speech_rate=UP,
            jitter=UP,
            shimmer=UP,
        ),
        _profile(
            "happy",
            (JL2003, BS1996, S2003),
            "Elation and joy; quiet contentment is closer to neutral.",
            f0_mean=UP,
            f0_range=UP,
            f0_final_slope=UP,
            intensity_mean=UP,
            intensity_range=UP,
            articulation_rate=UP,
            speech_rate=UP,
            jitter=DOWN,
            shimmer=DOWN,
        ),
        _profile(
            "sad",
            (JL2003, BS1996, S2003),
            "Quiet sadness; despair (Banse & Scherer's 'grief') can be loud and high.",
            f0_mean=DOWN,
            f0_range=DOWN,
            f0_final_slope=DOWN,
            intensity_mean=DOWN,
            intensity_range=DOWN,
            articulation_rate=DOWN,
            speech_rate=DOWN,
            pause_ratio=UP,
            jitter=UP,
            shimmer=UP,
        ),
        _profile(
            "fear",
            (JL2003, BS1996, S2003),
            "F0 variability and intensity disagree between studies (panic vs anxiety): none.",
            f0_mean=UP,
            f0_final_slope=UP,
            intensity_range=UP,
            articulation_rate=UP,
            speech_rate=UP,
            jitter=UP,
            shimmer=UP,
        ),
        _profile(
            "disgust",
            (BS1996, S2003),
            "Few studies and weak agreement: only F0 level and rate have a direction.",
            f0_mean=DOWN,
            articulation_rate=DOWN,
            speech_rate=DOWN,
        ),
        _profile(
            "boredom",
            (BS1996, S2003),
            f0_mean=DOWN,
            f0_range=DOWN,
            intensity_mean=DOWN,
            articulation_rate=DOWN,
            speech_rate=DOWN,
        ),
        _profile(
            "tenderness",
            (JL2003,),
            f0_mean=DOWN,
            f0_range=DOWN,
            f0_final_slope=DOWN,
            intensity_mean=DOWN,
            intensity_range=DOWN,
            articulation_rate=DOWN,
            speech_rate=DOWN,
            jitter=DOWN,
            shimmer=DOWN,
        ),
    )
}

# Other corpora's names for the same emotions (IEMOCAP codes, MELD, RAVDESS, ...).
ALIASES: dict[str, str] = {
    "neu": "neutral",
    "hap": "happy",
    "happiness": "happy",
    "joy": "happy",
    "exc": "happy",
    "excited": "happy",
    "sadness": "sad",
    "ang": "angry",
    "anger": "angry",
    "fea": "fear",
    "fearful": "fear",
    "dis": "disgust",
    "disgusted": "disgust",
    "bored": "boredom",
    "love": "tenderness",
}


def canonical(label: str) -> str:
    """The profile name of a label (``"anger"`` -> ``"angry"``), lower-cased."""
    lowered = label.strip().lower()
    return ALIASES.get(lowered, lowered)


def profile_for(label: str | None) -> EmotionProfile | None:
    """The label's profile, or None when the literature gives it none (calm, surprise)."""
    return PROFILES.get(canonical(label)) if label else None


def expectation(label: str | None, cue: str) -> str:
    """``up``, ``down``, ``typical`` or ``none``: what ``label`` expects of ``cue``."""
    profile = profile_for(label)
    return profile.expectation(cue) if profile else NONE


def no_profile_reason(label: str | None) -> str:
    """Why a label has no expectations, in one line."""
    if not label:
        return "no label to weigh the cue against"
    return f"no acoustic profile for {label!r} in the literature EmoStudio follows"
