"""Transcribing leaves Whisper's encoder on its fast attention (model_core.asr)."""

from __future__ import annotations

import pytest
import torch

from model_core.devices import pick_placement


@pytest.mark.real_data
def test_transcribing_does_not_leave_the_shared_encoder_on_eager_attention(asterisk_dir):
    """generate(return_token_timestamps=True) sets the config Whisper's encoder shares to
    eager attention for good; every later encoder pass then ran at half speed."""
    from benchmarks.acoustics import real_speech
    from model_core.asr import Transcriber
    from model_core.model.encoders import run_whisper_encoder, whisper_inputs

    transcriber = Transcriber.from_source("whisper-tiny.en", pick_placement("cpu"))
    model = transcriber.model
    before = model.model.config._attn_implementation
    assert before == "sdpa"  # what from_pretrained picks where torch has it
    clip = real_speech(3.0 / 60, asterisk_dir)[:48000]
    inputs = whisper_inputs([clip], transcriber.feature_extractor)
    with torch.inference_mode():
        first, _ = run_whisper_encoder(model.model.encoder, inputs, "cpu", torch.float32)
        (transcript,) = transcriber.transcribe([clip])
        again, _ = run_whisper_encoder(model.model.encoder, inputs, "cpu", torch.float32)

    assert transcript.words, "the clip is speech: the decoder must have run"
    assert model.model.config._attn_implementation == before
    assert model.model.encoder.config._attn_implementation == before
    torch.testing.assert_close(again, first, rtol=0, atol=0)
