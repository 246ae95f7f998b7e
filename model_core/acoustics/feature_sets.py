"""Standard feature sets of a recording or a selection: eGeMAPS v02 (88 functionals).

The values are the ``opensmile`` package's own (:mod:`model_core.acoustics.egemaps`);
this module adds what a user needs to read and keep them: the part measured, the sample
rate measured at, a unit per functional, the versions that computed them, and clear errors
where opensmile would quietly answer with NaN (too short) or with numbers that describe
only a noise floor (silence).

Sample rate
-----------
These are research outputs, to be compared with other studies' eGeMAPS, so they are
measured on the file as it is: its own sample rate, channels averaged to mono. For a mono
file the values are those of ``opensmile.Smile.process_file``; for more channels, those of
``process_file`` with ``channels=[0, 1, ...], mixdown=True`` (by default opensmile reads
channel 0 only). The rate matters: 84 of the 88 functionals of a synthetic 22.05 kHz voice
moved by more than 0.01 % when measured on its 16 kHz copy instead, the spectral slopes
most. The label head's eGeMAPS input (:mod:`model_core.model.head_features`) stays at
16 kHz, the rate it was trained on; it does not come from here.

Minimum duration
----------------
Measured with opensmile 2.6.0 on harmonic (voice-like) tones at 8, 11.025, 16, 22.05, 44.1
and 48 kHz: every functional is NaN below 0.06 s (959 samples at 16 kHz) and all 88 are
finite from 0.06 s (960 samples) on, the length of eGeMAPS's longest analysis frame (60 ms,
for F0, jitter, shimmer and HNR). Below that opensmile only warns "Segment too short,
filling with NaN"; :func:`extract_features` raises :class:`FeaturesTooShortError` instead.
Note that a clip that barely passes holds one or two frames: its deviations and slopes are 0.

Not measurable
--------------
Functionals over voiced frames (``*_sma3nz_*`` without ``UV``) are undefined when opensmile
found no voiced frame at all (its F0 mean is then 0 semitones, impossible for a voice
above 27.5 Hz). opensmile writes 0 (or -201 dB) there; here they are NaN. Every other
value is opensmile's, unchanged.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model_core.acoustics.egemaps import egemaps_functionals, egemaps_names, egemaps_version
from model_core.audio import AudioError, AudioTooShortError, Recording

EGEMAPS = "eGeMAPSv02"
FEATURE_SETS = {"egemaps": EGEMAPS}  # command-line name -> stored name
MIN_EGEMAPS_DURATION = 0.06  # s: measured, see the module's notes
SILENCE_PEAK = 1e-3  # full scale (-60 dB): below this a clip holds no voice to describe
_F0_MEAN = "F0semitoneFrom27.5Hz_sma3nz_amean"

# Unit of each eGeMAPS functional, from its name (Eyben et al. 2016, table 1, and the
# opensmile configs). The first matching rule wins; "" is dimensionless. stddevNorm is a
# coefficient of variation (sd / mean), so it has no unit whatever it normalises.
UNIT_RULES: tuple[tuple[str, str], ...] = (
    (r"_stddevNorm$", ""),
    (r"^F0semitone.*_pctlrange", "st"),  # a difference of two percentiles
    (r"^F0semitone.*Slope$", "st/s"),
    (r"^F0semitone", "st (re 27.5 Hz)"),
    (r"^loudnessPeaksPerSec$", "1/s"),
    (r"^loudness_.*Slope$", "sone/s"),
    (r"^loudness_", "sone"),
    (r"^jitterLocal", "fraction"),  # mean |period difference| / mean period
    (r"^shimmerLocaldB", "dB"),
    (r"^HNRdBACF", "dB"),
    (r"^logRelF0-H1-(H2|A3)", "dB"),
    (r"^F[123]frequency", "Hz"),
    (r"^F[123]bandwidth", "Hz"),
    (r"^F[123]amplitudeLogRelF0", "dB"),  # formant peak re the F0 harmonic
    (r"^(alphaRatio|hammarbergIndex)", "dB"),
    (r"^slope(U?V)", "dB/Hz"),  # regression slope of the log power spectrum
    (r"^spectralFlux", ""),  # of the normalised magnitude spectrum: no physical unit
    (r"^mfcc", ""),
    (r"^VoicedSegmentsPerSec$", "1/s"),
    (r"(Length|LengthSec)$", "s"),
    (r"^equivalentSoundLevel_dBp$", "dB"),
)


class FeaturesTooShortError(AudioTooShortError):
    """The clip is shorter than a feature set's longest analysis frame."""


class SilentClipError(AudioError):
    """The clip is (near) digital silence: there is nothing for a feature set to describe."""


