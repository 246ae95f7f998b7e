"""A decoded recording: the original samples for display, mono 16 kHz for models.

Constants
---------
MODEL_SAMPLE_RATE : 16000 Hz, what Whisper and the prosody encoder expect.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import soxr

from model_core.audio.decode import AudioInfo, decode_with_pyav, decode_with_soundfile, probe
from model_core.audio.errors import (
    AudioError,
    AudioFileNotFoundError,
    CorruptAudioError,
    EmptyAudioError,
    InvalidSamplesError,
)

MODEL_SAMPLE_RATE = 16_000  # Hz
DEFAULT_MAX_DECODED_BYTES = 4 * 2**30  # 4 GiB of float32 samples, about 18 h of 16 kHz mono
HASH_CHUNK_BYTES = 1 << 20
CLIPPING_LEVEL = 0.999  # |sample| at or above this counts as clipped
CLIPPING_WARN_FRACTION = 0.001  # warn when more than 0.1 % of samples clip
DC_OFFSET_WARN = 0.05  # warn when the mean sample is beyond +-0.05 full scale
# Below this a header's rate is damage, not audio: a second of samples declared at 1 Hz
# would become hours of audio and hundreds of millions of samples once resampled.
MIN_SAMPLE_RATE = 1000  # Hz
RESAMPLER_QUALITY = "HQ"  # soxr's high quality: flat to 0.9 * Nyquist, >100 dB stop band


@dataclass(frozen=True, eq=False)
class Recording:
    """One decoded recording.

    Attributes
    ----------
    samples : np.ndarray, shape (n_frames, n_channels), float32
        The original samples at the original rate, scaled to [-1, 1]; kept for display.
    sample_rate : int
        Original sampling rate in Hz.
    sha256 : str
        Hex digest of the file's bytes (of the float32 samples and rate for arrays):
        the identity of a recording.
    path : Path or None
        Where it was read from; None for arrays (microphone, tests).
    format, subtype : str
        Container and encoding as the decoder reports them (e.g. "WAV", "PCM_16").
    warnings : tuple of str
        Non-fatal problems: clipping, DC offset, a truncated file.
    """

    samples: np.ndarray
    sample_rate: int
    sha256: str
    path: Path | None = None
    format: str = "array"
    subtype: str = "FLOAT"
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n_channels(self) -> int:
        return int(self.samples.shape[1])

    @property
    def n_frames(self) -> int:
        return int(self.samples.shape[0])

    @property
    def duration(self) -> float:
        """Duration in seconds."""
        return self.n_frames / self.sample_rate

    @property
    def name(self) -> str:
        return self.path.name if self.path is not None else f"array-{self.sha256[:8]}"

    @cached_property
    def mono(self) -> np.ndarray:
        """Channel mean at the original rate, shape (n_frames,), float32."""
        if self.n_channels == 1:
            channel: np.ndarray = self.samples[:, 0]
            return channel
        mean: np.ndarray = self.samples.mean(axis=1, dtype=np.float64).astype(np.float32)
        return mean

    @cached_property
    def for_model(self) -> np.ndarray:
        """Mono float32 at :data:`MODEL_SAMPLE_RATE`, shape (round(duration * 16000),)."""
        return resample(self.mono, self.sample_rate, MODEL_SAMPLE_RATE)

    def facts(self) -> RecordingFacts:
        """What a project stores of this recording, without its samples (light to send)."""
        return RecordingFacts(
            sha256=self.sha256,
            sample_rate=self.sample_rate,
            duration=self.duration,
            n_channels=self.n_channels,
            path=self.path,
            format=self.format,
            subtype=self.subtype,
            warnings=self.warnings,
        )


@dataclass(frozen=True)
class RecordingFacts:
    """A recording's identity and format without its samples (:meth:`Recording.facts`).

    What a cluster worker sends back to the one process that writes the project, and what
    a Parquet row restores: everything ``Project.add_recording`` reads but the samples.
    ``duration`` is in seconds, ``sample_rate`` in Hz.
    """

    sha256: str
    sample_rate: int
    duration: float
    n_channels: int
    path: Path | None = None
    format: str = "array"
    subtype: str = "FLOAT"
    warnings: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.path.name if self.path is not None else f"array-{self.sha256[:8]}"


def resample(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Resample a 1-D float signal with soxr (high quality), returning float32."""
    if rate_in == rate_out:
        return np.asarray(samples, dtype=np.float32)
    out = soxr.resample(np.asarray(samples, dtype=np.float32), rate_in, rate_out, RESAMPLER_QUALITY)
    return np.asarray(out, dtype=np.float32)


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB chunks (constant memory)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _sample_warnings(source: str | Path | None, samples: np.ndarray) -> list[str]:
    """Check sample values: raise on NaN/inf, return warnings for clipping and DC offset."""
    finite = np.isfinite(samples)
    if not finite.all():
        bad = int(samples.size - np.count_nonzero(finite))
        raise InvalidSamplesError(source, f"{bad} of {samples.size} samples are NaN or infinite")
    warnings: list[str] = []
    clipped = float(np.mean(np.abs(samples) >= CLIPPING_LEVEL))
    if clipped > CLIPPING_WARN_FRACTION:
        warnings.append(f"{clipped:.1%} of samples are clipped")
    dc = samples.mean(axis=0, dtype=np.float64)
    if np.any(np.abs(dc) > DC_OFFSET_WARN):
        warnings.append(f"DC offset of {float(np.max(np.abs(dc))):.3f} full scale")
    if not np.any(samples):
        warnings.append("all samples are zero (digital silence)")
    return warnings


