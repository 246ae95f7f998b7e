"""Speaking rate and pauses: syllable nuclei after de Jong and Wempe (2009).

de Jong, N. H. and Wempe, T. (2009). Praat script to detect syllable nuclei and
measure speech rate automatically. Behavior Research Methods 41(2), 385-390.

The method: intensity peaks above a threshold (the 99th percentile minus 25 dB)
that stand out from the following dip by more than 2 dB and fall on voiced
frames are syllable nuclei. Two deliberate differences from the original script,
both for clip-level measurement:

* the last peak is judged against the dip after it (the script never counts it);
* pauses are the silent stretches *between* speech; leading and trailing silence
  is not speech time, so rates are per second of the speaking span.

Pauses follow Praat's ``Sound: To TextGrid (silences)...`` (minimum pitch 100 Hz,
shortest sounding interval 50 ms) with the de Jong threshold and 250 ms as the
shortest pause, with two refinements:

* a sounding stretch without a single voiced frame (noise, a click, a breath) is
  not speech: it neither starts the speaking span nor interrupts a pause;
* each boundary is moved to where a fine intensity contour (minimum pitch 400 Hz:
  an 8 ms window) crosses the same threshold within 50 ms, because the 32 ms
  window of the default contour smears every boundary outwards by about 20 ms.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from model_core.acoustics.praat import PRAAT_VERSIONS
from model_core.acoustics.track import Track

Span = tuple[float, float]


@dataclass(frozen=True)
class RateSettings:
    """Settings for syllable nuclei and pause detection."""

    silence_threshold_db: float = -25.0  # relative to the 99th percentile of intensity
    minimum_dip_db: float = 2.0  # a nucleus must stand out from the next dip by this much
    minimum_pause: float = 0.25  # s
    minimum_sounding: float = 0.05  # s; shorter sounds inside silence are ignored
    nuclei_intensity_minimum_pitch: float = 50.0  # Hz: de Jong's smoother intensity
    boundary_intensity_minimum_pitch: float = 400.0  # Hz: 8 ms window to place boundaries
    boundary_search: float = 0.05  # s either side of a coarse boundary


@dataclass(frozen=True)
class SpeakingRate:
    """Syllable nuclei, pauses and the rates derived from them.

    Attributes
    ----------
    nuclei : np.ndarray, shape (n_syllables,)
        Times (s) of syllable nuclei.
    pauses : list of (start, end)
        Silent pauses of at least ``minimum_pause`` inside the speaking span, seconds.
    speaking_span : (start, end) or None
        From the first to the last sounding frame, seconds; None for silence.
    articulation_rate : float
        Syllables per second of phonation (speaking span minus pauses); NaN if no speech.
    speech_rate : float
        Syllables per second of the speaking span; NaN if no speech.
    pause_ratio : float
        Pause time over the speaking span, 0..1; NaN if no speech.
    """

    nuclei: np.ndarray
    pauses: list[Span]
    speaking_span: Span | None
    articulation_rate: float
    speech_rate: float
    pause_ratio: float
    threshold_db: float
    parameters: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=lambda: dict(PRAAT_VERSIONS))

    @property
    def n_syllables(self) -> int:
        return len(self.nuclei)

    @property
    def phonation_time(self) -> float:
        """Seconds of the speaking span that are not pauses."""
        if self.speaking_span is None:
            return 0.0
        start, end = self.speaking_span
        return (end - start) - sum(b - a for a, b in self.pauses)

    @property
    def speaking_intervals(self) -> list[Span]:
        """The speaking span cut at the pauses: the stretches of speech, seconds."""
        if self.speaking_span is None:
            return []
        intervals, start = [], self.speaking_span[0]
        for pause_start, pause_end in sorted(self.pauses):
            if pause_start > start:
                intervals.append((start, pause_start))
            start = max(start, pause_end)
        if self.speaking_span[1] > start:
            intervals.append((start, self.speaking_span[1]))
        return intervals


def silence_threshold(intensity_db: np.ndarray, relative_db: float) -> float:
    """de Jong's threshold: the 99th percentile plus ``relative_db``, not below the minimum."""
    finite = intensity_db[np.isfinite(intensity_db)]
    if finite.size == 0:
        return float("nan")
    return float(max(np.quantile(finite, 0.99) + relative_db, finite.min()))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Index runs [first, last] where ``mask`` is True."""
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _crossing(
    times: np.ndarray, db: np.ndarray, k: int | np.integer[Any], threshold: float
) -> float:
    """Time where the contour crosses ``threshold`` between frames k and k+1 (linear)."""
    a, b = db[k], db[k + 1]
    if not (np.isfinite(a) and np.isfinite(b)) or a == b:
        return float((times[k] + times[k + 1]) / 2)
    fraction = np.clip((threshold - a) / (b - a), 0.0, 1.0)
    return float(times[k] + fraction * (times[k + 1] - times[k]))


def sounding_intervals(intensity: Track, threshold: float, settings: RateSettings) -> list[Span]:
    """Sounding stretches (s) after Praat's silence detection clean-up.

    Frames at or above ``threshold`` dB sound; sounding runs shorter than
    ``minimum_sounding`` become silence, then silent gaps shorter than
    ``minimum_pause`` become sound.
    """
    times, db = intensity.times, intensity.values
    if not np.isfinite(threshold) or len(times) < 2:
        return []
    loud = np.nan_to_num(db, nan=-np.inf) >= threshold
    spans: list[Span] = []
    for first, last in _runs(loud):
        start = times[0] if first == 0 else _crossing(times, db, first - 1, threshold)
        end = times[-1] if last == len(times) - 1 else _crossing(times, db, last, threshold)
        spans.append((float(start), float(end)))
    spans = [s for s in spans if s[1] - s[0] >= settings.minimum_sounding]
    merged: list[Span] = []
    for span in spans:
        if merged and span[0] - merged[-1][1] < settings.minimum_pause:
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


def refine_boundaries(
    spans: list[Span], fine: Track, threshold: float, search: float
) -> list[Span]:
    """Move each span edge to the nearest ``threshold`` crossing of ``fine`` within ``search`` s."""
    db = np.nan_to_num(fine.values, nan=-np.inf)
    above = db >= threshold
    crossings = np.flatnonzero(above[1:] != above[:-1])  # between frame k and k+1
    if crossings.size == 0:
        return spans
    times = np.array([_crossing(fine.times, fine.values, k, threshold) for k in crossings])
    rising = above[crossings + 1]

    def nearest(edge: float, want_rising: bool) -> float:
        candidates = times[(rising == want_rising) & (np.abs(times - edge) <= search)]
        return float(candidates[np.argmin(np.abs(candidates - edge))]) if candidates.size else edge

    refined = [(nearest(a, True), nearest(b, False)) for a, b in spans]
    return [(a, b) for a, b in refined if b > a]


def speech_only(spans: list[Span], pitch: Track) -> list[Span]:
    """Sounding spans that hold at least one voiced pitch frame."""
    voiced_times = pitch.times[np.isfinite(pitch.values)]
    return [(a, b) for a, b in spans if np.any((voiced_times >= a) & (voiced_times <= b))]


def syllable_nuclei(
    nuclei_intensity: Track, pitch: Track, threshold: float, settings: RateSettings
) -> np.ndarray:
    """Times (s) of voiced intensity peaks that stand out from their following dip.

    Parameters
    ----------
    nuclei_intensity : Track
        Intensity (dB) with de Jong's 50 Hz minimum pitch.
    pitch : Track
        F0 in Hz, NaN where unvoiced; a peak counts only on a voiced frame.
    threshold : float
        dB; peaks below it are ignored.
    """
    times = nuclei_intensity.times
    db = np.nan_to_num(nuclei_intensity.values, nan=-np.inf)
    if len(db) < 3 or not np.isfinite(threshold):
        return np.zeros(0)
    inner = db[1:-1]
    peaks = np.flatnonzero((inner > db[:-2]) & (inner >= db[2:]) & (inner > threshold)) + 1
    if peaks.size == 0:
        return np.zeros(0)
    # The dip after each peak: the minimum from it up to the next peak (the last: to the end).
    dips = np.minimum.reduceat(db, peaks)
    standing_out = db[peaks] - dips > settings.minimum_dip_db
    nuclei = np.array([_parabolic_peak_time(times, db, p) for p in peaks[standing_out]])
    return nuclei[_voiced_at(pitch, nuclei)] if nuclei.size else np.zeros(0)


def _parabolic_peak_time(times: np.ndarray, db: np.ndarray, k: int) -> float:
    """Refine a peak's time by a parabola through frames k-1, k, k+1."""
    a, b, c = db[k - 1], db[k], db[k + 1]
    denominator = a - 2 * b + c
    if not np.isfinite(denominator) or denominator == 0:
        return float(times[k])
    offset = 0.5 * (a - c) / denominator
    return float(times[k] + np.clip(offset, -0.5, 0.5) * (times[k + 1] - times[k]))


