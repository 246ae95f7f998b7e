"""Short clips packed into shared Whisper windows, and the words given back to each clip.

Whisper's encoder always hears a 30-s window: a 2-s clip decoded alone pays for 28 s of
silence. Its decoder loops on anything shorter (docs/experiments/2026-11-30-whisper-context.md),
so instead of shortening the window, several clips share one: each is placed in its own
*stretch*, :data:`GAP_SECONDS` of silence after the one before, and the window is decoded
as one. The alignment's word times then say which stretch a word belongs to. Guards send
a clip back to a window of its own (so no clip keeps a neighbour's word or loses one of its
own to the gap): a word that starts in a gap, a stretch without words, and a stretch whose
first word starts well after its speech does (the word before it, placed in the previous
stretch, was this clip's: "3D audio disabled 3D" / "audio enabled" on two asterisk
prompts, before this guard).

Decoding each clip alone on the shared encoder states, its neighbours replaced by silence,
was tried and dropped: Whisper reads speech that starts late in a window as silence and
writes "you" (WER 18.6 % against 9.2 % alone on the 563 asterisk prompts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model_core.asr import Word
from model_core.model.encoders import WHISPER_RATE, split_windows

PACK_SECONDS = 28.0  # a shared window's audio: Whisper's 30 s less a margin
GAP_SECONDS = 1.0  # silence between packed clips: wider than any pause inside a sentence
MAX_PACKED_CLIP_SECONDS = 10.0  # longer clips keep windows of their own
# How far a word's start may stray past its stretch (the alignment's 20-ms frames and
# median filter blur an onset).
EDGE_TOLERANCE_SECONDS = 0.25
# How late a stretch's first word may start after its speech's onset.
LATE_START_SECONDS = 0.3
ONSET_FRAME = 320  # samples (20 ms) per energy frame
ONSET_BELOW_PEAK_DB = 30.0  # speech starts at the first frame within this of the loudest


@dataclass(frozen=True)
class Stretch:
    """Where one clip's audio lies in a window: ``start``-``end`` on the window's axis (s),
    and ``offset``, the clip's own time at ``start`` (s)."""

    clip: int
    start: float
    end: float
    offset: float = 0.0
    speech_start: float | None = None  # where its speech begins on the window's axis (s)


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
            start = cursor / WHISPER_RATE
            stretches.append(
                Stretch(
                    clip,
                    start,
                    (cursor + len(samples)) / WHISPER_RATE,
                    speech_start=start + speech_onset(samples),
                )
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


def speech_onset(samples: np.ndarray) -> float:
    """Seconds from the clip's start to its first 20-ms frame within
    :data:`ONSET_BELOW_PEAK_DB` of its loudest (0 for silence)."""
    frames = len(samples) // ONSET_FRAME
    if frames == 0:
        return 0.0
    power = (samples[: frames * ONSET_FRAME].reshape(frames, ONSET_FRAME) ** 2).mean(axis=1)
    if power.max() <= 0:
        return 0.0
    loud = np.flatnonzero(10 * np.log10(power / power.max() + 1e-20) > -ONSET_BELOW_PEAK_DB)
    return float(loud[0] * ONSET_FRAME / WHISPER_RATE)


def assign_words(
    window: PackedWindow, words: list[Word]
) -> tuple[list[tuple[int, Word, int]], set[int]]:
    """Give a window's words (times on the window's axis) back to their clips.

    Returns
    -------
    placed : list of (clip, word on the clip's own axis, index of the word in ``words``)
        Words of the clips that passed the guards.
    unclean : set of int
        Clips of a packed window to decode again alone.
    """
    owner = [_stretch_of(window, word) for word in words]
    unclean: set[int] = set()
    if window.packed:
        for word, stretch in zip(words, owner, strict=True):
            if stretch is None:  # starts in a gap: the clips on either side lent or lost it
                unclean |= _neighbours(window, word.start)
        for number, stretch in enumerate(window.stretches):
            own = [w for w, s in zip(words, owner, strict=True) if s is stretch]
            if not own:
                unclean.add(stretch.clip)
            # A word ends where the next starts: a first word that starts late means the
            # words before it, placed in the previous stretch, were this clip's.
            elif (
                number
                and stretch.speech_start is not None
                and own[0].start > stretch.speech_start + LATE_START_SECONDS
            ):
                unclean |= {stretch.clip, window.stretches[number - 1].clip}
    placed = []
    for index, (word, stretch) in enumerate(zip(words, owner, strict=True)):
        if stretch is None or stretch.clip in unclean:
            continue
        placed.append((stretch.clip, _moved(word, stretch), index))
    return placed, unclean


def _moved(word: Word, stretch: Stretch) -> Word:
    """``word`` on its clip's own axis, clipped to the clip."""
    length = stretch.end - stretch.start
    start = min(max(word.start - stretch.start, 0.0), length)
    end = min(max(word.end - stretch.start, start), length)
    return Word(
        word.text,
        round(stretch.offset + start, 3),
        round(stretch.offset + end, 3),
        word.probability,
    )


def _stretch_of(window: PackedWindow, word: Word) -> Stretch | None:
    """The stretch in which the word starts (edges widened by the tolerance), if any."""
    if not window.packed:
        return window.stretches[0]
    for stretch in window.stretches:
        if (
            stretch.start - EDGE_TOLERANCE_SECONDS
            <= word.start
            <= stretch.end - EDGE_TOLERANCE_SECONDS / 2
        ):
            return stretch
    return None


def _neighbours(window: PackedWindow, time: float) -> set[int]:
    """The clips whose stretches lie nearest before and after ``time`` (s)."""
    before = [s for s in window.stretches if s.start <= time]
    after = [s for s in window.stretches if s.end >= time]
    found = set()
    if before:
        found.add(max(before, key=lambda s: s.start).clip)
    if after:
        found.add(min(after, key=lambda s: s.end).clip)
    return found
