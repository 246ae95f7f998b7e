"""Stance: does a cited cue speak for the label, and does the rationale present it so?

Grounding's verdict says whether a claim matches the measurement; the stance says
whether the *measured* cue is evidence for the label at all:

- ``for``: the cue goes the way the label's profile expects (z at least 0.5 that way;
  for ``neutral``, which expects the speaker's usual, |z| under 1);
- ``against``: it goes the other way (z at least 0.5 the other way; for neutral, marked);
- ``neutral``: the profile has no expectation for this cue, the label has no profile,
  the cue sits at the speaker's baseline (|z| < 0.5), or it could not be measured.

How the rationale *presents* a claim is read from its words: ``counter`` when the claim
stands in a concessive clause ("although the voice is loud, ..."), in a clause that
says it speaks against the label ("..., which does not fit sad"), or in a clause that
offers another reading ("it could also be angry: the voice is loud"); ``support``
otherwise. A claim presented as support whose stance is ``against`` is **inconsistent**.
"""

from __future__ import annotations

import re

from model_core.cues.profiles import (
    DOWN,
    UP,
    expectation,
    no_profile_reason,
    profile_for,
)
from model_core.cues.summary import CueLike, cues_of
from model_core.emotions import NEAR_BASELINE, NOT_DOWN, NOT_UP, Expectation
from model_core.kinds import Presentation, Stance
from model_core.thresholds import MARKED_Z, SLIGHT_Z

FOR, AGAINST, NEUTRAL = Stance.FOR, Stance.AGAINST, Stance.NEUTRAL
SUPPORT, COUNTER, ASIDE = Presentation.SUPPORT, Presentation.COUNTER, Presentation.ASIDE
AT_BASELINE_Z = SLIGHT_Z  # |z| under this: the cue goes neither way
TYPICAL_Z = MARKED_Z  # neutral expects |z| under this (the "normal" level)

# Segments: a claim's presentation is judged inside its sentence part. Contrastive words
# open a new segment; the concessive ones cover their clause only (up to the next comma).
SEGMENT_BREAK = re.compile(r"[.;!?\n]|\b(?=(?:but|yet|however|whereas|while|although|though)\b)")
CONCESSIVE = re.compile(
    r"^\W*(?:and |so )?(?:even though|although|though|even if|despite|in spite of|while|"
    r"whereas|albeit|granted that|admittedly|notwithstanding)\b"
)
# Inside a segment: parts split at commas, colons and "and".
PART_BREAK = re.compile(r"[,:]|\band\b")
# Words that make the rest of the segment another reading or counter-evidence.
ALTERNATIVE = re.compile(
    r"\b(?:(?:could|might|may) (?:also|instead) (?:be|suggest|mean|point to)|alternatively|"
    r"another reading|against this|"
    r"on the other hand|then again|counter-evidence|(?:speaks?|points?|argues?|counts?) against)\b"
)
# Words that make their own part (or the part a "which ..." clause follows) counter-evidence.
COUNTER_WORDS = re.compile(
    r"\b(?:against|(?:does|do|did)(?:n't| not) (?:fit|suit|match)|at odds with|contrary to|"
    r"unlike|would suggest otherwise|points? the other way|counter(?:s|-evidence)?)\b"
)
# Words that make the whole sentence part an aside: cues named as bearing on the label
# neither way (the voice "gives little to go on"; a marked cue that "says nothing about
# sad either way"). The review checks that such a cue really has no stance.
ASIDE_WORDS = re.compile(
    r"\b(?:gives? little to go on|says? (?:little|nothing)\b|"
    r"neither for nor against|(?:has|have|with) no bearing on|either way)\b"
)
RELATIVE = re.compile(r"^\W*(?:which|that|this|both of which|neither of which)\b")


def _segment(lowered: str, position: int) -> tuple[int, int]:
    """Start and end of the sentence part holding ``position``."""
    start, end = 0, len(lowered)
    for match in SEGMENT_BREAK.finditer(lowered):
        if match.start() <= position:
            start = match.end() if match.group(0) else match.start()
        elif match.start() > position:
            end = match.start()
            break
    return start, end


def _parts(segment: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for match in PART_BREAK.finditer(segment):
        bounds.append((start, match.start()))
        start = match.end()
    return [*bounds, (start, len(segment))]


def presented_as(rationale: str, start_char: int) -> str:
    """``counter``, ``support`` or ``aside``: how the rationale frames the claim at
    ``start_char``."""
    lowered = rationale.replace("\u0130", "i").lower()
    start, end = _segment(lowered, start_char)
    segment = lowered[start:end]
    at = start_char - start
    if ASIDE_WORDS.search(segment):
        return ASIDE
    concession = CONCESSIVE.match(segment)
    if concession:
        comma = segment.find(",", concession.end())
        if at < (comma if comma >= 0 else len(segment)):
            return COUNTER
    if ALTERNATIVE.search(segment[:at]):
        return COUNTER
    parts = _parts(segment)
    index = next((i for i, (a, b) in enumerate(parts) if a <= at < b), len(parts) - 1)
    own = segment[slice(*parts[index])]
    following = segment[slice(*parts[index + 1])] if index + 1 < len(parts) else ""
    if COUNTER_WORDS.search(own) or (RELATIVE.match(following) and COUNTER_WORDS.search(following)):
        return COUNTER
    return SUPPORT


def baseline_excess(expected: Expectation, z: float) -> float:
    """How far ``z`` lies beyond what a near-baseline expectation allows (negative or small:
    fine): |z| for ``typical``, z for ``not up``, -z for ``not down``."""
    if expected == NOT_UP:
        return z
    if expected == NOT_DOWN:
        return -z
    return abs(z)


def cue_stance(label: str | None, cue_name: str | None, cue: CueLike | None) -> tuple[Stance, str]:
    """(stance, reason): whether the measured ``cue`` speaks for ``label``.

    Parameters
    ----------
    label : str or None
        The label the rationale explains.
    cue_name : str or None
        The cue that checked the claim (None: no cue measures this aspect).
    cue : Cue, its JSON or None
        The measured cue (a :class:`~model_core.cues.summary.Cue` or its ``to_dict()``).
    """
    if cue_name is None:
        return NEUTRAL, "no measurement of this aspect, so it cannot weigh for or against"
    profile = profile_for(label)
    if profile is None:
        return NEUTRAL, no_profile_reason(label)
    expected = expectation(label, cue_name)
    where = f"{label} ({'; '.join(profile.sources)})"
    measured = None if cue is None else cues_of({cue_name: cue})[cue_name]
    if measured is None or not measured.has_z:
        return NEUTRAL, f"{cue_name} could not be measured here"
    z = measured.z
    if expected in NEAR_BASELINE:
        near = "near the speaker's usual" + {NOT_UP: " or below", NOT_DOWN: " or above"}.get(
            expected, ""
        )
        if baseline_excess(expected, z) < TYPICAL_Z:
            return FOR, f"{where} expects {cue_name} {near}; z {z:+.1f}"
        return AGAINST, f"{where} expects {cue_name} {near}; z {z:+.1f} is marked"
    if expected not in (UP, DOWN):
        return NEUTRAL, f"{where} has no clear expectation for {cue_name}"
    toward = z if expected == UP else -z
    said = f"{where} expects {cue_name} {expected}; measured z {z:+.1f}"
    if toward >= AT_BASELINE_Z:
        return FOR, said
    if toward <= -AT_BASELINE_Z:
        return AGAINST, said
    return NEUTRAL, f"{said}: at the speaker's baseline"
