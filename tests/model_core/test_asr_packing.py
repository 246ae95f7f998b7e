"""Short clips packed into shared Whisper windows, and their words given back."""

from __future__ import annotations

import numpy as np
import pytest

from model_core.asr import Word
from model_core.asr_packing import (
    GAP_SECONDS,
    ISOLATION_MARGIN_SECONDS,
    PACK_SECONDS,
    Stretch,
    isolate,
    pack_clips,
    place_words,
)

RATE = 16_000


def clip(seconds: float, value: float = 0.1) -> np.ndarray:
    return np.full(int(seconds * RATE), value, dtype=np.float32)


def test_short_clips_share_windows_in_order_a_gap_apart():
    clips = [clip(2.0, 0.1), clip(3.0, 0.2), clip(1.5, 0.3)]
    (window,) = pack_clips(clips)
    assert [s.clip for s in window.stretches] == [0, 1, 2]
    first, second, third = window.stretches
    assert (first.start, first.end) == (0.0, 2.0)
    assert second.start == pytest.approx(2.0 + GAP_SECONDS)
    assert third.end == pytest.approx(2.0 + 3.0 + 1.5 + 2 * GAP_SECONDS)
    assert len(window.samples) == round(third.end * RATE)
    # each clip's audio lies in its stretch, silence in the gaps
    middle = window.samples[round(second.start * RATE) : round(second.end * RATE)]
    assert np.all(middle == np.float32(0.2))
    assert np.all(window.samples[round(first.end * RATE) : round(second.start * RATE)] == 0.0)


def test_a_window_never_holds_more_than_its_seconds_and_long_clips_go_alone():
    clips = [clip(9.0) for _ in range(7)] + [clip(45.0)]
    windows = pack_clips(clips)
    for window in windows:
        assert len(window.samples) / RATE <= max(PACK_SECONDS, 30.0)
    packed = [w for w in windows if w.packed]
    assert packed and all(len(w.stretches) <= 3 for w in packed)
    long_windows = [w for w in windows if w.stretches[0].clip == 7]
    assert len(long_windows) == 2 and not any(w.packed for w in long_windows)
    assert long_windows[1].stretches[0].offset == pytest.approx(len(long_windows[0].samples) / RATE)
    assert sorted(s.clip for w in windows for s in w.stretches if s.clip < 7) == list(range(7))


def test_no_packing_gives_every_clip_its_own_window():
    windows = pack_clips([clip(1.0), clip(2.0)], pack_seconds=0.0)
    assert [(len(w.stretches), w.stretches[0].clip) for w in windows] == [(1, 0), (1, 1)]


def test_a_packed_clip_is_decoded_from_its_own_states_and_silence_elsewhere():
    frames, width = 1500, 4
    window = np.arange(frames * width, dtype=np.float32).reshape(frames, width)
    silence = np.full((frames, width), -1.0, dtype=np.float32)
    stretch = Stretch(1, 3.0, 5.0)
    isolated = isolate(window, stretch, silence)
    kept = np.flatnonzero((isolated != -1.0).all(axis=1))
    margin = round(ISOLATION_MARGIN_SECONDS * 50)
    assert kept[0] == 150 - margin and kept[-1] == 250 + margin - 1
    assert np.array_equal(isolated[kept], window[kept])
    assert isolated.shape == window.shape and np.all(silence == -1.0)  # nothing changed in place


def test_words_move_to_the_clips_own_axis_and_are_kept_within_it():
    stretch = Stretch(2, 3.0, 5.0, offset=0.0)
    words = [
        Word("hello", 1.4, 3.5, 0.9),  # the first word's start is the path's, not the speech's
        Word("there.", 3.5, 5.3, 0.8),
    ]
    placed, stray = place_words(stretch, words)
    assert not stray
    assert [(w.text, w.start, w.end, i) for w, i in placed] == [
        ("hello", 0.0, 0.5, 0),
        ("there.", 0.5, 2.0, 1),
    ]


def test_a_word_outside_its_stretch_sends_the_clip_back_alone():
    stretch = Stretch(0, 3.0, 5.0)
    _, stray = place_words(stretch, [Word("hello", 3.1, 3.5), Word("extra", 6.0, 6.4)])
    assert stray
    _, stray = place_words(stretch, [Word("hello", 3.1, 3.5), Word("early", 2.0, 2.4)])
    assert stray


def test_a_window_of_its_own_offsets_its_words():
    stretch = Stretch(4, 0.0, 30.0, offset=29.5)
    placed, stray = place_words(stretch, [Word("later", 1.0, 1.4)])
    assert not stray
    assert [(w.start, w.end) for w, _ in placed] == [(30.5, 30.9)]
