"""How far a transcript can be trusted.

Whisper writes fluent text whatever it hears: on speech in a language it does not know
(tiny.en is English-only) or on noise it writes plausible English ("Thank you for
watching!"), and a quote of those words would match the transcript and read as
*supported*. Two kinds of evidence say when that is likely:

- the decoder's own signals, after Whisper's fallback rules (``transcribe.py``:
  ``logprob_threshold=-1.0``, ``compression_ratio_threshold=2.4``,
  ``no_speech_threshold=0.6``), and the words per second of voiced speech;
- **language identification** (:mod:`model_core.language`): P(English) by the
  multilingual Whisper base, for a recogniser that knows English only.

- ``avg_logprob``: the mean log-probability of the transcript's tokens (low: the decoder
  was guessing);
- ``no_speech_prob``: the probability of Whisper's no-speech token at the start;
- ``compression_ratio``: the text's length over its zlib-compressed length (high: the
  decoder looped, repeating itself);
- ``words_per_voiced_second``: words over seconds of voiced speech (far too few: most of
  the speech went unwritten; far too many: words that were not spoken);
- ``english_probability``: P(English) of the speech;
- ``low_probability_share``: the share of words the decoder doubted (reported, not a
  check: see below).

Chosen on 500 clips of five corpora, the thresholds judged on the speakers of each corpus
the choice did not see (``python -m benchmarks reliability``; docs/benchmarks.md): with
P(English) under 0.6 or a mean log-probability under Whisper's -1.0, 100 % of Amharic
(ASED), 96 % of Turkish (TurEV-DB) and 95.5 % of Hindi (EmoSpeech) transcripts of held-out
speakers are flagged, and 0 % of English ones of a held-out TESS speaker. The decoder's
signals alone flagged 88-94 % of Turkish and Hindi: one-word clips ("Soft.", "Yeah.")
carry word probabilities like correct one-word English ("J.", "percent."), so a check on
the share of doubted words flagged correct English as often as invented English and is not
one; a doubted word is still never quoted as evidence (:func:`is_doubted`).

A transcript failing any check is **unreliable**: grounding then marks quotes of it
``transcript unreliable`` instead of ``supported``, and the review rejects rationales
that quote it.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

LOGPROB_THRESHOLD = -1.0  # Whisper's own fallback threshold
COMPRESSION_RATIO_THRESHOLD = 2.4
NO_SPEECH_THRESHOLD = 0.6
MIN_WORDS_PER_VOICED_SECOND = 0.6  # fluent speech runs near 4-5 words per voiced second
MAX_WORDS_PER_VOICED_SECOND = 12.0
MIN_VOICED_SECONDS = 1.5  # below this the rate check says nothing
WORD_PROBABILITY_FLOOR = 0.5  # a word under it is one the decoder doubted
MIN_ENGLISH_PROBABILITY = 0.6  # P(English) under it: not English (see the module's notes)


@dataclass(frozen=True)
class Reliability:
    """The decoder's signals for one transcript and what they say.

    Attributes
    ----------
    avg_logprob : float or None
        Mean natural-log probability per text token (None: no token).
    no_speech_prob : float or None
        P(no speech) at the first decoding step, the largest over the clip's windows.
    compression_ratio : float or None
        UTF-8 length over zlib-compressed length of the text.
    words_per_voiced_second : float or None
        Words over seconds of voiced speech (None: too little voiced speech to say).
    low_probability_share : float or None
        The share of words whose own probability is under :data:`WORD_PROBABILITY_FLOOR`
        (None: no word probabilities).
    english_probability : float or None
        P(English) of the speech by a multilingual Whisper's language identification
        (:mod:`model_core.language`; None: not checked).
    reliable : bool
    reasons : list of str
        Why it is not reliable, in plain words (empty when reliable).
    """

    avg_logprob: float | None = None
    no_speech_prob: float | None = None
    compression_ratio: float | None = None
    words_per_voiced_second: float | None = None
    low_probability_share: float | None = None
    english_probability: float | None = None
    reliable: bool = True
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reliability:
        known = {f.name for f in fields(cls)}  # analyses stored by an older version lack some
        return cls(**{k: v for k, v in data.items() if k in known})


def compression_ratio(text: str) -> float | None:
    """Whisper's compression ratio of ``text`` (None for empty text)."""
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else None


def assess(
    text: str,
    avg_logprob: float | None,
    no_speech_prob: float | None,
    voiced_seconds: float,
    word_probabilities: Sequence[float] | None = None,
    english_probability: float | None = None,
) -> Reliability:
    """Judge a transcript from its decoder signals and the clip's voiced time (seconds).

    ``word_probabilities`` are each word's probability (:class:`model_core.asr.Word`);
    None or empty where not measured (the checks on them are then skipped).
    ``english_probability`` is P(English) by language identification
    (:class:`model_core.language.LanguageCheck`; None: not checked). Both matter for the
    English-only recogniser, which writes English whatever language it hears.
    """
    words = len(text.split())
    ratio = compression_ratio(text)
    low_share = (
        sum(p < WORD_PROBABILITY_FLOOR for p in word_probabilities) / len(word_probabilities)
        if word_probabilities
        else None
    )
    rate = words / voiced_seconds if voiced_seconds >= MIN_VOICED_SECONDS else None
    reasons = []
    if words and avg_logprob is not None and avg_logprob < LOGPROB_THRESHOLD:
        reasons.append(
            f"the recogniser was unsure of its words (mean log-probability {avg_logprob:.2f}, "
            f"under {LOGPROB_THRESHOLD}): speech in another language, or unclear speech"
        )
    if no_speech_prob is not None and no_speech_prob > NO_SPEECH_THRESHOLD and words:
        reasons.append(f"the recogniser heard no speech (P {no_speech_prob:.2f}) yet wrote words")
    if ratio is not None and ratio > COMPRESSION_RATIO_THRESHOLD:
        reasons.append(f"the text repeats itself (compression ratio {ratio:.1f})")
    if rate is not None and rate < MIN_WORDS_PER_VOICED_SECOND:
        reasons.append(
            f"only {words} word(s) for {voiced_seconds:.1f} s of voiced speech: most of it "
            "was not transcribed (another language?)"
        )
    if rate is not None and rate > MAX_WORDS_PER_VOICED_SECOND:
        reasons.append(f"{rate:.0f} words per second of voiced speech: more than anyone says")
    if words and english_probability is not None and english_probability < MIN_ENGLISH_PROBABILITY:
        reasons.append(
            f"the speech does not sound like English (P(English) {english_probability:.2f} by "
            "language identification): the English-only recogniser invents English words for "
            "other languages"
        )
    return Reliability(
        _rounded(avg_logprob, 3),
        _rounded(no_speech_prob, 3),
        _rounded(ratio, 3),
        _rounded(rate, 2),
        _rounded(low_share, 3),
        _rounded(english_probability, 4),
        not reasons,
        reasons,
    )


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), digits)


def is_doubted(word: Mapping[str, Any]) -> bool:
    """Whether the decoder doubted this word (``{"word", "start", "end", "probability"}``):
    its probability is under :data:`WORD_PROBABILITY_FLOOR`. A word without one (stored
    before probabilities were kept) is not doubted on that ground."""
    probability = word.get("probability")
    return probability is not None and probability < WORD_PROBABILITY_FLOOR


def quotable_words(words: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The words a rationale may quote as evidence (copies): those the decoder did not doubt."""
    return [dict(w) for w in words if not is_doubted(w)]
