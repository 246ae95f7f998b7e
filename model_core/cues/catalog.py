"""The cue catalog: one place for every cue's name, unit, words and rationale phrases.

Everything that speaks of a cue reads this table: the cue summary's labels, the one-line
descriptor, the grounding module's mapping from a claim ("loudness: loud") to the cue
that checks it, the rationale composer's phrases, the GUI's choice of plot and the CLI.
What each emotion *expects* of each cue lives with the emotions, in
:mod:`model_core.emotions`.

Every per-cue fact is a field of its :class:`CueSpec`: the function that measures it
(``measure``), what that measure is (``basis``, the words the app says rest on it), its
scoring scale (``semitones``), its population prior (measured, in
``population_norms.json``; ``prior`` overrides), its ``group``, whether the composer sizes it
(``sized``), whether the one-line descriptor names it (``described``) and where it is shown
by default (``shown``). Adding a cue means adding one entry here (docs/ARCHITECTURE.md,
"Add a cue").

A cue that rationales may cite has an ``aspect`` and the sense values the grounding
lexicon gives its two directions (``up``/``down``: "high"/"low" for pitch). Its
``phrases`` say, for each level, words that the grounding module reads back as a
*supported* claim about this cue at that level; ``typical`` says that the cue is not
raised (a negated claim, supported while the cue stays under the plain threshold), and
``hedged`` names a slight move each way (supported from z 0.5). ``tests/model_core/cues/
test_catalog.py`` grounds every phrase back to its cue.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from model_core.cues import measure as measuring
from model_core.cues.norms import NORMS

if TYPE_CHECKING:
    from model_core.acoustics.analysis import AcousticAnalysis
    from model_core.cues.baseline import SpeakerBaseline
    from model_core.cues.measure import Measurement

    Measure = Callable[[AcousticAnalysis, SpeakerBaseline], Measurement]

UP, DOWN = +1, -1


@dataclass(frozen=True)
class CueSpec:
    """One cue: how it is named, measured, shown, described and cited.

    Attributes
    ----------
    name : str
        Identifier used everywhere (``"f0_mean"``).
    label : str
        Short technical label for tables (``"F0 mean"``).
    unit : str
        Unit of the raw value.
    plot : str
        Timeline plot that shows it: ``pitch``, ``intensity`` or ``waveform``.
    aspect : str or None
        Grounding aspect a rationale uses for it (``"pitch"``); None when rationales do
        not cite it on its own (a summary cue such as F0 median).
    up, down : str or None
        The grounding sense values of its two directions (``"high"``, ``"low"``); None
        where the lexicon has no word for that direction.
    words : dict
        Level -> descriptor words for :func:`model_core.cues.describe` (prompt text).
    phrases : dict
        Level -> rationale phrases (several wordings) that ground as a supported claim
        about this cue at that level.
    typical : str or None
        A phrase that grounds as supported while the cue is not raised (|z| < 1 upward).
    hedged : dict
        Direction (+1/-1) -> a phrase for a slight move (0.5 <= |z| < 1).
    measure : callable
        ``(AcousticAnalysis, SpeakerBaseline) -> Measurement``: measures the cue on a clip.
    basis : str
        What is measured, in one line: the measure behind the cue's words.
    group : str
        ``pitch``, ``loudness``, ``tempo``, ``perturbation`` (cues heard as one unsteady
        voice, sharing their words) or ``voice``.
    semitones : bool
        Scored in semitones re the baseline's F0 reference (the F0 level cues); the raw
        value otherwise.
    prior : tuple of float or None
        (mean, SD) of the population prior in the scoring unit; None: the measured norms
        (``population_norms.json``), or per sex for the semitone cues.
    sized : bool
        The composer says how far it lies from the baseline ("about 4 semitones above").
    described : bool
        The one-line descriptor names it after the pitch words.
    shown : str
        Shown by default: ``plot`` (the speaker's course plot and table), ``table`` (the
        table only) or ``""``.
    """

    name: str
    label: str
    unit: str
    plot: str
    aspect: str | None = None
    up: str | None = None
    down: str | None = None
    words: dict[str, str] = field(default_factory=dict)
    phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    typical: str | None = None
    hedged: dict[int, str] = field(default_factory=dict)
    measure: Measure | None = None
    basis: str = ""
    group: str = ""
    semitones: bool = False
    prior: tuple[float, float] | None = None
    sized: bool = False
    described: bool = False
    shown: str = ""

    @property
    def population_prior(self) -> tuple[float, float] | None:
        """(mean, SD) of the population prior; None for the per-sex semitone cues."""
        if self.prior is not None:
            return self.prior
        measured = NORMS["stats"].get(self.name)
        return (float(measured[0]), float(measured[1])) if measured else None

    @property
    def citable(self) -> bool:
        """Whether a rationale may cite this cue by itself."""
        return self.aspect is not None

    def senses(self) -> dict[tuple[str, str], int]:
        """(aspect, value) -> direction, for each direction the lexicon names."""
        if self.aspect is None:
            return {}
        found = {}
        if self.up:
            found[(self.aspect, self.up)] = UP
        if self.down:
            found[(self.aspect, self.down)] = DOWN
        return found


def _levels(high: str, very_high: str, low: str, very_low: str) -> dict[str, str]:
    return {"high": high, "very high": very_high, "low": low, "very low": very_low}


# Jitter and shimmer share their words: cycle-to-cycle irregularity of the voicing, said as
# what it is. Never "shaky" or "trembles": tremor is a clinical sign (a modulation of a few
# Hz over many cycles), and local jitter and shimmer of running speech do not measure it.
VOICING_PHRASES = {
    "high": ("the voicing is irregular", "the voicing is uneven"),
    "very high": ("the voicing is very irregular",),
    "low": ("the voicing is regular",),
    "very low": ("the voicing is very regular",),
}
# Words the app never says, and what each would claim: clinical signs that no EmoStudio
# measure is made for (local jitter, shimmer and HNR of running speech are not tremor,
# hoarseness or breathiness). A model's draft that uses one is rejected by the review.
CLINICAL_WORDS: dict[str, str] = {
    r"shak(?:y|iness|ing)": "tremor",
    r"trembl\w*|tremor\w*|tremulous": "tremor",
    r"hoars\w*": "hoarseness",
    r"breath(?:y|iness)": "breathiness",
}
_CLINICAL = re.compile(r"\b(?:" + "|".join(CLINICAL_WORDS) + r")\b")

CATALOG: tuple[CueSpec, ...] = (
    CueSpec(
        "f0_mean",
        "F0 mean",
        "Hz",
        "pitch",
        "pitch",
        "high",
        "low",
        words=_levels("high", "very high", "low", "very low"),
        phrases={
            "high": ("the pitch is high", "the pitch is raised", "the voice is high-pitched"),
            "very high": ("the pitch is very high", "the voice is very high-pitched"),
            "low": ("the pitch is low", "the pitch is lowered", "the voice is low-pitched"),
            "very low": ("the pitch is very low", "the voice is very low-pitched"),
        },
        typical="the pitch is not raised",
        hedged={UP: "the pitch is slightly raised", DOWN: "the pitch is slightly lowered"},
        measure=measuring.f0_mean,
        group="pitch",
        semitones=True,
        sized=True,
        shown="plot",
        basis="mean F0 of the voiced frames (Praat Sound: To Pitch (ac)...)",
    ),
    CueSpec(
        "f0_median",
        "F0 median",
        "Hz",
        "pitch",
        measure=measuring.f0_median,
        basis="median F0 of the voiced frames (Praat Sound: To Pitch (ac)...)",
        group="pitch",
        semitones=True,
    ),
    CueSpec(
        "f0_range",
        "F0 range",
        "st",
        "pitch",
        "pitch range",
        "wide",
        "monotone",
        words=_levels("widely varying", "very widely varying", "monotone", "very monotone"),
        phrases={
            "high": ("the intonation is expressive", "the pitch varies widely"),
            "very high": ("the intonation is very expressive", "the pitch range is very wide"),
            "low": ("the intonation is monotone", "the intonation is flat"),
            "very low": ("the intonation is very monotone", "the delivery is very flat"),
        },
        typical="the intonation is not varied",
        hedged={UP: "the intonation is slightly varied", DOWN: "the intonation is slightly flat"},
        measure=measuring.f0_range,
        group="pitch",
        sized=True,
        shown="table",
        basis="5th-95th percentile range of voiced F0, in semitones",
    ),
    CueSpec(
        "f0_final_slope",
        "final F0 slope",
        "st/s",
        "pitch",
        "intonation",
        "rising",
        "falling",
        phrases={
            "high": ("the pitch rises at the end", "the utterance ends on a rise"),
            "very high": ("the pitch rises at the end", "the utterance ends on a rise"),
            "low": ("the pitch falls at the end", "the utterance ends on a fall"),
            "very low": ("the pitch falls at the end", "the utterance ends on a fall"),
        },
        measure=measuring.f0_final_slope,
        group="pitch",
        basis="Theil-Sen slope of F0 over the last 300 ms of the last voiced stretch",
    ),
    CueSpec(
        "intensity_mean",
        "intensity mean",
        "dB",
        "intensity",
        "loudness",
        "loud",
        "soft",
        words=_levels("loud", "very loud", "quiet", "very quiet"),
        phrases={
            "high": ("the voice is loud", "the speaker talks loudly"),
            "very high": ("the voice is very loud", "the speaker is very loud"),
            "low": ("the voice is quiet", "the speaker talks softly"),
            "very low": ("the voice is very quiet", "the speaker is very soft"),
        },
        typical="the voice is not loud",
        hedged={UP: "the voice is slightly louder", DOWN: "the voice is slightly quieter"},
        measure=measuring.intensity_mean,
        group="loudness",
        sized=True,
        described=True,
        shown="plot",
        basis="mean intensity of the sounding frames (Praat Sound: To Intensity...)",
    ),
    CueSpec(
        "intensity_range",
        "intensity range",
        "dB",
        "intensity",
        words={
            "very high": "very uneven loudness",
            "high": "uneven loudness",
            "very low": "very even loudness",
        },
        measure=measuring.intensity_range,
        group="loudness",
        described=True,
        basis="5th-95th percentile range of intensity over the sounding frames",
    ),
    CueSpec(
        "articulation_rate",
        "articulation rate",
        "syll/s",
        "waveform",
        "rate",
        "fast",
        "slow",
        words=_levels("fast", "very fast", "slow", "very slow"),
        phrases={
            "high": ("the pace is fast", "the speech is rapid"),
            "very high": ("the pace is very fast", "the speech is very rapid"),
            "low": ("the pace is slow", "the speech is slow"),
            "very low": ("the pace is very slow", "the speech is very slow"),
        },
        typical="the pace is not hurried",
        hedged={UP: "the pace is a little fast", DOWN: "the pace is a little slow"},
        measure=measuring.articulation_rate,
        group="tempo",
        sized=True,
        described=True,
        shown="plot",
        basis="syllable nuclei (de Jong & Wempe 2009) per second of phonation",
    ),
    CueSpec(
        "speech_rate",
        "speech rate",
        "syll/s",
        "waveform",
        measure=measuring.speech_rate,
        basis="syllable nuclei (de Jong & Wempe 2009) per second of the whole clip",
        group="tempo",
    ),
    CueSpec(
        "pause_ratio",
        "pause ratio",
        "",
        "waveform",
        "pauses",
        "many",
        "few",
        words={"very high": "very many pauses", "high": "many pauses"},
        phrases={
            "high": ("there are pauses", "the speaker pauses"),
            "very high": ("there are long pauses", "the speech is broken by long pauses"),
            "low": ("the speech is fluent",),
            "very low": ("the speech is fluent",),
        },
        measure=measuring.pause_ratio,
        group="tempo",
        sized=True,
        described=True,
        shown="table",
        basis="share of the clip in silent pauses (Praat Sound: To TextGrid (silences)...)",
    ),
    CueSpec(
        "jitter",
        "jitter (local)",
        "%",
        "waveform",
        "voicing",
        "irregular",
        "regular",
        words={
            "very high": "very irregular voicing (jitter)",
            "high": "irregular voicing (jitter)",
        },
        phrases=VOICING_PHRASES,
        measure=measuring.jitter,
        group="perturbation",
        described=True,
        basis="local jitter of running speech (Praat PointProcess: Get jitter (local)...)",
    ),
    CueSpec(
        "shimmer",
        "shimmer (local)",
        "%",
        "waveform",
        "voicing",
        "irregular",
        "regular",
        words={
            "very high": "very uneven cycle amplitude (shimmer)",
            "high": "uneven cycle amplitude (shimmer)",
        },
        phrases=VOICING_PHRASES,
        measure=measuring.shimmer,
        group="perturbation",
        described=True,
        basis="local shimmer of running speech (Praat Get shimmer (local)...)",
    ),
    CueSpec(
        "hnr",
        "HNR",
        "dB",
        "waveform",
        "voice",
        "clear",
        "noisy",
        words={
            "very low": "very noisy voice (low HNR)",
            "low": "noisy voice (low HNR)",
        },
        phrases={
            "high": ("the voice is clear",),
            "very high": ("the voice is clear",),
            "low": ("the voice sounds noisy",),
            "very low": ("the voice sounds very noisy",),
        },
        measure=measuring.hnr,
        group="voice",
        described=True,
        shown="table",
        basis="mean harmonics-to-noise ratio of the voiced frames (Praat Harmonicity, Boersma 1993)",
    ),
)

BY_NAME: dict[str, CueSpec] = {spec.name: spec for spec in CATALOG}
CUE_LABELS: dict[str, str] = {spec.name: spec.label for spec in CATALOG}
CITABLE: tuple[str, ...] = tuple(spec.name for spec in CATALOG if spec.citable)

# Senses the lexicon knows that no single cue measures, with the cues that stand in for them.
# The clinical words a model may still write ("shaky", "breathy") are checked against the
# cues nearest to them, and the review rejects them anyway (CLINICAL_WORDS).
EXTRA_SENSES: dict[tuple[str, str], tuple[tuple[str, ...], int]] = {
    ("voice", "rough"): (("hnr",), DOWN),
    ("voice", "breathy"): (("hnr",), DOWN),
    ("voice", "trembling"): (("jitter", "shimmer"), UP),
    ("voice", "steady"): (("jitter", "shimmer"), DOWN),
}
# Aspects of the voice that no cue measures (a claim about them is "not measurable").
UNMEASURED_SENSES = (("voice", "tense"),)
# Which timeline plot shows claims of each aspect (words go on the word tier).
PLOT_OF_ASPECT: dict[str, str] = {
    **{spec.aspect: spec.plot for spec in CATALOG if spec.aspect},
    "voice": "waveform",
    "word": "words",
}


def clinical_words(text: str) -> list[tuple[str, str]]:
    """(word, the sign it names) for each clinical word of :data:`CLINICAL_WORDS` in ``text``,
    in reading order."""
    found = []
    for match in _CLINICAL.finditer(text.lower()):
        sign = next(s for p, s in CLINICAL_WORDS.items() if re.fullmatch(p, match.group(0)))
        found.append((match.group(0), sign))
    return found


def sense_cues() -> dict[tuple[str, str], tuple[tuple[str, ...], int]]:
    """(aspect, value) -> (cue names, direction): which cues check a claim, and which way.

    Where several cues share a sense ("voice: trembling" is jitter or shimmer) all are
    listed, in catalog order; the grounding module lets the strongest decide.
    """
    table: dict[tuple[str, str], tuple[tuple[str, ...], int]] = {}
    for entry in CATALOG:
        for key, direction in entry.senses().items():
            names, _ = table.get(key, ((), direction))
            table[key] = ((*names, entry.name), direction)
    return {**table, **EXTRA_SENSES}


def cues_of_sense(aspect: str, value: str) -> tuple[str, ...]:
    """The cue names a claim of this sense speaks of (empty for unmeasured senses)."""
    return sense_cues().get((aspect, value), ((), 0))[0]
