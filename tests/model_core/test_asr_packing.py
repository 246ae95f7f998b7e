"""Short clips packed into shared Whisper windows, and their words given back."""

from __future__ import annotations

import numpy as np
import pytest

from model_core.asr import Word
from model_core.asr_packing import (
    GAP_SECONDS,
    PACK_SECONDS,
    PackedWindow,
    Stretch,
    assign_words,
    pack_clips,
    speech_onset,
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


def packed_window() -> PackedWindow:
    return PackedWindow(
        clip(8.0),
        (
            Stretch(0, 0.0, 2.0, speech_start=0.1),
            Stretch(1, 3.0, 5.0, speech_start=3.05),
            Stretch(2, 6.0, 8.0, speech_start=6.2),
        ),
    )


def test_words_go_back_to_their_clips_on_the_clips_own_axis():
    words = [
        Word("hello", 0.1, 0.6, 0.9),
        Word("there.", 0.6, 3.2, 0.8),  # a word ends where the next starts: across the gap
        Word("good", 3.2, 3.5, 0.7),
        Word("day.", 3.5, 6.3, 0.95),
        Word("yes.", 6.3, 7.0, 0.6),
    ]
    placed, unclean = assign_words(packed_window(), words)
    assert not unclean
    by_clip: dict[int, list[tuple[str, float, float, int]]] = {}
    for clip_index, word, index in placed:
        by_clip.setdefault(clip_index, []).append((word.text, word.start, word.end, index))
    assert by_clip[0] == [("hello", 0.1, 0.6, 0), ("there.", 0.6, 2.0, 1)]  # kept in its clip
    assert by_clip[1] == [("good", 0.2, 0.5, 2), ("day.", 0.5, 2.0, 3)]
    assert by_clip[2] == [("yes.", 0.3, 1.0, 4)]


def test_a_word_in_a_gap_sends_both_neighbours_back_and_keeps_the_rest():
    words = [
        Word("hello", 0.1, 0.6),
        Word("lent", 2.4, 3.1),
        Word("good", 3.1, 3.5),
        Word("yes.", 6.3, 7.0),
    ]
    placed, unclean = assign_words(packed_window(), words)
    assert unclean == {0, 1}
    assert [(c, w.text) for c, w, _ in placed] == [(2, "yes.")]


def test_a_first_word_that_starts_late_means_the_previous_clip_took_a_word():
    # "3D audio disabled 3D" / "audio enabled": the second "3D" is placed at the end of the
    # first clip, so the second clip's first word starts long after its speech does.
    words = [
        Word("audio", 0.1, 0.6),
        Word("disabled", 0.6, 1.5),
        Word("3D", 1.8, 3.9),
        Word("audio", 3.9, 4.4),
        Word("yes.", 6.3, 7.0),
    ]
    placed, unclean = assign_words(packed_window(), words)
    assert unclean == {0, 1}
    assert [(c, w.text) for c, w, _ in placed] == [(2, "yes.")]


def test_a_packed_clip_without_words_is_decoded_again():
    placed, unclean = assign_words(
        packed_window(), [Word("hello", 0.1, 0.6), Word("yes.", 6.3, 7.0)]
    )
    assert unclean == {1}
    assert {c for c, _, _ in placed} == {0, 2}


def test_a_window_of_its_own_is_never_checked_and_offsets_its_words():
    window = PackedWindow(clip(30.0), (Stretch(4, 0.0, 30.0, offset=29.5),))
    placed, unclean = assign_words(window, [Word("later", 1.0, 1.4)])
    assert not unclean
    assert [(c, w.start, w.end) for c, w, _ in placed] == [(4, 30.5, 30.9)]


def test_speech_onset_is_the_first_loud_frame():
    samples = np.concatenate([np.zeros(8000, np.float32), clip(1.0, 0.3)])
    assert speech_onset(samples) == pytest.approx(0.5, abs=0.021)
    assert speech_onset(np.zeros(100, np.float32)) == 0.0
