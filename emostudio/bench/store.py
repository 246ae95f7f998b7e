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

from emostudio.bench.timing import machine_line
from emostudio.store import Filters, Project
from emostudio.store.importer import ImportOptions, run_import
from model_core.audio import MODEL_SAMPLE_RATE, recording_from_array
from model_core.result import AnalysisResult

CLIP_SECONDS = 3.0
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


def _import_rate(count: int, cues_only: bool) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "clips").mkdir()
        _clips(folder / "clips", count)
        with Project(folder / "p.emostudio") as project:
            summary = run_import(
                project,
                folder / "clips",
                ImportOptions(cues_only=cues_only, workers=os.cpu_count() or 1),
            )
        assert summary.imported == count, summary.text()
        return summary.seconds, count / summary.seconds


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
                project.list_analyses(Filters(text=query, label="angry"), limit=100)
                times.append(time.perf_counter() - begun)
        return build, statistics.median(times), max(times)


def run_store_benchmark(clips: int = 500, model_clips: int = 32, rows: int = 10_000) -> str:
    seconds, rate = _import_rate(clips, cues_only=True)
    lines = [
        f"## Projects: import and search, {os.cpu_count()} cores",
        "",
        f"Machine: {machine_line()}",
        "",
        "| what | result | target |",
        "| --- | ---: | --- |",
        f"| import {clips} clips of {CLIP_SECONDS:.0f} s, `--cues-only` | {seconds:.1f} s, **{rate:.1f} clips/s** "
        "| at least 20 clips/s |",
    ]
    if model_clips:
        seconds, rate = _import_rate(model_clips, cues_only=False)
        lines.append(
            f"| import {model_clips} clips with the default model (label, rationale, citations) | "
            f"{seconds:.1f} s, **{rate:.2f} clips/s** | |"
        )
    build, median, worst = _search_times(rows)
    lines.append(
        f"| full-text search + label filter over {rows:,} analyses ({len(QUERIES)} queries x 5) | "
        f"median **{median * 1000:.1f} ms**, worst {worst * 1000:.1f} ms | under 50 ms |"
    )
    lines += ["", f"(writing the {rows:,} analyses took {build:.1f} s)"]
    return "\n".join(lines) + "\n"
