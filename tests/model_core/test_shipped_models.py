"""The checkpoints that ship with EmoStudio, and how a model spec finds them."""

from __future__ import annotations

import pytest

from model_core import pipeline
from model_core.devices import pick_placement
from model_core.model.checkpoint import CheckpointError
from model_core.model.config import EmoReasonerConfig
from model_core.model.reasoner import EmoReasoner
from tests.helpers.tiny_models import tiny_config


@pytest.mark.parametrize("name", sorted(pipeline.SHIPPED_MODELS))
def test_every_shipped_model_is_a_trained_checkpoint_with_a_card(name):
    folder = pipeline.SHIPPED_MODELS[name]
    config = EmoReasonerConfig.load(folder)
    assert config.trained and config.labels == ["neutral", "happy", "sad", "angry"]
    card = (folder / "README.md").read_text()
    assert "licen" in card.lower()  # every card names its data's licence


def test_a_shipped_name_loads_its_folder_and_a_missing_one_is_a_clear_error(tmp_path, monkeypatch):
    config = tiny_config(tmp_path, name="tiny-shipped", labels=["low", "high"])
    folder = EmoReasoner(config, pick_placement("cpu")).save_pretrained(tmp_path / "shipped")
    monkeypatch.setitem(pipeline.SHIPPED_MODELS, "synthetic", folder)
    assert pipeline.load_model("synthetic", pick_placement("cpu")).config.name == "tiny-shipped"
    assert pipeline.model_folder("synthetic") == folder
    monkeypatch.setitem(pipeline.SHIPPED_MODELS, "synthetic", tmp_path / "gone")
    with pytest.raises(CheckpointError, match="the shipped model 'synthetic' is missing"):
        pipeline.load_model("synthetic", pick_placement("cpu"))
