"""Acoustics benchmark: the full cue set against librosa.pyin and Praat's pitch alone, and
the eGeMAPS v02 functionals (opensmile) beside them.

All four run on the same real speech (Debian's asterisk prompts, concatenated),
in one process pinned to one core, and are reported as x-real-time and as ratios.
"""

from __future__ import annotations

import glob
from pathlib import Path

import numpy as np
import soundfile as sf

from benchmarks.report import Figure, Section
from benchmarks.timing import (
    Timing,
    machine_line,
    pin_to_one_core,
    significant,
    time_call,
)
from model_core.acoustics import analyze_acoustics, praat_pitch, praat_sound
from model_core.acoustics.egemaps import egemaps_functionals
from model_core.audio import MODEL_SAMPLE_RATE, load_audio
from model_core.cues import summarize
from train.datasets.asterisk import ASTERISK_DIR

HOUR_TARGET_SECONDS = 30.0


def real_speech(minutes: float, speech_dir: Path = ASTERISK_DIR) -> np.ndarray:
    """``minutes`` of real speech at 16 kHz: the directory's WAV files concatenated in name order.

    Raises
    ------
    FileNotFoundError
        When the directory holds no WAV files (install ``asterisk-core-sounds-en-wav``).
    """
    files = sorted(glob.glob(str(speech_dir / "**" / "*.wav"), recursive=True))
    if not files:
        raise FileNotFoundError(
            f"no WAV files under {speech_dir}: apt-get install asterisk-core-sounds-en-wav"
        )
    needed = int(minutes * 60 * MODEL_SAMPLE_RATE)
    chunks, total = [], 0
    while total < needed:  # repeats the material if the directory holds less than asked
        for path in files:
            samples = load_audio(path).for_model
            chunks.append(samples)
            total += len(samples)
            if total >= needed:
                break
    return np.concatenate(chunks)[:needed]


def write_clips(folder: Path, count: int, seconds: float, speech_dir: Path) -> list[Path]:
    """``count`` WAV files of ``seconds`` of real speech each (different stretches)."""
    folder.mkdir(parents=True, exist_ok=True)
    speech = real_speech(count * seconds / 60 + 0.1, speech_dir)
    step = int(seconds * MODEL_SAMPLE_RATE)
    paths = []
    for i in range(count):
        path = folder / f"clip{i:03d}.wav"
        sf.write(path, speech[i * step : (i + 1) * step], MODEL_SAMPLE_RATE, subtype="PCM_16")
        paths.append(path)
    return paths


def full_cues(samples: np.ndarray) -> None:
    summarize(analyze_acoustics(samples, MODEL_SAMPLE_RATE))


def praat_pitch_alone(samples: np.ndarray) -> None:
    praat_pitch(praat_sound(samples, MODEL_SAMPLE_RATE))


def egemaps_alone(samples: np.ndarray) -> None:
    egemaps_functionals(samples, MODEL_SAMPLE_RATE)


def pyin_alone(samples: np.ndarray) -> None:
    import librosa

    librosa.pyin(
        samples, fmin=75.0, fmax=600.0, sr=MODEL_SAMPLE_RATE, frame_length=1024, hop_length=160
    )  # 10 ms hop, as Praat


def run_benchmark(
    minutes: float = 10.0, repeats: int = 3, hour: bool = True, speech_dir: Path = ASTERISK_DIR
) -> str:
    """Run the benchmark and return a Markdown report."""
    return acoustics_section(minutes, repeats, hour, speech_dir).markdown


def acoustics_section(
    minutes: float = 10.0,
    repeats: int = 3,
    hour: bool = True,
    speech_dir: Path = ASTERISK_DIR,
    long_minutes: float = 60.0,
    long_repeats: int = 1,
) -> Section:
    """Time the three pitch candidates and eGeMAPS on ``minutes`` of speech, ``repeats`` runs
    each (pyin, 30 times slower, ``repeats // 3``), then the full cue set on ``long_minutes`` (the
    same speech repeated, ``long_repeats`` runs) unless ``hour`` is false."""
    pinned = pin_to_one_core()
    samples = real_speech(minutes, speech_dir)
    seconds = len(samples) / MODEL_SAMPLE_RATE
    pyin_alone(samples[:MODEL_SAMPLE_RATE])  # compile numba once, outside the timing
    egemaps_alone(samples[:MODEL_SAMPLE_RATE])  # load opensmile's library once, likewise
    timings = [
        time_call("full cue set (model_core)", lambda: full_cues(samples), repeats),
        time_call("Praat pitch alone (parselmouth)", lambda: praat_pitch_alone(samples), repeats),
        time_call("librosa.pyin alone", lambda: pyin_alone(samples), max(1, repeats // 3)),
        time_call("eGeMAPS v02 functionals (opensmile)", lambda: egemaps_alone(samples), repeats),
    ]
    lines = [
        f"## Acoustics: {seconds / 60:.1f} min of real speech, {pinned}",
        "",
        f"Machine: {machine_line()}",
        "",
        "| what | runs | median s (min–max) | x real time | time vs full cue set |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    reference = timings[0].median
    for timing in timings:
        lines.append(_row(timing, seconds, reference))
    cues, praat, pyin, egemaps = timings
    audio = f"{seconds / 60:.1f} min of real speech, one core"
    figures = [
        Figure(
            f"full cue set, {audio}",
            cues.median,
            "s",
            f"{cues.spread()} s ({seconds / cues.median:.0f}x real time)",
        ),
        Figure(
            f"Praat pitch alone (parselmouth), the same {seconds / 60:.1f} min",
            praat.median,
            "s",
            f"{significant(praat.median)} s = {significant(praat.median / reference)}x the full cue set",
        ),
        Figure(
            f"librosa.pyin alone, the same {seconds / 60:.1f} min",
            pyin.median,
            "s",
            f"{significant(pyin.median)} s = {significant(pyin.median / reference)}x the full cue set",
        ),
        Figure(
            f"eGeMAPS v02 functionals (opensmile), the same {seconds / 60:.1f} min, one core",
            egemaps.median,
            "s",
            f"{egemaps.spread()} s ({seconds / egemaps.median:.0f}x real time; "
            f"{significant(egemaps.median / reference)} times the full cue set's time)",
        ),
    ]
    if hour:
        long_seconds = long_minutes * 60
        long_samples = np.tile(samples, int(np.ceil(long_seconds / seconds)))[
            : int(long_seconds * MODEL_SAMPLE_RATE)
        ]
        long = time_call("full cue set, long", lambda: full_cues(long_samples), long_repeats)
        target = HOUR_TARGET_SECONDS if long_minutes == 60 else None  # the target is for an hour
        lines += [
            "",
            f"Full cue set on {long_minutes:g} min of audio (the same speech repeated), "
            f"{_runs(long)}: {long.spread()} s on one core ({long_seconds / long.median:.0f}x "
            f"real time{f'; target under {target:g} s' if target else ''}).",
        ]
        figures.append(
            Figure(
                f"full cue set, {long_minutes:g} min of audio, one core",
                long.median,
                "s",
                f"{long.spread()} s",
                below=target,
            )
        )
    return Section("\n".join(lines) + "\n", figures)


def _runs(timing: Timing) -> str:
    runs = len(timing.seconds)
    return f"{runs} run{'s' if runs > 1 else ''}"


def _row(timing: Timing, audio_seconds: float, reference: float) -> str:
    return (
        f"| {timing.name} | {len(timing.seconds)} | {timing.spread()} | "
        f"{audio_seconds / timing.median:.0f}x | {significant(timing.median / reference)} |"
    )
