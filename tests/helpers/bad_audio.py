"""A corpus of broken and odd audio files, each with what must happen to it.

``expected`` is either ``"ok"`` (decodes and analyses) or the AudioError subclass
that must be raised, by loading or by the acoustic analysis.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from model_core.audio import (
    AudioError,
    AudioFileNotFoundError,
    AudioTooShortError,
    CorruptAudioError,
    EmptyAudioError,
    InvalidSamplesError,
    UnsupportedFormatError,
)
from tests.helpers.signals import harmonic, silence, syllable_train

SPEECHLIKE_F0 = 150.0


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    expected: str | type[AudioError] | tuple[type[AudioError], ...]
    warning: str | None = None  # a word the recording's warnings must contain
    f0: float | None = None  # the F0 the analysis must find, when known


def _speech(rate: int, duration: float = 1.0) -> np.ndarray:
    return harmonic(SPEECHLIKE_F0, duration, rate=rate, amplitude=0.3)


def _wav_header(n_bytes_claimed: int, rate: int = 16_000) -> bytes:
    return (
        b"RIFF"
        + struct.pack("<I", 36 + n_bytes_claimed)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
        + b"data"
        + struct.pack("<I", n_bytes_claimed)
    )


def build_corpus(folder: Path) -> list[Case]:
    """Write every case into ``folder`` and return them."""
    folder.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def add(
        name: str,
        expected,
        *,
        data: bytes | None = None,
        samples=None,
        rate=16_000,
        subtype="PCM_16",
        fmt=None,
        warning=None,
        f0=None,
    ) -> None:
        path = folder / name
        if data is not None:
            path.write_bytes(data)
        elif samples is not None:
            sf.write(path, samples, rate, subtype=subtype, format=fmt)
        cases.append(Case(name, path, expected, warning, f0))

    good = _speech(16_000)
    pcm = (good * 32767).astype("<i2").tobytes()
    add("zero_bytes.wav", EmptyAudioError, data=b"")
    add("text_named.wav", UnsupportedFormatError, data=b"this is not audio\n" * 50)
    add(
        "truncated_header.wav",
        (CorruptAudioError, UnsupportedFormatError),
        data=_wav_header(len(pcm))[:20],
    )
    add("header_only.wav", EmptyAudioError, data=_wav_header(0))
    add(
        "truncated_data.wav",
        "ok",
        data=_wav_header(len(pcm)) + pcm[: len(pcm) // 2],
        f0=SPEECHLIKE_F0,
    )
    add(
        "random_bytes.mp3",
        (UnsupportedFormatError, CorruptAudioError, EmptyAudioError),
        data=np.random.default_rng(3).integers(0, 256, 20_000, dtype=np.uint8).tobytes(),
    )
    nan = good.copy()
    nan[100:200] = np.nan
    add("nan_samples.wav", InvalidSamplesError, samples=nan, subtype="FLOAT")
    inf = good.copy()
    inf[5] = np.inf
    add("inf_samples.wav", InvalidSamplesError, samples=inf, subtype="FLOAT")
    add("all_zeros.wav", "ok", samples=np.zeros(16_000), warning="zero")
    add("very_short_0.05s.wav", AudioTooShortError, samples=_speech(16_000, 0.05))
    add("one_sample.wav", AudioTooShortError, samples=np.array([0.1]))
    add("six_channels.wav", "ok", samples=np.repeat(good[:, None], 6, axis=1), f0=SPEECHLIKE_F0)
    add("rate_96k.wav", "ok", samples=_speech(96_000), rate=96_000, f0=SPEECHLIKE_F0)
    add("rate_8k.wav", "ok", samples=_speech(8_000), rate=8_000, f0=SPEECHLIKE_F0)
    add("eight_bit.wav", "ok", samples=good, subtype="PCM_U8", f0=SPEECHLIKE_F0)
    add("dc_offset.wav", "ok", samples=good * 0.5 + 0.3, warning="DC offset", f0=SPEECHLIKE_F0)
    add("clipped.wav", "ok", samples=np.clip(good * 8, -1, 1), warning="clipped", f0=SPEECHLIKE_F0)
    add("over_full_scale_float.wav", "ok", samples=good * 4, subtype="FLOAT", f0=SPEECHLIKE_F0)
    add("very_quiet.wav", "ok", samples=good * 1e-4, subtype="FLOAT", f0=SPEECHLIKE_F0)
    add(
        "noise_only.wav",
        "ok",
        samples=np.random.default_rng(0).standard_normal(16_000) * 0.1,
        subtype="FLOAT",
    )
    add("silence_floor.wav", "ok", samples=silence(1.0), subtype="FLOAT")
    add("wav_named_mp3.mp3", "ok", data=_wav_header(len(pcm)) + pcm, f0=SPEECHLIKE_F0)
    add(
        "flac_24bit.flac",
        "ok",
        samples=syllable_train(4),
        subtype="PCM_24",
        fmt="FLAC",
        f0=SPEECHLIKE_F0,
    )
    ogg = folder / "whole.ogg"
    sf.write(ogg, _speech(16_000, 2.0), 16_000, format="OGG", subtype="VORBIS")
    add(
        "truncated.ogg",
        ("ok", CorruptAudioError, EmptyAudioError),
        data=ogg.read_bytes()[: ogg.stat().st_size // 2],
    )
    ogg.unlink()
    add("missing_file.wav", AudioFileNotFoundError)
    (folder / "a_directory.wav").mkdir(exist_ok=True)
    cases.append(Case("a_directory.wav", folder / "a_directory.wav", AudioFileNotFoundError))
    return cases
