"""Hand-written grounding cases: rationale + transcript + cue levels -> claims and verdicts.

Each case lists every claim the rationale makes, in reading order, as (claim, verdict).
Cue z-scores not given are 0 (normal); ``None`` makes a cue not measurable.
"""

from __future__ import annotations

from model_core.cues import level_of

TRANSCRIPT = "I can't believe you did this again, please just stop it now"
WORD_SECONDS = 0.4


def words(text: str = TRANSCRIPT, start: float = 0.2) -> list[dict]:
    return [
        {
            "word": w,
            "start": round(start + i * WORD_SECONDS, 3),
            "end": round(start + (i + 1) * WORD_SECONDS - 0.05, 3),
        }
        for i, w in enumerate(text.split())
    ]


def _measured_cue_names() -> tuple[str, ...]:
    """The cues the measuring code produces on a voiced 1-s tone, in its order."""
    from model_core.acoustics.analysis import analyze_acoustics
    from model_core.cues import summarize
    from tests.helpers.signals import RATE, harmonic

    return tuple(summarize(analyze_acoustics(harmonic(150.0, 1.0), RATE)).cues)


CUE_NAMES = _measured_cue_names()  # from the measuring code, never a hand copy


def cues(direction: str = "falling", pauses: int = 0, **z: float | None) -> dict[str, dict]:
    """A CueSummary-like dict: every cue normal unless given a z (or None: not measurable)."""
    result = {}
    for name in CUE_NAMES:
        value = z.get(name, 0.0)
        detail = {}
        if name == "f0_final_slope":
            detail["direction"] = direction
        if name == "pause_ratio":
            detail["pauses"] = pauses
        if name in ("f0_mean", "f0_median"):
            detail["semitones"] = 0.0 if value is None else 2.5 * value
        result[name] = {
            "name": name,
            "label": name.replace("_", " "),
            "value": None if value is None else 100.0 + 10 * value,
            "unit": "u",
            "z": value,
            "level": level_of(float("nan") if value is None else value),
            "spans": [] if value is None else [[1.0, 1.6], [2.4, 2.9]],
            "detail": detail,
        }
    return result


S, C, N, F = "supported", "contradicted", "not measurable", "not found"

