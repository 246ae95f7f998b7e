"""IEMOCAP from its release folder (``IEMOCAP_full_release/Session{1..5}/``).

Labels come from ``dialog/EmoEvaluation/<dialog>.txt`` lines such as
``[6.2901 - 8.2357]\\tSes01F_impro01_F000\\tneu\\t[2.5000, 2.5000, 2.5000]``; transcripts
from ``dialog/transcriptions/<dialog>.txt`` lines ``Ses01F_impro01_F000 [006.2901-008.2357]: Excuse me.``;
audio is ``sentences/wav/<dialog>/<utterance>.wav``. The speaker of an utterance is its
session and the sex letter in front of its number (``Ses01_F``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from train.datasets.example import DatasetError, Example

CODES = {
    "neu": "neutral",
    "hap": "happy",
    "exc": "excited",
    "sad": "sad",
    "ang": "angry",
    "fru": "frustrated",
    "sur": "surprised",
    "fea": "fearful",
    "dis": "disgusted",
    "oth": "other",
}
FOUR_CLASS = {"neu": "neutral", "hap": "happy", "exc": "happy", "sad": "sad", "ang": "angry"}
NO_AGREEMENT = "xxx"
EVALUATION_LINE = re.compile(
    r"^\[(?P<start>[\d.]+) - (?P<end>[\d.]+)\]\t(?P<utt>\S+)\t(?P<code>\w+)\t"
)
TRANSCRIPT_LINE = re.compile(r"^(?P<utt>Ses\d\d[MF]_\S+) \[[\d.]+-[\d.]+\]: ?(?P<text>.*)$")
SESSIONS = range(1, 6)


def _speaker(utterance: str) -> str:
    session = utterance[:5]
    number = utterance.rsplit("_", 1)[-1]  # F000 or M012: the speaking actor's sex letter first
    return f"{session}_{number[:1]}"  # [:1]: a name ending in "_" has no letter


def _transcripts(session_dir: Path) -> dict[str, str]:
    texts = {}
    for path in sorted((session_dir / "dialog" / "transcriptions").glob("*.txt")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            match = TRANSCRIPT_LINE.match(line.strip())
            if match:
                texts[match["utt"]] = match["text"].strip()
    return texts


def read_iemocap(root: str | Path, label_set: str = "four") -> list[Example]:
    """Every labelled utterance of a release folder.

    Parameters
    ----------
    root : path
        ``IEMOCAP_full_release`` (holding ``Session1`` .. ``Session5``).
    label_set : {"four", "full"}
        ``four``: neutral, happy (hap + exc), sad, angry (the standard 5531 utterances);
        ``full``: every code except ``xxx`` (no annotator agreement).

    Raises
    ------
    DatasetError
        When no session folder is found, or a label line cannot be read.
    """
    root = Path(root)
    if label_set not in ("four", "full"):
        raise DatasetError(f"label_set must be 'four' or 'full', got {label_set!r}")
    sessions = [root / f"Session{n}" for n in SESSIONS if (root / f"Session{n}").is_dir()]
    if not sessions:
        raise DatasetError(f"{root}: no Session1..Session5 folders (is this IEMOCAP_full_release?)")
    mapping = FOUR_CLASS if label_set == "four" else {k: v for k, v in CODES.items()}
    examples, seen = [], set()
    for session_dir in sessions:
        texts = _transcripts(session_dir)
        for path, number, line in _evaluation_lines(session_dir):
            match = EVALUATION_LINE.match(line)
            if not match:
                raise DatasetError(
                    f"{path}:{number}: not an IEMOCAP evaluation line: {line[:80]!r}"
                )
            code, utterance = match["code"], match["utt"]
            if code == NO_AGREEMENT or code not in mapping:
                continue
            if utterance in seen:  # ids must be unique: caches and splits key on them
                raise DatasetError(f"{path}:{number}: {utterance} is labelled a second time")
            seen.add(utterance)
            dialog = utterance.rsplit("_", 1)[0]
            examples.append(
                Example(
                    id=utterance,
                    audio=session_dir / "sentences" / "wav" / dialog / f"{utterance}.wav",
                    label=mapping[code],
                    transcript=texts.get(utterance),
                    speaker=_speaker(utterance),
                    split="train",
                    source=f"iemocap:{path.name}:{number}",
                    extra={
                        "session": int(session_dir.name[-1]),
                        "code": code,
                        "improvised": "impro" in dialog,
                    },
                )
            )
    return examples


def _evaluation_lines(session_dir: Path) -> Iterator[tuple[Path, int, str]]:
    for path in sorted((session_dir / "dialog" / "EmoEvaluation").glob("*.txt")):
        for number, line in enumerate(
            path.read_text(encoding="utf-8", errors="replace").splitlines(), 1
        ):
            if line.startswith("["):
                yield path, number, line


def leave_one_session_out(
    examples: list[Example],
) -> Iterator[tuple[int, list[Example], list[Example]]]:
    """(held-out session, train examples, test examples) for each session present."""
    sessions = sorted({e.extra["session"] for e in examples})
    for held_out in sessions:
        train = [_with_split(e, "train") for e in examples if e.extra["session"] != held_out]
        test = [_with_split(e, "test") for e in examples if e.extra["session"] == held_out]
        yield held_out, train, test


def _with_split(example: Example, split: str) -> Example:
    from dataclasses import replace

    return replace(example, split=split)
