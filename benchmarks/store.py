"""Project benchmarks: batch import speed (cues only, and with the model) and search time.

Import: 500 three-second clips written to a temporary folder, imported with ``--cues-only``
using every core, then a smaller set with the default model. Search: a project holding
10,000 analyses with varied transcripts and rationales, timed over a set of full-text
queries with filters (median and worst).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from benchmarks.report import Figure, Section
from benchmarks.timing import machine_line, spread
from emostudio.store import Filters, Project
from emostudio.store.importer import ImportOptions, run_import
from model_core.audio import MODEL_SAMPLE_RATE, recording_from_array
from model_core.result import AnalysisResult

CLIP_SECONDS = 3.0
IMPORT_TARGET = 20.0  # clips/s, --cues-only, on 2 cores
SEARCH_TARGET_MS = 50.0
VOCABULARY_TEXT = (
    "please stop this now again never always today tomorrow happy sad angry calm loud quiet fast slow "
    "voice pitch kettle garden letter meeting train window station doctor music holiday rain"
)
VOCABULARY = VOCABULARY_TEXT.split()
QUERIES = (
    "kettle",
    "angry",
    '"please stop"',
    "loud OR quiet",
    "garden AND rain",
    "hol*",
    "doctor NOT music",
)


def _clips(folder: Path, count: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    t = np.arange(int(CLIP_SECONDS * MODEL_SAMPLE_RATE)) / MODEL_SAMPLE_RATE
    for i in range(count):
        f0 = rng.uniform(100, 250)
        envelope = 0.5 + 0.5 * np.sin(2 * np.pi * rng.uniform(3, 6) * t) ** 2
        voice = sum(np.sin(2 * np.pi * k * f0 * t) / k for k in range(1, 8)) * envelope
        samples = 0.05 * voice + 0.002 * rng.standard_normal(len(t))
        sf.write(
            folder / f"clip{i:04d}.wav",
            samples.astype(np.float32),
            MODEL_SAMPLE_RATE,
            subtype="PCM_16",
        )


def _import_rates(
    count: int, cues_only: bool, repeats: int = 1, device: str = "auto"
) -> list[float]:
    """Clips/s of ``repeats`` imports of the same ``count`` clips, each into a new project."""
    rates = []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "clips").mkdir()
        _clips(folder / "clips", count)
        for run in range(repeats):
            with Project(folder / f"p{run}.emostudio") as project:
                summary = run_import(
                    project,
                    folder / "clips",
                    ImportOptions(cues_only=cues_only, workers=os.cpu_count() or 1, device=device),
                )
            if summary.imported != count:
                raise RuntimeError(f"the benchmark import went wrong: {summary.text()}")
            rates.append(count / summary.seconds)
    return rates


def _search_times(rows: int, repeats: int = 5) -> tuple[float, float, float]:
    rng = np.random.default_rng(1)
    with tempfile.TemporaryDirectory() as folder, Project(Path(folder) / "p.emostudio") as project:
        started = time.perf_counter()
        recording = recording_from_array(
            np.zeros(1600, dtype=np.float32), MODEL_SAMPLE_RATE, name="r"
        )
        project.add_recording(recording, speaker="s0")
        with project.transaction():
            for _i in range(rows):
                words = " ".join(rng.choice(VOCABULARY, size=12))
                result = AnalysisResult(
                    file=None,
                    sha256=recording.sha256,
                    duration=0.1,
                    sample_rate=16000,
                    start=0.0,
                    end=0.1,
                    label=str(rng.choice(["neutral", "happy", "sad", "angry"])),
                    transcript=words,
                    rationale=" ".join(rng.choice(VOCABULARY, size=20)),
                    cues={"descriptor": "", "cues": {}},
                )
                project._add_analysis(recording.sha256, result, "full")
        build = time.perf_counter() - started
        times = []
        for _ in range(repeats):
            for query in QUERIES:
                begun = time.perf_counter()
                project.queries.list_analyses(Filters(text=query, label="angry"), limit=100)
                times.append(time.perf_counter() - begun)
        return build, statistics.median(times), max(times)


def run_store_benchmark(clips: int = 500, model_clips: int = 32, rows: int = 10_000) -> str:
    """Run the benchmark and return a Markdown report."""
    return store_section(clips, model_clips, rows).markdown


def store_section(
    clips: int = 500,
    model_clips: int = 32,
    rows: int = 10_000,
    repeats: int = 1,
    device: str = "auto",
) -> Section:
    """Import ``clips`` clips ``--cues-only`` ``repeats`` times and ``model_clips`` with the
    model once (0: skip), then search ``rows`` analyses: the report and its figures."""
    cores = os.cpu_count() or 1
    rates = _import_rates(clips, True, repeats)
    rate = statistics.median(rates)
    what = f"import {clips} clips of {CLIP_SECONDS:.0f} s, `--cues-only`"
    lines = [
        f"## Projects: import and search, {cores} cores",
        "",
        f"Machine: {machine_line()}",
        "",
        "| what | result | target |",
        "| --- | ---: | --- |",
        f"| {what}, {_runs(repeats)} | {clips / rate:.1f} s, **{spread(rates)} clips/s** "
        f"(median (min–max)) | at least {IMPORT_TARGET:g} clips/s |",
    ]
    figures = [
        Figure(
            f"{what}, {cores} cores",
            rate,
            "clips/s",
            f"{spread(rates)} clips/s",
            at_least=IMPORT_TARGET,
        )
    ]
    if model_clips:
        (model_rate,) = _import_rates(model_clips, False, device=device)
        lines.append(
            f"| import {model_clips} clips with the default model (label, rationale, citations), 1 run | "
            f"{model_clips / model_rate:.1f} s, **{model_rate:.2f} clips/s** | |"
        )
        figures.append(
            Figure(
                f"import {model_clips} clips with the default model",
                model_rate,
                "clips/s",
                f"{model_rate:.2f} clips/s",
            )
        )
    build, median, worst = _search_times(rows)
    lines.append(
        f"| full-text search + label filter over {rows:,} analyses ({len(QUERIES)} queries x 5) | "
        f"median **{median * 1000:.1f} ms**, worst {worst * 1000:.1f} ms | under {SEARCH_TARGET_MS:g} ms |"
    )
    figures.append(
        Figure(
            f"search over {rows:,} analyses (full text + label filter)",
            median * 1000,
            "ms",
            f"median {median * 1000:.1f} ms, worst {worst * 1000:.1f} ms",
            below=SEARCH_TARGET_MS,
        )
    )
    lines += ["", f"(writing the {rows:,} analyses took {build:.1f} s)"]
    return Section("\n".join(lines) + "\n", figures)


def _runs(count: int) -> str:
    return f"{count} run{'s' if count > 1 else ''}"
