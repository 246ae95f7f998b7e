"""``emostudio import --cluster``: a folder analysed on a Ray cluster, written here.

The driver (this process) lists the folder and hashes each file, so that what the project
already holds is skipped before any worker starts; a killed import run again resumes
where it stopped. The rest runs as one Ray Data pipeline: the files, sorted by size so
that a batch holds clips of about one length, go to a pool of actors that each load the
model once (:class:`emostudio.cluster.work.Worker`) and analyse batches exactly as a local
import does. Their outcomes stream back as they finish and this process, the project's
one writer, commits each file in one transaction (:class:`ImportWriter`). With
``--speaker-from`` a first pass measures the cues, the speakers' baselines are computed
here, and a second pass analyses each recording against its speaker's baseline.

The workers read the files by path: on a multi-node cluster the folder must be at the same
path on every node (a shared file system), and EmoStudio installed the same way on every
node, which is where the model's weights come from (docs/cluster.md).
"""

from __future__ import annotations

import json
import logging
import math
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

from emostudio.cluster.ray_session import ClusterOptions, pool_size, preflight, ray_session
from emostudio.cluster.work import FEATURES, MODEL, NEW, Job, Outcome, worker_class
from emostudio.store.import_plan import ImportOptions, ImportSummary, plan_import, speaker_of
from emostudio.store.import_writer import ImportWriter
from emostudio.store.importer import MODEL_BATCH, cannot_write
from emostudio.store.project import Project
from emostudio.store.speakers import refresh_baselines
from model_core.audio import file_sha256

HASH_THREADS = 8  # reading is I/O-bound; hashlib lets go of the GIL on large chunks


@dataclass
class _Hashed:
    path: str
    sha256: str | None
    size: int
    error: str | None = None