def _voiced_at(pitch: Track, when: np.ndarray) -> np.ndarray:
    """Whether the pitch frame nearest to each time is voiced (frames are evenly spaced)."""
    if len(pitch.times) == 0:
        return np.zeros(len(when), dtype=bool)
    step = pitch.time_step or 1.0
    nearest = np.clip(np.rint((when - pitch.times[0]) / step).astype(int), 0, len(pitch.times) - 1)
    voiced: np.ndarray = np.isfinite(pitch.values[nearest])
    return voiced


def speaking_rate(
    intensity: Track,
    nuclei_intensity: Track,
    boundary_intensity: Track,
    pitch: Track,
    settings: RateSettings = RateSettings(),
) -> SpeakingRate:
    """Syllable nuclei, pauses and rates of one clip.

    Parameters
    ----------
    intensity : Track
        Praat intensity with the default 100 Hz minimum pitch (finds pauses).
    nuclei_intensity : Track
        Praat intensity with 50 Hz minimum pitch (finds syllable peaks).
    boundary_intensity : Track
        Praat intensity with 400 Hz minimum pitch (places pause boundaries).
    pitch : Track
        F0 (Hz, NaN unvoiced).
    """
    pause_threshold = silence_threshold(intensity.values, settings.silence_threshold_db)
    sounding = speech_only(sounding_intervals(intensity, pause_threshold, settings), pitch)
    sounding = refine_boundaries(
        sounding, boundary_intensity, pause_threshold, settings.boundary_search
    )
    nuclei_threshold = silence_threshold(nuclei_intensity.values, settings.silence_threshold_db)
    nuclei = syllable_nuclei(nuclei_intensity, pitch, nuclei_threshold, settings)
    parameters = asdict(settings)
    if not sounding:
        return SpeakingRate(nuclei, [], None, np.nan, np.nan, np.nan, pause_threshold, parameters)
    span = (sounding[0][0], sounding[-1][1])
    pauses = [(a[1], b[0]) for a, b in itertools.pairwise(sounding)]
    span_length = span[1] - span[0]
    phonation = span_length - sum(b - a for a, b in pauses)
    in_span = nuclei[(nuclei >= span[0]) & (nuclei <= span[1])]
    return SpeakingRate(
        nuclei=in_span,
        pauses=pauses,
        speaking_span=span,
        articulation_rate=len(in_span) / phonation if phonation > 0 else np.nan,
        speech_rate=len(in_span) / span_length if span_length > 0 else np.nan,
        pause_ratio=(span_length - phonation) / span_length if span_length > 0 else np.nan,
        threshold_db=pause_threshold,
        parameters=parameters,
    )
