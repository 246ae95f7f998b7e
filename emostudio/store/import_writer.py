"""The one writer of an import: each file's outcome into the project, and the summary.

A local import (:mod:`emostudio.store.importer`) and a cluster import
(:mod:`emostudio.cluster.driver`) measure and analyse files in different places, but every
outcome reaches the project through this class, in the one process that holds the SQLite
file: a file's recording, tracks, feature sets and analyses go in one transaction, so a
killed import leaves each file either wholly in the project or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from emostudio.store.import_plan import ImportSummary
from emostudio.store.project import Project
from model_core.acoustics import Track
from model_core.acoustics.feature_sets import FeatureSet
from model_core.audio import Recording, RecordingFacts
from model_core.result import AnalysisResult


class ImportWriter:
    """Commits outcomes and counts them in ``summary``; ``note(path)`` reports progress.

    Parameters
    ----------
    project : Project
        The project written to (this process holds it).
    summary : ImportSummary
        Counted as files are committed.
    kind : str
        The kind of the whole recording's analysis: ``"full"`` (the model's) or ``"cues"``.
    store_audio : bool
        Keep the file's bytes in the project (``--copy``).
    note : callable
        ``note(message)`` after each file, for progress.
    """

    def __init__(
        self,
        project: Project,
        summary: ImportSummary,
        *,
        kind: str,
        store_audio: bool,
        note: Callable[[str], None],
    ) -> None:
        self.project, self.summary, self.kind = project, summary, kind
        self.store_audio, self.note = store_audio, note
        # sha256 -> (first path, speaker) of this import's files: the speaker pass's input.
        self.here: dict[str, tuple[str, str | None]] = {}
        self.seen: set[str] = set()  # contents committed by this import

    def place(self, sha256: str, path: str, speaker: str | None) -> None:
        """Remember that this import met ``sha256`` at ``path`` (the first path wins)."""
        self.here.setdefault(sha256, (path, speaker))
        self.summary.contents.add(sha256)

    def speaker(self, sha256: str) -> str | None:
        return self.here[sha256][1] if sha256 in self.here else None

    def failed(self, path: str, error: str) -> None:
        """A file that could not be imported: recorded in the project with its error."""
        self.project.record_import_error(path, error)
        self.summary.failed.append((path, error))
        self.note(path)

    def already(self, sha256: str, path: str, features: Sequence[FeatureSet] = ()) -> None:
        """Content the project holds: its new path is remembered, a missing feature set added."""
        self.project.remember_path(sha256, path)
        if sha256 not in self.seen:  # imported before without the feature set
            for feature_set in features:
                self.project.feature_sets.add(sha256, feature_set)
        self.summary.already += 1
        self.note(path)

    def imported(
        self,
        recording: Recording | RecordingFacts,
        *,
        path: str,
        tracks: Sequence[Track],
        features: Sequence[FeatureSet],
        no_features: str | None,
        result: AnalysisResult,
        cut: tuple[dict, Sequence[AnalysisResult]] | None = None,
    ) -> None:
        """A new recording with its tracks, feature sets, analysis and, when it was cut,
        ``cut``: how (``Segmentation.describe()``) and its utterances' analyses."""
        how, utterances = cut if cut is not None else (None, ())
        self.seen.add(recording.sha256)
        self.project.add_recording(
            recording,
            speaker=self.speaker(recording.sha256),
            store_audio=self.store_audio,
            tracks=list(tracks),
            analysis=result,
            kind=self.kind,
            features=list(features),
            utterances=list(utterances),
            cut=how,
        )
        if no_features:
            self.summary.no_features.append((path, no_features))
        self.summary.imported += 1
        self.note(path)

    def analysed(
        self,
        recording: Recording | RecordingFacts,
        *,
        path: str,
        result: AnalysisResult | None,
        cut: tuple[dict, Sequence[AnalysisResult]] | None = None,
    ) -> None:
        """The model's analysis (or, with ``cut``, utterances) of a recording the project
        holds already (the speaker pass, after the speakers' baselines)."""
        if cut is not None:
            how, utterances = cut
            self.project.add_recording(recording, utterances=list(utterances), cut=how)
        elif result is not None:
            self.project.add_analysis(recording.sha256, result, kind="full")
        self.note(path)
