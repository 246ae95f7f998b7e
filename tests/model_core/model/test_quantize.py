"""The LLM in int8 for CPU inference (tiny random models)."""

from __future__ import annotations

import pytest
import torch

from model_core.devices import pick_placement
from model_core.model.prompts import make_prompt
from model_core.model.quantize import LLM_INT8_ENV, quantize_llm_int8, wants_llm_int8
from model_core.model.reasoner import EmoReasoner
from tests.helpers.tiny_models import tiny_config

CPU = pick_placement("cpu")


@pytest.fixture()
def model(tmp_path) -> EmoReasoner:
    torch.manual_seed(0)
    built = EmoReasoner(tiny_config(tmp_path), CPU)
    # LoRA's B starts at zero: give it weights, so that merging them changes the model
    for name, parameter in built.llm.named_parameters():
        if "lora_B" in name:
            torch.nn.init.normal_(parameter, std=0.2)
    return built


def test_int8_is_opt_in(model, monkeypatch):
    monkeypatch.delenv(LLM_INT8_ENV, raising=False)
    assert not wants_llm_int8(model)
    assert wants_llm_int8(model, True) and not wants_llm_int8(model, False)
    monkeypatch.setenv(LLM_INT8_ENV, "1")
    assert wants_llm_int8(model)
    assert not wants_llm_int8(model, False)


def test_the_quantised_llm_keeps_its_lora_and_answers_alike(model, three_clips):
    prompts = [make_prompt("reason", model.config.labels, transcript="hello") for _ in range(2)]
    tokens = torch.tensor([[5, 17, 42, 99, 7, 3]])
    with torch.inference_mode():
        before = model.llm(input_ids=tokens).logits
        model.llm.disable_adapter_layers()
        without_lora = model.llm(input_ids=tokens).logits
        model.llm.enable_adapter_layers()
    quantize_llm_int8(model)
    quantize_llm_int8(model)  # once only
    linear = [m for m in model.llm.modules() if type(m) is torch.nn.Linear]
    assert not linear, "every linear layer is int8"
    with torch.inference_mode():
        after = model.llm(input_ids=tokens).logits
    # close to the float model with its LoRA merged, far further from the model without it
    assert (after - before).abs().max() < 0.5 * (without_lora - before).abs().max()
    texts = model.generate(three_clips[:2], prompts, max_new_tokens=4)
    assert len(texts) == 2 and all(isinstance(t, str) for t in texts)


def test_a_quantised_model_cannot_be_trained_or_saved(model, tmp_path):
    quantize_llm_int8(model)
    with pytest.raises(ValueError, match="quantised to int8 for inference"):
        model.trainable_state()
    with pytest.raises(ValueError, match="quantised to int8"):
        model.save_pretrained(tmp_path / "out")
