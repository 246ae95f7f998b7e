"""Raw cue values and their 'most expressed' frames, from an AcousticAnalysis.

Each function measures one cue (the catalog names it as the cue's ``measure``) and returns
the raw value (in the unit users read), the
value on the scale the baseline scores (semitones for F0 levels, the raw value
otherwise) and a frame-wise score whose top frames are where the cue shows most.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from model_core.acoustics.analysis import AcousticAnalysis
from model_core.acoustics.pitch import hz_to_semitones
from model_core.cues.spans import Span

if TYPE_CHECKING:
    from model_core.cues.baseline import SpeakerBaseline

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
    return np.asarray(hz_to_semitones(analysis.pitch.values, baseline.f0_reference_hz))


def _f0_level(
    name: str,
    analysis: AcousticAnalysis,
    baseline: SpeakerBaseline,
    statistic: Callable[[np.ndarray], Any],
) -> Measurement:
    f0 = analysis.pitch.values
    voiced = f0[np.isfinite(f0)]
    value = float(statistic(voiced)) if voiced.size >= MIN_VOICED_FRAMES else np.nan
    semitones = float(hz_to_semitones(value, baseline.f0_reference_hz))
    return Measurement(
        name,
        value,
        "Hz",
        semitones,
        analysis.pitch.times,
        _voiced_semitones(analysis, baseline),
        detail=(("semitones", semitones),),
    )


def f0_mean(analysis: AcousticAnalysis, baseline: SpeakerBaseline) -> Measurement:
    """Mean voiced F0 (Hz; scored in semitones re the baseline's reference)."""
    return _f0_level("f0_mean", analysis, baseline, np.mean)


def f0_median(analysis: AcousticAnalysis, baseline: SpeakerBaseline) -> Measurement:
    """Median voiced F0 (Hz; scored in semitones re the baseline's reference)."""
    return _f0_level("f0_median", analysis, baseline, np.median)


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


def _sounding_db(analysis: AcousticAnalysis) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(times, dB with NaN off the sounding frames, the finite dB values)."""
    times, db = _sounding(analysis)
    return times, db, db[np.isfinite(db)]


def intensity_mean(analysis: AcousticAnalysis, baseline: SpeakerBaseline) -> Measurement:
    """Mean intensity over sounding frames (dB)."""
    times, db, finite = _sounding_db(analysis)
    if finite.size < MIN_VOICED_FRAMES:
        return Measurement("intensity_mean", np.nan, "dB", np.nan)
    mean = float(finite.mean())
    return Measurement("intensity_mean", mean, "dB", mean, times, db)


def intensity_range(analysis: AcousticAnalysis, baseline: SpeakerBaseline) -> Measurement:
    """5th-95th percentile range of intensity over sounding frames (dB)."""
    times, db, finite = _sounding_db(analysis)
    if finite.size < MIN_VOICED_FRAMES:
        return Measurement("intensity_range", np.nan, "dB", np.nan)
    low, high = np.percentile(finite, RANGE_PERCENTILES)
    return Measurement(
        "intensity_range",
        float(high - low),
        "dB",
        float(high - low),
        times,
        np.abs(db - np.median(finite)),
        signed=False,
    )


def _local_rate(analysis: AcousticAnalysis) -> tuple[np.ndarray, np.ndarray]:
    """(times, syllables per second in a 1-s window around each sounding frame)."""
    times, db = _sounding(analysis)
    nuclei = analysis.rate.nuclei
    half = LOCAL_RATE_WINDOW / 2
    counts = np.searchsorted(nuclei, times + half) - np.searchsorted(nuclei, times - half)
    return times, np.where(np.isfinite(db), counts / LOCAL_RATE_WINDOW, np.nan)


def articulation_rate(analysis: AcousticAnalysis, baseline: SpeakerBaseline) -> Measurement:
    """Syllables per second of phonation time (pauses left out)."""
    rate = analysis.rate
    times, local = _local_rate(analysis)
    return Measurement(
        "articulation_rate",
        rate.articulation_rate,
        "syll/s",
        rate.articulation_rate,
        times,
        local,
        detail=(("syllables", rate.n_syllables),),
    )


def speech_rate(analysis: AcousticAnalysis, baseline: SpeakerBaseline) -> Measurement:
    """Syllables per second of the whole clip (pauses included)."""
    rate = analysis.rate
    times, local = _local_rate(analysis)
    return Measurement("speech_rate", rate.speech_rate, "syll/s", rate.speech_rate, times, local)


def pause_ratio(analysis: AcousticAnalysis, baseline: SpeakerBaseline) -> Measurement:
    """Share of the clip spent in pauses; located at the three longest pauses."""
    rate = analysis.rate
    longest_pauses = tuple(sorted(sorted(rate.pauses, key=lambda p: p[0] - p[1])[:3]))
    return Measurement(
        "pause_ratio",
        rate.pause_ratio,
        "ratio",
        rate.pause_ratio,
        spans=longest_pauses,
        detail=(("pauses", len(rate.pauses)),),
    )


def _too_few_voiced(analysis: AcousticAnalysis) -> bool:
    return bool(np.count_nonzero(np.isfinite(analysis.pitch.values)) < MIN_VOICED_FRAMES)


def _perturbation(
    name: str,
    value: float,
    analysis: AcousticAnalysis,
    detail: tuple[tuple[str, object], ...] = (),
) -> Measurement:
    """A perturbation cue (%), located where HNR is lowest: where the voice is least periodic."""
    if _too_few_voiced(analysis):
        return Measurement(name, np.nan, "%", np.nan)
    hnr_track = analysis.voice.hnr
    return Measurement(
        name, value, "%", value, hnr_track.times, -hnr_track.values, signed=False, detail=detail
    )


def jitter(analysis: AcousticAnalysis, baseline: SpeakerBaseline) -> Measurement:
    """Local jitter (%); located where HNR is lowest."""
    voice = analysis.voice
    return _perturbation("jitter", voice.jitter_local, analysis, (("pulses", voice.n_pulses),))


def shimmer(analysis: AcousticAnalysis, baseline: SpeakerBaseline) -> Measurement:
    """Local shimmer (%); located where HNR is lowest."""
    return _perturbation("shimmer", analysis.voice.shimmer_local, analysis)


def hnr(analysis: AcousticAnalysis, baseline: SpeakerBaseline) -> Measurement:
    """Mean harmonics-to-noise ratio (dB); located where it is highest (or lowest)."""
    voice = analysis.voice
    if _too_few_voiced(analysis):
        return Measurement("hnr", np.nan, "dB", np.nan)
    return Measurement(
        "hnr", voice.hnr_mean, "dB", voice.hnr_mean, voice.hnr.times, voice.hnr.values
    )
