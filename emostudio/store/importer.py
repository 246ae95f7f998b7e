"""Batch import of a folder into a project: idempotent, resumable, one transaction a file.

Decoding and acoustic analysis run in worker processes; the model (unless
``cues_only``) runs in this process on batches. A file that fails is recorded with its
error and the import goes on. A file whose content the project already holds (by
SHA-256, under any name) is not analysed again; its new path is remembered. Because each
file's rows are committed together, killing the import at any moment and running it again
leaves every file in the project exactly once.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from emostudio.store.cutter import Cutter
from emostudio.store.database import StoreError
from emostudio.store.import_writer import ImportWriter
from emostudio.store.project import Project
from emostudio.store.speakers import model_pass, refresh_baselines
from model_core.acoustics.egemaps import egemaps_names
from model_core.acoustics.feature_sets import FEATURE_SETS, extract_features
from model_core.audio import AudioError, file_sha256, load_audio
from model_core.cues import SpeakerBaseline, analyze_clip
from model_core.kinds import Policy
from model_core.result import AnalysisResult
from model_core.utterances import UtterancesCancelled

AUDIO_SUFFIXES = {
    ".wav",
    ".flac",
    ".ogg",
    ".oga",
    ".mp3",
    ".m4a",
    ".mp4",
    ".aac",
    ".opus",
    ".aif",
    ".aiff",
    ".wma",
    ".webm",
}
STORED_TRACKS = ("pitch", "voicing", "intensity", "hnr")
MODEL_BATCH = 8
# SQLite reports ENOSPC as SQLITE_FULL, and a write refused otherwise (EFBIG past a file-size
# limit, EDQUOT over quota) as SQLITE_IOERR_WRITE.
NO_SPACE_ERRORS = {"SQLITE_FULL", "SQLITE_IOERR_WRITE"}


@dataclass
class ImportOptions:
    recursive: bool = False
    glob: str | None = None  # e.g. "*.wav"; default: every known audio suffix
    cues_only: bool = False
    model: str = "default"
    device: str = "auto"
    workers: int = 0  # 0: one per CPU core
    speaker_from: str | None = None  # regex on the path relative to the folder
    copy: bool = False  # store the audio in the project
    features: str | None = None  # a key of FEATURE_SETS ("egemaps"), measured with the cues
    transcribe: bool = True  # False: the model labels without ASR (much faster on a CPU)
    # Who writes the rationale (model_core.kinds.Policy): "composer" skips
    # the LLM's generation, the slowest stage on a CPU.
    rationale_source: Policy = Policy.CHECKED
    drafts: int | None = None  # best of k rationale drafts (None: the model's setting)
    asr_engine: str | None = None  # model_core.asr_engines: None = $EMOSTUDIO_ASR_ENGINE or auto
    # Cut each recording into utterances (model_core.segments) and analyse each; the whole
    # recording keeps its cues-only analysis.
    segments: bool = False
    utterance_asr: str = "stretch"  # model_core.utterances: "stretch" or "alone"


@dataclass
class ImportSummary:
    candidates: int = 0
    imported: int = 0
    already: int = 0  # content the project already had
    failed: list[tuple[str, str]] = field(default_factory=list)
    ignored: int = 0  # files that are not audio (by suffix)
    seconds: float = 0.0
    cancelled: bool = False
    speakers: dict[str, int] = field(
        default_factory=dict
    )  # baselines recomputed: speaker -> recordings
    # Imported, but the feature set could not be measured (silence): (path, why).
    no_features: list[tuple[str, str]] = field(default_factory=list)
    # Files whose path --speaker-from names no speaker (when it names some others').
    no_speaker: int = 0
    speaker_from: str | None = None  # the pattern, to name it in text()
    contents: set[str] = field(default_factory=set)  # SHA-256 of every readable file met

    @property
    def handled(self) -> int:
        """Files dealt with so far: imported, already there, or failed."""
        return self.imported + self.already + len(self.failed)

    def text(self) -> str:
        rate = self.imported / self.seconds if self.seconds else 0.0
        lines = [
            f"{self.candidates} audio files: {self.imported} imported, {self.already} already in the project, "
            f"{len(self.failed)} failed; {self.ignored} other files ignored; {self.seconds:.1f} s "
            f"({rate:.1f} files/s)"
            + ("; cancelled: run the same import again to resume" if self.cancelled else "")
        ]
        if self.speakers:
            lines.append(
                "  speaker baselines: "
                + ", ".join(f"{name} ({n} recordings)" for name, n in self.speakers.items())
            )
        if self.no_speaker:
            lines.append(
                f"  no speaker for {self.no_speaker} of the {self.candidates} files: "
                f"--speaker-from {self.speaker_from!r} does not match their paths"
            )
        lines += [
            f"  no features: {failure_text(path, error)}" for path, error in self.no_features[:50]
        ]
        lines += [f"  failed: {failure_text(path, error)}" for path, error in self.failed[:50]]
        if len(self.failed) > 50:
            lines.append(
                f"  ... and {len(self.failed) - 50} more (see the project's import errors)"
            )
        return "\n".join(lines)


def find_files(folder: Path, options: ImportOptions) -> tuple[list[Path], int]:
    """(audio files in a stable order, number of other files ignored)."""
    if not folder.is_dir():
        raise StoreError(f"{folder}: not a folder")
    pattern = options.glob or "*"
    if ".." in Path(pattern).parts:  # files outside the folder have no relative path
        raise StoreError(f"--glob {pattern!r}: a pattern must not leave the folder ('..')")
    try:
        found = folder.rglob(pattern) if options.recursive else folder.glob(pattern)
        # A dangling or looping link is kept, so that it is reported as failed, not skipped unsaid.
        files = sorted(p for p in found if p.is_file() or (p.is_symlink() and not p.is_dir()))
    except (ValueError, NotImplementedError, IndexError) as err:  # "/abs", "**x", "."
        raise StoreError(f"--glob {pattern!r}: not a usable pattern ({err})") from err
    if options.glob:
        return files, 0
    audio = [p for p in files if p.suffix.lower() in AUDIO_SUFFIXES]
    return audio, len(files) - len(audio)


def speaker_pattern(text: str | None) -> re.Pattern | None:
    """``--speaker-from`` compiled (None without one).

    Raises
    ------
    StoreError
        Naming the pattern, when it is not a regular expression.
    """
    if not text:
        return None
    try:
        return re.compile(text)
    except re.error as err:
        raise StoreError(f"--speaker-from {text!r}: not a regular expression ({err})") from err


def speaker_of(path: Path, folder: Path, pattern: re.Pattern | None) -> str | None:
    if pattern is None:
        return None
    match = pattern.search(str(path.relative_to(folder)))
    if not match:
        return None
    if "speaker" in match.groupdict():
        name = match.group("speaker")
    else:
        name = match.group(1) if match.groups() else match.group(0)
    return name or None  # an empty match names no speaker


def count_unnamed(files: list[Path], folder: Path, pattern: re.Pattern | None) -> int:
    """How many of ``files`` the pattern names no speaker for (0 without a pattern).

    Raises
    ------
    StoreError
        Before anything is imported, when the pattern names no speaker for any of them:
        every recording would silently get none (a typo in the pattern, a flat folder).
    """
    if pattern is None or not files:
        return 0
    unnamed = [p for p in files if speaker_of(p, folder, pattern) is None]
    if len(unnamed) == len(files):
        example = str(files[0].relative_to(folder))
        raise StoreError(
            f"--speaker-from {pattern.pattern!r} matches none of the {len(files)} files "
            f"(e.g. {example!r}): nothing imported"
        )
    return len(unnamed)


def failure_text(path: str, error: str) -> str:
    """``path: problem``, without repeating the path when the error already starts with it."""
    return error if error.startswith(path) else f"{path}: {error}"


# ----------------------------------------------------------------- worker side
_DONE: set[str] = set()
_FEATURES: str | None = None  # the feature set to measure too (None: none)
_FEATURED: set[str] = set()  # recordings that have it already


def _init_worker(done: set[str], features: str | None = None, featured: set[str] = ()) -> None:
    global _DONE, _FEATURES, _FEATURED
    _DONE, _FEATURES, _FEATURED = done, features, set(featured)
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def features_of(recording, feature_set: str | None) -> tuple[list, str | None]:
    """([``feature_set`` of ``recording``], None); ([], why not) when the clip has none to
    give (silence); ([], None) without a set asked for."""
    if feature_set is None:
        return [], None
    try:
        return [extract_features(recording, feature_set=feature_set)], None
    except AudioError as err:  # silence: the file is still imported, with its cues
        return [], err.problem


def measure(path: str) -> dict:
    """Decode and measure one file (runs in a worker process)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # Python's surrogate escapes of bytes that are not UTF-8
        shown = os.fsencode(path).decode("utf-8", "backslashreplace")
        return {
            "path": shown,
            "status": "failed",
            "error": f"{shown}: the file name is not valid UTF-8, and a project stores names "
            "as text; rename the file to import it",
        }
    try:
        sha = file_sha256(path)
        if sha in _DONE and (_FEATURES is None or sha in _FEATURED):
            return {"path": path, "sha256": sha, "status": "already"}
        recording = load_audio(path)
        features, why_not = features_of(recording, _FEATURES)
        if sha in _DONE:  # imported before without the feature set: only that is added
            return {"path": path, "sha256": sha, "status": "already", "features": features}
        analysis, summary = analyze_clip(recording, baseline=SpeakerBaseline.population())
        return {
            "path": path,
            "sha256": sha,
            "status": "measured",
            "recording": recording,
            "analysis": analysis,
            "summary": summary,
            "features": features,
            "no_features": why_not,
        }
    except AudioError as err:
        return {"path": path, "status": "failed", "error": str(err)}
    except OSError as err:
        return {
            "path": path,
            "status": "failed",
            "error": f"{path}: cannot read ({err.strerror or err})",
        }