def feature_unit(name: str) -> str:
    """The unit of one eGeMAPS functional, from its name ("" when dimensionless).

    Raises
    ------
    KeyError
        For a name no rule covers (a new opensmile set must be reviewed, not guessed).
    """
    for pattern, unit in UNIT_RULES:
        if re.search(pattern, name):
            return unit
    raise KeyError(f"no unit known for the feature {name!r}")


@dataclass(frozen=True, eq=False)
class FeatureSet:
    """One feature set's functionals of one clip.

    Attributes
    ----------
    name : str
        The set, e.g. ``"eGeMAPSv02"``.
    names, units : tuple of str
        One per functional, the set's own order; unit "" is dimensionless.
    values : np.ndarray, shape (n,), float64
        In each functional's unit; NaN where not measurable.
    start, end : float
        The part measured, seconds on the recording's axis.
    sample_rate : int
        The rate opensmile was given, Hz: the file's own (see the module's notes).
    versions : dict
        What computed them (``{"opensmile": ..., "numpy": ...}``).
    """

    name: str
    names: tuple[str, ...]
    units: tuple[str, ...]
    values: np.ndarray
    start: float
    end: float
    sample_rate: int
    versions: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, float]:
        """name -> value (NaN kept)."""
        return dict(zip(self.names, self.values.tolist(), strict=True))

    def to_json(self) -> dict[str, Any]:
        """Plain data; NaN stays a float (a JSON writer must turn it into null)."""
        return {
            "feature_set": self.name,
            "start": round(self.start, 4),
            "end": round(self.end, 4),
            "sample_rate": self.sample_rate,
            "names": list(self.names),
            "units": list(self.units),
            "values": self.values.tolist(),
            "versions": dict(self.versions),
        }


def _versions() -> dict[str, str]:
    return {"opensmile": egemaps_version(), "numpy": np.__version__}


def extract_features(
    recording: Recording,
    start: float | None = None,
    end: float | None = None,
    *,
    feature_set: str = "egemaps",
) -> FeatureSet:
    """A standard feature set of a recording, or of a selection in it.

    The recording at its own sample rate, its channels averaged (:attr:`Recording.mono`),
    goes to opensmile: the values are those of ``opensmile.Smile.process_file`` on the
    file (see the module's notes on the rate).

    Parameters
    ----------
    recording : Recording
    start, end : float, optional
        Selection in seconds; the whole recording by default.
    feature_set : str
        A key of :data:`FEATURE_SETS` (only ``"egemaps"`` today).

    Returns
    -------
    FeatureSet
        88 values for eGeMAPS.

    Raises
    ------
    FeaturesTooShortError
        When the clip (or selection) is shorter than :data:`MIN_EGEMAPS_DURATION`.
    SilentClipError
        When no sample reaches :data:`SILENCE_PEAK`.
    EgemapsUnavailableError
        When the ``opensmile`` package is missing.
    """
    if feature_set not in FEATURE_SETS:
        raise ValueError(f"unknown feature set {feature_set!r}; known: {sorted(FEATURE_SETS)}")
    samples, rate = recording.mono, recording.sample_rate
    first = 0 if start is None else min(len(samples), max(0, round(start * rate)))
    last = len(samples) if end is None else min(len(samples), round(end * rate))
    clip = np.ascontiguousarray(samples[first : max(first, last)])
    source = str(recording.path or recording.name)
    duration = len(clip) / rate
    if len(clip) < math.ceil(MIN_EGEMAPS_DURATION * rate):
        raise FeaturesTooShortError(
            source,
            f"clip too short for eGeMAPS: {duration:.3g} s; it needs at least "
            f"{MIN_EGEMAPS_DURATION:g} s (its longest analysis frame)",
        )
    peak = float(np.max(np.abs(clip)))
    if peak < SILENCE_PEAK:
        raise SilentClipError(
            source,
            f"silence: no sample reaches {20 * math.log10(SILENCE_PEAK):.0f} dB full scale "
            f"(peak {peak:.2g}), so eGeMAPS would describe only the noise floor",
        )
    names = tuple(egemaps_names())
    values = egemaps_functionals(clip, rate).copy()
    if values[names.index(_F0_MEAN)] == 0.0:  # no voiced frame at all
        voiced_only = [i for i, n in enumerate(names) if "_sma3nz_" in n and "UV" not in n]
        values[voiced_only] = np.nan
    return FeatureSet(
        name=FEATURE_SETS[feature_set],
        names=names,
        units=tuple(feature_unit(n) for n in names),
        values=values,
        start=first / rate,
        end=(first + len(clip)) / rate,
        sample_rate=rate,
        versions=_versions(),
    )
