"""The one record every corpus reader produces."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from model_core.errors import EmoStudioError

SPLITS = ("train", "dev", "test")
TASKS = ("ser", "reason", "asr", "sqa")


@dataclass(frozen=True)
class Example:
    """One training or evaluation item.

    Attributes
    ----------
    id : str
        Unique within its corpus (e.g. ``Ses01F_impro01_F000``).
    audio : Path
        The recording (any format :func:`model_core.audio.load_audio` reads).
    label : str or None
        Emotion label in the corpus' label set; None for ASR/SQA-only items.
    transcript : str or None
    speaker : str or None
    split : str
        ``train``, ``dev`` or ``test``.
    source : str
        Corpus name and where the item came from (``iemocap``, ``manifest:data.csv:12``).
    start, end : float or None
        Seconds within ``audio`` when the item is a segment of a longer file.
    question, answer : str or None
        For spoken question answering.
    extra : dict
        Corpus-specific facts (e.g. IEMOCAP's session, MELD's sentiment).
    """

    id: str
    audio: Path
    label: str | None = None
    transcript: str | None = None
    speaker: str | None = None
    split: str = "train"
    source: str = ""
    start: float | None = None
    end: float | None = None
    question: str | None = None
    answer: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def tasks(self) -> tuple[str, ...]:
        """The tasks this item can supervise."""
        tasks = []
        if self.label is not None:
            tasks += ["ser", "reason"]
        if self.transcript:
            tasks.append("asr")
        if self.question and self.answer:
            tasks.append("sqa")
        return tuple(tasks)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["audio"] = str(self.audio)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Example:
        return cls(**{**data, "audio": Path(data["audio"])})


class DatasetError(EmoStudioError, ValueError):
    """A corpus or manifest cannot be read; the message names the file and line."""