def _check_path(path: Path) -> int:
    """The file's size in bytes; AudioError when it cannot be read or is empty."""
    try:
        size = os.stat(path).st_size
    except OSError as err:
        raise AudioFileNotFoundError(path, f"cannot open ({err.strerror or err})") from err
    if not path.is_file():
        raise AudioFileNotFoundError(path, "not a regular file")
    if not os.access(path, os.R_OK):
        raise AudioFileNotFoundError(path, "permission denied")
    if size == 0:
        raise EmptyAudioError(path, "the file is empty (0 bytes)")
    return size


def _check_rate(path: Path, rate: int) -> None:
    if rate < MIN_SAMPLE_RATE:
        raise CorruptAudioError(
            path,
            f"the header's sampling rate of {rate} Hz is implausible (at least "
            f"{MIN_SAMPLE_RATE} Hz expected); the header is probably damaged",
        )


def probe_audio(path: str | Path) -> AudioInfo:
    """Duration, rate and channels from the header alone (fast: nothing is decoded).

    Raises
    ------
    AudioError
        As :func:`load_audio` would for a missing, empty or unrecognised file.
    """
    path = Path(path)
    _check_path(path)
    info = probe(path)
    if info.sample_rate:  # 0: the container does not say (FFmpeg finds it when decoding)
        _check_rate(path, info.sample_rate)
    return info


def load_audio(
    path: str | Path, *, max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES
) -> Recording:
    """Decode an audio file.

    Parameters
    ----------
    path : str or Path
        WAV, FLAC, OGG/Vorbis or MP3 (libsndfile), or anything FFmpeg decodes
        (MP4/M4A audio tracks, Opus, ...).
    max_decoded_bytes : int
        Refuse files whose decoded float32 samples would exceed this many bytes.

    Returns
    -------
    Recording

    Raises
    ------
    AudioError
        One of its subclasses, with a message naming the file and the problem.
    """
    path = Path(path)
    _check_path(path)
    decoded = decode_with_soundfile(path, max_decoded_bytes)
    if decoded is None:
        decoded = decode_with_pyav(path, max_decoded_bytes)
    _check_rate(path, decoded.sample_rate)
    warnings = list(decoded.warnings) + _sample_warnings(path, decoded.samples)
    return Recording(
        samples=decoded.samples,
        sample_rate=decoded.sample_rate,
        sha256=file_sha256(path),
        path=path,
        format=decoded.format,
        subtype=decoded.subtype,
        warnings=tuple(warnings),
    )


def recording_from_array(
    samples: np.ndarray, sample_rate: int, *, name: str | None = None
) -> Recording:
    """Wrap samples already in memory (microphone takes, tests) as a :class:`Recording`.

    Parameters
    ----------
    samples : np.ndarray, shape (n_frames,) or (n_frames, n_channels)
        Float samples in [-1, 1]; integer arrays are scaled by their type's full scale.
    sample_rate : int
        Hz.
    """
    source = name or "<array>"
    array = np.asarray(samples)
    if np.issubdtype(array.dtype, np.integer):
        array = array.astype(np.float32) / float(np.iinfo(array.dtype).max + 1)
    array = np.asarray(array, dtype=np.float32)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise EmptyAudioError(
            source, f"expected (frames, channels) samples, got shape {array.shape}"
        )
    if sample_rate <= 0:
        raise AudioError(source, f"sampling rate must be positive, got {sample_rate}")
    warnings = _sample_warnings(source, array)
    digest = hashlib.sha256(np.ascontiguousarray(array).tobytes() + str(sample_rate).encode())
    return Recording(array, int(sample_rate), digest.hexdigest(), warnings=tuple(warnings))
