"""Whisper's encoder on padded 30-s windows or on each clip's own frames (issue 16): the
clip context computes what Whisper computes, a clip's states never depend on its batch,
and the model, the ASR and the caches say which context they used."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from model_core.devices import pick_placement
from model_core.model.config import EmoReasonerConfig
from model_core.model.encoders import (
    CONTEXT_STEP,
    run_whisper_encoder,
    select_windows,
    whisper_inputs,
)
from model_core.model.reasoner import ClipInput, EmoReasoner
from tests.helpers.signals import harmonic, syllable_train
from tests.helpers.tiny_models import tiny_config

CPU = pick_placement("cpu")


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> EmoReasoner:
    config = tiny_config(tmp_path_factory.mktemp("tiny"))
    config.speech_encoder_config["encoder_layers"] = 2
    return EmoReasoner(config, CPU)


@pytest.fixture(scope="module")
def clips() -> list[np.ndarray]:
    return [syllable_train(5), harmonic(200, 2.3), harmonic(120, 0.7)]


def encoded(model, samples, context, tail_s=0.0, layer=None):
    inputs = whisper_inputs(samples, model.feature_extractor, context, tail_s)
    with torch.inference_mode():
        return inputs, *run_whisper_encoder(
            model.whisper.model.encoder, inputs, CPU.device, CPU.dtype, layer
        )


def test_a_full_window_in_the_clip_context_is_exactly_whisper_s_own_pass(model):
    thirty = np.random.default_rng(0).normal(0.0, 0.1, 16000 * 30).astype(np.float32)
    _, padded, padded_layer = encoded(model, [thirty], "padded", layer=1)
    inputs, clip, clip_layer = encoded(model, [thirty], "clip", layer=1)
    assert inputs.features.shape[-1] == 3000 and inputs.heard_frames == [1500]
    torch.testing.assert_close(clip, padded, atol=0, rtol=0)
    torch.testing.assert_close(clip_layer, padded_layer, atol=0, rtol=0)
    with torch.inference_mode():
        reference = model.whisper.model.encoder(inputs.features).last_hidden_state
    torch.testing.assert_close(padded, reference, atol=0, rtol=0)


@pytest.mark.parametrize("context", ["padded", "clip"])
def test_a_pass_that_stops_after_the_head_s_layer_keeps_exactly_that_layer(model, clips, context):
    inputs = whisper_inputs(clips, model.feature_extractor, context)
    encoder = model.whisper.model.encoder
    with torch.inference_mode():
        _, full = run_whisper_encoder(encoder, inputs, CPU.device, CPU.dtype, layer=1)
        last, early = run_whisper_encoder(
            encoder, inputs, CPU.device, CPU.dtype, layer=1, to_the_end=False
        )
    assert last is None and early.shape == full.shape
    torch.testing.assert_close(early, full, atol=0, rtol=0)
    with pytest.raises(ValueError, match="the layer to stop after"):
        run_whisper_encoder(encoder, inputs, CPU.device, CPU.dtype, to_the_end=False)


def test_a_clip_s_context_is_its_frames_and_tail_in_whole_seconds(model, clips):
    inputs = whisper_inputs(clips, model.feature_extractor, "clip", tail_s=1.0)
    assert inputs.valid_frames == [int(np.ceil(len(c) / 320)) for c in clips]
    assert inputs.heard_frames == [
        min(1500, -(-(v + 50) // CONTEXT_STEP) * CONTEXT_STEP) for v in inputs.valid_frames
    ]
    longest = 2 * max(inputs.heard_frames)
    assert inputs.features.shape[-1] == longest
    for window, heard in enumerate(inputs.heard_frames):  # past its context: zeros
        assert torch.all(inputs.features[window, :, 2 * heard :] == 0)
        assert torch.any(inputs.features[window, :, 2 * heard - 1] != 0)
    group = select_windows(inputs, [2])
    assert group.features.shape[-1] == 2 * inputs.heard_frames[2] < longest
    with pytest.raises(ValueError, match="context must be one of"):
        whisper_inputs(clips, model.feature_extractor, "whole")


def test_a_clip_s_states_do_not_depend_on_its_batch(model, clips):
    inputs, together, together_layer = encoded(model, clips, "clip", tail_s=0.5, layer=1)
    for window, samples in enumerate(clips):
        alone_inputs, alone, alone_layer = encoded(model, [samples], "clip", 0.5, layer=1)
        valid = inputs.valid_frames[window]
        assert alone.shape[1] == alone_inputs.heard_frames[0]
        torch.testing.assert_close(together[window, :valid], alone[0, :valid], atol=2e-5, rtol=1e-4)
        torch.testing.assert_close(
            together_layer[window, :valid], alone_layer[0, :valid], atol=2e-5, rtol=1e-4
        )
    # ... and they are not the padded context's: the model must know which it learned.
    _, padded, _ = encoded(model, clips[2:], "padded")
    valid = inputs.valid_frames[2]
    assert not torch.allclose(padded[0, :valid], together[2, :valid], atol=1e-3)


def test_the_model_encodes_in_its_context_with_short_windows_grouped(tmp_path, clips):
    config = tiny_config(tmp_path, whisper_context="clip", whisper_tail_s=1.0)
    model = EmoReasoner(config, CPU)
    with torch.inference_mode():
        inputs, states = model.whisper_states([ClipInput(c) for c in clips], head_layer=1)
        assert inputs.context == "clip" and states.shape[1] == max(inputs.heard_frames)
        for window, samples in enumerate(clips):
            alone, single = model.whisper_states([ClipInput(samples)], head_layer=1)
            valid = inputs.valid_frames[window]
            torch.testing.assert_close(
                states[window, :valid], single[0, :valid], atol=2e-5, rtol=1e-4
            )
            torch.testing.assert_close(
                inputs.head_states[window, :valid],
                alone.head_states[0, :valid],
                atol=2e-5,
                rtol=1e-4,
            )
        padded = EmoReasoner(tiny_config(tmp_path / "p"), CPU)
        assert padded.whisper_states([ClipInput(clips[0])])[1].shape[1] == 1500


def test_configs_name_a_known_context_and_old_ones_read_as_padded(tmp_path):
    config = tiny_config(tmp_path)
    data = config.to_dict()
    del data["whisper_context"], data["whisper_tail_s"]  # a config written before them
    assert EmoReasonerConfig.from_dict(data).whisper_context == "padded"
    with pytest.raises(ValueError, match="whisper_context must be one of"):
        EmoReasonerConfig.from_dict({**data, "whisper_context": "short"})
    with pytest.raises(ValueError, match="whisper_tail_s"):
        EmoReasonerConfig.from_dict({**data, "whisper_tail_s": -1.0})


def test_feature_caches_keep_padded_keys_and_tell_contexts_apart(tmp_path):
    from train.features import whisper_context_key

    padded = tiny_config(tmp_path)
    assert whisper_context_key(padded) == []  # caches written before contexts stay valid
    clip = tiny_config(tmp_path / "c", whisper_context="clip", whisper_tail_s=1.0)
    other = tiny_config(tmp_path / "o", whisper_context="clip", whisper_tail_s=2.0)
    assert whisper_context_key(clip) != whisper_context_key(other) != []


@pytest.mark.real_data
def test_asr_decodes_padded_states_whatever_context_the_model_encoded_in(asterisk_dir):
    """Whisper's decoder loops on shorter states ("added added added ..."), so clip-context
    states are never decoded: the transcriber encodes the clips again, padded."""
    from model_core.asr import Transcriber
    from model_core.audio import load_audio

    transcriber = Transcriber.from_source("whisper-tiny.en", CPU)
    clips = [
        load_audio(asterisk_dir / f"{name}.wav").for_model for name in ("added", "auth-thankyou")
    ]
    padded = [t.text for t in transcriber.transcribe(clips)]
    assert [text.strip(" .").lower() for text in padded] == ["added", "thank you"]
    inputs = whisper_inputs(clips, transcriber.feature_extractor, "clip", 1.0)
    with torch.inference_mode():
        states, _ = run_whisper_encoder(
            transcriber.model.model.encoder, inputs, CPU.device, CPU.dtype
        )
    assert [t.text for t in transcriber.transcribe(clips, (inputs, states))] == padded
