"""The emotion table: every emotion EmoStudio knows, in one place.

Each :class:`Emotion` holds its canonical name, the words a model or a teacher may use for it
(``synonyms``: "furious" for angry), the names and codes corpora use for it (``codes``:
IEMOCAP's ``ang``, MELD's ``anger``, RAVDESS's ``calm``), its place on the circumplex
(``valence`` and ``arousal``) and its vocal profile: what it expects of each cue
(``expected``, with ``sources`` and a ``note``).

Everything that reads a label reads this table: the answer parser
(:mod:`model_core.model.labels`), the profiles and stances (:mod:`model_core.cues.profiles`),
the composer (a negative-valence label looks for negative words to quote), the dataset
readers (every label they produce has an entry; a test checks it) and the README's synonym
table (a test checks that too). To add an emotion, add one entry here (docs/ARCHITECTURE.md,
"Add an emotion label").

Profiles: an expectation is ``up`` (the cue rises above the speaker's baseline), ``down``,
``typical`` (stays near the baseline: the neutral label), ``not up`` / ``not down`` (stays
near the baseline or goes the harmless way: neutral's voice quality and pauses) or ``none``
(the literature gives no clear direction). Directions follow the cross-study summaries, and only where they agree:

- Juslin, P. N. and Laukka, P. (2003). Communication of emotions in vocal expression and
  music performance: different channels, same code? *Psychological Bulletin* 129(5),
  770-814, Table 11 (speech rate, voice intensity and its variability, F0 level, F0
  variability, F0 contour, microstructural regularity);
- Banse, R. and Scherer, K. R. (1996). Acoustic profiles in vocal emotion expression.
  *Journal of Personality and Social Psychology* 70(3), 614-636;
- Scherer, K. R. (2003). Vocal communication of emotion: a review of research paradigms.
  *Speech Communication* 40, 227-256, Table 3 (also pauses and boredom).

Mappings to EmoStudio's cues: F0 level -> ``f0_mean``; F0 variability -> ``f0_range``;
F0 contour direction -> ``f0_final_slope``; voice intensity -> ``intensity_mean``;
intensity variability -> ``intensity_range``; speech rate -> ``articulation_rate`` and
``speech_rate``; microstructural irregularity -> ``jitter`` and ``shimmer`` up. HNR has no
direction in these tables (so ``none`` everywhere but neutral).

Valence and arousal are coarse signs (-1, 0, +1), placed as in Russell's circumplex
(Russell, J. A. (1980). A circumplex model of affect. *Journal of Personality and Social
Psychology* 39(6), 1161-1178): only their signs are used (valence < 0 makes a label
negative); finer values would claim a precision the labels do not have.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from model_core.cues.catalog import CITABLE


class Expectation(StrEnum):
    """What an emotion expects of a cue, against the speaker's baseline."""

    UP = "up"
    DOWN = "down"
    TYPICAL = "typical"
    # Near the baseline or below it (above it speaks against): a voice more regular, more
    # fluent or less noisy than usual is no sign of emotion, so it cannot count against
    # neutral (issue 30: "steady, fluent, clear voices do not speak against neutral").
    NOT_UP = "not up"
    NOT_DOWN = "not down"  # near the baseline or above it
    NONE = "none"


UP, DOWN, TYPICAL, NONE = Expectation.UP, Expectation.DOWN, Expectation.TYPICAL, Expectation.NONE
NOT_UP, NOT_DOWN = Expectation.NOT_UP, Expectation.NOT_DOWN
# The expectations of a label at the baseline (neutral): |z| beyond the "normal" level, the
# wrong way, speaks against it.
NEAR_BASELINE = (TYPICAL, NOT_UP, NOT_DOWN)

JL2003 = "Juslin & Laukka 2003, Table 11"
BS1996 = "Banse & Scherer 1996"
S2003 = "Scherer 2003, Table 3"


