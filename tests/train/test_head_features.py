"""Training and serving build the label head's input one way: the same vector on a real clip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from model_core.audio import load_audio
from model_core.devices import pick_placement
from model_core.model.reasoner import EmoReasoner
from model_core.pipeline import Analyzer, Clip
from train.datasets.example import Example
from train.head import clip_features, middle_layer

pytestmark = pytest.mark.real_data  # the real Whisper tiny.en
SAMPLES = Path(__file__).resolve().parents[2] / "assets" / "samples"


@pytest.mark.parametrize("name", ["voice-m7-angry.wav", "ivr-welcome.wav"])
def test_training_and_serving_give_the_same_head_vector_on_a_real_clip(base, name):
    model = EmoReasoner.from_pretrained(base, pick_placement("cpu"))
    layer = middle_layer(model)
    audio = SAMPLES / name
    trained = clip_features(Example(id=name, audio=audio, label=None), model, layer, None)
    served = Analyzer(model).head_features([Clip(load_audio(audio))], layer)
    assert served.shape == (1, trained.size)
    assert np.isfinite(trained).mean() > 0.9  # a real voice: nearly every value measured
    np.testing.assert_allclose(served[0], trained, rtol=1e-4, atol=1e-4)
