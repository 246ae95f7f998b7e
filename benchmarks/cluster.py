"""Archives on a Ray cluster (issue 34): one and two workers against the local import, in
one run, on the same short clips; and what each clip costs, for the scaling sheet.

The clips are real speech of several corpora under ``data_dir`` (RAVDESS, TESS, ASED,
TurEV-DB, EmoSpeech; a missing one is left out), drawn with a seeded RNG in turn from each
and copied into one folder, so every run reads the same bytes. Each configuration is
``emostudio import`` in a process of its own into a new project, timed from start to exit
(Ray's start and each actor's model load included: what a user waits for):

* the local import as it runs by default (decoding processes on every core, torch on every
  core), and the same pinned to one core (``taskset -c 0``, one decoding process, one torch
  thread): the fair partner of one single-core worker;
* ``--cluster`` on a Ray instance started on this machine, with one and with two workers of
  one CPU each.

The cluster runs' labels and probabilities are compared with the local import's: equal
labels and the largest probability difference are reported (the target: within 1e-5).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.report import Figure, Section
from benchmarks.timing import machine_line

CORPORA = ("ravdess", "tess", "ased", "turev", "emospeech")
SEED = 34
SPEEDUP_TARGET, OVERHEAD_TARGET = 1.6, 0.15
# name, import options, pinned to one core
RUNS = (
    ("local import, defaults (all cores)", [], False),
    ("local import, one core", ["--workers", "1"], True),
    ("cluster, 1 worker (1 CPU)", ["--cluster", "--workers", "1"], False),
    ("cluster, 2 workers (1 CPU each)", ["--cluster", "--workers", "2"], False),
)


def draw_clips(data_dir: Path, clips: int, folder: Path) -> dict[str, int]:
    """Copy ``clips`` WAV files, in turn from each corpus, into ``folder``; per-corpus counts."""
    pools = {}
    for corpus in CORPORA:
        files = sorted((data_dir / corpus).rglob("*.wav")) if (data_dir / corpus).is_dir() else []
        if files:
            random.Random(SEED).shuffle(files)
            pools[corpus] = files
    if not pools:
        raise FileNotFoundError(f"no corpus under {data_dir} ({', '.join(CORPORA)})")
    counts = dict.fromkeys(pools, 0)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(clips):
        corpus = list(pools)[i % len(pools)]
        source = pools[corpus][counts[corpus]]
        shutil.copy(source, folder / f"{corpus}-{counts[corpus]:04d}{source.suffix}")
        counts[corpus] += 1
    return counts


def timed_import(folder: Path, db: Path, options: list[str], one_core: bool, common: list[str]):
    """(wall seconds, the summary's first line) of one ``emostudio import`` process."""
    command = [sys.executable, "-m", "emostudio", "import", str(folder), "--db", str(db)]
    command += [*common, *options, "--quiet"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "RAY_ADDRESS": ""}
    if one_core:
        command = ["taskset", "-c", "0", *command]
        env |= {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: some file failed, named in the summary
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return wall, done.stdout.splitlines()[0]


def labels_of(db: Path) -> dict[str, tuple[str, dict]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT sha256, label, probabilities FROM analyses").fetchall()
    return {sha: (label, json.loads(probabilities or "{}")) for sha, label, probabilities in rows}


def agreement(local: dict, other: dict) -> tuple[int, int, float]:
    """(equal labels, clips compared, largest probability difference)."""
    shared = local.keys() & other.keys()
    equal = sum(local[k][0] == other[k][0] for k in shared)
    worst = max(
        (
            abs(p - other[k][1].get(name, float("nan")))
            for k in shared
            for name, p in local[k][1].items()
        ),
        default=0.0,
    )
    return equal, len(shared), worst


def commit_rate(source: Path, work: Path, repeats: int = 3) -> float:
    """Clips per second the driver commits: every recording of the project ``source``
    (its facts, tracks and analysis, as a worker sends them) written again through
    :class:`ImportWriter` into a new project; the best of ``repeats``."""
    from emostudio.store.import_writer import ImportWriter
    from emostudio.store.importer import ImportSummary
    from emostudio.store.project import Project
    from model_core.audio import RecordingFacts

    with Project(source) as project:
        outcomes = [
            (
                RecordingFacts(
                    r["sha256"], r["sample_rate"], r["duration"], r["channels"], Path(r["path"])
                ),
                list(project.media.tracks(r["sha256"]).values()),
                project.queries.latest_analysis(r["sha256"])[1],
            )
            for r in project.queries.list_recordings()
        ]
    best = 0.0
    for attempt in range(repeats):
        with Project(work / f"commits{attempt}.db") as project:
            summary = ImportSummary()
            writer = ImportWriter(project, summary, kind="full", store_audio=False, note=len)
            started = time.perf_counter()
            for facts, tracks, result in outcomes:
                path = str(facts.path)
                writer.imported(
                    facts, path=path, tracks=tracks, features=[], no_features=None, result=result
                )
            best = max(best, len(outcomes) / (time.perf_counter() - started))
    return best


def cluster_section(
    data_dir: Path = Path("data"),
    clips: int = 200,
    model: str = "default",
    rationale: str = "composer",
) -> Section:
    """The runs side by side: wall time, clips per second, ratios; figures with targets."""
    common = ["--model", model, "--device", "cpu", "--rationale-source", rationale]
    with tempfile.TemporaryDirectory(prefix="emostudio-cluster-bench-") as work:
        work = Path(work)
        counts = draw_clips(data_dir, clips, work / "clips")
        timings, tables = {}, {}
        for i, (name, options, one_core) in enumerate(RUNS):
            db = work / f"run{i}.db"
            timings[name] = timed_import(work / "clips", db, options, one_core, common)
            tables[name] = labels_of(db)
        commits = commit_rate(work / "run0.db", work)
    local_name, one_core_name, one_name, two_name = (name for name, _, _ in RUNS)
    speedup = timings[one_name][0] / timings[two_name][0]
    overhead = timings[one_name][0] / timings[one_core_name][0] - 1
    lines = [
        "## Archives on a Ray cluster (issue 34)",
        "",
        machine_line(),
        "",
        f"{clips} short clips ({', '.join(f'{c} {n}' for c, n in counts.items())}), model "
        f"`{model}`, rationale `{rationale}`, transcripts on; each run a fresh process and "
        "project, Ray started by the import (`--cluster auto` on a machine with no cluster).",
        "",
        "| run | wall s | clips/s | s per clip | vs 1-core local | labels = local | max abs dp |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, _, _ in RUNS:
        wall, _summary = timings[name]
        equal, shared, worst = agreement(tables[local_name], tables[name])
        lines.append(
            f"| {name} | {wall:.1f} | {clips / wall:.2f} | {wall / clips:.3f} | "
            f"{timings[one_core_name][0] / wall:.2f}x | {equal}/{shared} | {worst:.1e} |"
        )
    lines += [
        "",
        f"2 workers against 1: **{speedup:.2f}x** (target at least {SPEEDUP_TARGET}x); "
        f"1 worker against the local import on one core: **{overhead:+.1%}** (target under "
        f"{OVERHEAD_TARGET:.0%}); against the local import on all cores: "
        f"{timings[one_name][0] / timings[local_name][0]:.2f}x its time. The driver commits "
        f"{commits:.0f} clips/s (each clip's facts, 4 tracks and analysis, one transaction "
        "each; the best of 3 passes over these 200): the most one driver can take in.",
        "",
    ]
    _, _, worst = agreement(tables[local_name], tables[two_name])
    figures = [
        Figure("2 Ray workers vs 1", speedup, "x", f"{speedup:.2f}x", at_least=SPEEDUP_TARGET),
        Figure(
            "1 Ray worker vs local import on one core",
            overhead * 100,
            "%",
            f"{overhead:+.1%}",
            below=OVERHEAD_TARGET * 100,
        ),
        Figure(
            "cluster vs local: largest probability difference",
            worst,
            "",
            f"{worst:.1e}",
            below=1e-5,
        ),
    ]
    return Section("\n".join(lines), figures)
