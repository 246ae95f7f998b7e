"""Fixtures shared by the EmoReasoner tests on tiny random configs."""

from __future__ import annotations

import pytest

from model_core.model.reasoner import ClipInput
from tests.helpers.signals import harmonic, syllable_train


@pytest.fixture(scope="module")
def three_clips() -> list[ClipInput]:
    """Speech-like syllables (5 of them), and two steady tones of 2.3 s and 0.7 s."""
    return [
        ClipInput(syllable_train(5)),
        ClipInput(harmonic(200, 2.3)),
        ClipInput(harmonic(120, 0.7)),
    ]
