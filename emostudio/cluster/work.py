"""What a cluster worker does: decode, measure and analyse a batch of files, write nothing.

This module is imported on the workers and does not import Ray: :class:`Worker` is a plain
callable class that Ray Data instantiates once per actor (one model per actor) and calls
on batches of rows. Each row names a file by path and by the SHA-256 the driver read; the
worker decodes it, checks that the content is still the one hashed, measures it exactly as
a local import does (:mod:`emostudio.store.importer`) and, for a model import, analyses
the batch with one :class:`~model_core.pipeline.Analyzer` call. It returns one
:class:`Outcome` per row; a file that fails becomes an outcome with its error, and the
rest of the batch goes on. Only the driver writes the project.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from emostudio.store.importer import STORED_TRACKS, cues_result, features_of
from model_core.acoustics import Track
from model_core.acoustics.feature_sets import FeatureSet
from model_core.audio import AudioError, Recording, RecordingFacts, load_audio
from model_core.cues import SpeakerBaseline, analyze_clip
from model_core.kinds import Policy
from model_core.result import AnalysisResult

# The stages of a row: a file new to the project (measured, then analysed unless the
# import is cues only or waits for speaker baselines); one the project has without the
# asked feature set; one whose cues are stored and whose model analysis against its
# speaker's baseline is due (the speaker pass).
NEW, FEATURES, MODEL = "new", "features", "model"
STAGES = (NEW, FEATURES, MODEL)


@dataclass(frozen=True)
class Job:
    """The options of one import that workers need (sent to every actor once).

    ``model`` is None for a cues-only import; ``model_now`` is False when the model waits
    for the speakers' baselines (``--speaker-from``), so the first pass only measures.
    """

    model: str | None = "default"
    device: str = "cpu"
    rationale_source: Policy = Policy.CHECKED
    drafts: int | None = None
    asr_engine: str | None = None
    transcribe: bool = True
    rationale: bool = True  # False: labels only (analyze --no-rationale)
    features: str | None = None
    segments: bool = False
    utterance_asr: str = "stretch"
    model_now: bool = True
    batch: int = 8  # clips per model call; the cutter's utterances per batch


@dataclass
class Outcome:
    """One file's result, sent back to the driver (no samples: light to send)."""

    path: str
    sha256: str
    stage: str
    error: str | None = None
    recording: RecordingFacts | None = None
    tracks: list[Track] = field(default_factory=list)
    features: list[FeatureSet] = field(default_factory=list)
    no_features: str | None = None
    result: AnalysisResult | None = None  # the whole recording's analysis
    # How it was cut (Segmentation.describe()) and its utterances' analyses (--segments).
    cut: tuple[dict, list[AnalysisResult]] | None = None


@dataclass
class _Measured:
    row: dict
    recording: Recording | None  # None: it could not be decoded
    outcome: Outcome
    measured: tuple | None = None  # (AcousticAnalysis, CueSummary) against the population


