"""Short clips decoded together in shared Whisper windows (model_core.asr_packing)."""

from __future__ import annotations

import jiwer
import numpy as np
import pytest

from model_core.asr_packing import PACK_GAP_S, Pack, owner_of, packed_audio, plan_packs
from model_core.devices import pick_placement

CPU = pick_placement("cpu")


def test_consecutive_clips_fill_a_window_with_a_gap_between_them():
    packs = plan_packs([3.0, 3.0, 3.0, 20.0, 5.0, 40.0, 1.0], window_s=29.0, gap_s=1.0)
    assert [p.members for p in packs] == [(0, 1, 2), (3, 4), (5,), (6,)]
    assert packs[0].offsets == (0.0, 4.0, 8.0)
    assert packs[1].offsets == (0.0, 21.0)  # 20 + 1 + 5 = 26 s fits; the 40-s clip cannot
    assert all(p.offsets[0] == 0.0 for p in packs)


def test_a_pack_never_runs_past_its_window():
    durations = list(np.random.default_rng(3).uniform(0.2, 9.0, size=200))
    packs = plan_packs(durations, window_s=29.0, gap_s=PACK_GAP_S)
    assert [m for p in packs for m in p.members] == list(range(200))  # each once, in order
    for p in packs:
        end = p.offsets[-1] + durations[p.members[-1]]
        assert len(p.members) == 1 or end <= 29.0 + 1e-9
        for position in range(1, len(p.members)):
            before = p.members[position - 1]
            assert p.members[position] == before + 1
            expected = p.offsets[position - 1] + durations[before] + PACK_GAP_S
            assert p.offsets[position] == pytest.approx(expected)


def test_packed_audio_holds_each_clip_at_its_offset_and_silence_between():
    clips = [np.full(16, 0.5, np.float32), np.full(8, -0.25, np.float32)]
    pack = Pack((0, 1), (0.0, 2.0))
    audio = packed_audio(clips, pack, rate=16)
    assert audio.dtype == np.float32 and len(audio) == 40
    assert (audio[:16] == 0.5).all() and (audio[16:32] == 0).all() and (audio[32:] == -0.25).all()


def test_a_word_goes_to_the_clip_whose_span_and_half_gaps_hold_its_start():
    pack = Pack((4, 5, 6), (0.0, 3.0, 6.0))
    durations = {4: 2.0, 5: 2.0, 6: 1.0}
    assert [owner_of(t, pack, durations) for t in (0.0, 1.9, 2.49, 2.51, 5.4, 5.6, 9.0)] == [
        0,
        0,
        0,
        1,
        1,
        2,
        2,
    ]


@pytest.fixture(scope="module")
def transcriber():
    from model_core.asr import Transcriber

    return Transcriber.from_source("whisper-tiny.en", CPU)


@pytest.mark.real_data
@pytest.mark.slow
def test_packed_prompts_read_as_well_as_padded_ones_with_words_on_each_clip(
    transcriber, asterisk_dir, asterisk_transcripts
):
    from model_core.asr import normalize_for_wer
    from model_core.audio import load_audio

    names = sorted(asterisk_transcripts)[::17][:24]
    clips = [load_audio(asterisk_dir / f"{name}.wav").for_model for name in names]
    references = [normalize_for_wer(asterisk_transcripts[n]) for n in names]
    packed = transcriber.transcribe(clips)
    padded = transcriber.transcribe(clips, pack=False)
    assert len(plan_packs([len(c) / 16000 for c in clips])) < len(clips) / 3
    wer = {
        name: jiwer.wer(references, [normalize_for_wer(t.text) for t in results])
        for name, results in (("packed", packed), ("padded", padded))
    }
    assert wer["packed"] <= wer["padded"] + 0.02, wer
    for clip, transcript in zip(clips, packed, strict=True):
        duration = len(clip) / 16000
        assert all(0 <= w.start <= w.end <= duration for w in transcript.words)
        assert transcript.no_speech_prob is None  # the window's speaks of its neighbours
        if transcript.words:
            assert -1.0 < transcript.avg_logprob < 0


@pytest.mark.real_data
@pytest.mark.slow
def test_a_clip_alone_in_its_pack_is_transcribed_exactly_as_unpacked(transcriber, asterisk_dir):
    from model_core.audio import load_audio

    clip = load_audio(asterisk_dir / "agent-loginok.wav").for_model
    (packed,) = transcriber.transcribe([clip])
    (padded,) = transcriber.transcribe([clip], pack=False)
    assert packed == padded and packed.words and packed.no_speech_prob is not None


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
    from emostudio.bench.acoustics import real_speech
    from model_core.asr import token_cap
    from model_core.reliability import assess

    speech = real_speech(8 * 3.0 / 60, asterisk_dir)
    clip = speech[4 * 48000 : 5 * 48000]
    (transcript,) = transcriber.transcribe([clip], pack=False)
    tokens = len(transcriber.tokenizer(" " + transcript.text)["input_ids"])
    # Cut at the cap, not ended (the text re-tokenised differs by a few tokens).
    assert abs(tokens - token_cap(3.0)) <= 8, transcript.text
    verdict = assess(transcript.text, transcript.avg_logprob, transcript.no_speech_prob, 3.0)
    assert not verdict.reliable and any("repeat" in r or "loop" in r for r in verdict.reasons)
