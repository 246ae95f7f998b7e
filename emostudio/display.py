"""What the timeline draws, computed without Qt: waveform envelopes and overview spectrograms.

An hour of 48 kHz audio is 173 million samples; a screen is a few thousand pixels wide.
The waveform is drawn from a min/max *envelope pyramid*: each level divides the samples
into bins of a fixed size and keeps each bin's minimum and maximum, so any zoom draws at
most a few thousand points and still shows every peak.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BIN_SIZES = (16, 128, 1024, 8192, 65536)  # samples per bin, finest first
MAX_POINTS = 6000  # points per drawn curve


@dataclass(frozen=True)
class EnvelopeLevel:
    samples_per_bin: int
    minimum: np.ndarray  # (n_bins,)
    maximum: np.ndarray


@dataclass(frozen=True)
class Envelope:
    """The waveform at every zoom: the raw samples and coarser min/max levels."""

    samples: np.ndarray  # (n,) float32, mono
    sample_rate: int
    levels: tuple[EnvelopeLevel, ...]

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    def curve(
        self, start: float, end: float, max_points: int = MAX_POINTS
    ) -> tuple[np.ndarray, np.ndarray]:
        """(times, values) to draw between ``start`` and ``end`` seconds, at most ``max_points``.

        Raw samples when they fit; otherwise the finest level that fits, drawn as
        alternating minimum and maximum so that every peak shows.
        """
        first = max(0, int(np.floor(start * self.sample_rate)))
        last = min(len(self.samples), int(np.ceil(end * self.sample_rate)) + 1)
        if last <= first:
            return np.zeros(0), np.zeros(0)
        if last - first <= max_points:
            times = np.arange(first, last) / self.sample_rate
            return times, self.samples[first:last].astype(np.float64)
        for level in self.levels:
            lo, hi = first // level.samples_per_bin, -(-last // level.samples_per_bin)
            if 2 * (hi - lo) <= max_points or level is self.levels[-1]:
                lo, hi = max(0, lo), min(len(level.minimum), hi)
                centres = (np.arange(lo, hi) + 0.5) * level.samples_per_bin / self.sample_rate
                times = np.repeat(centres, 2)
                values = np.empty(2 * (hi - lo))
                values[0::2], values[1::2] = level.minimum[lo:hi], level.maximum[lo:hi]
                return times, values
        raise AssertionError("unreachable: the last level always returns")


def envelope(samples: np.ndarray, sample_rate: int) -> Envelope:
    """Build the pyramid (about 0.2 s for an hour at 16 kHz)."""
    mono = np.ascontiguousarray(samples, dtype=np.float32)
    levels = []
    for size in BIN_SIZES:
        if len(mono) < 2 * size:
            break
        usable = len(mono) // size * size
        blocks = mono[:usable].reshape(-1, size)
        minimum, maximum = blocks.min(axis=1), blocks.max(axis=1)
        if usable < len(mono):  # the ragged tail as one more bin
            tail = mono[usable:]
            minimum, maximum = np.append(minimum, tail.min()), np.append(maximum, tail.max())
        levels.append(EnvelopeLevel(size, minimum, maximum))
    if not levels:
        levels.append(EnvelopeLevel(1, mono.copy(), mono.copy()))
    return Envelope(mono, sample_rate, tuple(levels))


def overview_spectrogram(
    samples: np.ndarray,
    sample_rate: int,
    *,
    max_frames: int = 4000,
    max_frequency: float = 5000.0,
    n_fft: int = 512,
    dynamic_range: float = 70.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A coarse spectrogram of a whole (long) recording for the zoomed-out view.

    Frames are spread evenly so that there are at most ``max_frames``; each is a Hann-windowed
    power spectrum in dB, clipped to ``dynamic_range`` below the maximum (as Praat paints).

    Returns
    -------
    times : (n_frames,) s; frequencies : (n_bins,) Hz; db : (n_frames, n_bins)
    """
    x = np.asarray(samples, dtype=np.float32)
    if len(x) < n_fft:
        x = np.pad(x, (0, n_fft - len(x)))
    frames = min(max_frames, max(1, (len(x) - n_fft) // (n_fft // 4) + 1))
    starts = np.linspace(0, len(x) - n_fft, frames).astype(int)
    window = np.hanning(n_fft).astype(np.float32)
    power = np.abs(np.fft.rfft(np.stack([x[s : s + n_fft] for s in starts]) * window, axis=1)) ** 2
    frequencies = np.fft.rfftfreq(n_fft, 1 / sample_rate)
    keep = frequencies <= max_frequency
    db = 10 * np.log10(np.maximum(power[:, keep], 1e-20))
    db = np.maximum(db, db.max() - dynamic_range)
    return (starts + n_fft / 2) / sample_rate, frequencies[keep], db


def spectrogram_image(db: np.ndarray, dynamic_range: float = 70.0) -> np.ndarray:
    """dB values as 0-255 grey levels, the maximum at 255 and ``dynamic_range`` dB below it at 0.

    Converting once, off the GUI thread, leaves the plot only a colour lookup per repaint.
    """
    top = float(np.max(db)) if db.size else 0.0
    scaled = (np.asarray(db, dtype=np.float32) - (top - dynamic_range)) * (255.0 / dynamic_range)
    return np.clip(scaled, 0, 255).astype(np.uint8)
