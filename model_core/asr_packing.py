"""Short clips share Whisper windows, so ASR pays no padded 30-s pass per clip.

Whisper's encoder hears 30 s at a time: a 3-s clip padded to 30 s spends nine tenths of
the encoder on silence, and on the clip's own frames the decoder loops ("added added
added ...", docs/experiments/2026-11-30-whisper-context.md). Laid end to end in one
window, a second of silence between them, the clips are heard as Whisper was trained
(several utterances in one 30-s window), one encoder pass serves up to seven 3-s clips,
and each word goes back to the clip where it starts.

A packed clip's words can differ from those it gets alone (the decoder reads its
neighbours as context); its label does not depend on them. The decoder's no-speech
probability speaks of the whole window, so a packed clip has none (its mean token
log-probability is its own words').
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PACK_GAP_S = 1.0  # silence between packed clips: Whisper ends a segment at such a pause
# The window's last second stays silent: Whisper drops words cut at the window's edge.
PACK_WINDOW_S = 29.0


@dataclass(frozen=True)
class Pack:
    """Clips decoded together: their indices and where each starts in the packed audio (s)."""

    members: tuple[int, ...]
    offsets: tuple[float, ...]


def plan_packs(
    durations: list[float], window_s: float = PACK_WINDOW_S, gap_s: float = PACK_GAP_S
) -> list[Pack]:
    """Consecutive clips grouped so that each group, gaps included, fits one window.

    Parameters
    ----------
    durations : list of float
        Each clip's length, s.
    window_s, gap_s : float
        The longest packed audio, and the silence between clips, s.

    Returns
    -------
    list of Pack
        In input order; a clip longer than ``window_s`` forms a pack of its own (it is
        cut into windows as usual).
    """
    packs: list[Pack] = []
    members: list[int] = []
    offsets: list[float] = []
    end = 0.0
    for index, duration in enumerate(durations):
        start = end + gap_s if members else 0.0
        if members and start + duration > window_s:
            packs.append(Pack(tuple(members), tuple(offsets)))
            members, offsets, start = [], [], 0.0
        members.append(index)
        offsets.append(start)
        end = start + duration
    if members:
        packs.append(Pack(tuple(members), tuple(offsets)))
    return packs


def packed_audio(clips: list[np.ndarray], pack: Pack, rate: int) -> np.ndarray:
    """The pack's clips end to end with silence between them, float32 at ``rate`` Hz."""
    length = max(
        int(round(offset * rate)) + len(clips[m])
        for m, offset in zip(pack.members, pack.offsets, strict=True)
    )
    audio = np.zeros(length, dtype=np.float32)
    for member, offset in zip(pack.members, pack.offsets, strict=True):
        first = int(round(offset * rate))
        audio[first : first + len(clips[member])] = clips[member]
    return audio


def owner_of(start_s: float, pack: Pack, durations: list[float]) -> int:
    """The position in ``pack`` of the clip a word starting at ``start_s`` belongs to: the
    one whose span, extended to the middle of the gaps beside it, holds the start.

    The start, not the middle: a clip's last word ends where the next token starts
    (Whisper's alignment gives token starts), which is in the next clip."""
    for position in range(len(pack.members) - 1):
        end = pack.offsets[position] + durations[pack.members[position]]
        if start_s < (end + pack.offsets[position + 1]) / 2:
            return position
    return len(pack.members) - 1
