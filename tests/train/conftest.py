"""Fixtures shared by the label head's command-line tests."""

from __future__ import annotations

import pytest

from model_core.devices import pick_placement
from model_core.model.reasoner import EmoReasoner
from tests.helpers.tiny_models import tiny_config


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A tiny two-label ("low", "high") model on the real Whisper tiny.en, saved."""
    folder = tmp_path_factory.mktemp("base")
    config = tiny_config(
        folder,
        labels=["low", "high"],
        speech_encoder="whisper-tiny.en",
        speech_encoder_config=None,
        max_rationale_tokens=4,
    )
    return EmoReasoner(config, pick_placement("cpu")).save_pretrained(folder / "model")
