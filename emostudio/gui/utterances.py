"""The utterances of the recording on screen: cut, analysed, stored, stepped through.

:class:`Utterances` asks the model thread to cut the recording and analyse each utterance
(label, probabilities, transcript), shows each on the emotion tier as it arrives, saves it
to the project at once (a closed app loses at most the utterance being analysed), loads a
stored recording's utterances, and puts one utterance's analysis on screen when it is
clicked or stepped to; its rationale is written then, on demand, if it has none. The
annotation form follows the analysis on screen, so a human judges each utterance apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from emostudio.gui import workers
from emostudio.gui.emotion_tier import TierInterval
from emostudio.gui.failure import Failure
from emostudio.store import Project
from model_core.result import AnalysisResult
from model_core.utterances import OWN_BASELINE


@dataclass
class Utterance:
    number: int
    start: float
    end: float
    result: AnalysisResult | None = None
    analysis_id: int | None = None

    def interval(self) -> TierInterval:
        result = self.result
        if result is None:
            return TierInterval(self.number, self.start, self.end)
        return TierInterval(
            self.number,
            self.start,
            self.end,
            result.label,
            dict(result.probabilities),
            result.unsure,
        )


class Utterances(QObject):
    changed = Signal(list)  # list[TierInterval], in time order
    current_changed = Signal(object)  # the Utterance on screen (None: none)
    running = Signal(bool)  # an analysis of the utterances started (True) or ended

    def __init__(self, session):
        super().__init__()
        self.session = session
        self.items: dict[int, Utterance] = {}
        self.place: dict | None = None  # how the cut on screen was made (Segmentation.describe)
        self.current: int | None = None
        self.request: int | None = None
        model = session.model
        model.utterances_cut.connect(self._cut)
        model.utterance_done.connect(self._done)
        model.utterances_finished.connect(self._finished)
        model.cancelled.connect(self._stopped)
        model.failed.connect(lambda _failure: self._stopped())
        session.recording_opened.connect(lambda _recording: self.clear())
        session.utterances_loaded.connect(self.load)
        session.analysis_ready.connect(self._analysis_ready)

    # ----------------------------------------------------------------- cutting
    def analyse(self) -> None:
        """Cut the recording on screen and analyse each utterance."""
        session = self.session
        if session.recording is None:
            session.error.emit("open or record something first")
            return
        # The chosen baseline, else the speaker's in the project, else the recording's own
        # utterances (None: the model thread builds it from them).
        speaker = session.speaker()
        stored = session.project.speaker(speaker) if session.project and speaker else None
        baseline = session.baseline or stored
        self.clear()
        self.request = session.model.analyze_utterances(
            session.recording, baseline, session.voice_recordings
        )
        session.busy.emit("finding the utterances...")
        self.running.emit(True)

    def _mine(self, request) -> bool:
        return request == self.request and not self.session.model.is_cancelled(request)

    def _cut(self, cut: dict, request) -> None:
        if not self._mine(request):
            return
        self.place = {k: v for k, v in cut.items() if k != "utterances"}
        self.items = {
            n: Utterance(n, span["start"], span["end"])
            for n, span in enumerate(cut["utterances"], 1)
        }
        if not self.items:
            self.session.error.emit("no speech found in this recording: nothing to analyse")
        self._emit()

    def _done(self, data: dict, request) -> None:
        if not self._mine(request):
            return
        result = AnalysisResult.from_dict(data)
        number = result.utterance["number"]
        self.items[number].result = result
        self._emit()
        self._save(result)

    def _finished(self, request) -> None:
        if request == self.request:
            self.request = None
            self.session.busy.emit("")
            self.running.emit(False)
            if self.current is None and self.items:
                self.select(1, explain=False)

    def _stopped(self) -> None:
        if self.request is not None and self.session.model.is_cancelled(self.request):
            self.request = None
            self.running.emit(False)
        elif self.request is not None:  # a failure of the model thread ends the run too
            self.request = None
            self.session.busy.emit("")
            self.running.emit(False)

    def _save(self, result: AnalysisResult) -> None:
        session = self.session
        if session.project is None or session.recording is None:
            return
        project_path, recording = session.project.path, session.recording
        tracks = list(session.tracks.values())

        def save(report, cancelled):
            with Project(project_path, actor="emostudio gui") as project:
                known = project.recording(recording.sha256) is not None
                project.add_recording(recording, tracks=[] if known else tracks)
                return project.add_analysis(recording.sha256, result)

        def saved(analysis_id: int) -> None:
            item = self.items.get(result.utterance["number"])
            if item is not None and item.result is result:
                item.analysis_id = analysis_id
                if self.current == item.number:
                    session.show(result, analysis_id)

        def not_saved(failure: Failure) -> None:
            session.error.emit(failure.within("an utterance's analysis could not be saved"))

        workers.start(save, done=saved, failed=not_saved)

    # ----------------------------------------------------------------- stored ones
    def load(self, rows: list) -> None:
        """Show a stored recording's utterances: ``rows`` of (analysis id, result)."""
        self.items = {}
        for analysis_id, result in rows:
            number = result.utterance["number"]
            self.items[number] = Utterance(number, result.start, result.end, result, analysis_id)
            self.place = result.utterance["segmentation"]
        self._emit()

    def clear(self) -> None:
        self.items, self.place, self.current = {}, None, None
        self._emit()
        self.current_changed.emit(None)

    def _emit(self) -> None:
        self.changed.emit([self.items[n].interval() for n in sorted(self.items)])

    # ----------------------------------------------------------------- on screen
    def select(self, number: int, *, explain: bool = True) -> None:
        """Put utterance ``number`` on screen; with ``explain``, write its rationale if it
        has none (the model's, checked; on demand because it is the slow part)."""
        item = self.items.get(number)
        if item is None:
            return
        self.current = number
        self.current_changed.emit(item)
        if item.result is None:
            return  # not analysed yet: the tier frames it; its result shows when done
        self.session.show(item.result, item.analysis_id)
        if explain and not item.result.rationale and self.request is None:
            place = {"number": number, "of": len(self.items), "segmentation": self.place}
            own = (item.result.baseline or {}).get("name") == OWN_BASELINE
            spans = [(u.start, u.end) for _, u in sorted(self.items.items())] if own else None
            self.session.analyze(item.start, item.end, place=place, own_spans=spans)

    def step(self, offset: int) -> None:
        """Go to the next (``offset`` 1) or previous (-1) utterance."""
        if not self.items:
            self.session.error.emit(
                "no utterances: Analysis > Analyse utterances (Ctrl+U) cuts the recording first"
            )
            return
        numbers = sorted(self.items)
        if self.current is None:
            target = numbers[0] if offset > 0 else numbers[-1]
        else:
            target = min(max(self.current + offset, numbers[0]), numbers[-1])
        self.select(target)

    def _analysis_ready(self, result: AnalysisResult, analysis_id) -> None:
        """An utterance's rationale, written on demand, replaces its analysis on the tier."""
        place = result.utterance
        if place is None or place["number"] not in self.items:
            return
        item = self.items[place["number"]]
        if (item.start, item.end) == (result.start, result.end):
            item.result = result
            item.analysis_id = analysis_id if analysis_id is not None else item.analysis_id
            self._emit()
        if self.current != item.number:
            self.current = item.number
            self.current_changed.emit(item)
