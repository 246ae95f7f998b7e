"""ASED v1, the Amharic Speech Emotional Dataset (Retta et al. 2023), for evaluation only.

2474 recordings (16 kHz, mono) of 65 speakers (25 female, 40 male), in five folders
``01Neutral 02Fearful 03Happy 04Sad 05Angry``; a file ``xn-yy-aa-gg-bb.wav`` holds the
emotion letter and folder number ``xn``, sentence ``yy``, repetition ``aa``, sex ``gg``
(01 female, 02 male) and speaker ``bb``. Every recording was accepted by at least five of
eight judges. The public copy (github.com/wgwangang/ASED_V1) states no licence, so
EmoStudio uses it **only to evaluate** across corpora (a language, speakers and rooms no
model of ours was trained on); never train a shipped model on it, never commit its audio.

The folder gives the label (it is what the judges confirmed); a few files name a speaker
with both sex codes, so a speaker's sex is the code most of their files carry.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from train.datasets.example import DatasetError, Example

FOLDERS = {
    "01Neutral": "neutral",
    "02Fearful": "fearful",
    "03Happy": "happy",
    "04Sad": "sad",
    "05Angry": "angry",
}
FOUR_CLASS_LABELS = ("neutral", "happy", "sad", "angry")
RELEASE_FILES = 2474
RELEASE_SPEAKERS = 65
NAME = re.compile(
    r"^(?P<code>[a-zA-Z][1-5])-(?P<sentence>\d\d)-(?P<repetition>\d\d)-(?P<sex>0[12])-"
    r"(?P<speaker>\d\d)\.wav$"
)


def read_ased(path: str | Path, label_set: str = "four") -> list[Example]:
    """Examples of every ASED recording under ``path``, in folder and name order.

    Parameters
    ----------
    path : str or Path
        The folder holding ``01Neutral`` .. ``05Angry``.
    label_set : {"four", "full"}
        ``four``: neutral, happy, sad, angry (fearful left out); ``full``: all five.

    Raises
    ------
    DatasetError
        When the folder is not the ASED layout or holds no recording.
    """
    if label_set not in ("four", "full"):
        raise DatasetError(f"ASED label set must be 'four' or 'full', not {label_set!r}")
    root = Path(path).expanduser()
    if not root.is_dir():
        raise DatasetError(f"{path}: no such folder (expected ASED's 01Neutral .. 05Angry)")
    present = [name for name in FOLDERS if (root / name).is_dir()]
    if not present:
        raise DatasetError(f"{path}: no 01Neutral .. 05Angry folders: not the ASED layout")
    found = []
    for folder in present:
        for audio in sorted((root / folder).glob("*.wav")):
            match = NAME.match(audio.name)
            if match:
                found.append((FOLDERS[folder], audio, match))
    sexes: dict[str, Counter] = {}
    for _, _, match in found:
        sexes.setdefault(match["speaker"], Counter())[match["sex"]] += 1
    examples = []
    for emotion, audio, match in found:
        if label_set == "four" and emotion not in FOUR_CLASS_LABELS:
            continue
        speaker = match["speaker"]
        sex = sexes[speaker].most_common(1)[0][0]
        examples.append(
            Example(
                id=f"ased-{audio.stem.lower()}",
                audio=audio,
                label=emotion,
                speaker=f"ased-speaker{speaker}",
                split="test",
                source=f"ased:{audio.parent.name}/{audio.name}",
                extra={
                    "sex": "female" if sex == "01" else "male",
                    "sentence": int(match["sentence"]),
                    "repetition": int(match["repetition"]),
                    "emotion": emotion,
                },
            )
        )
    if not examples:
        raise DatasetError(f"{path}: no ASED recordings (names like a5-03-01-02-50.wav)")
    return examples


def census_text(examples: list[Example]) -> str:
    """One line comparing what was read with the release (2474 files, 65 speakers)."""
    speakers = {e.speaker for e in examples}
    by_label = Counter(e.label for e in examples)
    counts = ", ".join(
        f"{label} {by_label[label]}" for label in FOLDERS.values() if by_label[label]
    )
    return (
        f"ASED: {len(examples)} recordings ({counts}) of {len(speakers)} speakers; "
        f"the release has {RELEASE_FILES} of {RELEASE_SPEAKERS}"
    )
