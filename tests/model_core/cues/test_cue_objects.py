"""Cue objects through grounding and the composer: a live analysis and its JSON read alike."""

from __future__ import annotations

import math

from model_core.acoustics.analysis import analyze_acoustics
from model_core.cues import summarize
from model_core.cues.summary import Cue, cues_of
from model_core.grounding import ground
from model_core.rationale.compose import compose_rationale
from tests.helpers.signals import RATE, harmonic, silence


def _summary():
    import numpy as np

    rising = harmonic(lambda t: 140 + 90 * t, 1.2, amplitude=0.3)
    return summarize(analyze_acoustics(np.concatenate([rising, silence(0.4)]), RATE))


def test_a_cue_round_trips_through_its_json_with_nan_for_what_was_not_measured():
    summary = _summary()
    for cue in summary.cues.values():
        again = Cue.from_dict(cue.to_dict())
        assert again.name == cue.name and again.level == cue.level
        assert math.isnan(again.value) == math.isnan(cue.value)
        assert again.has_z == math.isfinite(cue.z)
        if again.has_z:
            assert abs(again.z - cue.z) < 1e-4  # rounded to 4 decimals, as stored


def test_grounding_and_the_composer_read_objects_and_json_alike():
    summary = _summary()
    as_json = summary.to_dict()["cues"]
    assert cues_of(summary.cues) == cues_of(as_json)
    text = compose_rationale("angry", summary.cues, transcript="stop it now")
    assert text == compose_rationale("angry", as_json, transcript="stop it now")
    assert ground(text, [], summary.cues, label="angry") == ground(text, [], as_json, label="angry")
    assert any(c.cue for c in ground(text, [], summary.cues, label="angry"))  # cues were cited
