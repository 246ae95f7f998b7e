"""Utterances in an import (``emostudio import --segments``): cut a recording, analyse each.

The whole recording keeps its cues-only analysis; its utterances' model analyses are
committed with it in one transaction, so a killed import stores a recording with all its
utterances or not at all, and a rerun redoes only the recordings not stored.
"""

from __future__ import annotations

from collections.abc import Callable

from model_core.cues import SpeakerBaseline
from model_core.result import AnalysisResult


class Cutter:
    """Cuts a recording into utterances and analyses each (``import --segments``)."""

    def __init__(self, analyzer, transcribe: bool, batch: int, asr: str = "stretch"):
        from model_core.segments import SegmentSettings, VoiceActivity

        self.analyzer, self.transcribe, self.batch = analyzer, transcribe, batch
        self.asr = asr
        self.vad, self.settings = VoiceActivity(), SegmentSettings()

    def utterances(
        self,
        recording,
        baseline: SpeakerBaseline | None,
        path: str,
        note: Callable[[str], None],
        cancelled: Callable[[], bool] | None,
    ) -> tuple[dict, list[AnalysisResult]]:
        """How ``recording`` was cut (:meth:`Segmentation.describe`) and the analyses of its
        utterances, read against ``baseline`` (the speaker's) or, without one, against the
        recording's own utterances. The cut is stored even when it found no utterance, so
        that a rerun does not cut the recording again."""
        from model_core.segments import segment
        from model_core.utterances import Reading, analyze_utterances, own_reading

        cut = segment(recording.for_model, self.settings, self.vad, cancelled=cancelled)
        reading = (
            Reading(baseline) if baseline else own_reading(self.analyzer, recording, cut.utterances)
        )
        return cut.describe(), list(
            analyze_utterances(
                self.analyzer,
                recording,
                cut,
                reading,
                transcribe=self.transcribe,
                batch=self.batch,
                asr=self.asr,
                progress=lambda done, total: note(f"{path}: {done}/{total} utterances"),
                cancelled=cancelled,
            )
        )
