"""The per-utterance loop (model_core.utterances) with a stand-in analyzer."""

from __future__ import annotations

import numpy as np
import pytest

from model_core.audio import recording_from_array
from model_core.result import AnalysisResult
from model_core.segments import Segmentation, SegmentSettings
from model_core.utterances import Reading, UtterancesCancelled, analyze_utterances


class CountingAnalyzer:
    """Answers each clip with its span; remembers the batches it was given."""

    def __init__(self):
        self.batches: list[list[tuple[float, float]]] = []

    def analyze(self, clips, *, rationale, transcribe, on_stage=None, known_transcripts=None):
        self.batches.append([(c.start, c.end) for c in clips])
        return [
            AnalysisResult(None, "x", 20.0, 16_000, c.start, c.end, label="neutral") for c in clips
        ]


def cut_of(spans):
    return Segmentation(spans, SegmentSettings(), 20.0, version="6.2.3")


def test_utterances_are_analysed_in_batches_and_carry_their_place():
    recording = recording_from_array(np.zeros(16_000 * 20, dtype=np.float32), 16_000)
    spans = [(float(i), i + 0.8) for i in range(0, 10, 2)]
    analyzer, seen = CountingAnalyzer(), []
    results = list(
        analyze_utterances(
            analyzer,
            recording,
            cut_of(spans),
            batch=2,
            transcribe=False,
            progress=lambda d, t: seen.append((d, t)),
        )
    )
    assert [len(b) for b in analyzer.batches] == [2, 2, 1]  # never more than a batch at once
    assert [(r.start, r.end) for r in results] == spans
    assert [r.utterance["number"] for r in results] == [1, 2, 3, 4, 5]
    assert {r.utterance["of"] for r in results} == {5}
    assert results[0].utterance["segmentation"]["settings"]["min_pause_s"] == 0.5
    assert seen == [(2, 5), (4, 5), (5, 5)]


def test_only_the_asked_utterances_and_a_cancel_keeps_what_was_done():
    recording = recording_from_array(np.zeros(16_000 * 20, dtype=np.float32), 16_000)
    spans = [(float(i), i + 0.8) for i in range(0, 10, 2)]
    analyzer = CountingAnalyzer()
    some = list(
        analyze_utterances(analyzer, recording, cut_of(spans), numbers=[2, 5], transcribe=False)
    )
    assert [r.utterance["number"] for r in some] == [2, 5] and some[1].start == 8.0
    calls = iter([False, True])
    done = []
    with pytest.raises(UtterancesCancelled, match="after 2 of 5"):
        for result in analyze_utterances(
            analyzer,
            recording,
            cut_of(spans),
            Reading(),
            batch=2,
            transcribe=False,
            cancelled=lambda: next(calls),
        ):
            done.append(result)
    assert len(done) == 2


class StretchTranscriber:
    """Hears fixed words (times on the stretch's axis) in whatever stretch it is given."""

    def __init__(self, words):
        self.words, self.stretches = words, []

    def transcribe(self, clips):
        from model_core.asr import Transcript, Word

        self.stretches.append(len(clips[0]) / 16_000)
        words = [Word(text, a, b, 0.9) for text, a, b in self.words]
        return [Transcript(" ".join(w.text for w in words), words, -0.3, 0.01)]


class HearingAnalyzer(CountingAnalyzer):
    def __init__(self, words):
        super().__init__()
        self.transcriber = StretchTranscriber(words)
        self.given = []

    def english_check(self):
        return None

    def analyze(self, clips, *, rationale, transcribe, on_stage=None, known_transcripts=None):
        self.given.append(known_transcripts)
        return super().analyze(clips, rationale=rationale, transcribe=transcribe)