# ----------------------------------------------------------------- main side
def _measured_results(
    files: list[Path], done: set[str], workers: int, features: tuple = (None, set())
) -> Iterator[dict]:
    if workers <= 1:
        _init_worker(done, *features)
        yield from (measure(str(p)) for p in files)
        return
    context = multiprocessing.get_context("spawn")  # no fork after torch or Qt threads start
    with context.Pool(workers, initializer=_init_worker, initargs=(done, *features)) as pool:
        yield from pool.imap(measure, [str(p) for p in files], chunksize=4)


def cues_result(item: dict) -> AnalysisResult:
    recording, summary = item["recording"], item["summary"]
    return AnalysisResult(
        file=str(recording.path),
        sha256=recording.sha256,
        duration=round(recording.duration, 4),
        sample_rate=recording.sample_rate,
        start=summary.start,
        end=summary.end,
        cues=summary.to_dict(),
        warnings=list(recording.warnings),
        baseline=summary.baseline_used(),
    )


def _tracks(item: dict) -> list:
    tracks = item["analysis"].tracks()
    return [tracks[name] for name in STORED_TRACKS if name in tracks]


@dataclass
class ImportPlan:
    """What an import will do, decided before any file is read (local or on a cluster)."""

    folder: Path
    files: list[Path]
    pattern: re.Pattern | None  # --speaker-from, compiled
    summary: ImportSummary
    by_speaker: bool  # the model waits for the speakers' baselines: cues first, model after
    kind: str  # of the whole recording's analysis: "full" or "cues"
    done: set[str]  # contents the project holds with their analyses: skipped
    featured: set[str]  # contents that have the asked feature set already


