"""Transcript reliability: the decoder's own doubts, the words per voiced second and
language identification say when Whisper tiny.en wrote English for speech it could not
understand."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from model_core.audio import load_audio, recording_from_array
from model_core.cues import analyze_clip
from model_core.reliability import (
    COMPRESSION_RATIO_THRESHOLD,
    LOGPROB_THRESHOLD,
    Reliability,
    assess,
    compression_ratio,
)
from tests.conftest import require_path

# The same meaning in other languages (espeak-ng voices): tiny.en can only guess at them.
FOREIGN = {
    "ur": "میں آج بہت خوش ہوں کیونکہ میرے دوست آ رہے ہیں اور ہم مل کر کھانا کھائیں گے",
    "de": "Ich bin heute sehr glücklich, weil meine Freunde kommen und wir zusammen essen werden",
    "es": "Estoy muy feliz hoy porque mis amigos vienen y vamos a comer juntos",
    "zh": "我今天很高兴因为我的朋友们要来我们会一起吃饭",
}


def test_a_confident_plain_transcript_is_reliable():
    verdict = assess("Please enter your password.", -0.12, 0.01, voiced_seconds=1.2)
    assert verdict.reliable and verdict.reasons == []
    assert verdict.words_per_voiced_second is None  # too little voiced speech to judge a rate


def test_each_doubt_is_named():
    unsure = assess("I love you.", LOGPROB_THRESHOLD - 0.2, 0.1, voiced_seconds=1.0)
    assert not unsure.reliable and "unsure of its words" in unsure.reasons[0]
    silent = assess("Thank you.", -0.3, 0.9, voiced_seconds=0.0)
    assert silent.reasons == ["the recogniser heard no speech (P 0.90) yet wrote words"]
    looping = assess("1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1", -0.2, 0.1, 8.0)
    assert any("repeats itself" in r for r in looping.reasons)
    sparse = assess("I love", -0.5, 0.1, voiced_seconds=10.0)
    assert sparse.reasons == [
        "only 2 word(s) for 10.0 s of voiced speech: most of it was not transcribed (another "
        "language?)"
    ]
    assert not assess(
        "a b c d e f g h i j k l m n o p q r s t u v w x y z", -0.2, 0.1, 1.5
    ).reliable


def test_speech_that_is_not_english_makes_a_confident_transcript_unreliable():
    turkish = assess("Soft.", -0.69, 0.06, 0.18, [0.5], english_probability=0.03)
    assert (
        not turkish.reliable
        and "does not sound like English (P(English) 0.03" in (turkish.reasons[0])
    )
    assert turkish.english_probability == 0.03
    english = assess("Percent.", -0.92, 0.03, 0.5, [0.42], english_probability=0.97)
    assert english.reliable and english.low_probability_share == 1.0  # reported, not a check
    assert assess("", None, 0.1, 0.0, english_probability=0.0).reliable  # no words to doubt


def test_a_stored_reliability_without_the_newer_signals_still_loads():
    old = {"avg_logprob": -0.2, "no_speech_prob": 0.01, "compression_ratio": 1.1}
    loaded = Reliability.from_dict({**old, "words_per_voiced_second": None, "reliable": True})
    assert loaded.reliable and loaded.english_probability is None


def test_compression_ratio_is_whispers():
    assert compression_ratio("") is None
    assert compression_ratio("ab" * 200) > COMPRESSION_RATIO_THRESHOLD
    assert compression_ratio("Please enter your password followed by pound.") < 1.5


@pytest.fixture(scope="module")
def transcriber():
    from model_core.asr import Transcriber
    from model_core.devices import pick_placement

    return Transcriber.from_source("whisper-tiny.en", pick_placement("cpu"))


def judged(transcriber, recording):
    from model_core.clip_result import transcript_reliability
    from model_core.devices import pick_placement
    from model_core.language import english_probabilities, shared_check

    analysis, _ = analyze_clip(recording)
    (transcript,) = transcriber.transcribe([recording.for_model])
    check = shared_check(pick_placement("cpu"))
    (english,) = english_probabilities(check, [recording.for_model], [transcript.text])
    return transcript, transcript_reliability(transcript, analysis, english)


@pytest.mark.real_data
def test_english_prompts_are_reliable(transcriber, asterisk_files):
    for path in asterisk_files:
        transcript, verdict = judged(transcriber, load_audio(path))
        assert verdict.reliable, (path.name, transcript.text, verdict.reasons)
        assert verdict.english_probability > 0.6
        assert transcript.avg_logprob > LOGPROB_THRESHOLD
        # Each word carries the decoder's probability of it (mean over its tokens).
        assert all(0.0 < w.probability <= 1.0 for w in transcript.words)


@pytest.mark.real_data
def test_other_languages_and_noise_are_unreliable(transcriber, tmp_path):
    espeak = require_path(Path(shutil.which("espeak-ng") or "/usr/bin/espeak-ng"), "espeak-ng")
    for language, text in FOREIGN.items():
        path = tmp_path / f"{language}.wav"
        subprocess.run([str(espeak), "-v", language, "-w", str(path), text], check=True)
        transcript, verdict = judged(transcriber, load_audio(path))
        assert not verdict.reliable, (language, transcript.text)
    noise = np.random.default_rng(0).standard_normal(3 * 16000).astype(np.float32) * 0.1
    transcript, verdict = judged(transcriber, recording_from_array(noise, 16000))
    assert not transcript.text or not verdict.reliable, transcript.text