def test_consecutive_utterances_are_transcribed_once_and_each_word_goes_to_its_utterance():
    recording = recording_from_array(np.zeros(16_000 * 20, dtype=np.float32), 16_000)
    spans = [(1.0, 2.0), (3.0, 4.5), (6.0, 7.0)]
    # The stretch joins the utterances with 1 s of silence: they lie at 0-1, 2-3.5 and
    # 4.5-5.5 s of it. "key." runs across the pause into the second (the aligner's way) and
    # is cut back at its sentence end; "gap" lies in the pause, nearer the second; "two"
    # overlaps only the second; "far" lies after the last.
    words = [
        ("in", 0.1, 0.4),
        ("key.", 0.8, 2.9),
        ("gap", 1.5, 1.8),
        ("two", 3.3, 3.7),
        ("far", 5.8, 6.1),
    ]
    analyzer = HearingAnalyzer(words)
    results = list(analyze_utterances(analyzer, recording, cut_of(spans), batch=8))
    assert analyzer.transcriber.stretches == [5.5]  # one decode: 3.5 s of speech, 2 pauses
    (given,) = analyzer.given
    texts = [transcript.text for transcript, _ in given]
    assert texts == ["in key.", "gap two", "far"]
    assert [w.start for w in given[1][0].words] == [2.5, 4.3]  # on the recording's axis
    # cut to twice the median word (0.3 s): 0.8-1.4 s of the stretch, 1.8-2.4 s of the file
    assert (given[0][0].words[1].start, given[0][0].words[1].end) == (1.8, 2.4)
    assert all(t.avg_logprob == -0.3 and english is None for t, english in given)
    assert "asr" in results[0].timings and "language" in results[0].timings
    only = HearingAnalyzer(words)  # not consecutive: each utterance transcribed by analyze
    list(analyze_utterances(only, recording, cut_of(spans), numbers=[1, 3]))
    assert only.given == [None] and only.transcriber.stretches == []


class LoopingTranscriber(StretchTranscriber):
    """Loops on a long stretch; hears one word in a short clip."""

    def transcribe(self, clips):
        from model_core.asr import Transcript, Word

        self.stretches += [len(c) / 16_000 for c in clips]
        if len(clips) == 1 and len(clips[0]) > 3 * 16_000:
            said = ["the", "train", "leaves", "at", "nine", "the", "train", "leaves", "at", "nine"]
            words = [Word(w, 0.1 + 0.12 * i, 0.2 + 0.12 * i, 0.9) for i, w in enumerate(said)]
            return [Transcript(" ".join(said), words, -0.2, 0.0)]
        return [Transcript("alone", [Word("alone", 0.05, 0.3, 0.8)], -0.5, 0.1) for _ in clips]


def test_a_stretch_whisper_loops_on_is_decoded_utterance_by_utterance():
    recording = recording_from_array(np.zeros(16_000 * 20, dtype=np.float32), 16_000)
    spans = [(1.0, 2.5), (3.0, 4.5)]
    analyzer = HearingAnalyzer([])
    analyzer.transcriber = LoopingTranscriber([])
    list(analyze_utterances(analyzer, recording, cut_of(spans), batch=8))
    assert analyzer.transcriber.stretches == [4.0, 1.5, 1.5]  # the stretch, then each alone
    (given,) = analyzer.given
    assert [t.text for t, _ in given] == ["alone", "alone"]
    assert [t.words[0].start for t, _ in given] == [1.05, 3.05]
    assert {t.avg_logprob for t, _ in given} == {-0.5}  # each clip's own decoder signals


def test_utterances_can_be_transcribed_each_alone_and_other_modes_are_refused():
    recording = recording_from_array(np.zeros(16_000 * 20, dtype=np.float32), 16_000)
    spans = [(1.0, 2.0), (3.0, 4.5)]
    analyzer = HearingAnalyzer([("in", 0.1, 0.4)])
    list(analyze_utterances(analyzer, recording, cut_of(spans), asr="alone"))
    assert analyzer.given == [None] and analyzer.transcriber.stretches == []
    with pytest.raises(ValueError, match="stretch, alone"):
        list(analyze_utterances(analyzer, recording, cut_of(spans), asr="packed"))