def plan_import(project: Project, folder: str | Path, options: ImportOptions) -> ImportPlan:
    """List the folder and read what the project holds (see :class:`ImportPlan`).

    Raises
    ------
    StoreError
        A missing folder, a bad pattern, an unknown feature set.
    """
    folder = Path(folder)
    files, ignored = find_files(folder, options)
    pattern = speaker_pattern(options.speaker_from)
    summary = ImportSummary(
        candidates=len(files),
        ignored=ignored,
        no_speaker=count_unnamed(files, folder, pattern),
        speaker_from=options.speaker_from,
    )
    by_speaker = pattern is not None and not options.cues_only
    kind = "cues" if options.cues_only or by_speaker or options.segments else "full"
    # A recording is done when it has its model analyses (of the whole, or of utterances).
    done = project.analysed("full" if options.segments and not by_speaker else kind)
    if options.segments and not by_speaker:  # cut before, perhaps into no utterance at all
        done |= project.cut_recordings()
    if options.features is not None and options.features not in FEATURE_SETS:
        raise StoreError(f"--features {options.features!r}: known sets are {sorted(FEATURE_SETS)}")
    featured = set()
    if options.features:
        egemaps_names()  # EgemapsUnavailableError now, not in every worker
        featured = project.feature_sets.featured(FEATURE_SETS[options.features])
    return ImportPlan(folder, files, pattern, summary, by_speaker, kind, done, featured)


def cannot_write(project: Project, summary: ImportSummary, err: sqlite3.OperationalError):
    """The StoreError for a project that refused a write: what is kept, what to do."""
    name = getattr(err, "sqlite_errorname", "")
    if name in NO_SPACE_ERRORS:
        problem, fix = f"{err}: no space left on its disk, or the file may not grow", "free space"
    else:
        problem, fix = str(err), "free space or fix permissions"
    return StoreError(
        f"{project.path}: cannot write ({problem}); {summary.imported} files were imported and "
        f"are kept; {fix} and run the same import again"
    )


