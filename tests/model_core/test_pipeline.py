"""The analysis pipeline with the real Whisper and a tiny random LLM."""

from __future__ import annotations

import json

import numpy as np
import pytest

from model_core.audio import load_audio, recording_from_array
from model_core.devices import pick_placement
from model_core.model.reasoner import EmoReasoner
from model_core.pipeline import Analyzer, Clip
from model_core.result import AnalysisResult
from tests.helpers.signals import silence
from tests.helpers.tiny_models import tiny_config

pytestmark = pytest.mark.real_data
JSON_FIELDS = {
    "file",
    "label",
    "probabilities",
    "transcript",
    "words",
    "rationale",
    "citations",
    "cues",
    "model",
    "timings",
}


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory):
    config = tiny_config(
        tmp_path_factory.mktemp("tiny"),
        speech_encoder="whisper-tiny.en",
        speech_encoder_config=None,
    )
    return Analyzer(EmoReasoner(config, pick_placement("cpu")))


def test_result_holds_everything_and_round_trips_as_json(analyzer, asterisk_files):
    (result,) = analyzer.analyze([Clip(load_audio(asterisk_files[0]))])
    data = json.loads(result.to_json())
    assert set(data) >= JSON_FIELDS
    assert AnalysisResult.from_dict(data) == result
    assert "agent" in result.transcript.lower()
    assert result.words and all(
        0 <= w["start"] <= w["end"] <= result.duration + 1e-6 for w in result.words
    )
    assert set(result.probabilities) == set(analyzer.model.config.labels)
    assert sum(result.probabilities.values()) == pytest.approx(1.0, abs=1e-4)
    assert result.label == max(result.probabilities, key=result.probabilities.get)
    assert result.note and "UNTRAINED" in result.note  # a random model never reads as a finding
    assert result.cues["descriptor"]
    assert {"acoustics", "asr", "encoders", "scoring", "generation"} <= set(result.timings)


def test_a_batch_equals_its_clips_one_by_one(analyzer, asterisk_files):
    clips = [Clip(load_audio(path)) for path in asterisk_files[:3]]
    together = analyzer.analyze(clips, rationale=False)
    for clip, batched in zip(clips, together, strict=True):
        (alone,) = analyzer.analyze([clip], rationale=False)
        assert alone.transcript == batched.transcript
        np.testing.assert_allclose(
            list(alone.probabilities.values()), list(batched.probabilities.values()), atol=1e-4
        )


def test_selection_keeps_the_recording_time_axis(analyzer, asterisk_dir):
    recording = load_audio(asterisk_dir / "basic-pbx-ivr-main.wav")
    (result,) = analyzer.analyze([Clip(recording, 10.0, 16.0)], rationale=False)
    assert result.start == pytest.approx(10.0) and result.end == pytest.approx(16.0)
    assert all(10.0 - 1e-6 <= w["start"] <= 16.0 + 1e-6 for w in result.words)


def test_silence_is_not_transcribed(analyzer):
    recording = recording_from_array(silence(2.0), 16000)
    (result,) = analyzer.analyze([Clip(recording)], rationale=False)
    assert result.transcript == "" and result.words == []
    assert any("no voiced speech" in w for w in result.warnings)


def test_citations_check_the_rationale_against_transcript_and_cues(
    analyzer, asterisk_files, monkeypatch
):
    rationale = 'She says "already logged on" with a monotone pitch, not "we are doomed".'
    monkeypatch.setattr(analyzer.model, "generate", lambda *args, **kwargs: [rationale])
    monkeypatch.setattr(analyzer, "rationale_policy", "model")  # the draft, whatever it says
    (result,) = analyzer.analyze([Clip(load_audio(asterisk_files[0]))])
    # the draft as written, after an "Unsure: ..." lead when the label is unsure (the tiny
    # model's random label may be one no measured cue speaks for)
    assert result.rationale.endswith(rationale)
    assert result.rationale == rationale or result.unsure
    assert result.rationale_review["source"] == "model"
    assert 'word: "we are doomed": not in the transcript' in result.rationale_review["problems"]
    claims = {c["claim"]: c for c in result.citations}
    found = claims['word: "already logged on"']
    assert found["verdict"] == "supported"
    (span,) = found["spans"]
    said = [w for w in result.words if span[0] <= w["start"] < span[1]]
    assert [w["word"].strip(".") for w in said] == ["already", "logged", "on"]
    assert claims['word: "we are doomed"']["verdict"] == "not found"
    monotone = claims["pitch range: monotone"]
    range_level = result.cues["cues"]["f0_range"]["level"]
    assert monotone["verdict"] == (
        "supported" if range_level in ("low", "very low") else "contradicted"
    )


