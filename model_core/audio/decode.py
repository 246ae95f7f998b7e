"""Decoders: libsndfile (via soundfile) first, FFmpeg (via PyAV) for the rest.

libsndfile reads WAV (8/16/24/32-bit int, float), FLAC, OGG/Vorbis and MP3
sample-exactly; PyAV (FFmpeg) reads the audio track of MP4/M4A/AAC, Opus and
anything else FFmpeg knows. Both return float32 samples of shape
``(n_frames, n_channels)`` scaled to [-1, 1].
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import soundfile as sf

from model_core.audio.errors import (
    AudioTooLongError,
    CorruptAudioError,
    EmptyAudioError,
    UnsupportedFormatError,
)

if TYPE_CHECKING:
    from av.format import ContainerFormat

BYTES_PER_DECODED_SAMPLE = 4  # float32


@dataclass(frozen=True)
class Decoded:
    """Raw decoder output before any checks on the sample values."""

    samples: np.ndarray  # (n_frames, n_channels) float32
    sample_rate: int  # Hz
    format: str  # container, e.g. "WAV", "FLAC", "MP4"
    subtype: str  # encoding, e.g. "PCM_16", "VORBIS", "aac"
    warnings: tuple[str, ...] = ()


def _sf_name(path: Path) -> str | bytes:
    """The name to give libsndfile: bytes on POSIX, so that names that are not UTF-8 open too.

    (soundfile encodes a str strictly, and a name that is not UTF-8 reaches Python as a str
    holding surrogate escapes.)
    """
    return os.fsencode(path) if os.name == "posix" else str(path)


def _check_size(path: Path, n_frames: int, n_channels: int, max_decoded_bytes: int) -> None:
    needed = n_frames * n_channels * BYTES_PER_DECODED_SAMPLE
    if needed > max_decoded_bytes:
        raise AudioTooLongError(
            path,
            f"decoding would need {needed / 2**30:.1f} GiB of memory "
            f"(limit {max_decoded_bytes / 2**30:.1f} GiB); split the file or raise the limit",
        )


def decode_with_soundfile(path: Path, max_decoded_bytes: int) -> Decoded | None:
    """Decode with libsndfile; return None when libsndfile does not know the format."""
    try:
        info = sf.info(_sf_name(path))
    except (sf.LibsndfileError, RuntimeError):
        return None  # not a libsndfile format: let FFmpeg try
    if info.frames <= 0 or info.channels <= 0:
        raise EmptyAudioError(path, f"the {info.format} header declares no samples")
    _check_size(path, info.frames, info.channels, max_decoded_bytes)
    try:
        samples, rate = sf.read(_sf_name(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError) as err:
        raise CorruptAudioError(path, f"{info.format} data cannot be decoded ({err})") from err
    warnings: list[str] = []
    if len(samples) == 0:
        raise EmptyAudioError(path, f"the {info.format} file holds no samples (truncated?)")
    if len(samples) < info.frames:
        warnings.append(
            f"file is shorter than its header says ({len(samples)} of {info.frames} frames)"
        )
    return Decoded(samples, int(rate), info.format, info.subtype, tuple(warnings))


# FFmpeg opens almost anything: text as "tty" (ANSI art), pictures as image formats.
TEXT_FORMATS = frozenset(("tty", "ansi"))


def no_audio_reason(container_format: ContainerFormat) -> str:
    """Plain words for a file FFmpeg opened that holds no sound."""
    name = container_format.name or ""
    if name in TEXT_FORMATS:
        return "not an audio file: it holds text"
    if name.endswith("_pipe") or name.startswith("image2"):
        return "not an audio file: it holds a picture"
    kind = container_format.long_name or name
    return f"the file holds no sound (a {kind} file without an audio track)"


def decode_with_pyav(path: Path, max_decoded_bytes: int) -> Decoded:
    """Decode the first audio stream with FFmpeg through PyAV."""
    import av  # imported lazily: only a minority of files need FFmpeg

    try:
        container = av.open(str(path))
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as err:
        raise UnsupportedFormatError(path, "not a recognised audio or video file") from err
    with container:
        streams = container.streams.audio
        if not streams:
            raise UnsupportedFormatError(path, no_audio_reason(container.format))
        stream = streams[0]
        rate = stream.rate or stream.codec_context.sample_rate
        channels = stream.codec_context.channels or 1
        if stream.duration is not None and stream.time_base is not None:
            _check_size(
                path, int(stream.duration * stream.time_base * rate), channels, max_decoded_bytes
            )
        # Resample to planar float so every codec comes out the same way.
        resampler = av.AudioResampler(format="fltp", layout=stream.layout, rate=rate)
        chunks: list[np.ndarray] = []
        decoded_bytes = 0
        warning: str | None
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().T  # (n, channels)
                    decoded_bytes += chunk.nbytes
                    _check_size(
                        path, decoded_bytes // BYTES_PER_DECODED_SAMPLE, 1, max_decoded_bytes
                    )
                    chunks.append(chunk)
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().T)
        except av.FFmpegError as err:
            if not chunks:
                raise CorruptAudioError(path, f"audio track cannot be decoded ({err})") from err
            warning = f"decoding stopped early ({err}); kept what was decoded"
        else:
            warning = None
        codec = stream.codec_context.name
        container_name = container.format.name.split(",")[0].upper()
    if not chunks:
        raise EmptyAudioError(path, "the audio track holds no samples")
    samples = np.ascontiguousarray(np.concatenate(chunks).astype(np.float32, copy=False))
    return Decoded(samples, int(rate), container_name, codec, (warning,) if warning else ())


@dataclass(frozen=True)
class AudioInfo:
    """What a file's header says, without decoding the samples."""

    duration: float  # s
    sample_rate: int  # Hz
    channels: int
    format: str


def probe(path: Path) -> AudioInfo:
    """Read the header (libsndfile) or container metadata (FFmpeg) of an audio file.

    Raises
    ------
    UnsupportedFormatError, EmptyAudioError
        When neither reader recognises the file, or it declares no audio.
    """
    try:
        info = sf.info(_sf_name(path))
    except (sf.LibsndfileError, RuntimeError):
        info = None
    if info is not None:
        if info.frames <= 0:
            raise EmptyAudioError(path, f"the {info.format} header declares no samples")
        return AudioInfo(
            info.frames / info.samplerate, int(info.samplerate), int(info.channels), info.format
        )
    import av

    try:
        container = av.open(str(path))
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as err:
        raise UnsupportedFormatError(path, "not a recognised audio or video file") from err
    with container:
        if not container.streams.audio:
            raise UnsupportedFormatError(path, no_audio_reason(container.format))
        stream = container.streams.audio[0]
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / 1_000_000  # microseconds
        else:
            duration = float("nan")
        return AudioInfo(
            duration,
            int(stream.rate or 0),
            int(stream.codec_context.channels or 1),
            container.format.name.split(",")[0].upper(),
        )
