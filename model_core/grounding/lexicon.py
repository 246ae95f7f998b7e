"""The words rationales use for acoustic cues, and the modifiers that change their force.

Each :class:`Sense` is an aspect of the voice and a value ("pitch: high", "rate: slow").
Patterns are regular expressions over lower-cased text, matched on word boundaries;
where several match the same words the longest wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from model_core.cues.catalog import CATALOG
from model_core.cues.levels import Level


@dataclass(frozen=True)
class Sense:
    aspect: str  # pitch, pitch range, intonation, loudness, rate, pauses, voice
    value: str  # high, low, wide, monotone, rising, falling, loud, soft, fast, slow, many, few, ...

    @property
    def label(self) -> str:
        return f"{self.aspect}: {self.value}"


# A copula with an optional negator and degree word: "pitch is not very high".
_BE = (
    r"(?:is |was |are |were |sounds |sounded |seems |seemed |remains |stays |becomes |gets |got |goes |went |"
    r"isn't |wasn't |aren't |weren't )?(?:not |never |hardly |no longer )?"
    r"(?:(?:very|quite|slightly|somewhat|rather|a bit|a little|really|extremely|fairly|relatively) )?"
)
_PITCH = r"(?:pitch|f0|fundamental frequency|register|tone)"
_VOLUME = r"(?:volume|intensity|loudness|vocal energy|vocal intensity)"
_PACE = r"(?:pace|rate|tempo|speed|delivery|speaking rate|speech rate|articulation rate|speech)"
_TALK = r"(?:speaks|talks|speaking|talking|spoke|talked|speak|talk|says|said|saying)"
_VOICE = r"(?:voice|tone|delivery|quality)"
_WHOSE = r"(?:her |his |their |the )?"
_CONTOUR = rf"(?:intonation|inflection|contour|{_PITCH}|voice)"
_FALLS = "falls|falling|drops|dropping|goes down|went down|trails off"
_WIDE_ADJ = "wide|wider|broad|large|expanded|varied|variable|varying|dynamic|expressive|animated|lively|exaggerated"
_WIDE_PRED = "wide|varied|variable|varies|fluctuates|fluctuating|animated|expressive"
_RANGE_NOUN = rf"pitch range|pitch variation|variation in pitch|intonation|{_PITCH} range"

PATTERNS: list[tuple[str, Sense]] = [
    # intonation contour (final F0 movement)
    (
        rf"(?:rising|upward|rises at the end|upturned) (?:intonation|inflection|contour|{_PITCH})",
        Sense("intonation", "rising"),
    ),
    (
        rf"{_CONTOUR} {_BE}(?:rises|rising|goes up|went up|turns up)(?: at the end)?",
        Sense("intonation", "rising"),
    ),
    (
        r"ends? (?:on|with) (?:a |an )?(?:rise|upturn|upward inflection)",
        Sense("intonation", "rising"),
    ),
    (r"question-like intonation|upspeak", Sense("intonation", "rising")),
    (
        rf"(?:falling|downward|dropping) (?:intonation|inflection|contour|{_PITCH})",
        Sense("intonation", "falling"),
    ),
    (
        rf"{_CONTOUR} {_BE}(?:{_FALLS})(?: at the end)?",
        Sense("intonation", "falling"),
    ),
    (
        r"ends? (?:on|with) (?:a |an )?(?:fall|drop|downward inflection)",
        Sense("intonation", "falling"),
    ),
    # pitch range
    (
        rf"(?:{_WIDE_ADJ}) (?:pitch range|pitch variation|{_PITCH}|intonation|melody|prosody)",
        Sense("pitch range", "wide"),
    ),
    (
        rf"(?:widely|highly|strongly) (?:varying|variable|varied) (?:{_PITCH}|intonation)",
        Sense("pitch range", "wide"),
    ),
    (
        rf"(?:pitch range|{_PITCH}|intonation) {_BE}(?:{_WIDE_PRED})",
        Sense("pitch range", "wide"),
    ),
    (
        r"(?:pitch|intonation) (?:variation|variability|fluctuations?|swings?)|sing-song",
        Sense("pitch range", "wide"),
    ),
    (r"monoton(?:e|ous|ic|y)", Sense("pitch range", "monotone")),
    (
        rf"flat(?:,? [a-z-]+)? (?:intonation|{_PITCH}|voice|prosody|delivery|affect|melody)",
        Sense("pitch range", "monotone"),
    ),
    (
        rf"(?:intonation|{_PITCH}|voice|delivery|prosody) {_BE}flat",
        Sense("pitch range", "monotone"),
    ),
    (
        rf"(?:narrow|limited|little|reduced|restricted|minimal) (?:{_RANGE_NOUN})",
        Sense("pitch range", "monotone"),
    ),
    (r"lack of (?:pitch |intonational )?variation", Sense("pitch range", "monotone")),
    # pitch level
    (r"high[- ]pitched|shrill|squeaky|high voice", Sense("pitch", "high")),
    (
        rf"(?:high|higher|raised|elevated|heightened|increased|sharp) {_PITCH}",
        Sense("pitch", "high"),
    ),
    (rf"{_PITCH} {_BE}(?:high|higher|raised|elevated|heightened|up)\b", Sense("pitch", "high")),
    (r"low[- ]pitched|deep voice|deeper voice", Sense("pitch", "low")),
    (rf"(?:low|lower|lowered|deep|deeper|reduced|decreased) {_PITCH}", Sense("pitch", "low")),
    (rf"{_PITCH} {_BE}(?:low|lower|lowered|deep|down|dropped)\b", Sense("pitch", "low")),
    # loudness
    (r"loud(?:ly|er|est)?|booming|forceful(?:ly)?", Sense("loudness", "loud")),
    (
        r"shout(?:s|ed|ing)?|yell(?:s|ed|ing)?|scream(?:s|ed|ing)?|bellow(?:s|ed|ing)?",
        Sense("loudness", "loud"),
    ),
    (rf"rais(?:es|ed|ing|e) {_WHOSE}voice|raised voice", Sense("loudness", "loud")),
    (
        rf"(?:high|increased|elevated|raised|strong|great|heightened) {_VOLUME}",
        Sense("loudness", "loud"),
    ),
    (rf"{_VOLUME} {_BE}(?:high|raised|elevated|increased|strong)\b", Sense("loudness", "loud")),
    (
        r"soft(?:ly|er)?|quiet(?:ly|er)?|hushed|faint(?:ly)?|barely audible",
        Sense("loudness", "soft"),
    ),
    (r"whisper(?:s|ed|ing)?|mumbl(?:es|ed|ing|e)|mutter(?:s|ed|ing)?", Sense("loudness", "soft")),
    (
        rf"(?:low|lowered|reduced|decreased|weak|little|subdued) {_VOLUME}|low voice|subdued voice",
        Sense("loudness", "soft"),
    ),
    (rf"{_VOLUME} {_BE}(?:low|reduced|decreased|weak)\b", Sense("loudness", "soft")),
    # rate
    (
        rf"(?:fast|quick|rapid|brisk|hurried|rushed|accelerated|increased|high) {_PACE}",
        Sense("rate", "fast"),
    ),
    (rf"{_PACE} {_BE}(?:fast|quick|rapid|brisk|hurried|high|increased)\b", Sense("rate", "fast")),
    (
        rf"{_TALK} (?:very |so |rather |quite )?(?:fast|quickly|rapidly|hurriedly)",
        Sense("rate", "fast"),
    ),
    (
        r"fast|rapid(?:ly)?|hurried(?:ly)?|rush(?:es|ed|ing)|quickly|fast-paced|rattl(?:es|ed|ing) off",
        Sense("rate", "fast"),
    ),
    (
        rf"(?:slow|slower|sluggish|leisurely|reduced|decreased|low|deliberate) {_PACE}",
        Sense("rate", "slow"),
    ),
    (rf"{_PACE} {_BE}(?:slow|slower|reduced|sluggish)\b", Sense("rate", "slow")),
    (rf"{_TALK} (?:very |so |rather |quite )?slowly", Sense("rate", "slow")),
    (
        r"slow|slowly|drawn[- ]out|drawl(?:s|ed|ing)?|dragg(?:ing|ed)|slow-paced",
        Sense("rate", "slow"),
    ),
    # pauses
    (
        r"pauses?|paus(?:ed|ing)|hesitat(?:ion|ions|es|ed|ing|ant|antly|e)|halting|stammer(?:s|ed|ing)?",
        Sense("pauses", "many"),
    ),
    (rf"stutter(?:s|ed|ing)?|silences?|breaks? in {_WHOSE}speech", Sense("pauses", "many")),
    (
        r"fluent(?:ly)?|uninterrupted|smooth(?:ly)? (?:delivery|speech|flow)|continuous(?:ly)? (?:speech|flow)",
        Sense("pauses", "few"),
    ),
    # voice quality
    (
        r"trembl(?:ing|es|ed|y|e)|tremulous|shak(?:y|ing|iness)|quiver(?:ing|s|ed|y)?|waver(?:ing|s|ed|y)?",
        Sense("voice", "trembling"),
    ),
    (
        rf"(?:voice|{_VOICE}) crack(?:s|ed|ing)?|cracking voice|unsteady voice",
        Sense("voice", "trembling"),
    ),
    (
        rf"steady (?:{_VOICE})|(?:{_VOICE}) {_BE}(?:steady|stable)\b",
        Sense("voice", "steady"),
    ),
    (rf"clear (?:voice|tone)|(?:voice|tone) {_BE}clear\b", Sense("voice", "clear")),
    # what jitter, shimmer and HNR measure, in plain words (the catalog's own phrases)
    (
        rf"irregular (?:voicing|phonation)|(?:voicing|phonation) {_BE}(?:irregular|uneven|unstable)"
        r"|(?:high|raised|increased) (?:jitter|shimmer)",
        Sense("voicing", "irregular"),
    ),
    (
        rf"regular (?:voicing|phonation)|(?:voicing|phonation) {_BE}(?:regular|even|stable)\b"
        r"|(?:low|reduced) (?:jitter|shimmer)",
        Sense("voicing", "regular"),
    ),
    (
        rf"noisy (?:voice|tone)|(?:voice|tone) {_BE}noisy"
        r"|(?:low|reduced) (?:hnr|harmonics-to-noise(?: ratio)?)",
        Sense("voice", "noisy"),
    ),
    (r"breath(?:y|iness)|airy (?:voice|quality)", Sense("voice", "breathy")),
    (
        r"hoarse(?:ness)?|rasp(?:y|iness)|creak(?:y|iness)|gravelly|rough(?:ness)? (?:voice|quality)",
        Sense("voice", "rough"),
    ),
    (
        rf"tense (?:{_VOICE})|{_VOICE} {_BE}(?:tense|strained|tight|pressed|harsh)|tension in {_WHOSE}voice",
        Sense("voice", "tense"),
    ),
    (
        rf"(?:strained|tight|pressed|harsh|constricted) (?:{_VOICE})|strain in {_WHOSE}voice|vocal (?:tension|strain)",
        Sense("voice", "tense"),
    ),
]


def catalog_patterns(patterns: list[tuple[str, Sense]]) -> list[tuple[str, Sense]]:
    """The catalog's own phrases, as patterns, for senses ``patterns`` has no words for.

    A cue added to the catalog is citable in its own words without an edit here; the
    senses written above keep their richer patterns (and their exact behaviour).
    """
    known = {sense for _, sense in patterns}
    extra = []
    for spec in CATALOG:
        for level, phrases in spec.phrases.items():
            value = spec.up if level in (Level.HIGH, Level.VERY_HIGH) else spec.down
            if spec.aspect is None or value is None or Sense(spec.aspect, value) in known:
                continue
            for phrase in phrases:
                words = phrase.lower().removeprefix("the ").replace("very ", "")
                extra.append((re.escape(words), Sense(spec.aspect, value)))
    return extra


PATTERNS += catalog_patterns(PATTERNS)
COMPILED = [(re.compile(rf"\b(?:{pattern})\b"), sense) for pattern, sense in PATTERNS]

NEGATORS = re.compile(
    r"\b(?:not|no|never|without|lacks?|lacking|absence of|neither|nor|hardly|barely|rather than|instead of|"
    r"\w+n't)\b"
)
HEDGES = re.compile(
    r"\b(?:slightly|somewhat|a bit|a little|a touch|mildly|moderately|relatively|fairly|marginally|"
    r"rather|partly|a tad|kind of|sort of|seemingly)\b"
)
INTENSIFIERS = re.compile(
    r"\b(?:very|extremely|highly|really|particularly|notably|markedly|strongly|exceptionally|so|"
    r"intensely|clearly|distinctly|significantly|much|long|frequent|many|several|numerous|"
    r"repeated|constant|lots of)\b"
)
CLAUSE_BREAK = re.compile(
    r"[.;:!?()\n]|,\s*(?:but|while|whereas|although|though|yet)\b|\b(?:but|while|whereas|although|though)\b"
)
MODIFIER_REACH = 28  # characters before a cue expression searched for negators and degree words