CASES: list[tuple[str, dict, list[tuple[str, str]]]] = [
    # --- single acoustic claims, supported and contradicted ------------------------------
    ("Her pitch is high.", cues(f0_mean=1.5), [("pitch: high", S)]),
    ("Her pitch is high.", cues(f0_mean=-0.2), [("pitch: high", C)]),
    (
        "A high-pitched, shrill delivery.",
        cues(f0_mean=2.3),
        [("pitch: high", S), ("pitch: high", S)],
    ),
    ("He speaks with a low, deep voice.", cues(f0_mean=-1.4), [("pitch: low", S)]),
    ("The speaker's register is lower than usual.", cues(f0_mean=-1.1), [("pitch: low", S)]),
    ("The voice is loud.", cues(intensity_mean=1.2), [("loudness: loud", S)]),
    ("She is shouting.", cues(intensity_mean=0.3), [("loudness: loud", C)]),
    ("He yells at the listener.", cues(intensity_mean=2.5), [("loudness: loud", S)]),
    ("She speaks softly.", cues(intensity_mean=-1.3), [("loudness: soft", S)]),
    (
        "A quiet, almost whispered remark.",
        cues(intensity_mean=-2.1),
        [("loudness: soft", S), ("loudness: soft", S)],
    ),
    ("The volume is low.", cues(intensity_mean=0.8), [("loudness: soft", C)]),
    ("He speaks quickly.", cues(articulation_rate=1.1), [("rate: fast", S)]),
    (
        "A rushed, hurried delivery.",
        cues(articulation_rate=1.6),
        [("rate: fast", S), ("rate: fast", S)],
    ),
    ("The pace is fast.", cues(articulation_rate=-0.5), [("rate: fast", C)]),
    ("She talks slowly.", cues(articulation_rate=-1.2), [("rate: slow", S)]),
    ("Drawn-out words suggest fatigue.", cues(articulation_rate=-1.0), [("rate: slow", S)]),
    ("A slow tempo.", cues(articulation_rate=0.9), [("rate: slow", C)]),
    ("The intonation is monotone.", cues(f0_range=-1.3), [("pitch range: monotone", S)]),
    ("A flat, lifeless voice.", cues(f0_range=0.4), [("pitch range: monotone", C)]),
    ("Very expressive intonation.", cues(f0_range=1.8), [("pitch range: wide (strong)", S)]),
    ("Her pitch varies widely.", cues(f0_range=1.2), [("pitch range: wide", S)]),
    (
        "The sentence ends with a rising intonation.",
        cues(direction="rising"),
        [("intonation: rising", S)],
    ),
    ("Her pitch rises at the end.", cues(direction="falling"), [("intonation: rising", C)]),
    (
        "A falling intonation closes the phrase.",
        cues(direction="falling"),
        [("intonation: falling", S)],
    ),
    ("He pauses before answering.", cues(pauses=2, pause_ratio=0.4), [("pauses: many", S)]),
    ("There is hesitation in her speech.", cues(pauses=0, pause_ratio=-1.0), [("pauses: many", C)]),
    (
        "Long pauses break up the sentence.",
        cues(pauses=3, pause_ratio=2.2),
        [("pauses: many (strong)", S)],
    ),
    ("Frequent pauses.", cues(pauses=1, pause_ratio=0.5), [("pauses: many (strong)", C)]),
    ("She speaks fluently.", cues(pauses=0, pause_ratio=-1.0), [("pauses: few", S)]),
    ("Her voice is trembling.", cues(jitter=1.4), [("voice: trembling", S)]),
    ("A shaky voice.", cues(shimmer=1.2, jitter=0.1), [("voice: trembling", S)]),
    ("A quivering voice betrays fear.", cues(jitter=0.2, shimmer=0.1), [("voice: trembling", C)]),
    ("The voice is breathy.", cues(hnr=-1.5), [("voice: breathy", S)]),
    ("A hoarse voice.", cues(hnr=0.5), [("voice: rough", C)]),
    # --- synonyms ------------------------------------------------------------------------
    ("She raises her voice.", cues(intensity_mean=1.3), [("loudness: loud", S)]),
    ("He is screaming.", cues(intensity_mean=1.0), [("loudness: loud", S)]),
    ("Muttering under his breath.", cues(intensity_mean=-1.1), [("loudness: soft", S)]),
    ("The speech rate is rapid.", cues(articulation_rate=1.3), [("rate: fast", S)]),
    ("Elevated F0 throughout.", cues(f0_mean=1.0), [("pitch: high", S)]),
    ("Sing-song melody.", cues(f0_range=1.0), [("pitch range: wide", S)]),
    # --- negation --------------------------------------------------------------------------
    ("She is not loud.", cues(intensity_mean=-0.5), [("loudness: not loud", S)]),
    ("He isn't shouting.", cues(intensity_mean=1.6), [("loudness: not loud", C)]),
    (
        "Without raising her voice, she makes her point.",
        cues(intensity_mean=0.2),
        [("loudness: not loud", S)],
    ),
    ("Her pitch is not high.", cues(f0_mean=1.2), [("pitch: not high", C)]),
    ("There are no pauses.", cues(pauses=0, pause_ratio=-1.0), [("pauses: not many", S)]),
    ("He speaks without hesitation.", cues(pauses=2, pause_ratio=1.5), [("pauses: not many", C)]),
    ("The delivery is never rushed.", cues(articulation_rate=-0.3), [("rate: not fast", S)]),
    (
        "She is not loud but fast.",
        cues(intensity_mean=0.0, articulation_rate=1.2),
        [("loudness: not loud", S), ("rate: fast", S)],
    ),
    # --- several claims in one sentence --------------------------------------------------
    (
        "A high pitch, a loud voice and a fast pace signal anger.",
        cues(f0_mean=1.2, intensity_mean=1.1, articulation_rate=1.3),
        [("pitch: high", S), ("loudness: loud", S), ("rate: fast", S)],
    ),
    (
        "She speaks softly and slowly, with long pauses.",
        cues(intensity_mean=-1.2, articulation_rate=0.4, pauses=2, pause_ratio=1.6),
        [("loudness: soft", S), ("rate: slow", C), ("pauses: many (strong)", S)],
    ),
    (
        "Monotone and quiet, with a falling intonation.",
        cues(f0_range=-1.1, intensity_mean=-0.2, direction="falling"),
        [("pitch range: monotone", S), ("loudness: soft", C), ("intonation: falling", S)],
    ),
    # --- hedged and intensified language -------------------------------------------------
    ("A slightly raised pitch.", cues(f0_mean=0.6), [("pitch: high (hedged)", S)]),
    ("A slightly raised pitch.", cues(f0_mean=0.2), [("pitch: high (hedged)", C)]),
    ("The pace is somewhat hurried.", cues(articulation_rate=0.7), [("rate: fast (hedged)", S)]),
    ("She is a bit louder than usual.", cues(intensity_mean=0.5), [("loudness: loud (hedged)", S)]),
    ("An extremely loud outburst.", cues(intensity_mean=1.2), [("loudness: loud (strong)", C)]),
    ("Very high pitch.", cues(f0_mean=2.0), [("pitch: high (strong)", S)]),
    # --- quotes: found, fuzzy, hallucinated ----------------------------------------------
    (
        'She says "I can\'t believe you did this".',
        cues(),
        [('word: "I can\'t believe you did this"', S)],
    ),
    ("The phrase 'please just stop' shows frustration.", cues(), [('word: "please just stop"', S)]),
    ("“Stop it now!” she demands.", cues(), [('word: "Stop it now!"', S)]),
    (
        'She says "I cannot believe you did this".',
        cues(),
        [('word: "I cannot believe you did this"', S)],
    ),
    ('She says "belive you did this".', cues(), [('word: "belive you did this"', S)]),  # a typo
    ('She says "you did it again".', cues(), [('word: "you did it again"', S)]),  # ASR said "this"
    ('She says "get out of my house".', cues(), [('word: "get out of my house"', F)]),
    ("The word again stands out.", cues(), [('word: "again"', S)]),
    ("The word tomorrow is stressed.", cues(), [('word: "tomorrow"', F)]),
    (
        'Shouting "please just stop", she sounds angry.',
        cues(intensity_mean=1.5),
        [("loudness: loud", S), ('word: "please just stop"', S)],
    ),
    # --- cues that cannot be measured ---------------------------------------------------
    ("Her pitch is high.", cues(f0_mean=None), [("pitch: high", N)]),
    ("A trembling voice.", cues(jitter=None, shimmer=None), [("voice: trembling", N)]),
    ("Rising intonation at the end.", cues(f0_final_slope=None), [("intonation: rising", N)]),
    ("Her voice sounds tense.", cues(), [("voice: tense", N)]),
    (
        "A strained voice and a loud delivery.",
        cues(intensity_mean=1.2),
        [("voice: tense", N), ("loudness: loud", S)],
    ),
    # --- no claims --------------------------------------------------------------------------
    ("The speaker seems upset about the situation.", cues(), []),
    ("", cues(), []),
]
