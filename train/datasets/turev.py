"""TurEV-DB, a Turkish emotional voice database (Canpolat et al. 2020), for evaluation only.

1,735 recordings (44.1 kHz mono, about 0.6-1 s) of single Turkish words by 6 speakers in
four emotions, in ``Sound Source/{Angry,Calm,Happy,Sad}/{speaker}_{code}_{word}.wav``, the
code naming the emotion again (``kz`` angry, ``hl`` sad, ``mt`` happy, ``sk`` calm). The
repository (github.com/Xeonen/TurEV-DB) also holds ``Model Output for Test Data/``: low-
and high-pass *filtered copies* of test clips, never to be read as recordings (this reader
reads ``Sound Source`` only). Licence unclear (its README says CC BY-NC-ND 4.0, its
LICENSE file GPL-3.0): EmoStudio treats it as no-derivatives and uses it **only to
evaluate**. Calm is read as neutral. The speakers' sex is not given in the file names; the words are
written without Turkish letters (``acik`` for *açık*), so they are kept as ``extra["word"]``,
not as a transcript.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from train.datasets.example import DatasetError, Example

FOLDERS = {"Angry": "angry", "Calm": "neutral", "Happy": "happy", "Sad": "sad"}
CODES = {"kz": "angry", "hl": "sad", "mt": "happy", "sk": "neutral"}
SOURCE_FOLDER = "Sound Source"
RELEASE_FILES = 1735
RELEASE_SPEAKERS = 6
NAME = re.compile(r"^(?P<speaker>\d+)_(?P<code>kz|hl|mt|sk)_(?P<word>[^.]+)\.wav$", re.IGNORECASE)


def read_turev(path: str | Path, label_set: str = "four") -> list[Example]:
    """Examples of every TurEV-DB recording under ``path``.

    Parameters
    ----------
    path : str or Path
        The repository's folder (holding ``Sound Source``) or ``Sound Source`` itself.
    label_set : {"four", "full"}
        Both are the corpus' four emotions (calm as neutral); ``full`` is accepted for
        symmetry with the other readers.

    Raises
    ------
    DatasetError
        When the folder is not the TurEV-DB layout, or a file's code disagrees with its
        folder.
    """
    if label_set not in ("four", "full"):
        raise DatasetError(f"TurEV-DB label set must be 'four' or 'full', not {label_set!r}")
    root = Path(path).expanduser()
    if not root.is_dir():
        raise DatasetError(f"{path}: no such folder (expected TurEV-DB's '{SOURCE_FOLDER}')")
    source = root / SOURCE_FOLDER if (root / SOURCE_FOLDER).is_dir() else root
    folders = [name for name in FOLDERS if (source / name).is_dir()]
    if not folders:
        raise DatasetError(f"{path}: no Angry, Calm, Happy, Sad folders: not the TurEV-DB layout")
    examples = []
    for folder in folders:
        for audio in sorted((source / folder).glob("*.wav")):
            match = NAME.match(audio.name)
            if not match:
                continue
            emotion = FOLDERS[folder]
            if CODES[match["code"].lower()] != emotion:
                raise DatasetError(
                    f"{audio}: its code {match['code']!r} says {CODES[match['code'].lower()]}, "
                    f"its folder {emotion}"
                )
            examples.append(
                Example(
                    id=f"turev-{audio.stem.lower()}",
                    audio=audio,
                    label=emotion,
                    speaker=f"turev-{match['speaker']}",
                    split="test",
                    source=f"turev:{folder}/{audio.name}",
                    extra={"word": match["word"], "emotion": emotion},
                )
            )
    if not examples:
        raise DatasetError(f"{path}: no TurEV-DB recordings (names like 1157_kz_acik.wav)")
    return examples


def census_text(examples: list[Example]) -> str:
    """One line comparing what was read with the release (1,735 files, 6 speakers)."""
    by_label = Counter(e.label for e in examples)
    speakers = {e.speaker for e in examples}
    labels = ", ".join(f"{label} {n}" for label, n in sorted(by_label.items()))
    return (
        f"TurEV-DB: {len(examples)} recordings ({labels}) of {len(speakers)} speakers; "
        f"the release has {RELEASE_FILES} of {RELEASE_SPEAKERS}"
    )
