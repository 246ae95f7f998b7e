"""Whisper's decoder is capped by each window's length (model_core.asr.token_cap)."""

from __future__ import annotations

import pytest

from model_core.devices import pick_placement

CPU = pick_placement("cpu")


@pytest.fixture(scope="module", params=["torch", "ctranslate2"])
def transcriber(request):
    """Both engines: each must stop a looping window at the cap."""
    from model_core.asr import Transcriber

    torch_path = Transcriber.from_source("whisper-tiny.en", CPU)
    if request.param == "torch":
        return torch_path
    from model_core.asr_ct2 import CTranslate2Transcriber
    from model_core.weights.sources import ctranslate2_folder

    engine = CTranslate2Transcriber(ctranslate2_folder("whisper-tiny.en"), CPU)
    engine.tokenizer_for_count = torch_path.tokenizer
    return engine


def test_the_token_cap_grows_with_the_window_and_stops_at_whispers_limit():
    from model_core.asr import MAX_WINDOW_TOKENS, token_cap

    assert token_cap(0.0) == 16 and token_cap(3.0) == 52
    assert token_cap(30.0) == 376 and token_cap(60.0) == MAX_WINDOW_TOKENS
    # Twice the fastest speech: a 3-s clip of 5 words/s at 1.3 tokens a word needs 20.
    assert token_cap(3.0) >= 2 * 5 * 1.3 * 3.0


@pytest.mark.real_data
@pytest.mark.slow
def test_a_window_whisper_loops_on_stops_at_the_cap_and_reads_as_unreliable(
    transcriber, asterisk_dir
):
    """The fifth 3-s stretch of the asterisk prompts read end to end, cut mid-word: padded,
    Whisper writes "Agent-Log-Doff" over and over, to its 448-token limit without a cap."""
    from benchmarks.acoustics import real_speech
    from model_core.asr import token_cap
    from model_core.reliability import assess

    speech = real_speech(8 * 3.0 / 60, asterisk_dir)
    clip = speech[4 * 48000 : 5 * 48000]
    (transcript,) = transcriber.transcribe([clip])
    count = getattr(transcriber, "tokenizer_for_count", getattr(transcriber, "tokenizer", None))
    tokens = len(count(" " + transcript.text)["input_ids"])
    # Cut at the cap, never past it (the text re-tokenised differs by a few tokens; the
    # CTranslate2 path's greedy pieces re-tokenise into fewer).
    assert tokens <= token_cap(3.0) + 8, transcript.text
    if transcriber.engine == "torch":
        assert abs(tokens - token_cap(3.0)) <= 8, transcript.text
    verdict = assess(transcript.text, transcript.avg_logprob, transcript.no_speech_prob, 3.0)
    assert not verdict.reliable and any("repeat" in r or "loop" in r for r in verdict.reasons)
