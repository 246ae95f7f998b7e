"""Building EmoReasoner's parts from their sources (or seeded random weights)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

import torch

from model_core.model.config import PROSODY, RANDOM, EmoReasonerConfig
from model_core.weights import resolve_source

if TYPE_CHECKING:
    from model_core.model.encoders import WaveformEncoder, WhisperEmotionEncoder
    from model_core.model.prosody import ProsodyEncoder

# Each random part draws from its own seed, so building order never changes weights.
SEED_OFFSETS = {"speech": 0, "emotion": 1, "llm": 2, "adapters": 3, "lora": 4}


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Run a block under a fixed torch seed without disturbing the caller's RNG state."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def load_whisper(config: EmoReasonerConfig, dtype: torch.dtype) -> tuple[Any, Any, Any]:
    """(WhisperForConditionalGeneration, WhisperFeatureExtractor, tokenizer or None)."""
    # transformers makes WhisperTokenizerFast (WhisperTokenizer) at runtime: mypy cannot see it
    from transformers import (  # type: ignore[attr-defined]
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
        WhisperTokenizerFast,
    )

    # Any: transformers' models (their wrapped .to(), their .eval()) and the feature
    # extractor's constructor have no usable types.
    model: Any
    if config.speech_encoder == RANDOM:
        whisper_config = WhisperConfig(**(config.speech_encoder_config or {}))
        with seeded(config.seed + SEED_OFFSETS["speech"]):
            model = cast(Any, WhisperForConditionalGeneration(whisper_config)).to(dtype)
        return (
            model.eval(),
            cast(Any, WhisperFeatureExtractor)(feature_size=whisper_config.num_mel_bins),
            None,
        )
    folder = resolve_source(config.speech_encoder)
    model = WhisperForConditionalGeneration.from_pretrained(
        folder, dtype=dtype, use_safetensors=True
    )
    return (
        model.eval(),
        WhisperFeatureExtractor.from_pretrained(folder),
        WhisperTokenizerFast.from_pretrained(folder),
    )


def load_emotion_encoder(
    config: EmoReasonerConfig, dtype: torch.dtype
) -> ProsodyEncoder | WaveformEncoder | WhisperEmotionEncoder:
    """The prosody encoder, or a pretrained audio encoder: wav2vec2-family encoders on the
    waveform, Whisper encoders (e.g. one fine-tuned for emotion) on log-mel windows."""
    if config.emotion_encoder == PROSODY:
        from model_core.model.prosody import ProsodyEncoder

        with seeded(config.seed + SEED_OFFSETS["emotion"]):
            return ProsodyEncoder(config.prosody).to(dtype)
    from transformers import AutoConfig, AutoModel

    from model_core.model.encoders import WaveformEncoder

    model: Any  # a transformers model: from_config and the model's methods have no usable types
    if config.emotion_encoder == RANDOM:
        options = dict(config.emotion_encoder_config)
        encoder_config = AutoConfig.for_model(options.pop("model_type"), **options)
        with seeded(config.seed + SEED_OFFSETS["emotion"]):
            model = cast(Any, AutoModel).from_config(encoder_config).to(dtype)
    else:
        folder = resolve_source(config.emotion_encoder)
        model = AutoModel.from_pretrained(folder, dtype=dtype, use_safetensors=True)
    if model.config.model_type == "whisper":
        from transformers import WhisperFeatureExtractor

        from model_core.model.encoders import WhisperEmotionEncoder

        extractor = (
            cast(Any, WhisperFeatureExtractor)(feature_size=model.config.num_mel_bins)
            if config.emotion_encoder == RANDOM
            else WhisperFeatureExtractor.from_pretrained(resolve_source(config.emotion_encoder))
        )
        return WhisperEmotionEncoder(model.get_encoder(), extractor)
    return WaveformEncoder(model)


def load_llm(config: EmoReasonerConfig, dtype: torch.dtype) -> tuple[Any, Any]:
    """(causal LM, tokenizer with a chat template)."""
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    model: Any  # a transformers model: from_config and the model's methods have no usable types
    if config.llm == RANDOM:
        options = dict(config.llm_config or {})
        llm_config = AutoConfig.for_model(options.pop("model_type", "llama"), **options)
        with seeded(config.seed + SEED_OFFSETS["llm"]):
            model = cast(Any, AutoModelForCausalLM).from_config(llm_config).to(dtype)
        if not config.tokenizer:
            raise ValueError("a random LLM needs config.tokenizer: a folder holding its tokenizer")
        tokenizer_folder = resolve_source(config.tokenizer)
    else:
        tokenizer_folder = resolve_source(config.llm)
        model = AutoModelForCausalLM.from_pretrained(
            tokenizer_folder, dtype=dtype, use_safetensors=True
        )
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_folder)
    if not tokenizer.chat_template:
        raise ValueError(
            f"{config.llm}: the tokenizer has no chat template; EmoReasoner needs a chat LLM"
        )
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return model.eval(), tokenizer


def add_lora(llm: Any, config: EmoReasonerConfig) -> Any:
    """Wrap the LLM with peft LoRA adapters (the only trainable LLM weights)."""
    from peft import LoraConfig, get_peft_model

    lora = LoraConfig(
        task_type="CAUSAL_LM",
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=list(config.lora_targets),
    )
    with seeded(config.seed + SEED_OFFSETS["lora"]):
        return get_peft_model(llm, lora)
