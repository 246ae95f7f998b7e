"""TESS, the Toronto Emotional Speech Set (Dupuis and Pichora-Fuller 2010), for evaluation only.

2,800 recordings (24,414 Hz mono) of two female speakers, an older (``OAF``, 64 years)
and a younger (``YAF``, 26 years) actress, each saying "Say the word ___" with 200 target
words in seven emotions: neutral, happy, sad, angry, fear, disgust, pleasant surprise
(``ps``). The public copy (github.com/deepxzy/Toronto-emotional-speech-set) splits them
into ``datasets/train/{OAF,YAF}_<emotion>/{OAF|YAF}_{word}_{emotion}.wav`` (1,960) and
``datasets/testnew/{i}test{SPK}_{word}_{emotion}{n}.wav`` (840: the leading index and the
trailing number are the copy's own, and one file keeps the original ``OA_`` misspelling).
Licence: CC BY-NC-ND 4.0 (no derivatives), so EmoStudio uses it **only to evaluate**.

The emotion comes from the file name (the folders' spellings differ: ``OAF_Fear``,
``YAF_pleasant_surprised``); both speakers are female; the words are English.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from train.datasets.example import DatasetError, Example

EMOTIONS = {
    "neutral": "neutral",
    "happy": "happy",
    "sad": "sad",
    "angry": "angry",
    "fear": "fearful",
    "disgust": "disgust",
    "ps": "surprised",
}
FOUR_CLASS_LABELS = ("neutral", "happy", "sad", "angry")
SPEAKERS = {"OAF": "older", "OA": "older", "YAF": "younger"}
RELEASE_FILES = 2800
NAME = re.compile(
    r"^(?:\d+test)?(?P<speaker>OAF|OA|YAF)_(?P<word>[a-z]+)_(?P<emotion>[a-z]+?)\d*\.wav$",
    re.IGNORECASE,
)


def read_tess(path: str | Path, label_set: str = "four") -> list[Example]:
    """Examples of every TESS recording under ``path`` (searched recursively).

    Parameters
    ----------
    path : str or Path
        The copy's ``datasets`` folder, its parent, or any folder holding TESS's files.
    label_set : {"four", "full"}
        ``four``: neutral, happy, sad, angry; ``full``: all seven emotions.

    Raises
    ------
    DatasetError
        When the folder holds no TESS recording.
    """
    if label_set not in ("four", "full"):
        raise DatasetError(f"TESS label set must be 'four' or 'full', not {label_set!r}")
    root = Path(path).expanduser()
    if not root.is_dir():
        raise DatasetError(f"{path}: no such folder (expected TESS's OAF_/YAF_ recordings)")
    examples = []
    for audio in sorted(root.rglob("*.wav")):
        match = NAME.match(audio.name)
        emotion = EMOTIONS.get(match["emotion"].lower()) if match else None
        if emotion is None or (label_set == "four" and emotion not in FOUR_CLASS_LABELS):
            continue
        speaker = SPEAKERS[match["speaker"].upper()]
        word = match["word"].lower()
        examples.append(
            Example(
                id=f"tess-{speaker}-{word}-{emotion}",
                audio=audio,
                label=emotion,
                transcript=f"Say the word {word}",
                speaker=f"tess-{speaker}",
                split="test",
                source=f"tess:{audio.relative_to(root)}",
                extra={"sex": "female", "word": word, "emotion": emotion},
            )
        )
    if not examples:
        raise DatasetError(f"{path}: no TESS recordings (names like OAF_back_angry.wav)")
    duplicates = [key for key, n in Counter(e.id for e in examples).items() if n > 1]
    if duplicates:
        raise DatasetError(f"{path}: the same TESS recording twice: {', '.join(duplicates[:5])}")
    return examples


def census_text(examples: list[Example]) -> str:
    """One line comparing what was read with the release (2,800 files, 2 speakers)."""
    by_label = Counter(e.label for e in examples)
    by_speaker = Counter(e.speaker for e in examples)
    labels = ", ".join(f"{label} {n}" for label, n in sorted(by_label.items()))
    speakers = ", ".join(f"{s} {n}" for s, n in sorted(by_speaker.items()))
    return (
        f"TESS: {len(examples)} recordings ({labels}; {speakers}); the release has {RELEASE_FILES}"
    )
