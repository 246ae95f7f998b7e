"""Spectrograms: Praat's (for display) and a log-mel one (for models and display)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, cast

import numpy as np
import parselmouth
from numpy.lib.stride_tricks import sliding_window_view

from model_core.acoustics.intensity import REFERENCE_PRESSURE
from model_core.acoustics.praat import NUMPY_VERSIONS, PRAAT_VERSIONS
from model_core.acoustics.track import Track

if TYPE_CHECKING:
    from numpy.typing import NDArray

TINY_POWER = 1e-30  # floor before taking logs of exact zeros (digital silence)


@dataclass(frozen=True)
class SpectrogramSettings:
    """Arguments of Praat's ``Sound: To Spectrogram...`` with Praat's defaults."""

    window_length: float = 0.005  # s, Gaussian: a broad-band spectrogram
    maximum_frequency: float = 5000.0  # Hz
    time_step: float = 0.002  # s
    frequency_step: float = 20.0  # Hz
    window_shape: str = "GAUSSIAN"


def praat_spectrogram(
    sound: parselmouth.Sound, settings: SpectrogramSettings = SpectrogramSettings()
) -> Track:
    """Power spectral density in dB re (2e-5 Pa)^2/Hz, as Praat computes and paints it.

    Returns
    -------
    Track
        ``values`` shape (n_frames, n_frequencies), ``bins`` the frequencies in Hz.
        Praat paints it with a 70 dB dynamic range below the maximum.
    """
    spectrogram = sound.to_spectrogram(
        window_length=settings.window_length,
        maximum_frequency=settings.maximum_frequency,
        time_step=settings.time_step,
        frequency_step=settings.frequency_step,
        window_shape=getattr(parselmouth.SpectralAnalysisWindowShape, settings.window_shape),
    )
    power = np.maximum(np.asarray(spectrogram.values, dtype=float).T, TINY_POWER)
    return Track(
        "spectrogram",
        np.asarray(spectrogram.xs(), dtype=float),
        10.0 * np.log10(power / REFERENCE_PRESSURE**2),
        "dB",
        "Praat Sound: To Spectrogram...",
        asdict(settings),
        PRAAT_VERSIONS,
        bins=np.asarray(spectrogram.ys(), dtype=float),
        bin_unit="Hz",
    )


@dataclass(frozen=True)
class LogMelSettings:
    """A Whisper-compatible mel analysis: 25 ms Hann frames every 10 ms at 16 kHz, 80 bands."""

    n_fft: int = 400  # samples
    hop_length: int = 160  # samples
    n_mels: int = 80
    fmin: float = 0.0  # Hz
    fmax: float | None = None  # Hz; None = Nyquist


def log_mel_spectrogram(
    samples: np.ndarray, sample_rate: int, settings: LogMelSettings = LogMelSettings()
) -> Track:
    """Log-mel power spectrogram in dB (re full-scale power).

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples,)
        Mono float samples.
    sample_rate : int
        Hz.

    Returns
    -------
    Track
        ``values`` shape (n_frames, n_mels), ``bins`` the band centre frequencies (Hz).
        Frames are centred (the signal is reflect-padded by n_fft // 2), so frame k is
        at k * hop / rate seconds, as in Whisper and librosa.
    """
    from transformers.audio_utils import hertz_to_mel, mel_filter_bank, mel_to_hertz

    x = np.asarray(samples, dtype=np.float32)
    pad = settings.n_fft // 2
    x = np.pad(x, pad, mode="reflect" if len(x) > pad else "constant")
    frames = sliding_window_view(x, settings.n_fft)[:: settings.hop_length]
    window = np.hanning(settings.n_fft + 1)[:-1].astype(np.float32)  # periodic Hann
    power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2
    fmax = settings.fmax or sample_rate / 2
    # The Slaney filter bank of Whisper's feature extractor (equal to librosa's default).
    filters = mel_filter_bank(
        num_frequency_bins=settings.n_fft // 2 + 1,
        num_mel_filters=settings.n_mels,
        min_frequency=settings.fmin,
        max_frequency=fmax,
        sampling_rate=sample_rate,
        norm="slaney",
        mel_scale="slaney",
    )
    mel_power = power @ filters
    edges = np.linspace(
        hertz_to_mel(settings.fmin, "slaney"), hertz_to_mel(fmax, "slaney"), settings.n_mels + 2
    )
    centres = cast("NDArray[np.float64]", mel_to_hertz(edges, "slaney"))[1:-1]
    times = np.arange(len(mel_power)) * settings.hop_length / sample_rate
    return Track(
        "log_mel",
        times,
        10.0 * np.log10(np.maximum(mel_power, TINY_POWER)).astype(float),
        "dB",
        "log-mel power spectrogram (periodic Hann STFT, Slaney mel filters as in Whisper)",
        asdict(settings) | {"sample_rate": sample_rate, "fmax": fmax},
        NUMPY_VERSIONS | {"transformers": _transformers_version()},
        bins=centres.astype(float),
        bin_unit="Hz",
    )


def _transformers_version() -> str:
    import transformers

    return transformers.__version__
