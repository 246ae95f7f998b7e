"""Speaker baselines: what is normal for a speaker, so a cue's level means something.

A cue's level is its z-score against a baseline. The best baseline is the speaker's
own (:meth:`SpeakerBaseline.from_measurements` over their recordings). When no
speaker is known, :meth:`SpeakerBaseline.population` reads the clip against
**population norms measured on neutral speech of real speakers**
(``population_norms.json`` beside this file, written by ``emostudio-train norms``;
measured 2026-12-06):

* data: the neutral clips of the label head's training corpora: RAVDESS neutral and
  calm (288 clips, 24 actors, 12 women and 12 men, studio, English), EmoSpeech calm
  (2,613 clips of keywords said on phones, Indian English and Hindi; 85 named users and
  the shared "unknown user"), and Debian's asterisk prompts (463 clips, one professional
  woman, 8 kHz); every corpus weighs alike, so the many phone clips do not set the
  norms alone;
* F0 reference per sex: the geometric mean of the clips' median F0 over speakers of that
  sex (RAVDESS and asterisk: 203.9 Hz for women, 112.9 Hz for men; 151.7 Hz, their
  geometric mean, for an unknown sex), with the SD of F0 level around it (1.66, 2.55
  and 5.32 semitones);
* every other cue: the corpus-weighted mean and SD over the clips (jitter 2.35 +- 1.27 %,
  shimmer 10.2 +- 4.5 %, HNR 12.0 +- 4.1 dB: running speech, not the sustained vowels of
  clinical norms such as MDVP's jitter 1.04 %). Intensity is a digital level (samples
  taken as pascals), not SPL: comparable only between recordings made the same way.

Checked on neutral clips of corpora never used here (``emostudio-train norms ...
--evaluate``): jitter and shimmer read typical (|z| < 1) on 84 % and 71 % of TurEV-DB's
408 and on 89 % and 92 % of ASED's 522; on TESS's 400 only on 10 % and 21 %: its two
actresses' studio voices measure jitter 0.72 % and shimmer 4.7 % (medians), cleaner than
any training corpus, and read "low".

These are norms of a population of recordings, not clinical norms: for clinical or
research use, build the speaker's baseline from their own recordings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from model_core.acoustics.pitch import hz_to_semitones
from model_core.cues.catalog import CATALOG
from model_core.cues.norms import NORMS, NORMS_FILE, load_norms

__all__ = ["NORMS_FILE", "POPULATION_STATS", "CueStat", "SpeakerBaseline", "load_norms"]


F0_REFERENCE_HZ = {
    "female": NORMS["f0_reference_hz"]["female"],
    "male": NORMS["f0_reference_hz"]["male"],
    None: NORMS["f0_reference_hz"]["unknown"],
}
F0_LEVEL_SD_ST = {
    "female": NORMS["f0_level_sd_st"]["female"],
    "male": NORMS["f0_level_sd_st"]["male"],
    None: NORMS["f0_level_sd_st"]["unknown"],
}
# cue -> (mean, sd) in the cue's scoring unit (the catalog's priors); the semitone (F0
# level) cues are filled in per sex.
POPULATION_STATS: dict[str, tuple[float, float]] = {
    spec.name: prior for spec in CATALOG if (prior := spec.population_prior) is not None
}
F0_LEVEL_CUES = tuple(spec.name for spec in CATALOG if spec.semitones)
POPULATION = "population"  # the name of a population baseline starts with it
MIN_RECORDINGS_FOR_OWN_SD = 3  # fewer: the speaker's own mean, the population spread
MIN_SD_FRACTION = 0.5  # a speaker's SD is never below half the population's


def reference_words(baseline: str | None) -> str:
    """What a cue's level is relative to, in plain words, for a baseline's name: "the
    speaker's usual" for a speaker's own baseline (or when unknown), "a typical female
    voice" (male, or plain "a typical voice") for the population's."""
    if not baseline or not baseline.startswith(POPULATION):
        return "the speaker's usual"
    if "female" in baseline:
        return "a typical female voice"
    if "male" in baseline:
        return "a typical male voice"
    return "a typical voice"


@dataclass(frozen=True)
class CueStat:
    """Mean and standard deviation of one cue in its scoring unit."""

    mean: float
    sd: float


