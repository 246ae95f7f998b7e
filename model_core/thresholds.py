"""The z-score thresholds that cues are judged by: each one named once, with its reason.

A cue's z is its distance from the baseline in the baseline's standard deviations
(:mod:`model_core.cues.summary`). The levels, the claim checker (:mod:`model_core.grounding.
verdicts`), the stances (:mod:`model_core.grounding.stance`) and the composer
(:mod:`model_core.rationale.compose`) all read these names; none restates a number.
"""

from __future__ import annotations

# Half an SD: the smallest move worth a word. A hedged claim ("slightly raised") needs it,
# and a cue under it goes neither way for a label (stance "neutral").
SLIGHT_Z = 0.5
# One SD: the edge of the "normal" level. Past it lies about a sixth of a normal
# population's clips on each side, common enough for "high" but not for "very high"; a
# plain claim ("the pitch is high") needs it, and neutral speech is expected inside it.
MARKED_Z = 1.0
# An intensified claim ("the voice is very loud") needs more than a plain one and less
# than a "very" level: between the two, about one clip in fifteen on each side.
STRONG_Z = 1.5
# Two SDs: the "very" levels, about one clip in forty on each side; the composer says
# "well above" here.
VERY_Z = 2.0

# z at the borders between the levels very low | low | normal | high | very high.
LEVEL_EDGES = (-VERY_Z, -MARKED_Z, MARKED_Z, VERY_Z)
# What each force of a claim demands of |z|.
CLAIM_Z = {"hedged": SLIGHT_Z, "plain": MARKED_Z, "strong": STRONG_Z}
