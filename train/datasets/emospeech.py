"""Indian EmoSpeech Command Dataset v0.1 (Banga et al. 2019): keywords said with emotion.

7,741 crowd-recorded clips (16 kHz mono, about 3 s each) of prompted keywords in Indian
English and Hindi ("help", "bacho", "stop", "no", "go", "yes"; ``unknown`` for other
words, ``background`` for no keyword), recorded on phones in the places the top folders
name (``Misc``, ``webservice``, ``House``, ``Roads``, ``Near Lake``, ``Metro``,
``Railway``). A file ``keyword-environment-emotion-timestamp-userhash.wav`` holds the
keyword, an overlaid *environment* sound (``safe``: none; ``scream``, ``gunshots``,
``glass break``), the emotion (Calm, Angry, Happy, Fearful, None), a timestamp and a hash
of the user. Licence: CC BY-NC-SA 4.0 (``License.txt``): models trained on it inherit the
non-commercial, share-alike terms.

What is odd about it, and what this reader does:

- **No sad clips.** The 4-class set is neutral (calm), happy, angry; fearful is kept only
  by ``emospeech-full``.
- **The "unknown user" hash** (:data:`UNKNOWN_USER`) marks 5,709 clips of many people: it is
  not a speaker, so those clips get ``speaker=None`` (population mode only; never a voice).
- ``background`` clips hold no keyword and emotion ``None`` no emotion: both are left out.
- Clips with an overlaid scream, gunshot or breaking glass are left out of the default set
  (``safe`` only): the overlay, not the voice, would carry their label.
- Sex is not recorded.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from train.datasets.example import DatasetError, Example

PLACES = ("Misc", "webservice", "House", "Roads", "Near Lake", "Metro", "Railway")
EMOTIONS = {"calm": "neutral", "angry": "angry", "happy": "happy", "fearful": "fearful"}
FOUR_CLASS_LABELS = ("neutral", "happy", "angry")  # the corpus has no sad
UNKNOWN_USER = "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f"
RELEASE_FILES = 7741
NAME = re.compile(
    r"^(?P<keyword>[a-z]+)-(?P<environment>safe|scream|gunshots|glass break)-"
    r"(?P<emotion>[A-Za-z]+)-(?P<timestamp>\d+)-(?P<user>[0-9a-f]{56})\.wav$"
)


def read_emospeech(path: str | Path, label_set: str = "four") -> list[Example]:
    """Examples of the EmoSpeech clips under ``path`` (the folder holding ``Misc`` ...).

    Parameters
    ----------
    path : str or Path
        The corpus folder, holding one folder per place.
    label_set : {"four", "full"}
        ``four``: neutral (calm), happy, angry, clean clips (environment ``safe``);
        ``full``: fearful too, and clips with overlaid sounds (``extra["environment"]``).

    Raises
    ------
    DatasetError
        When the folder is not the EmoSpeech layout or holds no clip.
    """
    if label_set not in ("four", "full"):
        raise DatasetError(f"EmoSpeech label set must be 'four' or 'full', not {label_set!r}")
    root = Path(path).expanduser()
    if not root.is_dir():
        raise DatasetError(f"{path}: no such folder (expected EmoSpeech's Misc, House, ...)")
    places = [place for place in PLACES if (root / place).is_dir()]
    if not places:
        raise DatasetError(f"{path}: no {', '.join(PLACES)} folders: not the EmoSpeech layout")
    examples = []
    for place in places:
        for audio in sorted((root / place).glob("*.wav")):
            match = NAME.match(audio.name)
            if not match or match["keyword"] == "background":
                continue
            emotion = EMOTIONS.get(match["emotion"].lower())
            if emotion is None:  # "None": no emotion
                continue
            if label_set == "four" and (
                emotion not in FOUR_CLASS_LABELS or match["environment"] != "safe"
            ):
                continue
            user = match["user"]
            examples.append(
                Example(
                    id=f"emospeech-{audio.stem[:60]}-{user[:8]}",
                    audio=audio,
                    label=emotion,
                    speaker=None if user == UNKNOWN_USER else f"emospeech-{user[:12]}",
                    split="train",
                    source=f"emospeech:{place}/{audio.name}",
                    extra={
                        "place": place,
                        "keyword": match["keyword"],
                        "environment": match["environment"],
                        "emotion": match["emotion"].lower(),
                    },
                )
            )
    if not examples:
        raise DatasetError(
            f"{path}: no EmoSpeech clips (names like go-safe-angry-<time>-<hash>.wav)"
        )
    return examples


def census_text(examples: list[Example]) -> str:
    """One line on what was read: clips per label and place, users, the unknown user."""
    by_label = Counter(e.label for e in examples)
    by_place = Counter(e.extra["place"] for e in examples)
    users = {e.speaker for e in examples if e.speaker}
    unknown = sum(e.speaker is None for e in examples)
    labels = ", ".join(f"{label} {n}" for label, n in by_label.most_common())
    places = ", ".join(f"{place} {n}" for place, n in by_place.most_common())
    return (
        f"EmoSpeech: {len(examples)} clips ({labels}; {places}) of {len(users)} users, "
        f"{unknown} more under the shared 'unknown user' hash (no speaker); "
        f"the release has {RELEASE_FILES} files"
    )
