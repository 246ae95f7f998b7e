"""The packaged base weights: conversion, transcription quality, and a chat answer."""

from __future__ import annotations

import jiwer
import pytest
import torch

from model_core.asr import Transcriber, normalize_for_wer
from model_core.audio import load_audio
from model_core.devices import pick_placement
from model_core.weights import PACKAGED, resolve_source

pytestmark = [pytest.mark.real_data, pytest.mark.slow]
CPU = pick_placement("cpu")
WER_SAMPLE = 60  # every ninth prompt: a spread over the whole set, about a minute of CPU


def test_whisper_conversion_loads_without_missing_or_unexpected_keys():
    from transformers import WhisperForConditionalGeneration

    folder = resolve_source("whisper-tiny.en")
    model, info = WhisperForConditionalGeneration.from_pretrained(
        folder, dtype=torch.float32, use_safetensors=True, output_loading_info=True
    )
    assert not info["missing_keys"] and not info["unexpected_keys"] and not info["mismatched_keys"]
    assert model.config.d_model == 384 and model.config.encoder_layers == 4
    assert model.generation_config.alignment_heads[0] == [1, 0]
    assert model.proj_out.weight.data_ptr() == model.model.decoder.embed_tokens.weight.data_ptr()
    assert PACKAGED["whisper-tiny.en"].is_prepared()


def test_tiny_en_transcribes_real_speech_with_word_times(asterisk_dir, asterisk_transcripts):
    transcriber = Transcriber.from_source("whisper-tiny.en", CPU)
    names = sorted(asterisk_transcripts)[::9][:WER_SAMPLE]
    clips = [load_audio(asterisk_dir / f"{name}.wav").for_model for name in names]
    results = transcriber.transcribe(clips)
    references = [normalize_for_wer(asterisk_transcripts[n]) for n in names]
    hypotheses = [normalize_for_wer(r.text) for r in results]
    assert jiwer.wer(references, hypotheses) < 0.10
    for clip, result in zip(clips, results, strict=True):
        duration = len(clip) / 16000
        starts = [w.start for w in result.words]
        assert starts == sorted(starts)
        assert all(0 <= w.start <= w.end <= duration + 1e-6 for w in result.words)


def test_long_audio_is_transcribed_across_windows(asterisk_dir):
    transcriber = Transcriber.from_source("whisper-tiny.en", CPU)
    clip = load_audio(asterisk_dir / "basic-pbx-ivr-main.wav").for_model
    import numpy as np

    long_clip = np.concatenate([clip, clip])  # 51 s: two windows
    (result,) = transcriber.transcribe([long_clip])
    assert result.words[-1].end > 40
    assert normalize_for_wer(result.text).count("for accounting") == 2


def test_smollm2_answers_a_chat_prompt():
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = resolve_source("smollm2-135m-instruct")
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, use_safetensors=True)
    messages = [{"role": "user", "content": "What is the capital of France? Answer in one word."}]
    inputs = tokenizer.apply_chat_template(
        messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
    )
    output = model.generate(**inputs, max_new_tokens=12, do_sample=False)
    answer = tokenizer.decode(output[0, inputs["input_ids"].shape[1] :], skip_special_tokens=True)
    assert "Paris" in answer
