"""Work off the GUI thread: one-shot tasks on a thread pool, and the model in its own thread.

Every result and error comes back through a Qt signal, so widgets are only ever touched
on the GUI thread. Errors travel as :class:`~emostudio.gui.failure.Failure` objects
(``Signal(object)``), cancellation through a signal of its own. This is the one GUI module
that may import the model libraries (torch, transformers), and only inside the model thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal, Slot

from emostudio.gui.failure import NoModelLoaded, failure_of


class Cancelled(Exception):
    """Raised inside a task whose cancel flag was set."""


class _TaskSignals(QObject):
    done = Signal(object)
    failed = Signal(object)  # Failure
    cancelled = Signal()
    progress = Signal(object)


_running: set[Task] = (
    set()
)  # each task's Python side (and its signals) until its result is delivered


class Task(QRunnable):
    """Run ``fn(report, cancelled)`` on the pool; ``report(x)`` sends progress to the GUI thread."""

    def __init__(self, fn: Callable[..., Any]):
        super().__init__()
        self.fn = fn
        self.signals = _TaskSignals()
        self.cancel_flag = threading.Event()
        self.setAutoDelete(True)

    def cancel(self) -> None:
        self.cancel_flag.set()

    def run(self) -> None:
        try:
            result = self.fn(self.signals.progress.emit, self.cancel_flag.is_set)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as err:  # shown in the GUI's messages; a bug's traceback is logged
            self.signals.failed.emit(failure_of(err))
        else:
            self.signals.done.emit(result)


def start(
    fn: Callable[..., Any],
    *,
    done: Callable | None = None,
    failed: Callable | None = None,
    progress: Callable | None = None,
    cancelled: Callable | None = None,
    pool: QThreadPool | None = None,
) -> Task:
    """Start ``fn(report, cancelled)`` on a pool thread and wire its signals: ``done(result)``,
    ``failed(Failure)``, ``progress(value)``, ``cancelled()``."""
    task = Task(fn)
    if done:
        task.signals.done.connect(done)
    if failed:
        task.signals.failed.connect(failed)
    if cancelled:
        task.signals.cancelled.connect(cancelled)
    if progress:
        task.signals.progress.connect(progress)
    # Released only after the callbacks above ran on the GUI thread: PySide drops queued calls
    # to plain functions and lambdas once the emitting object is gone.
    task.signals.done.connect(lambda _: _running.discard(task))
    task.signals.failed.connect(lambda _: _running.discard(task))
    task.signals.cancelled.connect(lambda: _running.discard(task))
    _running.add(task)
    (pool or QThreadPool.globalInstance()).start(task)
    return task


def stop_all(timeout_ms: int = 5000) -> bool:
    """Cancel every task, drop those not started, wait for the rest; True when all ended."""
    pool = QThreadPool.globalInstance()
    pool.clear()
    for task in list(_running):
        task.cancel()
    _running.clear()
    return pool.waitForDone(timeout_ms)


# Utterances per model batch in the app, as `analyze --segments` on a CPU: a cancel lands
# between the stages of a batch, so a bigger batch costs no responsiveness, and each batch
# pays one language check (with 4, a 10-minute recording took 79 s in the app).
UTTERANCE_BATCH = 8
# What the status bar says as each stage of an analysis starts.
STAGE_MESSAGES = {
    "acoustics": "analysing 1/5: measuring pitch, loudness and voice quality...",
    "whisper_encoder": "analysing 2/5: listening (speech encoder)...",
    "asr": "analysing 3/5: transcribing...",
    "language": "analysing 3/5: checking the transcript's language...",
    "encoders": "analysing 4/5: preparing the model's audio tokens...",
    "label_head": "analysing 4/5: scoring the label...",
    "scoring": "analysing 4/5: scoring the label...",
    "generation": "analysing 5/5: writing and checking the rationale...",
}


class ModelService(QObject):
    """Owns the Analyzer in a thread of its own; requests arrive as queued signals.

    Loading a model takes seconds and it is reused for every analysis, so it lives in
    one long-lived thread instead of a pool task.
    """

    loaded = Signal(dict)  # model info
    token = Signal(str, object)  # streamed rationale text, request number
    # What the model thread is doing, and the request it is doing it for (None: no
    # request, e.g. loading): a message queued before a cancel must not show after it.
    stage = Signal(str, object)
    labelled = Signal(dict, object)  # label -> probability as soon as scored, request number
    finished = Signal(dict)  # AnalysisResult.to_dict()
    failed = Signal(object)  # Failure
    cancelled = Signal()
    # A recording cut into utterances: the cut (Segmentation.to_dict()), then each
    # utterance's result as it is done, then the end; each with its request number.
    utterances_cut = Signal(dict, object)
    utterance_done = Signal(dict, object)  # AnalysisResult.to_dict()
    utterances_finished = Signal(object)
    _load = Signal(str, str)
    _analyze = Signal(object)
    _cut = Signal(object)

    def __init__(self):
        super().__init__()
        self.analyzer = None
        # Requests are numbered; a cancel covers every request up to the latest (plain
        # ints: set on the GUI thread, read on the model thread).
        self._latest = 0
        self._cancelled_up_to = 0
        self._voices: dict[tuple[str, ...], object] = {}  # the speaker's voice, by their recordings
        # A recording read against its own utterances: (sha256, spans) -> Reading, so that
        # a rationale written later for one utterance reads it as the tier did.
        self._readings: dict[tuple, object] = {}
        self.thread = QThread()
        self.thread.setObjectName("model")
        self.moveToThread(self.thread)
        self._load.connect(self._do_load)
        self._analyze.connect(self._do_analyze)
        self._cut.connect(self._do_utterances)
        self.thread.start()

    def load(self, spec: str, device: str) -> None:
        self._load.emit(spec, device)

    def analyze(
        self,
        recording,
        start: float | None,
        end: float | None,
        baseline=None,
        rationale: bool = True,
        voice_recordings=(),
        measured=None,
        reuse_drafts=None,
        own_spans=None,
    ) -> None:
        """Analyse on the model thread; ``voice_recordings`` (the speaker's) let the label
        head read the clip against the speaker's own voice; ``measured`` (the whole
        recording's AcousticAnalysis, as the window measured it) is not measured again;
        ``reuse_drafts`` (the model's earlier drafts of the clip) are reviewed again
        instead of writing new ones (a baseline change); ``own_spans`` (the recording's
        utterances, s) read the clip against them instead of ``baseline`` (an utterance
        explained on demand, as it was labelled)."""
        self._latest += 1
        own = tuple(own_spans) if own_spans else None
        self._analyze.emit(
            (
                self._latest,
                (recording, start, end, baseline, rationale, tuple(voice_recordings), measured),
                (reuse_drafts, own),
            )
        )

    def analyze_utterances(self, recording, baseline=None, voice_recordings=()) -> int:
        """Cut ``recording`` into utterances and analyse each (label, probabilities,
        transcript; rationales are written on demand), a batch at a time; read against
        ``baseline`` and ``voice_recordings`` when given, else against the recording's own
        utterances. Returns the request's number."""
        self._latest += 1
        self._cut.emit((self._latest, recording, baseline, tuple(voice_recordings)))
        return self._latest

    def cancel(self) -> None:
        """Cancel every analysis asked for so far, and say so at once: the model thread
        drops their results and stops at its next check (between stages, or the next
        token); a step under way (a long recording's ASR) may still run a few seconds
        in the background, but nothing of it reaches the screen."""
        if self._cancelled_up_to < self._latest:
            self._cancelled_up_to = self._latest
            self.cancelled.emit()

    def _is_cancelled(self, request: int) -> bool:
        return request <= self._cancelled_up_to

    def is_cancelled(self, request: int | None) -> bool:
        """Whether request number ``request`` was cancelled (None: no request, never)."""
        return request is not None and self._is_cancelled(request)

    def shutdown(self) -> None:
        self._cancelled_up_to = 1 << 62
        self.thread.quit()
        self.thread.wait(5000)

    @Slot(str, str)
    def _do_load(self, spec: str, device: str) -> None:
        try:
            from model_core.devices import quiet_libraries
            from model_core.pipeline import Analyzer
            from model_core.reuse import StageCache

            quiet_libraries()
            self.stage.emit(f"loading model {spec}...", None)
            self.analyzer = Analyzer.load(spec, device)
            # The app analyses the same clips again (another baseline, a second look): their
            # transcripts and drafts are reused (model_core.reuse).
            self.analyzer.cache = StageCache()
            self._voices = {}  # a voice is the model's view: another model reads it anew
            self._readings = {}
            self.loaded.emit(self.analyzer.model_info)
        except Exception as err:
            self.analyzer = None
            self.failed.emit(failure_of(err, f"cannot load model {spec!r}"))

    def _voice(self, recordings, request: int | None = None):
        """The label head's view of the speaker (None: no head, or no recordings given)."""
        if not recordings or self.analyzer.model.head is None:
            return None
        from model_core.pipeline import Clip

        key = tuple(r.sha256 for r in recordings)
        if key not in self._voices:
            self.stage.emit(
                f"reading the speaker's voice from {len(recordings)} recordings...", request
            )
            self._voices[key] = self.analyzer.voice_of([Clip(r) for r in recordings])
        return self._voices[key]

    def _own_reading(self, recording, spans, request):
        """The recording read against its own utterances (model_core.utterances), once."""
        from model_core.utterances import own_reading

        key = (recording.sha256, tuple(spans))
        if key not in self._readings:
            self.stage.emit("reading the speaker from the recording's utterances...", request)
            self._readings[key] = own_reading(self.analyzer, recording, list(spans))
        return self._readings[key]

    def _clip(self, recording, start, end, baseline, voice, measured):
        """The analyzer's Clip; the window's measurements reused when they are the whole
        recording's, taken with the analyzer's settings."""
        from model_core.cues import summarize
        from model_core.pipeline import Clip

        whole = start is None and end is None
        if measured is None or not whole or measured.settings != self.analyzer.acoustic_settings:
            measured = None
        else:
            measured = (measured, summarize(measured, baseline or self.analyzer.baseline))
        return Clip(recording, start, end, measured=measured, baseline=baseline, voice=voice)

    @Slot(object)
    def _do_analyze(self, message) -> None:
        number, request, (reuse_drafts, own_spans) = message
        recording, start, end, baseline, rationale, voice_recordings, measured = request
        if self._is_cancelled(number):  # cancelled while it waited for the thread
            return
        if self.analyzer is None:
            self.failed.emit(
                failure_of(NoModelLoaded("no model is loaded (Model > Choose model...)"))
            )
            return

        def on_text(_row: int, delta: str) -> None:
            if self._is_cancelled(number):
                raise Cancelled
            self.token.emit(delta, number)

        labels = list(self.analyzer.model.config.labels)

        def on_stage(name: str, info: dict) -> None:
            if self._is_cancelled(number):  # between stages: the work stops at once
                raise Cancelled
            if name == "label":
                self.labelled.emit(dict(zip(labels, info["probabilities"][0], strict=True)), number)
            elif name in STAGE_MESSAGES:
                self.stage.emit(STAGE_MESSAGES[name], number)

        try:
            voice = self._voice(voice_recordings, number)
            if own_spans:
                reading = self._own_reading(recording, own_spans, number)
                if reading.baseline is not None:
                    baseline, voice = reading.baseline, reading.voice
            clip = self._clip(recording, start, end, baseline, voice, measured)
            (result,) = self.analyzer.analyze(
                [clip],
                rationale=rationale,
                on_text=on_text,
                on_stage=on_stage,
                reuse_drafts=[reuse_drafts] if reuse_drafts is not None else None,
            )
            if self._is_cancelled(number):
                raise Cancelled
            self.finished.emit(result.to_dict())
        except Cancelled:
            return  # said at the click (cancel())
        except Exception as err:
            if not self._is_cancelled(number):
                self.failed.emit(failure_of(err))

    @Slot(object)
    def _do_utterances(self, message) -> None:
        from model_core.segments import SegmentationCancelled, segment
        from model_core.utterances import Reading, UtterancesCancelled, analyze_utterances

        number, recording, baseline, voice_recordings = message
        if self._is_cancelled(number):
            return
        if self.analyzer is None:
            self.failed.emit(
                failure_of(NoModelLoaded("no model is loaded (Model > Choose model...)"))
            )
            return

        def cancelled() -> bool:
            return self._is_cancelled(number)

        def on_stage(name: str, info: dict) -> None:
            if cancelled():  # between stages of a batch: stops within a stage's time
                raise Cancelled

        try:
            self.stage.emit("finding the utterances...", number)
            cut = segment(
                recording.for_model,
                progress=lambda done: self.stage.emit(
                    f"finding the utterances... {done:.0%}", number
                ),
                cancelled=cancelled,
            )
            self.utterances_cut.emit(cut.to_dict(), number)
            if baseline is not None or voice_recordings:
                reading = Reading(baseline, self._voice(voice_recordings, number))
            else:
                reading = self._own_reading(recording, cut.utterances, number)
            total = len(cut.utterances)
            self.stage.emit(f"analysing utterance 1/{total}...", number)
            for result in analyze_utterances(
                self.analyzer,
                recording,
                cut,
                reading,
                batch=UTTERANCE_BATCH,
                progress=lambda done, _: self.stage.emit(
                    f"analysing utterance {min(done + 1, total)}/{total}...", number
                ),
                cancelled=cancelled,
                on_stage=on_stage,
            ):
                if cancelled():
                    raise Cancelled
                self.utterance_done.emit(result.to_dict(), number)
            self.utterances_finished.emit(number)
        except (Cancelled, SegmentationCancelled, UtterancesCancelled):
            return  # said at the click (cancel())
        except Exception as err:
            if not self._is_cancelled(number):
                self.failed.emit(failure_of(err))
