"""Acoustics benchmark: the full cue set against librosa.pyin and Praat's pitch alone.

All three run on the same real speech (Debian's asterisk prompts, concatenated),
in one process pinned to one core, and are reported as x-real-time and as ratios.
"""

from __future__ import annotations

import glob
from pathlib import Path

import numpy as np

from emostudio.bench.timing import Timing, machine_line, pin_to_one_core, time_call
from model_core.acoustics import analyze_acoustics, praat_pitch, praat_sound
from model_core.audio import MODEL_SAMPLE_RATE, load_audio
from model_core.cues import summarize
from train.datasets.asterisk import ASTERISK_DIR


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


def full_cues(samples: np.ndarray) -> None:
    summarize(analyze_acoustics(samples, MODEL_SAMPLE_RATE))


def praat_pitch_alone(samples: np.ndarray) -> None:
    praat_pitch(praat_sound(samples, MODEL_SAMPLE_RATE))


def pyin_alone(samples: np.ndarray) -> None:
    import librosa

    librosa.pyin(
        samples, fmin=75.0, fmax=600.0, sr=MODEL_SAMPLE_RATE, frame_length=1024, hop_length=160
    )  # 10 ms hop, as Praat


def run_benchmark(
    minutes: float = 10.0, repeats: int = 3, hour: bool = True, speech_dir: Path = ASTERISK_DIR
) -> str:
    """Run the benchmark and return a Markdown report."""
    pinned = pin_to_one_core()
    samples = real_speech(minutes, speech_dir)
    seconds = len(samples) / MODEL_SAMPLE_RATE
    pyin_alone(samples[:MODEL_SAMPLE_RATE])  # compile numba once, outside the timing
    timings = [
        time_call("full cue set (model_core)", lambda: full_cues(samples), repeats),
        time_call("Praat pitch alone (parselmouth)", lambda: praat_pitch_alone(samples), repeats),
        time_call("librosa.pyin alone", lambda: pyin_alone(samples), max(1, repeats // 3)),
    ]
    lines = [
        f"## Acoustics: {seconds / 60:.1f} min of real speech, {pinned}",
        "",
        f"Machine: {machine_line()}",
        "",
        "| what | median s | x real time | time vs full cue set |",
        "| --- | ---: | ---: | ---: |",
    ]
    reference = timings[0].median
    for timing in timings:
        lines.append(_row(timing, seconds, reference))
    if hour:
        hour_samples = np.tile(samples, int(np.ceil(3600 / seconds)))[: 3600 * MODEL_SAMPLE_RATE]
        hour_timing = time_call("full cue set, 1 hour", lambda: full_cues(hour_samples), 1)
        lines += [
            "",
            f"Full cue set on 1 hour of audio (the same speech repeated): "
            f"{hour_timing.median:.1f} s on one core ({3600 / hour_timing.median:.0f}x real time; "
            "target under 30 s).",
        ]
    return "\n".join(lines) + "\n"


def _row(timing: Timing, audio_seconds: float, reference: float) -> str:
    runs = len(timing.seconds)
    return (
        f"| {timing.name} ({runs} run{'s' if runs > 1 else ''}) | {timing.median:.2f} | "
        f"{audio_seconds / timing.median:.0f}x | {timing.median / reference:.2f} |"
    )
