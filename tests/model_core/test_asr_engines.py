"""Which ASR engine transcribes, and the CTranslate2 engine against the PyTorch one."""

from __future__ import annotations

import json

import numpy as np
import pytest

from model_core.asr_engines import (
    ENGINE_ENV,
    AsrEngineError,
    chosen_engine,
    transcriber_for,
)
from model_core.devices import pick_placement
from model_core.model.reasoner import EmoReasoner
from model_core.weights.sources import PACKAGED, ctranslate2_folder
from tests.helpers.tiny_models import tiny_config

CPU = pick_placement("cpu")


def test_the_engine_comes_from_the_caller_then_the_environment(monkeypatch):
    monkeypatch.delenv(ENGINE_ENV, raising=False)
    assert chosen_engine() == "auto"
    monkeypatch.setenv(ENGINE_ENV, "Torch")
    assert chosen_engine() == "torch"
    assert chosen_engine("ctranslate2") == "ctranslate2"
    with pytest.raises(AsrEngineError, match="one of auto, ctranslate2, torch, not 'whisperx'"):
        chosen_engine("whisperx")


def test_a_ctranslate2_folder_is_recognised_and_a_pickle_named_model_bin_is_not(tmp_path):
    assert ctranslate2_folder("whisper-tiny.en") == PACKAGED["whisper-tiny.en"].source_path()
    folder = tmp_path / "whisper"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"alignment_heads": [[1, 0]]}))
    (folder / "model.bin").write_bytes(b"\x80\x02}q\x00.")  # a PyTorch pickle's first bytes
    assert ctranslate2_folder(folder) is None
    (folder / "model.bin").write_bytes((6).to_bytes(4, "little") + b"\x00" * 16)
    assert ctranslate2_folder(folder) == folder
    (folder / "config.json").write_text(json.dumps({"alignment_heads": None}))
    assert ctranslate2_folder(folder) is None  # no word times without the heads
    assert ctranslate2_folder("openai/whisper-tiny.en") is None  # a hub id: transformers


@pytest.fixture(scope="module")
def transformers_whisper(tmp_path_factory):
    """A model whose Whisper is a transformers folder (the packaged one, converted)."""
    from model_core.weights import resolve_source

    folder = str(resolve_source("whisper-tiny.en"))
    config = tiny_config(
        tmp_path_factory.mktemp("tiny"), speech_encoder=folder, speech_encoder_config=None
    )
    return EmoReasoner(config, CPU)


def test_a_transformers_whisper_falls_back_to_torch_unless_ctranslate2_is_demanded(
    transformers_whisper,
):
    assert transcriber_for(transformers_whisper).engine == "torch"
    assert transcriber_for(transformers_whisper, "torch").engine == "torch"
    with pytest.raises(AsrEngineError, match="not a CTranslate2 Whisper model"):
        transcriber_for(transformers_whisper, "ctranslate2")


def test_a_missing_ctranslate2_package_is_named_with_its_install_command(
    transformers_whisper, monkeypatch
):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "ctranslate2" else real(name, *a),
    )
    with pytest.raises(AsrEngineError, match=r"pip install ctranslate2==4\.8\.5"):
        transcriber_for(transformers_whisper, "ctranslate2")


@pytest.mark.slow
@pytest.mark.real_data
def test_the_packaged_whisper_transcribes_through_ctranslate2_by_default(tmp_path, monkeypatch):
    """The default path must be CTranslate2: this fails if the package is missing from
    the install or the packaged folder stops being a CTranslate2 model."""
    monkeypatch.delenv(ENGINE_ENV, raising=False)
    config = tiny_config(tmp_path, speech_encoder="whisper-tiny.en", speech_encoder_config=None)
    transcriber = transcriber_for(EmoReasoner(config, CPU))
    assert transcriber.engine == "ctranslate2"
    assert transcriber.compute_type == "int8"


@pytest.mark.slow
@pytest.mark.real_data
def test_both_engines_write_the_same_words_at_the_same_times_on_real_clips(asterisk_files):
    """CTranslate2 (int8) against PyTorch (float32), each clip in its own windows:
    the same words, starting within 60 ms of each other on average (PyTorch's first word
    has no end of its own, so its second word's start is left out)."""
    from model_core.asr import Transcriber
    from model_core.asr_ct2 import CTranslate2Transcriber
    from model_core.audio import load_audio

    clips = [load_audio(path).for_model for path in asterisk_files]
    fast = CTranslate2Transcriber(ctranslate2_folder("whisper-tiny.en"), CPU).transcribe(clips)
    slow = Transcriber.from_source("whisper-tiny.en", CPU).transcribe(clips)
    same_text = [a.text == b.text for a, b in zip(fast, slow, strict=True)]
    assert sum(same_text) >= len(clips) - 1, [
        (a.text, b.text) for a, b in zip(fast, slow, strict=True)
    ]
    gaps = [
        abs(x.start - y.start)
        for a, b, same in zip(fast, slow, same_text, strict=True)
        if same
        for x, y in list(zip(a.words, b.words, strict=True))[2:]
    ]
    assert gaps and np.mean(gaps) < 0.06, np.mean(gaps)
    for transcript in fast:
        assert transcript.avg_logprob is not None and transcript.avg_logprob < 0
        assert transcript.no_speech_prob is not None and 0 <= transcript.no_speech_prob < 0.5
        assert all(0 < w.probability <= 1 for w in transcript.words)
        assert all(
            a.start <= a.end <= b.start + 1e-6
            for a, b in zip(transcript.words, transcript.words[1:], strict=False)
        )


@pytest.mark.slow
@pytest.mark.real_data
def test_a_clips_transcript_does_not_depend_on_the_clips_batched_with_it(asterisk_files):
    from model_core.asr_ct2 import CTranslate2Transcriber
    from model_core.audio import load_audio

    clips = [load_audio(path).for_model for path in asterisk_files]
    transcriber = CTranslate2Transcriber(ctranslate2_folder("whisper-tiny.en"), CPU)
    together = transcriber.transcribe(clips)
    alone = [transcriber.transcribe([c])[0] for c in clips[:3]]
    assert [t.to_dict() for t in together[:3]] == [t.to_dict() for t in alone]