class Worker:
    """Holds one model (loaded once per actor) and analyses batches of rows.

    Ray Data calls ``Worker()`` on each actor and ``worker(batch)`` on each batch: a dict
    of equal-length arrays with ``path``, ``sha256``, ``stage`` and ``baseline`` (the
    speaker's :class:`SpeakerBaseline` as JSON, "" for none). The job comes from the class
    attribute :attr:`job` (set by :func:`worker_class`), so no constructor arguments wait
    in Ray's object store.
    """

    job: Job = Job()

    def __init__(self) -> None:
        self.analyzer, self.cutter = None, None
        if self.job.model is not None:
            from emostudio.store.cutter import Cutter
            from model_core.pipeline import Analyzer

            self.analyzer = Analyzer.load(
                self.job.model,
                self.job.device,
                rationale_policy=self.job.rationale_source,
                drafts=self.job.drafts,
                asr_engine=self.job.asr_engine,
            )
            if self.job.segments:
                self.cutter = Cutter(
                    self.analyzer, self.job.transcribe, self.job.batch, self.job.utterance_asr
                )

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        rows = [
            dict(zip(batch, values, strict=True)) for values in zip(*batch.values(), strict=True)
        ]
        outcomes = self.work(rows)
        column = np.empty(len(outcomes), dtype=object)
        column[:] = outcomes
        return {"path": np.array([o.path for o in outcomes]), "outcome": column}

    def work(self, rows: list[dict]) -> list[Outcome]:
        """One :class:`Outcome` per row, in the rows' order."""
        measured = [self._measure(row) for row in rows]
        if self.analyzer is not None:
            self._analyse(
                [
                    m
                    for m in measured
                    if m.outcome.error is None
                    and (
                        m.outcome.stage == MODEL or (m.outcome.stage == NEW and self.job.model_now)
                    )
                ]
            )
        return [m.outcome for m in measured]

    def _measure(self, row: dict) -> _Measured:
        path, sha, stage = str(row["path"]), str(row["sha256"]), str(row["stage"])
        try:
            recording = load_audio(path)
        except AudioError as err:
            return _Measured(row, None, outcome=Outcome(path, sha, stage, error=str(err)))
        if recording.sha256 != sha:
            error = f"{path}: the file changed while it was being imported; import it again"
            return _Measured(row, recording, outcome=Outcome(path, sha, stage, error=error))
        outcome = Outcome(path, sha, stage, recording=recording.facts())
        if stage == MODEL:  # measured before: the model reads it against the speaker
            return _Measured(row, recording, outcome=outcome)
        outcome.features, outcome.no_features = features_of(recording, self.job.features)
        if stage == FEATURES:
            return _Measured(row, recording, outcome=outcome)
        analysis, summary = analyze_clip(recording, baseline=SpeakerBaseline.population())
        tracks = analysis.tracks()
        outcome.tracks = [tracks[name] for name in STORED_TRACKS if name in tracks]
        outcome.result = cues_result({"recording": recording, "summary": summary})
        return _Measured(row, recording, measured=(analysis, summary), outcome=outcome)

    def _analyse(self, due: list[_Measured]) -> None:
        """The model's analyses of ``due``, in one call; a failing batch file by file."""
        if not due:
            return
        if self.cutter is not None:  # a recording at a time: its utterances make the batches
            for item in due:
                self._cut(item)
            return
        try:
            results = self.analyzer.analyze(
                [self._clip(item) for item in due],
                transcribe=self.job.transcribe,
                rationale=self.job.rationale,
            )
        except AudioError as err:
            if len(due) == 1:
                due[0].outcome.error, due[0].outcome.result = str(err), None
                return
            for item in due:  # find the clip the model cannot take; the others go on
                self._analyse_alone(item)
            return
        for item, result in zip(due, results, strict=True):
            item.outcome.result = result

    def _analyse_alone(self, item: _Measured) -> None:
        try:
            (item.outcome.result,) = self.analyzer.analyze(
                [self._clip(item)], transcribe=self.job.transcribe, rationale=self.job.rationale
            )
        except AudioError as err:
            item.outcome.error, item.outcome.result = str(err), None

    def _cut(self, item: _Measured) -> None:
        baseline = _baseline(item.row)
        try:
            item.outcome.cut = self.cutter.utterances(
                item.recording, baseline, item.outcome.path, note=_quiet, cancelled=None
            )
        except AudioError as err:
            item.outcome.error = str(err)

    @staticmethod
    def _clip(item: _Measured):
        from model_core.pipeline import Clip

        if item.row["stage"] == MODEL:
            return Clip(item.recording, baseline=_baseline(item.row))
        return Clip(item.recording, measured=item.measured)


def _baseline(row: dict) -> SpeakerBaseline | None:
    text = str(row.get("baseline") or "")
    return SpeakerBaseline.from_dict(json.loads(text)) if text else None


def _quiet(_message: str) -> None:
    """Progress of a worker's cut: the driver reports files, not utterances."""


def worker_class(job: Job) -> type[Worker]:
    """A :class:`Worker` subclass bound to ``job`` (what Ray Data instantiates per actor)."""
    return type("ImportWorker", (Worker,), {"job": job})