def run_import(
    project: Project,
    folder: str | Path,
    options: ImportOptions,
    progress: Callable[[ImportSummary, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportSummary:
    """Import every audio file of ``folder`` into ``project``; see the module's notes.

    ``cancelled()`` is polled after each file; when it turns true the files measured so
    far are committed, the workers stop and the summary says ``cancelled``.

    Raises
    ------
    StoreError
        For a missing folder, or when the project cannot be written (full disk,
        read-only file): everything committed so far stays, and a rerun resumes.
    """
    started = time.perf_counter()
    plan = plan_import(project, folder, options)
    folder, files, pattern, summary = plan.folder, plan.files, plan.pattern, plan.summary
    by_speaker, kind, done, featured = plan.by_speaker, plan.kind, plan.done, plan.featured
    analyzer = None
    if not options.cues_only:
        from model_core.pipeline import Analyzer  # torch only when the model is wanted

        analyzer = Analyzer.load(
            options.model,
            options.device,
            rationale_policy=options.rationale_source,
            drafts=options.drafts,
            asr_engine=options.asr_engine,
        )
    cutter = (
        Cutter(analyzer, options.transcribe, MODEL_BATCH, options.utterance_asr)
        if options.segments and analyzer
        else None
    )
    workers = options.workers or os.cpu_count() or 1
    pending: list[dict] = []

    def note(message: str) -> None:
        summary.seconds = time.perf_counter() - started
        if progress:
            progress(summary, message)

    writer = ImportWriter(project, summary, kind=kind, store_audio=options.copy, note=note)

    def commit(item: dict, result: AnalysisResult, cut: tuple | None = None) -> None:
        writer.imported(
            item["recording"],
            path=item["path"],
            tracks=_tracks(item),
            features=item["features"],
            no_features=item["no_features"],
            result=result,
            cut=cut,
        )

    def flush() -> None:
        if not pending:
            return
        from model_core.pipeline import Clip

        if cutter is not None:  # a recording at a time: its utterances make the batches
            for item in pending:
                cut = cutter.utterances(item["recording"], None, item["path"], note, cancelled)
                commit(item, cues_result(item), cut)
            pending.clear()
            return
        clips = [Clip(p["recording"], measured=(p["analysis"], p["summary"])) for p in pending]
        results = analyzer.analyze(clips, transcribe=options.transcribe)
        for item, result in zip(pending, results, strict=True):
            commit(item, result)
        pending.clear()

    try:
        workers = min(workers, max(1, len(files)))
        for item in _measured_results(files, done, workers, (options.features, featured)):
            if cancelled is not None and cancelled():
                summary.cancelled = True
                break
            path = item["path"]
            if item["status"] == "failed":
                writer.failed(path, item["error"])
                continue
            sha = item["sha256"]
            writer.place(sha, path, speaker_of(Path(path), folder, pattern))
            if item["status"] == "already" or sha in writer.seen:
                writer.already(sha, path, item.get("features", ()))
            elif analyzer is None or by_speaker:
                commit(item, cues_result(item))
            else:
                writer.seen.add(sha)  # a second copy later in this folder is "already"
                pending.append(item)
                if len(pending) >= MODEL_BATCH:
                    flush()
        flush()
        if pattern is not None and not summary.cancelled:
            _speaker_pass(
                project,
                summary,
                writer.here,
                analyzer if by_speaker else None,
                note,
                cancelled,
                transcribe=options.transcribe,
                cutter=cutter,
            )
    except UtterancesCancelled:
        summary.cancelled = True  # the recording being cut is not stored: a rerun redoes it
    except sqlite3.OperationalError as err:
        raise cannot_write(project, summary, err) from err
    summary.seconds = time.perf_counter() - started
    return summary


def _speaker_pass(
    project: Project,
    summary: ImportSummary,
    here: dict,
    analyzer,
    note,
    cancelled,
    *,
    transcribe: bool = True,
    cutter: Cutter | None = None,
) -> None:
    """Recompute the baselines of this folder's speakers; then, for a model import, analyse
    each recording that lacks a model analysis (or its utterances, with a ``cutter``)
    against its speaker's baseline."""
    summary.speakers = refresh_baselines(
        project, {speaker for _, speaker in here.values() if speaker}
    )
    if analyzer is None:
        return
    done = project.analysed("full") | (project.cut_recordings() if cutter else set())
    pending = [(sha, path, speaker) for sha, (path, speaker) in here.items() if sha not in done]

    def failed(path: str, error: str) -> None:
        project.record_import_error(path, error)
        summary.failed.append((path, error))
        note(path)

    note(f"analysing {len(pending)} recordings against their speakers' baselines")
    model_pass(
        project,
        pending,
        analyzer,
        batch=MODEL_BATCH,
        note=note,
        failed=failed,
        cancelled=cancelled,
        transcribe=transcribe,
        cutter=cutter,
    )
