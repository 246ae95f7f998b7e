"""Checking acoustic claims against the measured cues and the speaker's baseline.

A claim names an aspect and a direction ("loudness: loud"). It is **supported** when the
matching cue's z-score against the baseline goes that way at least as far as the claim's
force demands (hedged 0.5, plain 1.0, strong 1.5 SD), **contradicted** when it does not,
and **not measurable** when the cue could not be measured on this clip (pitch on an
unvoiced clip) or no cue measures that aspect (voice tension). A negated claim ("not
loud") is supported when the cue does not reach the plain threshold in that direction.
Rising or falling intonation is judged by the direction of the final F0 slope; "pauses"
without a quantity by whether any pause was found.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from model_core.cues.catalog import sense_cues
from model_core.cues.summary import Cue
from model_core.grounding.claims import Claim
from model_core.kinds import VerdictKind
from model_core.thresholds import CLAIM_Z

SUPPORTED, CONTRADICTED = VerdictKind.SUPPORTED, VerdictKind.CONTRADICTED
NOT_MEASURABLE, NOT_FOUND = VerdictKind.NOT_MEASURABLE, VerdictKind.NOT_FOUND
TRANSCRIPT_UNRELIABLE, UNCHECKED = VerdictKind.TRANSCRIPT_UNRELIABLE, VerdictKind.UNCHECKED
VERDICTS = tuple(VerdictKind)
THRESHOLDS = CLAIM_Z  # what each force of a claim demands of |z| (model_core.thresholds)

# (aspect, value) -> (cue names, direction): +1 up, -1 down, from the cue catalog. Several
# cues: the strongest counts.
CUES: dict[tuple[str, str], tuple[tuple[str, ...], int]] = sense_cues()


@dataclass(frozen=True)
class Verdict:
    verdict: str
    cue: str | None  # the cue that decided it
    spans: list[tuple[float, float]]
    evidence: str


def _describe(cue: Cue) -> str:
    if math.isnan(cue.value):
        return f"{cue.label}: not measurable"
    text = f"{cue.label} {cue.value:.3g} {cue.unit}".rstrip()
    semitones = cue.detail.get("semitones")
    if semitones is not None:
        text += f" ({semitones:+.1f} st re baseline)"
    direction = cue.detail.get("direction")
    if direction:
        text += f" ({direction})"
    if cue.has_z:
        text += f", z {cue.z:+.1f}, {cue.level}"
    return text


def _measurable(cue: Cue | None) -> bool:
    return cue is not None and not math.isnan(cue.value) and cue.level != NOT_MEASURABLE


def judge(claim: Claim, cues: Mapping[str, Cue]) -> Verdict:
    """The verdict on one acoustic claim, given the clip's cues (:func:`~model_core.cues.
    summary.cues_of`)."""
    assert claim.sense is not None
    key = (claim.sense.aspect, claim.sense.value)
    if key not in CUES:
        return Verdict(NOT_MEASURABLE, None, [], f"no measurement of {claim.sense.label} is made")
    names, direction = CUES[key]
    measured = [cues[name] for name in names if _measurable(cues.get(name))]
    if not measured:
        return Verdict(
            NOT_MEASURABLE,
            names[0],
            [],
            "; ".join(_describe(cues[n]) for n in names if n in cues) or f"{names[0]} not measured",
        )
    cue = max(measured, key=lambda c: direction * (c.z if c.has_z else 0.0))
    if key[0] == "intonation":
        reached = cue.detail.get("direction") == ("rising" if direction > 0 else "falling")
        threshold_reached = reached
    elif key == ("pauses", "many") and claim.strength == "plain":
        reached = (cue.detail.get("pauses") or 0) >= 1  # "pauses" with no quantity
        threshold_reached = reached
    else:
        if not cue.has_z:
            return Verdict(NOT_MEASURABLE, cue.name, [], _describe(cue))
        reached = direction * cue.z >= THRESHOLDS[claim.strength]
        threshold_reached = direction * cue.z >= THRESHOLDS["plain"]
    holds = (not threshold_reached) if claim.negated else reached
    spans = list(cue.spans)  # where the cue shows most, either way
    return Verdict(SUPPORTED if holds else CONTRADICTED, cue.name, spans, _describe(cue))
