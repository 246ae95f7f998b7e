"""EmoReasoner on a CUDA GPU in bf16 (skipped where there is none, as in CI)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from model_core.devices import pick_placement
from model_core.model.prompts import answer_for, make_prompt
from model_core.model.reasoner import ClipInput, EmoReasoner
from tests.helpers.signals import harmonic, syllable_train
from tests.helpers.tiny_models import tiny_config

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU here")


def test_tiny_model_runs_in_bf16_on_the_gpu(tmp_path):
    placement = pick_placement("auto")
    assert placement.device.type == "cuda" and placement.dtype in (torch.bfloat16, torch.float16)
    config = tiny_config(tmp_path)
    model = EmoReasoner(config, placement)
    clips = [ClipInput(syllable_train(5)), ClipInput(harmonic(200, 2.3))]
    prompts = [make_prompt("reason", config.labels, transcript="hi", cues="loud") for _ in clips]
    together = model.score_labels(clips, prompts)
    np.testing.assert_allclose(together.sum(axis=1), 1.0, atol=1e-3)
    alone = np.concatenate(
        [model.score_labels([c], [p]) for c, p in zip(clips, prompts, strict=True)]
    )
    np.testing.assert_allclose(together, alone, atol=2e-2)  # bf16 rounding differs with padding
    texts = model.generate(clips, prompts, max_new_tokens=5)
    assert len(texts) == 2
    model.train()
    loss = model.loss(clips, prompts, [answer_for("ser", label="sad")] * 2)
    loss.backward()
    assert torch.isfinite(loss)
    assert next(model.speech_branch.parameters()).grad is not None