@dataclass(frozen=True)
class Emotion:
    """One emotion: its names, its place on the circumplex and its vocal profile.

    Attributes
    ----------
    name : str
        The canonical name (``"angry"``).
    synonyms : tuple of str
        Words that name it in free text (a model's or a teacher's answer).
    codes : tuple of str
        Names and codes corpora use for it (``"ang"``, ``"anger"``).
    valence, arousal : int
        -1, 0 or +1 on Russell's circumplex.
    expected : mapping or None
        Cue name -> :class:`Expectation`; cues not listed expect ``none``. None: the
        literature gives this emotion no profile (surprise).
    sources : tuple of str
        The literature the profile comes from.
    note : str
        Caveats (disagreements between studies).
    """

    name: str
    synonyms: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    valence: int = 0
    arousal: int = 0
    expected: MappingProxyType[str, Expectation] | None = None
    sources: tuple[str, ...] = ()
    note: str = ""
    words: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = frozenset((self.name, *self.synonyms, *self.codes))
        object.__setattr__(self, "words", names)

    @property
    def negative(self) -> bool:
        """Negative valence: the composer quotes negative words for it."""
        return self.valence < 0

    @property
    def has_profile(self) -> bool:
        return self.expected is not None

    def expectation(self, cue: str) -> Expectation:
        """What this emotion expects of ``cue`` (``none`` without a profile)."""
        return self.expected.get(cue, NONE) if self.expected is not None else NONE


def _expects(**directions: Expectation) -> MappingProxyType[str, Expectation]:
    return MappingProxyType(directions)


