"""Raw cue values and their 'most expressed' frames, from an AcousticAnalysis.

Each measurement function returns the raw value (in the unit users read), the
value on the scale the baseline scores (semitones for F0 levels, the raw value
otherwise) and a frame-wise score whose top frames are where the cue shows most.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model_core.acoustics.analysis import AcousticAnalysis
from model_core.acoustics.pitch import hz_to_semitones
from model_core.cues.baseline import SpeakerBaseline
from model_core.cues.spans import Span

MIN_VOICED_FRAMES = 10  # fewer voiced frames (100 ms): pitch cues are not measurable
FINAL_STRETCH = 0.3  # s of the last voiced stretch used for the final slope
FINAL_GAP_FRAMES = 3  # unvoiced frames allowed inside the final stretch
LOCAL_RATE_WINDOW = 1.0  # s, window for the local syllable rate
RANGE_PERCENTILES = (5.0, 95.0)


@dataclass(frozen=True)
class Measurement:
    """One cue measured on one clip, before it is compared with a baseline.

    ``times``/``score`` locate it: the frames with the highest score (after the
    sign is set by the cue's direction) are where it is most expressed. ``spans``
    are used instead when the cue is made of intervals (pauses, final stretch).
    """

    name: str
    value: float  # raw, in ``unit``
    unit: str
    scored: float  # on the baseline's scale
    times: np.ndarray | None = None
    score: np.ndarray | None = None
    spans: tuple[Span, ...] | None = None
    signed: bool = True  # flip the score for negative z (low pitch -> lowest frames)
    detail: tuple[tuple[str, object], ...] = ()


def _voiced_semitones(analysis: AcousticAnalysis, baseline: SpeakerBaseline) -> np.ndarray:
    return hz_to_semitones(analysis.pitch.values, baseline.f0_reference_hz)


def f0_level(analysis: AcousticAnalysis, baseline: SpeakerBaseline) -> list[Measurement]:
    """F0 mean and median (Hz; scored in semitones re the baseline reference)."""
    f0 = analysis.pitch.values
    voiced = f0[np.isfinite(f0)]
    st = _voiced_semitones(analysis, baseline)
    enough = voiced.size >= MIN_VOICED_FRAMES
    mean = float(voiced.mean()) if enough else np.nan
    median = float(np.median(voiced)) if enough else np.nan
    return [
        Measurement(
            name,
            value,
            "Hz",
            float(hz_to_semitones(value, baseline.f0_reference_hz)),
            analysis.pitch.times,
            st,
            detail=(("semitones", float(hz_to_semitones(value, baseline.f0_reference_hz))),),
        )
        for name, value in (("f0_mean", mean), ("f0_median", median))
    ]


def f0_range(analysis: AcousticAnalysis, baseline: SpeakerBaseline) -> Measurement:
    """5th-95th percentile range of voiced F0, in semitones."""
    st = _voiced_semitones(analysis, baseline)
    voiced = st[np.isfinite(st)]
    if voiced.size < MIN_VOICED_FRAMES:
        return Measurement("f0_range", np.nan, "st", np.nan)
    low, high = np.percentile(voiced, RANGE_PERCENTILES)
    excursion = np.abs(st - np.median(voiced))
    return Measurement(
        "f0_range",
        float(high - low),
        "st",
        float(high - low),
        analysis.pitch.times,
        excursion,
        signed=False,
    )


def f0_final_slope(analysis: AcousticAnalysis, baseline: SpeakerBaseline) -> Measurement:
    """Slope (st/s, Theil-Sen) over the last 300 ms of the last voiced stretch."""
    times = analysis.pitch.times
    st = _voiced_semitones(analysis, baseline)
    voiced_idx = np.flatnonzero(np.isfinite(st))
    if voiced_idx.size < MIN_VOICED_FRAMES:
        return Measurement("f0_final_slope", np.nan, "st/s", np.nan)
    breaks = np.flatnonzero(np.diff(voiced_idx) > FINAL_GAP_FRAMES + 1)
    last_run = voiced_idx[breaks[-1] + 1 :] if breaks.size else voiced_idx
    last_run = last_run[times[last_run] >= times[last_run[-1]] - FINAL_STRETCH]
    if last_run.size < MIN_VOICED_FRAMES:
        return Measurement("f0_final_slope", np.nan, "st/s", np.nan)
    from scipy.stats import theilslopes  # 1.4 s to import: only when a clip is measured

    slope = float(theilslopes(st[last_run], times[last_run]).slope)
    step = float(times[1] - times[0]) if len(times) > 1 else 0.0
    span = (float(times[last_run[0]] - step / 2), float(times[last_run[-1]] + step / 2))
    return Measurement("f0_final_slope", slope, "st/s", slope, spans=(span,))


def _sounding(analysis: AcousticAnalysis) -> tuple[np.ndarray, np.ndarray]:
    """Intensity frames (times, dB) with NaN where the frame is below the silence threshold."""
    db = analysis.intensity.values.copy()
    threshold = analysis.rate.threshold_db
    db[~(db >= threshold)] = np.nan  # also drops NaN frames and NaN thresholds
    return analysis.intensity.times, db


def intensity_cues(analysis: AcousticAnalysis, baseline: SpeakerBaseline) -> list[Measurement]:
    """Mean and 5th-95th percentile range of intensity over sounding frames (dB)."""
    times, db = _sounding(analysis)
    finite = db[np.isfinite(db)]
    if finite.size < MIN_VOICED_FRAMES:
        return [
            Measurement("intensity_mean", np.nan, "dB", np.nan),
            Measurement("intensity_range", np.nan, "dB", np.nan),
        ]
    mean = float(finite.mean())
    low, high = np.percentile(finite, RANGE_PERCENTILES)
    return [
        Measurement("intensity_mean", mean, "dB", mean, times, db),
        Measurement(
            "intensity_range",
            float(high - low),
            "dB",
            float(high - low),
            times,
            np.abs(db - np.median(finite)),
            signed=False,
        ),
    ]


def rate_cues(analysis: AcousticAnalysis, baseline: SpeakerBaseline) -> list[Measurement]:
    """Articulation rate, speech rate (syllables/s) and pause ratio."""
    rate = analysis.rate
    times, db = _sounding(analysis)
    nuclei = rate.nuclei
    half = LOCAL_RATE_WINDOW / 2
    counts = np.searchsorted(nuclei, times + half) - np.searchsorted(nuclei, times - half)
    local_rate = np.where(np.isfinite(db), counts / LOCAL_RATE_WINDOW, np.nan)
    longest_pauses = tuple(sorted(sorted(rate.pauses, key=lambda p: p[0] - p[1])[:3]))
    return [
        Measurement(
            "articulation_rate",
            rate.articulation_rate,
            "syll/s",
            rate.articulation_rate,
            times,
            local_rate,
            detail=(("syllables", rate.n_syllables),),
        ),
        Measurement("speech_rate", rate.speech_rate, "syll/s", rate.speech_rate, times, local_rate),
        Measurement(
            "pause_ratio",
            rate.pause_ratio,
            "ratio",
            rate.pause_ratio,
            spans=longest_pauses,
            detail=(("pauses", len(rate.pauses)),),
        ),
    ]


def voice_cues(analysis: AcousticAnalysis, baseline: SpeakerBaseline) -> list[Measurement]:
    """Jitter and shimmer (%) and HNR (dB); located where HNR is lowest (or highest)."""
    voice = analysis.voice
    hnr = voice.hnr
    worst = -hnr.values
    if np.count_nonzero(np.isfinite(analysis.pitch.values)) < MIN_VOICED_FRAMES:
        return [
            Measurement(name, np.nan, unit, np.nan)
            for name, unit in (("jitter", "%"), ("shimmer", "%"), ("hnr", "dB"))
        ]
    return [
        Measurement(
            "jitter",
            voice.jitter_local,
            "%",
            voice.jitter_local,
            hnr.times,
            worst,
            signed=False,
            detail=(("pulses", voice.n_pulses),),
        ),
        Measurement(
            "shimmer", voice.shimmer_local, "%", voice.shimmer_local, hnr.times, worst, signed=False
        ),
        Measurement("hnr", voice.hnr_mean, "dB", voice.hnr_mean, hnr.times, hnr.values),
    ]


def measure_all(analysis: AcousticAnalysis, baseline: SpeakerBaseline) -> list[Measurement]:
    """Every cue, in display order."""
    return [
        *f0_level(analysis, baseline),
        f0_range(analysis, baseline),
        f0_final_slope(analysis, baseline),
        *intensity_cues(analysis, baseline),
        *rate_cues(analysis, baseline),
        *voice_cues(analysis, baseline),
    ]
