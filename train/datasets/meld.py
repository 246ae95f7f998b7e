"""MELD from its CSVs and clips: emotion (7 classes) or sentiment (3 classes).

``{train,dev,test}_sent_emo.csv`` have the columns ``Sr No., Utterance, Speaker, Emotion,
Sentiment, Dialogue_ID, Utterance_ID, Season, Episode, StartTime, EndTime``; the clips are
``dia{D}_utt{U}.mp4`` in one folder per split (``train_splits``, ``dev_splits_complete``,
``output_repeated_splits_test`` in the release). Audio is read from the MP4's audio track
through FFmpeg (PyAV) by :func:`model_core.audio.load_audio`.
"""

from __future__ import annotations

import csv
from pathlib import Path

from train.datasets.example import DatasetError, Example

EMOTIONS = ("neutral", "joy", "sadness", "anger", "fear", "disgust", "surprise")
SENTIMENTS = ("positive", "negative", "neutral")
CLIP_FOLDERS = {
    "train": ("train_splits", "train"),
    "dev": ("dev_splits_complete", "dev_splits", "dev"),
    "test": ("output_repeated_splits_test", "test_splits", "test"),
}
KNOWN_BROKEN = {("train", "dia125_utt3")}  # an empty clip in the release
REQUIRED = ("Utterance", "Speaker", "Emotion", "Sentiment", "Dialogue_ID", "Utterance_ID")


def _clip_folder(root: Path, split: str) -> Path | None:
    for name in CLIP_FOLDERS[split]:
        for folder in [root / name, *root.glob(f"**/{name}")]:
            if folder.is_dir():
                return folder
    return None


def read_meld(
    root: str | Path, task: str = "emotion", splits=("train", "dev", "test")
) -> list[Example]:
    """Every utterance of the given splits, labelled by emotion or sentiment.

    Raises
    ------
    DatasetError
        For a missing CSV or clip folder, a missing column, or an unknown label (with line).
    """
    root = Path(root)
    if task not in ("emotion", "sentiment"):
        raise DatasetError(f"task must be 'emotion' or 'sentiment', got {task!r}")
    column, allowed = ("Emotion", EMOTIONS) if task == "emotion" else ("Sentiment", SENTIMENTS)
    examples = []
    for split in splits:
        csv_path = root / f"{split}_sent_emo.csv"
        if not csv_path.exists():
            raise DatasetError(f"{csv_path}: missing (expected MELD's {split}_sent_emo.csv)")
        clips = _clip_folder(root, split)
        if clips is None:
            raise DatasetError(
                f"{root}: no clip folder for {split} (looked for {', '.join(CLIP_FOLDERS[split])})"
            )
        with open(csv_path, newline="", encoding="utf-8", errors="replace") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise DatasetError(f"{csv_path}:1: missing columns {missing}")
            try:
                rows = list(enumerate(reader, 2))
            except csv.Error as err:  # e.g. a field over csv's size limit
                raise DatasetError(
                    f"{csv_path}:{reader.line_num}: not readable CSV ({err})"
                ) from err
            for number, row in rows:
                if any(row[c] is None for c in REQUIRED):
                    raise DatasetError(f"{csv_path}:{number}: fewer fields than the header has")
                dialogue, utterance = row["Dialogue_ID"].strip(), row["Utterance_ID"].strip()
                if not (dialogue.isdecimal() and utterance.isdecimal()):
                    raise DatasetError(
                        f"{csv_path}:{number}: Dialogue_ID and Utterance_ID must be whole "
                        f"numbers, got {dialogue!r} and {utterance!r}"
                    )
                name = f"dia{dialogue}_utt{utterance}"
                if (split, name) in KNOWN_BROKEN:
                    continue
                label = row[column].strip().lower()
                if label not in allowed:
                    raise DatasetError(
                        f"{csv_path}:{number}: unknown {column.lower()} {row[column]!r}"
                    )
                examples.append(
                    Example(
                        id=f"{split}/{name}",
                        audio=clips / f"{name}.mp4",
                        label=label,
                        transcript=row["Utterance"].strip(),
                        speaker=row["Speaker"].strip(),
                        split=split,
                        source=f"meld:{csv_path.name}:{number}",
                        extra={
                            "emotion": row["Emotion"].strip().lower(),
                            "sentiment": row["Sentiment"].strip().lower(),
                            "dialogue": int(dialogue),
                            "utterance": int(utterance),
                        },
                    )
                )
    return examples
