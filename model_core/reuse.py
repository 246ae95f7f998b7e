"""What an analysis can take from an earlier one of the same clip.

In the app a user analyses a clip, changes the baseline, analyses it again: the costly
stages (ASR and the language check, about 1.6 s of a 3.6-s clip on 2 CPU cores; the
rationale's drafts, 3-14 s) depend on the audio and on the prompt, not on the moment.
:class:`StageCache` keeps, per clip (recording, span):

- its **transcript** and P(English), which depend only on the audio and the model;
- its **drafts** per reasoning prompt: the same audio tokens and the same prompt (evidence,
  label) give the same drafts, because the sampled drafts are seeded from the prompt
  (:func:`draft_seed`), so a repeat is exact, never a stale answer to another question.

Both are bounded (least recently used out first) and belong to one loaded model.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

MAX_ENTRIES = 256

_V = TypeVar("_V")


class _Recent(Generic[_V]):
    """A dict that forgets its least recently used entries beyond ``size``."""

    def __init__(self, size: int = MAX_ENTRIES) -> None:
        self.size, self.items = size, OrderedDict[Hashable, _V]()

    def get(self, key: Hashable) -> _V | None:
        if key not in self.items:
            return None
        self.items.move_to_end(key)
        return self.items[key]

    def put(self, key: Hashable, value: _V) -> None:
        self.items[key] = value
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)


ClipKey = tuple[str, float | None, float | None]  # sha256, start, end (s)
DraftKey = tuple[ClipKey, str, str, int, bool]


class StageCache:
    """Transcripts and drafts of clips analysed before (see the module's notes)."""

    def __init__(self, size: int = MAX_ENTRIES) -> None:
        self.transcripts: _Recent[tuple[object, float | None]] = _Recent(size)
        self.drafts: _Recent[list[str]] = _Recent(size)


def draft_key(
    clip: ClipKey, prompt_text: str, prefix: str, drafts: int, constrained: bool
) -> DraftKey:
    """What a clip's drafts depend on besides the model: its audio, the reasoning prompt
    (evidence and label), the answer's prefix and the decoding settings."""
    return (clip, prompt_text, prefix, drafts, constrained)


def draft_seed(keys: list[DraftKey]) -> int:
    """A seed for the sampled drafts of a batch, from what they answer: the same batch
    samples the same drafts, so a cached draft is what a rerun would write."""
    digest = hashlib.sha256(repr(keys).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "little")
