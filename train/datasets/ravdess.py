"""RAVDESS speech (Livingstone & Russo 2018) from its official folder layout.

The speech part holds 1440 recordings: 24 professional actors (odd numbers male, even
female), North American English, two fixed sentences, 60 files per actor in
``Actor_NN/03-01-EE-II-SS-RR-AA.wav``. The name's fields: modality (03 audio only),
vocal channel (01 speech), emotion ``EE`` (01 neutral, 02 calm, 03 happy, 04 sad,
05 angry, 06 fearful, 07 disgust, 08 surprised), intensity ``II`` (01 normal,
02 strong; neutral has normal only), statement ``SS`` (01 "Kids are talking by the
door", 02 "Dogs are sitting by the door"), repetition ``RR`` and actor ``AA``.
Licence: CC BY-NC-SA 4.0 (Zenodo record 1188976): models trained on it inherit the
non-commercial, share-alike terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from train.datasets.example import DatasetError, Example

EMOTIONS = {
    "01": "neutral",
    "02": "calm",
    "03": "happy",
    "04": "sad",
    "05": "angry",
    "06": "fearful",
    "07": "disgust",
    "08": "surprised",
}
# The default 4-class set: calm is merged into neutral; the other emotions are left out.
FOUR_CLASS = {
    "neutral": "neutral",
    "calm": "neutral",
    "happy": "happy",
    "sad": "sad",
    "angry": "angry",
}
STATEMENTS = {"01": "Kids are talking by the door", "02": "Dogs are sitting by the door"}
NAME = re.compile(
    r"^03-01-(?P<emotion>0[1-8])-(?P<intensity>0[12])-(?P<statement>0[12])-"
    r"(?P<repetition>0[12])-(?P<actor>\d\d)\.wav$"
)
ACTORS = tuple(range(1, 25))
FILES_PER_ACTOR = 60
SUBFOLDER = "audio_speech_actors_01-24"


@dataclass(frozen=True)
class Census:
    """What a RAVDESS folder holds against the release: found, missing and foreign files."""

    found: int
    actors: int
    missing: list[str]
    foreign: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing

    def to_text(self, limit: int = 10) -> str:
        lines = [f"RAVDESS speech: {self.found} of 1440 files, {self.actors} of 24 actors"]
        if self.missing:
            shown = ", ".join(self.missing[:limit])
            more = f" and {len(self.missing) - limit} more" if len(self.missing) > limit else ""
            lines.append(f"missing {len(self.missing)}: {shown}{more}")
        if self.foreign:
            lines.append(f"not RAVDESS speech names (ignored): {', '.join(self.foreign[:limit])}")
        return "\n".join(lines)


def expected_names() -> list[str]:
    """Every file name of the speech release, ``Actor_NN/...wav``."""
    names = []
    for actor in ACTORS:
        for emotion in EMOTIONS:
            for intensity in ("01",) if emotion == "01" else ("01", "02"):
                for statement in STATEMENTS:
                    for repetition in ("01", "02"):
                        name = (
                            f"03-01-{emotion}-{intensity}-{statement}-{repetition}-{actor:02d}.wav"
                        )
                        names.append(f"Actor_{actor:02d}/{name}")
    return names


def _root(path: str | Path) -> Path:
    root = Path(path).expanduser()
    if (root / SUBFOLDER).is_dir():
        root = root / SUBFOLDER
    if not root.is_dir():
        raise DatasetError(
            f"{path}: no such folder (expected RAVDESS's Actor_01 .. Actor_24 folders)"
        )
    if not any(root.glob("Actor_*")):
        raise DatasetError(f"{path}: no Actor_NN folders: not the RAVDESS speech release layout")
    return root


def census(path: str | Path) -> Census:
    """Compare a folder with the 1440 files of the release."""
    root = _root(path)
    present = {f"{p.parent.name}/{p.name}" for p in root.glob("Actor_*/*.wav")}
    expected = expected_names()
    foreign = sorted(
        name
        for name in present
        if not NAME.match(name.split("/")[-1]) or name.split("/")[0] != f"Actor_{name[-6:-4]}"
    )
    found = [name for name in expected if name in present]
    return Census(
        len(found),
        len({name.split("/")[0] for name in found}),
        [name for name in expected if name not in present],
        foreign,
    )


def read_ravdess(path: str | Path, label_set: str = "four") -> list[Example]:
    """Examples of every RAVDESS speech file under ``path``, in name order.

    Parameters
    ----------
    path : str or Path
        The folder holding ``Actor_01`` .. ``Actor_24`` (or its parent).
    label_set : {"four", "full"}
        ``four``: neutral (with calm), happy, sad, angry; the rest left out.
        ``full``: all eight emotions.

    Raises
    ------
    DatasetError
        When the folder is not a RAVDESS layout or holds no speech file.
    """
    if label_set not in ("four", "full"):
        raise DatasetError(f"RAVDESS label set must be 'four' or 'full', not {label_set!r}")
    root = _root(path)
    examples = []
    for audio in sorted(root.glob("Actor_*/*.wav")):
        match = NAME.match(audio.name)
        if not match or audio.parent.name != f"Actor_{match['actor']}":
            continue
        emotion = EMOTIONS[match["emotion"]]
        label = FOUR_CLASS.get(emotion) if label_set == "four" else emotion
        if label is None:
            continue
        actor = int(match["actor"])
        examples.append(
            Example(
                id=f"ravdess-{audio.stem}",
                audio=audio,
                label=label,
                transcript=STATEMENTS[match["statement"]],
                speaker=f"ravdess-actor{actor:02d}",
                source=f"ravdess:{audio.parent.name}/{audio.name}",
                extra={
                    "actor": actor,
                    "sex": "male" if actor % 2 else "female",
                    "emotion": emotion,
                    "intensity": "strong" if match["intensity"] == "02" else "normal",
                    "statement": int(match["statement"]),
                    "repetition": int(match["repetition"]),
                },
            )
        )
    if not examples:
        raise DatasetError(f"{path}: no RAVDESS speech files (names like 03-01-05-01-01-01-12.wav)")
    return examples


def actor_folds(examples: list[Example], folds: int = 4) -> list[list[int]]:
    """Actors split into ``folds`` held-out groups, each with as many women as men.

    Actors are dealt in order, odd (male) and even (female) ones alternately, so that with
    24 actors and 4 folds each fold holds 3 men and 3 women.

    Raises
    ------
    DatasetError
        When there are fewer actors than folds.
    """
    actors = sorted({e.extra["actor"] for e in examples})
    if len(actors) < folds:
        raise DatasetError(f"{len(actors)} actors cannot make {folds} speaker-independent folds")
    men = [a for a in actors if a % 2]
    women = [a for a in actors if not a % 2]
    groups: list[list[int]] = [[] for _ in range(folds)]
    for index, actor in enumerate(men):
        groups[index % folds].append(actor)
    for index, actor in enumerate(women):
        groups[(folds - 1 - index) % folds].append(actor)  # dealt from the other end
    return [sorted(group) for group in groups]