def run_cluster_import(
    project: Project,
    folder: str | Path,
    options: ImportOptions,
    cluster: ClusterOptions,
    progress: Callable[[ImportSummary, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportSummary:
    """Import every audio file of ``folder`` into ``project`` on a Ray cluster.

    Same options, same rows and the same summary as
    :func:`emostudio.store.importer.run_import`; ``options.workers`` is not used (the
    pool's size is ``cluster.workers``).

    Raises
    ------
    StoreError
        A missing folder, a bad pattern, a project that cannot be written (what was
        committed stays; run the same import again).
    ClusterError
        Ray is not installed, or the cluster cannot be reached.
    """
    started = time.perf_counter()
    preflight(cluster)
    plan = plan_import(project, folder, options)
    summary = plan.summary

    def note(message: str) -> None:
        summary.seconds = time.perf_counter() - started
        if progress:
            progress(summary, message)

    writer = ImportWriter(project, summary, kind=plan.kind, store_audio=options.copy, note=note)

    with ExitStack() as stack:
        workers = 0

        def drain(rows: list[dict], job: Job) -> None:
            """Commit the rows' outcomes as they come, until done or cancelled; Ray is
            joined the first time there is something to send (a finished import rerun
            never starts it)."""
            nonlocal workers
            if not rows:
                return
            if not workers:
                workers = pool_size(cluster, stack.enter_context(ray_session(cluster)))
            note(f"{len(rows)} files to analyse on {workers} workers")
            for outcome in stream_outcomes(rows, job, cluster, workers):
                _commit(writer, outcome)
                if cancelled is not None and cancelled():
                    summary.cancelled = True
                    return

        try:
            rows, twins = _rows(plan, options, writer, note)
            job = _job(options, cluster, model_now=not plan.by_speaker)
            if plan.by_speaker:  # the first pass only measures: no model to load
                job = replace(job, model=None)
            drain(rows, job)
            _twins(project, writer, twins)
            if plan.pattern is not None and not summary.cancelled:
                summary.speakers = refresh_baselines(
                    project, {speaker for _, speaker in writer.here.values() if speaker}
                )
                if plan.by_speaker:
                    due = _speaker_rows(project, writer, options.segments)
                    note(f"analysing {len(due)} recordings against their speakers' baselines")
                    drain(due, _job(options, cluster, model_now=True))
        except sqlite3.OperationalError as err:
            raise cannot_write(project, summary, err) from err
    summary.seconds = time.perf_counter() - started
    return summary


def _job(options: ImportOptions, cluster: ClusterOptions, *, model_now: bool) -> Job:
    return cluster_job(
        cluster,
        model=None if options.cues_only else options.model,
        device=options.device,
        rationale_source=options.rationale_source,
        drafts=options.drafts,
        asr_engine=options.asr_engine,
        transcribe=options.transcribe,
        features=options.features,
        segments=options.segments,
        utterance_asr=options.utterance_asr,
        model_now=model_now,
        batch=MODEL_BATCH,
    )


def cluster_job(cluster: ClusterOptions, *, device: str, **options) -> Job:
    """The workers' :class:`Job`; ``device="auto"`` becomes what Ray gives each actor."""
    if device == "auto":  # a worker uses what Ray gave it, not what its node has
        device = "cuda" if cluster.gpus_per_worker > 0 else "cpu"
    return Job(device=device, **options)


def _rows(plan, options: ImportOptions, writer: ImportWriter, note) -> tuple[list[dict], list]:
    """The rows for the workers (longest files last), and the second copies of contents."""
    rows, twins, queued = [], [], set()
    for hashed in hash_files(plan.files, note):
        if hashed.error is not None:
            writer.failed(hashed.path, hashed.error)
            continue
        sha = hashed.sha256
        writer.place(sha, hashed.path, speaker_of(Path(hashed.path), plan.folder, plan.pattern))
        if sha in plan.done and (options.features is None or sha in plan.featured):
            writer.already(sha, hashed.path)
        elif sha in queued:  # the same content twice in this folder: analysed once
            twins.append((sha, hashed.path))
        else:
            queued.add(sha)
            stage = FEATURES if sha in plan.done else NEW
            rows.append({"path": hashed.path, "sha256": sha, "stage": stage, "baseline": ""})
            rows[-1]["size"] = hashed.size
    rows.sort(key=lambda row: (Path(row["path"]).suffix.lower(), row["size"]))
    return rows, twins


def hash_files(files: list[Path], note) -> Iterator[_Hashed]:
    """Each file's SHA-256 and size, in the files' order (read by a few threads)."""
    note(f"hashing {len(files)} files")
    with ThreadPoolExecutor(HASH_THREADS) as pool:
        yield from pool.map(_hash_one, [str(path) for path in files])


def _hash_one(path: str) -> _Hashed:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # Python's surrogate escapes of bytes that are not UTF-8
        shown = os.fsencode(path).decode("utf-8", "backslashreplace")
        return _Hashed(
            shown,
            None,
            0,
            f"{shown}: the file name is not valid UTF-8, and a project stores names as text; "
            "rename the file to import it",
        )
    try:
        return _Hashed(path, file_sha256(path), os.stat(path).st_size)
    except OSError as err:
        return _Hashed(path, None, 0, f"{path}: cannot read ({err.strerror or err})")


def stream_outcomes(rows: list[dict], job: Job, cluster: ClusterOptions, workers: int) -> Iterator:
    """The rows' outcomes, as the workers finish them (in no set order)."""
    if not rows:
        return
    import ray.data

    # The driver shows its own progress; Ray Data's plan and timing lines go to its logs.
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    # A block a batch: the pool's actors take blocks, so fewer blocks than actors idle some.
    dataset = ray.data.from_items(
        [{k: v for k, v in row.items() if k != "size"} for row in rows],
        override_num_blocks=math.ceil(len(rows) / job.batch),
    )
    dataset = dataset.map_batches(
        worker_class(job),
        batch_size=job.batch,
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=cluster.cpus_per_worker,
        num_gpus=cluster.gpus_per_worker,
    )
    for row in dataset.iter_rows():
        yield row["outcome"]


def _commit(writer: ImportWriter, outcome: Outcome) -> None:
    if outcome.error is not None:
        writer.failed(outcome.path, outcome.error)
    elif outcome.stage == FEATURES:
        writer.already(outcome.sha256, outcome.path, outcome.features)
    elif outcome.stage == MODEL:
        writer.analysed(
            outcome.recording,
            path=outcome.path,
            result=outcome.result,
            cut=outcome.cut,
        )
    else:
        writer.imported(
            outcome.recording,
            path=outcome.path,
            tracks=outcome.tracks,
            features=outcome.features,
            no_features=outcome.no_features,
            result=outcome.result,
            cut=outcome.cut,
        )


def _twins(project: Project, writer: ImportWriter, twins: list[tuple[str, str]]) -> None:
    """Second paths of contents analysed under their first path: remembered, or failed."""
    held = project.analysed(writer.kind) | writer.seen
    for sha, path in twins:
        if sha in held:
            writer.already(sha, path)
        else:  # its first copy failed (or the run was cancelled before it)
            first = writer.here[sha][0]
            writer.failed(path, f"{path}: not imported: the same content as {first}, which was not")


def _speaker_rows(project: Project, writer: ImportWriter, segments: bool) -> list[dict]:
    """Rows of this import's recordings that lack the model's analysis, with baselines."""
    done, measured = project.analysed("full"), project.analysed("cues")
    if segments:  # cut before, perhaps into no utterance at all
        done |= project.cut_recordings()
    rows = []
    for sha, (path, speaker) in writer.here.items():
        if sha in done or sha not in measured:  # analysed, or never measured (it failed)
            continue
        baseline = project.speaker(speaker) if speaker else None
        rows.append(
            {
                "path": path,
                "sha256": sha,
                "stage": MODEL,
                "baseline": json.dumps(baseline.to_dict()) if baseline else "",
            }
        )
    return rows
