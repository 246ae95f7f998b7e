"""Short clips packed into shared Whisper windows, and the words given back to each clip.

Whisper's encoder always hears a 30-s window: a 2-s clip decoded alone pays for 28 s of
silence. Its decoder loops on anything shorter (docs/experiments/2026-11-30-whisper-context.md),
so instead of shortening the window, several clips share one: each is placed in its own
*stretch*, :data:`GAP_SECONDS` of silence after the one before, and the encoder runs once
for the window. Decoding them together lets the decoder carry one clip's text into the
next ("3D audio disabled 3D" / "audio enabled" on two asterisk prompts; "seventeen" read
as "eighteen" after "sixteen"), so each clip is decoded on its own
(:func:`isolate`): the window's states with its neighbours' stretches replaced by the
states of silence. A clip whose words stray outside its stretch, or that comes back
without words, is decoded again in a window of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model_core.asr import Word
from model_core.model.encoders import WHISPER_FRAME_RATE, WHISPER_RATE, split_windows

PACK_SECONDS = 28.0  # a shared window's audio: Whisper's 30 s less a margin
GAP_SECONDS = 1.0  # silence between packed clips: wider than any pause inside a sentence
MAX_PACKED_CLIP_SECONDS = 10.0  # longer clips keep windows of their own
# How far a word's start may stray past its stretch (the alignment's 20-ms frames and
# median filter blur an onset).
EDGE_TOLERANCE_SECONDS = 0.25
# Encoder frames kept around a packed clip's stretch when its neighbours are silenced.
ISOLATION_MARGIN_SECONDS = 0.2


@dataclass(frozen=True)
class Stretch:
    """Where one clip's audio lies in a window: ``start``-``end`` on the window's axis (s),
    and ``offset``, the clip's own time at ``start`` (s)."""

    clip: int
    start: float
    end: float
    offset: float = 0.0


@dataclass(frozen=True)
class PackedWindow:
    """Up to 30 s of mono 16 kHz audio and the clips' stretches in it, in order."""

    samples: np.ndarray
    stretches: tuple[Stretch, ...]

    @property
    def packed(self) -> bool:
        return len(self.stretches) > 1


def pack_clips(
    clips: list[np.ndarray],
    pack_seconds: float = PACK_SECONDS,
    gap_seconds: float = GAP_SECONDS,
    max_clip_seconds: float = MAX_PACKED_CLIP_SECONDS,
) -> list[PackedWindow]:
    """Windows for ``clips`` (mono, 16 kHz): short clips packed in order, each clip longer
    than ``max_clip_seconds`` cut into windows of its own at quiet moments.
    ``pack_seconds`` 0 gives every clip windows of its own."""
    windows: list[PackedWindow] = []
    pending: list[tuple[int, np.ndarray]] = []
    gap = np.zeros(int(round(gap_seconds * WHISPER_RATE)), dtype=np.float32)

    def flush() -> None:
        if not pending:
            return
        parts: list[np.ndarray] = []
        stretches: list[Stretch] = []
        cursor = 0
        for clip, samples in pending:
            if parts:
                parts.append(gap)
                cursor += len(gap)
            stretches.append(
                Stretch(clip, cursor / WHISPER_RATE, (cursor + len(samples)) / WHISPER_RATE)
            )
            parts.append(samples)
            cursor += len(samples)
        windows.append(PackedWindow(np.concatenate(parts), tuple(stretches)))
        pending.clear()

    for clip, samples in enumerate(clips):
        seconds = len(samples) / WHISPER_RATE
        if pack_seconds <= 0 or seconds > max_clip_seconds:
            for start, part in split_windows(samples):
                stretch = Stretch(clip, 0.0, len(part) / WHISPER_RATE, start / WHISPER_RATE)
                windows.append(PackedWindow(part, (stretch,)))
            continue
        used = sum(len(s) for _, s in pending) / WHISPER_RATE + gap_seconds * len(pending)
        if pending and used + seconds > pack_seconds:
            flush()
        pending.append((clip, samples))
    flush()
    return windows


def isolate(states: np.ndarray, stretch: Stretch, silence: np.ndarray) -> np.ndarray:
    """A packed window's encoder states with everything but one clip's stretch replaced
    by the states of silence at the same positions: shape (frames, d), like ``states``.

    The encoder runs once for the whole window; each clip is then *decoded* as if alone,
    so the decoder never reads a neighbour's speech or continues a neighbour's text.
    """
    first = max(0, int((stretch.start - ISOLATION_MARGIN_SECONDS) * WHISPER_FRAME_RATE))
    last = min(
        len(states), int(np.ceil((stretch.end + ISOLATION_MARGIN_SECONDS) * WHISPER_FRAME_RATE))
    )
    isolated = silence.copy()
    isolated[first:last] = states[first:last]
    return isolated


def place_words(stretch: Stretch, words: list[Word]) -> tuple[list[tuple[Word, int]], bool]:
    """A clip's words, decoded on its window's axis, moved to the clip's own axis.

    Returns
    -------
    placed : list of (word, index of the word in ``words``)
        Times clipped to the clip.
    stray : bool
        A word starts outside the clip's stretch (beyond :data:`EDGE_TOLERANCE_SECONDS`):
        the decoder wrote words for silence, and the clip is decoded again alone.
    """
    length = stretch.end - stretch.start
    # The first word is left out: the alignment path starts at the window's first frame,
    # so its start says nothing of where the speech is (it is clipped to the stretch).
    stray = any(
        not (
            stretch.start - EDGE_TOLERANCE_SECONDS
            <= word.start
            <= stretch.end + EDGE_TOLERANCE_SECONDS
        )
        for word in words[1:]
    )
    placed = []
    for index, word in enumerate(words):
        start = min(max(word.start - stretch.start, 0.0), length)
        end = min(max(word.end - stretch.start, start), length)
        moved = Word(
            word.text,
            round(stretch.offset + start, 3),
            round(stretch.offset + end, 3),
            word.probability,
        )
        placed.append((moved, index))
    return placed, stray