def test_a_draft_the_review_rejects_is_replaced_and_kept(analyzer, asterisk_files, monkeypatch):
    draft = 'She says "we are doomed".'
    monkeypatch.setattr(analyzer.model, "generate", lambda *args, **kwargs: [draft])
    (result,) = analyzer.analyze([Clip(load_audio(asterisk_files[0]))])
    review = result.rationale_review
    assert review["source"] == "composer" and review["draft"] == draft
    assert 'word: "we are doomed": not in the transcript' in review["problems"]
    assert result.rationale and result.rationale != draft
    assert result.label in result.rationale
    assert all(c["verdict"] == "supported" for c in result.citations)
    assert not any(c["inconsistent"] for c in result.citations)


def test_the_composer_policy_does_not_run_the_llm(analyzer, asterisk_files, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the LLM generated under the composer policy")

    monkeypatch.setattr(analyzer.model, "generate", refuse)
    monkeypatch.setattr(analyzer, "rationale_policy", "composer")
    (result,) = analyzer.analyze([Clip(load_audio(asterisk_files[0]))])
    assert result.rationale_review == {"source": "composer", "draft": "", "problems": []}
    assert result.rationale and "generation" not in result.timings


def test_an_unknown_rationale_policy_is_refused(analyzer):
    with pytest.raises(ValueError, match="rationale_policy"):
        Analyzer(analyzer.model, rationale_policy="best")


def test_without_a_transcript_asr_never_runs(analyzer, asterisk_files, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("ASR ran although no transcript was asked for")

    monkeypatch.setattr(analyzer.transcriber, "transcribe", refuse)
    (result,) = analyzer.analyze(
        [Clip(load_audio(asterisk_files[0]))], rationale=False, transcribe=False
    )
    assert result.transcript == "" and result.words == [] and "asr" not in result.timings
    assert any("not transcribed" in w for w in result.warnings)
    assert sum(result.probabilities.values()) == pytest.approx(1.0, abs=1e-4)  # rounded


def test_a_label_no_measured_cue_speaks_for_is_unsure(analyzer, asterisk_files, monkeypatch):
    from model_core.rationale import compose

    monkeypatch.setattr(compose, "supported_by_cues", lambda label, cues: False)
    monkeypatch.setattr("model_core.pipeline.supported_by_cues", lambda label, cues: False)
    (result,) = analyzer.analyze([Clip(load_audio(asterisk_files[0]))], rationale=False)
    assert result.unsure
    assert result.uncertainty["reasons"] == [f"no measured cue speaks for {result.label}"]


@pytest.mark.real_data
def test_the_language_check_flags_invented_english(analyzer, asterisk_files, tmp_path):
    import shutil
    import subprocess

    checked = Analyzer(analyzer.model, language_check=True)
    assert not analyzer.language_check  # an untrained model's analyzer skips it by default
    text = "Bugün çok mutluyum çünkü arkadaşlarım geliyor ve birlikte yemek yiyeceğiz"
    turkish = tmp_path / "tr.wav"
    subprocess.run([shutil.which("espeak-ng"), "-v", "tr", "-w", str(turkish), text], check=True)
    english, foreign = checked.analyze(
        [Clip(load_audio(asterisk_files[0])), Clip(load_audio(turkish))], rationale=False
    )
    assert english.transcript_reliability["english_probability"] > 0.6
    assert english.transcript_reliability["reliable"] and "language" in english.timings
    assert foreign.transcript  # tiny.en wrote English words for it ...
    assert not foreign.transcript_reliability["reliable"]  # ... which are not evidence
    assert any("does not sound like English" in w for w in foreign.warnings)
