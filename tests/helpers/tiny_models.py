"""Tiny randomly initialised EmoReasoner configs, built in seconds, with no downloads."""

from __future__ import annotations

from pathlib import Path

from model_core.model.config import RANDOM, EmoReasonerConfig

CHAT_TEMPLATE = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] "
    "+ '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}"
    "{% endif %}"
)
CORPUS = [
    "Emotion: neutral happy sad angry. Reason: the speaker raises her voice and speaks fast.",
    "Transcribe the speech. Which emotion does the speaker express? Measured cues: high pitch; loud.",
    "Transcript: I can't believe this is happening again, please stop.",
] * 20


def toy_tokenizer(folder: Path) -> Path:
    """A byte-level BPE tokenizer (about 400 tokens) with a chat template, saved to ``folder``."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tokenizer.train_from_iterator(CORPUS, trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        bos_token="<|im_start|>",
    )
    fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(folder)
    return folder


def tiny_config(folder: Path, **overrides) -> EmoReasonerConfig:
    """A complete EmoReasoner config of a few hundred thousand random parameters."""
    tokenizer = toy_tokenizer(folder / "tokenizer")
    options = dict(
        name="tiny-test",
        speech_encoder=RANDOM,
        speech_encoder_config=dict(
            d_model=32,
            encoder_layers=1,
            decoder_layers=1,
            encoder_attention_heads=2,
            decoder_attention_heads=2,
            encoder_ffn_dim=64,
            decoder_ffn_dim=64,
            vocab_size=51865,
            num_mel_bins=80,
            max_source_positions=1500,
            max_target_positions=64,
        ),
        emotion_encoder_config=dict(d_model=32, layers=1, heads=2, conv_stride=4, dropout=0.0),
        llm=RANDOM,
        llm_config=dict(
            model_type="llama",
            hidden_size=64,
            intermediate_size=128,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            vocab_size=400,
            max_position_embeddings=1024,
            tie_word_embeddings=True,
            # 0.02 caps the tied logits near uniform; 0.3 saturates attention at the start.
            initializer_range=0.1,
        ),
        tokenizer=str(tokenizer),
        lora_dropout=0.0,
        max_rationale_tokens=8,
    )
    options.update(overrides)
    return EmoReasonerConfig(**options)
