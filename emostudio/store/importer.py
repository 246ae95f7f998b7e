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
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from emostudio.store.cutter import Cutter
from emostudio.store.database import StoreError
from emostudio.store.import_plan import (  # noqa: F401 - the import's names, re-exported
    AUDIO_SUFFIXES,
    ImportOptions,
    ImportPlan,
    ImportSummary,
    count_unnamed,
    failure_text,
    find_files,
    plan_import,
    speaker_of,
    speaker_pattern,
)
from emostudio.store.import_writer import ImportWriter
from emostudio.store.project import Project
from emostudio.store.speakers import model_pass, refresh_baselines
from model_core.acoustics.feature_sets import extract_features
from model_core.audio import AudioError, file_sha256, load_audio
from model_core.cues import SpeakerBaseline, analyze_clip
from model_core.result import AnalysisResult
from model_core.utterances import UtterancesCancelled

STORED_TRACKS = ("pitch", "voicing", "intensity", "hnr")
MODEL_BATCH = 8
# SQLite reports ENOSPC as SQLITE_FULL, and a write refused otherwise (EFBIG past a file-size
# limit, EDQUOT over quota) as SQLITE_IOERR_WRITE.
NO_SPACE_ERRORS = {"SQLITE_FULL", "SQLITE_IOERR_WRITE"}

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
