"""Debian's asterisk prompts: real read speech of one speaker, with exact transcripts.

``asterisk-core-sounds-en-wav`` holds the recordings (8 kHz WAV) and
``asterisk-core-sounds-en`` the transcripts, lines ``name: text``; bracketed entries
describe tones, not speech, and are skipped.
"""

from __future__ import annotations

import gzip
from pathlib import Path

ASTERISK_DIR = Path("/usr/share/asterisk/sounds/en_US_f_Allison")
ASTERISK_TRANSCRIPTS = Path("/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz")


def asterisk_pairs(
    speech_dir: Path = ASTERISK_DIR, transcripts: Path = ASTERISK_TRANSCRIPTS
) -> list[tuple[Path, str]]:
    """(WAV path, transcript) of every prompt that has both, in the transcript file's order.

    Raises
    ------
    FileNotFoundError
        When the transcript file is missing (``apt-get install asterisk-core-sounds-en``).
    """
    if not transcripts.exists():
        raise FileNotFoundError(
            f"{transcripts} is missing: apt-get install asterisk-core-sounds-en"
        )
    pairs = []
    with gzip.open(transcripts, "rt", encoding="utf-8") as handle:
        for line in handle:
            name, colon, text = line.partition(":")
            text, path = text.strip(), speech_dir / f"{name.strip()}.wav"
            is_speech = colon and not line.startswith(";") and text and not text.startswith("[")
            if is_speech and _exists(path):
                pairs.append((path, text))
    return pairs


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # ENAMETOOLONG: a long line with a colon is prose, not a prompt name
        return False


def asterisk_examples(split: str = "train") -> list:
    """The prompts as examples: neutral read speech (label ``neutral``) with transcripts."""
    from train.datasets.example import Example

    return [
        Example(
            id=f"asterisk/{path.relative_to(ASTERISK_DIR).with_suffix('')}",
            audio=path,
            label="neutral",
            transcript=text,
            speaker="asterisk_allison",
            split=split,
            source="asterisk-core-sounds-en",
        )
        for path, text in asterisk_pairs()
    ]
