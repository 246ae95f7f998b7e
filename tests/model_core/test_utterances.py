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

    def analyze(self, clips, *, rationale, transcribe, on_stage=None):
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
            analyzer, recording, cut_of(spans), batch=2, progress=lambda d, t: seen.append((d, t))
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
    some = list(analyze_utterances(analyzer, recording, cut_of(spans), numbers=[2, 5]))
    assert [r.utterance["number"] for r in some] == [2, 5] and some[1].start == 8.0
    calls = iter([False, True])
    done = []
    with pytest.raises(UtterancesCancelled, match="after 2 of 5"):
        for result in analyze_utterances(
            analyzer, recording, cut_of(spans), Reading(), batch=2, cancelled=lambda: next(calls)
        ):
            done.append(result)
    assert len(done) == 2