@dataclass(frozen=True)
class SpeakerBaseline:
    """What is normal for one speaker (or for an unknown one).

    Attributes
    ----------
    name : str
        The speaker, or ``"population (female)"`` etc.
    f0_reference_hz : float
        F0 level cues are scored in semitones relative to this.
    stats : dict of str to CueStat
        Per cue, the mean and SD in the cue's scoring unit.
    n_recordings : int
        Recordings the baseline was built from (0 for population priors).
    source : str
        How it was made.
    """

    name: str
    f0_reference_hz: float
    stats: dict[str, CueStat] = field(default_factory=dict)
    n_recordings: int = 0
    source: str = ""

    @classmethod
    def population(cls, sex: str | None = None) -> SpeakerBaseline:
        """Rough priors for an unknown speaker of the given sex ("female", "male" or None)."""
        if sex not in F0_REFERENCE_HZ:
            raise ValueError(f"sex must be 'female', 'male' or None, got {sex!r}")
        stats = {name: CueStat(*values) for name, values in POPULATION_STATS.items()}
        for name in F0_LEVEL_CUES:
            stats[name] = CueStat(0.0, F0_LEVEL_SD_ST[sex])
        label = f"{POPULATION} ({sex or 'sex unknown'})"
        return cls(
            label,
            F0_REFERENCE_HZ[sex],
            stats,
            0,
            "measured population norms (model_core.cues.baseline)",
        )

    @classmethod
    def from_measurements(
        cls, name: str, measurements: list[dict[str, float]], sex: str | None = None
    ) -> SpeakerBaseline:
        """A speaker's baseline from the raw cue values of their recordings.

        Parameters
        ----------
        name : str
            The speaker.
        measurements : list of dict
            One dict per recording, cue name -> raw value (F0 cues in Hz), as in
            :attr:`model_core.cues.CueSummary.raw_values`.
        sex : str or None
            Used only for the fallback spreads.
        """
        prior = cls.population(sex)
        medians = np.array([m.get("f0_median", np.nan) for m in measurements], dtype=float)
        medians = medians[np.isfinite(medians) & (medians > 0)]
        reference = (
            float(np.exp(np.mean(np.log(medians)))) if medians.size else prior.f0_reference_hz
        )
        stats: dict[str, CueStat] = {}
        for cue, prior_stat in prior.stats.items():
            values = np.array([m.get(cue, np.nan) for m in measurements], dtype=float)
            if cue in F0_LEVEL_CUES:
                values = np.asarray(hz_to_semitones(values, reference))
            values = values[np.isfinite(values)]
            if values.size == 0:
                stats[cue] = prior_stat
                continue
            sd = prior_stat.sd
            if values.size >= MIN_RECORDINGS_FOR_OWN_SD:
                sd = max(float(values.std(ddof=1)), MIN_SD_FRACTION * prior_stat.sd)
            stats[cue] = CueStat(float(values.mean()), sd)
        return cls(name, reference, stats, len(measurements), f"{len(measurements)} recordings")

    def z(self, cue: str, raw: float | None) -> float:
        """How far a raw cue value (F0 cues in Hz, as stored) lies from this baseline, in SDs.

        The F0 level cues are scored in semitones re :attr:`f0_reference_hz`, as
        :meth:`from_measurements` builds them. NaN when the value or the cue's spread is
        missing.
        """
        stat = self.stats.get(cue)
        if raw is None or stat is None or not stat.sd > 0 or not np.isfinite(raw):
            return float("nan")
        if cue in F0_LEVEL_CUES:
            if raw <= 0:
                return float("nan")
            raw = float(hz_to_semitones(raw, self.f0_reference_hz))
        return (float(raw) - stat.mean) / stat.sd

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "name": self.name,
            "f0_reference_hz": self.f0_reference_hz,
            "stats": {k: {"mean": v.mean, "sd": v.sd} for k, v in self.stats.items()},
            "n_recordings": self.n_recordings,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SpeakerBaseline:
        """Inverse of :meth:`to_dict`.

        Raises
        ------
        ValueError
            Naming the first missing or malformed entry (a hand-edited or foreign file):
            z-scores need finite means, positive SDs and a positive F0 reference.
        """
        if not isinstance(data, dict):
            raise ValueError(f"a baseline is a JSON object, got {type(data).__name__}")
        required = ("name", "f0_reference_hz", "stats", "n_recordings")
        missing = [key for key in required if key not in data]
        if missing:
            raise ValueError(f"the baseline lacks {', '.join(missing)}")
        name, source, stats = data["name"], data.get("source", ""), data["stats"]
        if not isinstance(name, str) or not isinstance(source, str):
            raise ValueError(f"the name and source must be text, got {name!r}, {source!r}")
        if not isinstance(stats, dict) or not all(
            isinstance(v, dict) and {"mean", "sd"} <= set(v) for v in stats.values()
        ):
            raise ValueError(f"stats must map each cue to its mean and sd, got {stats!r}")
        count = data["n_recordings"]
        if not _number(count) or count < 0 or count != int(count):
            raise ValueError(f"n_recordings must be a whole number >= 0, got {count!r}")
        cue_stats = {
            cue: CueStat(_finite(v["mean"], f"{cue} mean"), _positive(v["sd"], f"{cue} sd"))
            for cue, v in stats.items()
        }
        reference = _positive(data["f0_reference_hz"], "f0_reference_hz")
        return cls(name, reference, cue_stats, int(count), source)


def _number(value: object) -> bool:
    """A finite JSON number: True is not one here, nor an int too large for a float."""
    try:
        return type(value) in (int, float) and math.isfinite(cast(float, value))
    except OverflowError:
        return False


def _finite(value: object, what: str) -> float:
    if not _number(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return float(cast(float, value))


def _positive(value: object, what: str) -> float:
    number = _finite(value, what)
    if number <= 0:
        raise ValueError(f"{what} must be above 0, got {value!r}")
    return number