EMOTIONS: dict[str, Emotion] = {
    emotion.name: emotion
    for emotion in (
        Emotion(
            "neutral",
            synonyms=(
                "calm",
                "flat",
                "composed",
                "indifferent",
                "matter-of-fact",
                "unemotional",
                "no emotion",
            ),
            codes=("neu",),
            expected=MappingProxyType(
                {name: TYPICAL for name in CITABLE}
                | {"jitter": NOT_UP, "shimmer": NOT_UP, "pause_ratio": NOT_UP, "hnr": NOT_DOWN}
            ),
            sources=("by definition: the speaker's own baseline",),
            note="Every cue is expected near the speaker's usual, and a marked cue speaks "
            "against it; but a voice steadier (lower jitter and shimmer), more fluent (fewer "
            "pauses) or clearer (higher HNR) than usual is no sign of emotion, so only the "
            "other way counts.",
        ),
        Emotion(
            "happy",
            synonyms=(
                "happiness",
                "joy",
                "joyful",
                "excited",
                "excitement",
                "glad",
                "cheerful",
                "delighted",
                "pleased",
                "amused",
                "elated",
                "enthusiastic",
            ),
            codes=("hap", "exc"),
            valence=1,
            arousal=1,
            expected=_expects(
                f0_mean=UP,
                f0_range=UP,
                f0_final_slope=UP,
                intensity_mean=UP,
                intensity_range=UP,
                articulation_rate=UP,
                speech_rate=UP,
                jitter=DOWN,
                shimmer=DOWN,
            ),
            sources=(JL2003, BS1996, S2003),
            note="Elation and joy; quiet contentment is closer to neutral.",
        ),
        Emotion(
            "sad",
            synonyms=(
                "sadness",
                "unhappy",
                "sorrow",
                "sorrowful",
                "depressed",
                "down",
                "melancholy",
                "grief",
                "gloomy",
                "dejected",
                "disappointed",
            ),
            valence=-1,
            arousal=-1,
            expected=_expects(
                f0_mean=DOWN,
                f0_range=DOWN,
                f0_final_slope=DOWN,
                intensity_mean=DOWN,
                intensity_range=DOWN,
                articulation_rate=DOWN,
                speech_rate=DOWN,
                pause_ratio=UP,
                jitter=UP,
                shimmer=UP,
            ),
            sources=(JL2003, BS1996, S2003),
            note="Quiet sadness; despair (Banse & Scherer's 'grief') can be loud and high.",
        ),
        Emotion(
            "angry",
            synonyms=(
                "anger",
                "furious",
                "mad",
                "frustrated",
                "frustration",
                "irritated",
                "annoyed",
                "irate",
                "enraged",
                "hostile",
                "outraged",
            ),
            codes=("ang", "fru"),
            valence=-1,
            arousal=1,
            expected=_expects(
                f0_mean=UP,
                f0_range=UP,
                f0_final_slope=UP,
                intensity_mean=UP,
                intensity_range=UP,
                articulation_rate=UP,
                speech_rate=UP,
                jitter=UP,
                shimmer=UP,
            ),
            sources=(JL2003, BS1996, S2003),
            note="Hot anger; cold anger (contained irritation) is quieter and slower.",
        ),
        Emotion(
            "fear",
            synonyms=(
                "fearful",
                "afraid",
                "scared",
                "anxious",
                "nervous",
                "frightened",
                "terrified",
                "worried",
            ),
            codes=("fea",),
            valence=-1,
            arousal=1,
            expected=_expects(
                f0_mean=UP,
                f0_final_slope=UP,
                intensity_range=UP,
                articulation_rate=UP,
                speech_rate=UP,
                jitter=UP,
                shimmer=UP,
            ),
            sources=(JL2003, BS1996, S2003),
            note="F0 variability and intensity disagree between studies (panic vs anxiety): none.",
        ),
        Emotion(
            "disgust",
            synonyms=("disgusted", "repulsed", "revolted"),
            codes=("dis",),
            valence=-1,
            arousal=0,
            expected=_expects(f0_mean=DOWN, articulation_rate=DOWN, speech_rate=DOWN),
            sources=(BS1996, S2003),
            note="Few studies and weak agreement: only F0 level and rate have a direction.",
        ),
        Emotion(
            "surprise",
            synonyms=("surprised", "astonished", "amazed", "shocked", "startled"),
            codes=("sur",),
            valence=0,
            arousal=1,
            note="Its valence depends on what surprised; the literature gives no vocal profile.",
        ),
        Emotion(
            "boredom",
            synonyms=("bored", "weary", "uninterested"),
            valence=-1,
            arousal=-1,
            expected=_expects(
                f0_mean=DOWN,
                f0_range=DOWN,
                intensity_mean=DOWN,
                articulation_rate=DOWN,
                speech_rate=DOWN,
            ),
            sources=(BS1996, S2003),
        ),
        Emotion(
            "tenderness",
            synonyms=("tender", "love", "loving", "affectionate"),
            valence=1,
            arousal=-1,
            expected=_expects(
                f0_mean=DOWN,
                f0_range=DOWN,
                f0_final_slope=DOWN,
                intensity_mean=DOWN,
                intensity_range=DOWN,
                articulation_rate=DOWN,
                speech_rate=DOWN,
                jitter=DOWN,
                shimmer=DOWN,
            ),
            sources=(JL2003,),
        ),
    )
}

# Labels corpora give that are no emotion (IEMOCAP's "oth", ...): readers may produce them,
# and nothing reads an emotion into them.
NOT_EMOTIONS = frozenset({"other", "oth", "xxx"})


def _by_word(emotions: dict[str, Emotion]) -> dict[str, Emotion]:
    table: dict[str, Emotion] = {}
    for emotion in emotions.values():
        for word in emotion.words:
            if word in table:
                raise ValueError(f"{word!r} names both {table[word].name} and {emotion.name}")
            table[word] = emotion
    return table


_BY_WORD = _by_word(EMOTIONS)


def emotion_for(word: str | None) -> Emotion | None:
    """The emotion a word, label or corpus code names (``"anger"`` -> angry), or None.

    Case and surrounding spaces are ignored.
    """
    if not word:
        return None
    return _BY_WORD.get(word.strip().lower())


def canonical(word: str | None) -> str | None:
    """The canonical name of the emotion ``word`` names, or None."""
    emotion = emotion_for(word)
    return emotion.name if emotion else None
