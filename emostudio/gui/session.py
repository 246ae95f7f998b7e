"""The open recording and what is known about it: the model that the views subscribe to.

Views never compute: they ask the session, which starts work on the thread pool or in
the model thread and announces results through signals.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from emostudio.display import Envelope, envelope
from emostudio.gui import workers
from emostudio.gui.annotation_work import AnnotationWork
from emostudio.gui.baseline import FILES, POPULATION, SPEAKER, BaselineChoice
from emostudio.gui.failure import Failure, failure_of
from emostudio.gui.project_lock import ProjectLock
from emostudio.gui.speaker_audio import (
    files_baseline,
    speaker_baseline,
    speaker_recordings,
    stored_recording,
)
from emostudio.gui.spectrogram_work import SpectrogramWork
from emostudio.store import Project
from model_core.acoustics import Track, analyze_acoustics
from model_core.audio import MODEL_SAMPLE_RATE, AudioError, Recording, load_audio
from model_core.cues import SpeakerBaseline
from model_core.result import AnalysisResult


class Session(SpectrogramWork, AnnotationWork, QObject):
    recording_opened = Signal(object)  # Recording
    envelope_ready = Signal(object)  # Envelope
    tracks_ready = Signal(dict)  # name -> Track
    spectrogram_ready = Signal(object)  # (times, freqs, db, start, end)
    analysis_started = Signal()
    token = Signal(str)
    labelled = Signal(dict)  # label -> probability, before the rationale is written
    analysis_ready = Signal(object, object)  # AnalysisResult, analysis id in the project (or None)
    analysis_failed = Signal(object)  # Failure
    analysis_cancelled = Signal()
    busy = Signal(str)  # a message while work runs ('' when idle)
    error = Signal(object)  # a Failure, or a plain message for the user
    project_changed = Signal(object)  # Project or None
    model_changed = Signal(dict)
    annotations_changed = Signal(int)
    annotation_saved = Signal(int, bool)  # analysis id, whether a new annotation was added
    baseline_changed = Signal(object, int)  # SpeakerBaseline in use, recordings behind the voice
    utterances_loaded = Signal(list)  # a stored recording's utterances: (analysis id, result)

    def __init__(
        self, model_service: workers.ModelService | None = None, audio_cache: Path | None = None
    ):
        super().__init__()
        self.audio_cache = (
            Path(audio_cache) if audio_cache else Path(tempfile.gettempdir()) / "emostudio-audio"
        )
        self.recording: Recording | None = None
        self.envelope: Envelope | None = None
        self.tracks: dict[str, Track] = {}
        self.measured = None  # the open recording's AcousticAnalysis, once measured
        self.result: AnalysisResult | None = None
        self.analysis_id: int | None = None
        self.project: Project | None = None
        self.project_lock = ProjectLock()  # held while the project is open
        self._measuring: Recording | None = None  # the recording the window is measuring
        self._waiting: tuple | None = None  # an analysis waiting for those measurements
        self._place: dict | None = None  # the utterance the pending analysis explains
        self.model_info: dict = {}
        self.detail_span: tuple[float, float] | None = None  # what the detail spectrogram covers
        # The baseline the user chose for the recording on screen (auto until they do), what
        # it resolved to, and the speaker's recordings the label head reads their voice from.
        self.baseline_choice = BaselineChoice()
        self.baseline: SpeakerBaseline | None = None
        self.voice_recordings: list[Recording] = []
        self.model = model_service or workers.ModelService()
        self.model.loaded.connect(self._model_loaded)
        self.model.finished.connect(self._analysis_finished)
        self.model.failed.connect(self._analysis_failed)
        self.model.cancelled.connect(self._analysis_cancelled)
        # Queued before a cancel, delivered after it: dropped (ModelService.is_cancelled).
        self.model.token.connect(
            lambda text, request: (
                None if self.model.is_cancelled(request) else self.token.emit(text)
            )
        )
        self.model.labelled.connect(
            lambda shares, request: (
                None if self.model.is_cancelled(request) else self.labelled.emit(shares)
            )
        )
        self.model.stage.connect(self._model_stage)

    # ----------------------------------------------------------------- projects
    def open_project(self, path: str | Path) -> None:
        try:
            project = Project(path, actor="emostudio gui")
        except Exception as err:  # StoreError and OS errors: shown; the open project stays open
            self.error.emit(failure_of(err, f"cannot open the project {path}"))
            if self.project is None:
                self.project_changed.emit(None)
            return
        if self.project is not None:
            self.project.close()
        self.project = project
        warning = self.project_lock.acquire(Path(project.path))
        if warning:
            self.error.emit(warning)
        self.analysis_id = None  # the analysis on screen was saved in the other project, if any
        self.project_changed.emit(self.project)

    # ----------------------------------------------------------------- recordings
    def open_file(self, path: str | Path, *, keep_in_project: bool = False) -> None:
        """Decode on the pool; the waveform first, then the tracks (the slow part).

        ``keep_in_project`` copies the audio into the open project (takes recorded in the
        app), so that the project file holds everything it refers to.
        """
        self.busy.emit(f"opening {Path(path).name}...")
        project_path = self.project.path if (keep_in_project and self.project is not None) else None

        stored_in = self.project.path if self.project is not None else None

        def decode(report, cancelled):
            recording = load_audio(path)
            report(("recording", recording))
            report(("envelope", envelope(recording.mono, recording.sample_rate)))
            if project_path is not None:
                with Project(project_path, actor="emostudio gui") as project:
                    project.add_recording(recording, store_audio=True)
            utterances: list = []
            if stored_in is not None:  # analysed before: show its latest analysis at once
                with Project(stored_in, create=False) as project:
                    latest = project.queries.latest_analysis(recording.sha256)
                    utterances = _utterance_rows(project, recording.sha256)
                if utterances:
                    report(("utterances", utterances))
                if latest is not None:
                    report(("analysis", latest))
            return recording

        workers.start(decode, progress=self._decoded_part, done=self._measure, failed=self._failed)

    def open_analysis(self, analysis_id: int) -> None:
        """Restore a stored analysis, its tracks and its audio from the project, without recomputing."""
        if self.project is None:
            return
        project_path, cache = self.project.path, self.audio_cache

        def restore(report, cancelled):
            with Project(project_path, create=False) as project:
                result = project.analysis(analysis_id)
                if result is None:
                    raise LookupError(f"analysis {analysis_id} is not in the project")
                try:
                    recording, missing = stored_recording(project, result.sha256, cache), None
                except AudioError as err:
                    recording, missing = None, str(err)
                utterances = _utterance_rows(project, result.sha256)
                return recording, result, project.media.tracks(result.sha256), missing, utterances

        def done(value):
            recording, result, tracks, missing, utterances = value
            if recording is not None:
                self.open_recording(recording, result, analysis_id, tracks, utterances)
                return
            self.busy.emit("")
            self.error.emit(missing)
            self.result, self.analysis_id = result, analysis_id
            self.analysis_ready.emit(result, analysis_id)

        self.busy.emit("restoring from the project...")
        workers.start(restore, done=done, failed=self._failed)

    def open_recording(
        self,
        recording: Recording,
        result: AnalysisResult | None = None,
        analysis_id: int | None = None,
        tracks: dict[str, Track] | None = None,
        utterances: list | None = None,
    ) -> None:
        """Show a recording already in memory (a take, or one from the project), with its
        stored ``utterances`` ((analysis id, result) each) if it was cut."""
        self._decoded_part(("recording", recording))
        if utterances:
            self.utterances_loaded.emit(utterances)
        self.busy.emit("drawing...")

        def drawn(env) -> None:
            self._decoded_part(("envelope", env))
            if tracks:  # else measuring goes on, and clears the message when it ends
                self.busy.emit("")

        workers.start(
            lambda report, cancelled: envelope(recording.mono, recording.sample_rate),
            done=drawn,
            failed=self._failed,
        )
        if tracks:
            self.tracks = tracks
            self.tracks_ready.emit(tracks)
            self._overview_spectrogram(recording)
        else:
            self._measure(recording)
        if result is not None:
            self.result, self.analysis_id = result, analysis_id
            self.analysis_ready.emit(result, analysis_id)

    def _decoded_part(self, part) -> None:
        kind, value = part
        if kind == "recording":
            self.recording, self.result, self.analysis_id, self.tracks = value, None, None, {}
            self._waiting = None  # an analysis asked for the previous recording
            self.detail_span, self.measured = None, None
            self.baseline_choice, self.baseline, self.voice_recordings = BaselineChoice(), None, []
            self.recording_opened.emit(value)
            self.baseline_changed.emit(self.current_baseline(), 0)
        elif kind == "utterances":
            self.utterances_loaded.emit(value)
        elif kind == "analysis":
            analysis_id, result = value
            self.result, self.analysis_id = result, analysis_id
            self.analysis_ready.emit(result, analysis_id)
        else:
            self.envelope = value
            self.envelope_ready.emit(value)

    def _measure(self, recording: Recording) -> None:
        self.busy.emit("measuring pitch, intensity and voice quality...")

        def measure(report, cancelled):
            source = str(recording.path or recording.name)  # as the analyzer names it
            return analyze_acoustics(recording.for_model, MODEL_SAMPLE_RATE, source=source)

        def measured(analysis) -> None:
            if self.recording is recording:  # not a recording opened since
                self._measuring = None
                self.measured = analysis  # the analysis reuses it (the whole recording)
                self._tracks_done(analysis.tracks())
                self._start_waiting_analysis()

        def not_measured(failure: Failure) -> None:
            if self.recording is recording:
                self._measuring = None
                self._start_waiting_analysis()  # the model measures it itself
            self._tracks_failed(failure)

        self._measuring = recording
        workers.start(measure, done=measured, failed=not_measured)
        self._overview_spectrogram(recording)

    def _start_waiting_analysis(self) -> None:
        if self._waiting is not None:
            start, end, reuse_drafts = self._waiting
            self._waiting = None
            self.analyze(start, end, reuse_drafts=reuse_drafts)

    def _tracks_done(self, tracks: dict) -> None:
        self.tracks = tracks
        self.tracks_ready.emit(tracks)
        self.busy.emit("")

    def _tracks_failed(self, failure: Failure) -> None:
        self.busy.emit("")
        self.error.emit(failure.within("cannot measure this recording"))

    def _failed(self, failure: Failure) -> None:
        self.busy.emit("")
        self.error.emit(failure)

    # ----------------------------------------------------------------- model
    def load_model(self, spec: str = "default", device: str = "auto") -> None:
        self.model.load(spec, device)

    def _model_loaded(self, info: dict) -> None:
        self.model_info = info
        self.busy.emit("")
        self.model_changed.emit(info)

    def current_baseline(self) -> SpeakerBaseline:
        """The baseline the next analysis uses: the chosen one, else the recording's
        speaker's in the project, else population priors with the sex unknown."""
        if self.baseline is not None:
            return self.baseline
        speaker = self.speaker()
        stored = self.project.speaker(speaker) if self.project is not None and speaker else None
        return stored or SpeakerBaseline.population()

    def set_baseline(self, choice: BaselineChoice) -> None:
        """Judge the recording on screen against ``choice``; re-analyse it if it was analysed."""
        recording = self.recording
        if recording is None:
            self.error.emit("open or record something first: a baseline belongs to a recording")
            return
        if choice.kind == SPEAKER and self.project is None:
            self.error.emit(
                "speakers are kept in a project: open or create one (File > New project)"
            )
            return
        project_path = self.project.path if self.project is not None else None
        cache, rerun = self.audio_cache, self.result is not None

        def resolve(report, cancelled):
            if choice.kind == POPULATION:
                return SpeakerBaseline.population(choice.sex), [], []
            if choice.kind == SPEAKER:
                return speaker_baseline(project_path, recording, choice.speaker, cache)
            if choice.kind == FILES:
                return files_baseline(recording, choice.files)
            raise ValueError(f"unknown baseline choice {choice.kind!r}")

        def done(value) -> None:
            baseline, voices, skipped = value
            if self.recording is not recording:  # another recording opened meanwhile
                return
            self.busy.emit("")
            for problem in skipped:
                self.error.emit(f"left out of the baseline: {problem}")
            self.baseline_choice, self.baseline, self.voice_recordings = choice, baseline, voices
            self.baseline_changed.emit(baseline, len(voices))
            if choice.kind == SPEAKER:
                self.project_changed.emit(self.project)  # the sessions list shows the speaker
            if rerun:  # only what depends on the baseline is redone (model_core.reuse)
                previous = self.result
                review = (previous.rationale_review or {}) if previous is not None else {}
                span = (previous.start, previous.end) if _is_selection(previous) else (None, None)
                self.analyze(*span, reuse_drafts=[review.get("draft") or ""])

        self.busy.emit("measuring the baseline...")
        workers.start(resolve, done=done, failed=self._failed)

    def analyze(
        self,
        start: float | None = None,
        end: float | None = None,
        *,
        reuse_drafts=None,
        place: dict | None = None,
        own_spans: list[tuple[float, float]] | None = None,
    ) -> None:
        """Analyse the recording on screen (or ``start``-``end``, seconds).

        ``reuse_drafts``: the model's drafts of the shown analysis, reviewed again under a
        new baseline instead of writing new ones (:meth:`set_baseline`). ``place``: the
        span is that utterance (``AnalysisResult.utterance``), and its analysis is stored
        as the utterance's; ``own_spans``: read it against these utterances of the
        recording, as the emotion tier did (:mod:`emostudio.gui.utterances`).
        """
        if self.recording is None:
            self.error.emit("open or record something to analyse first")
            return
        self._place = place
        self.analysis_started.emit()
        if start is None and self.measured is None and self._measuring is self.recording:
            # The window is measuring this recording already: wait for it rather than
            # have the model measure it a second time on the same two cores.
            self._waiting = (start, end, reuse_drafts)
            self.busy.emit("analysing: waiting for the measurements...")
            return
        recording, speaker = self.recording, self.speaker() if self.baseline is None else None
        if not speaker or self.voice_recordings:
            self.model.analyze(
                recording,
                start,
                end,
                self.current_baseline(),
                voice_recordings=self.voice_recordings,
                measured=self.measured,
                reuse_drafts=reuse_drafts,
                own_spans=own_spans,
            )
            return
        # A recording filed under a speaker: the label head reads it against their voice,
        # from their recordings in the project (loaded off the GUI thread, once).
        project_path, cache = self.project.path, self.audio_cache

        def gather(report, cancelled):
            with Project(project_path, create=False) as project:
                return speaker_recordings(project, speaker, recording, cache)

        def gathered(value) -> None:
            voices, skipped = value
            for problem in skipped:
                self.error.emit(f"left out of {speaker}'s voice: {problem}")
            if self.recording is recording:
                self.voice_recordings = voices
                self.baseline_changed.emit(self.current_baseline(), len(voices))
            self.model.analyze(
                recording,
                start,
                end,
                self.current_baseline(),
                voice_recordings=voices,
                measured=self.measured if self.recording is recording else None,
                reuse_drafts=reuse_drafts,
                own_spans=own_spans,
            )

        def not_gathered(failure: Failure) -> None:
            self.error.emit(
                failure.within(
                    f"{speaker}'s recordings could not be read; analysing without their voice"
                )
            )
            self.model.analyze(
                recording,
                start,
                end,
                self.current_baseline(),
                measured=self.measured if self.recording is recording else None,
                reuse_drafts=reuse_drafts,
                own_spans=own_spans,
            )

        workers.start(gather, done=gathered, failed=not_gathered)

    def cancel_analysis(self) -> None:
        if self._waiting is not None:  # not started yet: nothing to stop
            self._waiting = None
            self._analysis_cancelled()
            return
        self.model.cancel()

    def speaker(self) -> str | None:
        """The speaker the recording on screen is filed under in the project (None: none)."""
        if self.project is None or self.recording is None:
            return None
        stored = self.project.recording(self.recording.sha256)
        return stored["speaker"] if stored else None

    def show(self, result: AnalysisResult, analysis_id: int | None) -> None:
        """Put an analysis of the recording on screen (an utterance's, stepped to)."""
        self.result, self.analysis_id = result, analysis_id
        self.analysis_ready.emit(result, analysis_id)

    def _analysis_finished(self, data: dict) -> None:
        self.result = AnalysisResult.from_dict(data)
        place, self._place = self._place, None
        if place is not None and self.result.utterance is None:
            self.result.utterance = place
        self.analysis_id = None
        if self.project is None or self.recording is None:
            self.busy.emit("")
            self.analysis_ready.emit(self.result, None)
            return
        project_path, recording, result = self.project.path, self.recording, self.result
        tracks = list(self.tracks.values())

        def save(
            report, cancelled
        ):  # at once, off the GUI thread: nothing is lost if the app stops
            with Project(project_path, actor="emostudio gui") as project:
                return project.add_recording(recording, tracks=tracks, analysis=result, kind="full")

        def saved(analysis_id):
            if self.result is result:
                self.analysis_id = analysis_id
            self.busy.emit("")
            self.analysis_ready.emit(result, analysis_id)

        def not_saved(failure: Failure) -> None:
            self.error.emit(failure.within("the analysis could not be saved to the project"))
            self.busy.emit("")
            self.analysis_ready.emit(result, None)

        workers.start(save, done=saved, failed=not_saved)

    def _analysis_failed(self, failure: Failure) -> None:
        self.busy.emit("")
        self.analysis_failed.emit(failure)
        self.error.emit(failure)

    def _model_stage(self, text: str, request: int | None) -> None:
        # A stage message queued just before a cancel arrives after it: not shown.
        if not self.model.is_cancelled(request):
            self.busy.emit(text)

    def _analysis_cancelled(self) -> None:
        self.busy.emit("")
        self.analysis_cancelled.emit()

    def shutdown(self) -> None:
        workers.stop_all()
        self.model.shutdown()
        if self.project is not None:
            self.project.close()
        self.project_lock.release()


def _utterance_rows(project: Project, sha256: str) -> list[tuple[int, AnalysisResult]]:
    """The stored utterances of a recording's latest cut: (analysis id, result) each."""
    return [(analysis_id, result) for analysis_id, result, _ in project.queries.utterances(sha256)]


def _is_selection(result: AnalysisResult | None) -> bool:
    """Whether a result is of a part of its recording (else of the whole)."""
    if result is None:
        return False
    return result.start > 0.01 or result.end < result.duration - 0.05
