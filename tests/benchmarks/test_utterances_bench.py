"""The scoring rules of ``python -m benchmarks utterances`` on made-up numbers: no audio,
no model."""

from __future__ import annotations

import pytest

from benchmarks.utterances import (
    Draw,
    best_overlap,
    boundaries_of,
    joins_found,
    joins_inside,
    layout,
    mid_word_cuts,
)


def test_boundaries_are_edges_and_the_midpoints_of_pauses():
    assert boundaries_of([(1.0, 3.0), (5.0, 6.0), (6.4, 9.0)]) == pytest.approx(
        [1.0, 3.0, 4.0, 5.0, 6.0, 6.2, 6.4, 9.0]
    )
    assert boundaries_of([(0.5, 2.0)]) == [0.5, 2.0]  # one utterance: no pause
    assert boundaries_of([]) == []


def test_a_join_is_found_within_the_tolerance_of_its_stretch():
    joins = [(3.0, 4.0), (10.0, 10.0), (20.0, 21.0)]
    # 3.5 inside the first stretch; 10.29 just within 0.3 s of the point join; nothing
    # nearer the third than 0.31 s
    found = joins_found(joins, [3.5, 10.29, 19.69, 21.31])
    assert found == [True, True, False]
    assert joins_found(joins, [2.75, 9.71, 21.29], tolerance=0.3) == [True, True, True]
    assert joins_found(joins, [2.75], tolerance=0.2) == [False, False, False]
    assert joins_found(joins, []) == [False, False, False]


def test_the_pause_midpoint_finds_a_join_both_edges_miss():
    # RAVDESS-like: each clip has a second of silence at either end, so the utterance's
    # end (1.0 s before the join) and the next start (1.0 s after) are both far from it
    utterances = [(1.0, 3.0), (5.4, 7.0)]
    join = [(4.0, 4.4)]
    assert joins_found(join, [t for span in utterances for t in span]) == [False]
    assert joins_found(join, boundaries_of(utterances)) == [True]  # midpoint 4.2


def test_mid_word_cuts_count_edges_inside_speech_beyond_one_frame():
    speech = [(1.0, 2.0), (2.5, 3.0)]
    assert mid_word_cuts(speech, [(0.9, 2.1), (2.4, 3.1)]) == 0  # padded: outside speech
    assert mid_word_cuts(speech, [(0.9, 1.5), (1.6, 3.1)]) == 2  # a cut through a word
    assert mid_word_cuts(speech, [(1.02, 3.1)]) == 0  # within one 32-ms frame of the edge
    assert mid_word_cuts(speech, [(1.02, 3.1)], margin=0.0) == 1
    assert mid_word_cuts([], [(0.0, 5.0)]) == 0


def test_a_join_inside_one_utterance_means_two_clips_merged():
    utterances = [(0.0, 5.0), (6.0, 9.0)]
    assert joins_inside([(2.0, 2.0), (4.8, 5.5), (7.0, 7.5)], utterances) == [True, False, True]
    assert joins_inside([(0.2, 0.2)], utterances) == [False]  # within 0.3 s of the start


def test_each_clip_goes_to_the_utterance_overlapping_it_most():
    utterances = [(0.0, 2.0), (2.5, 6.0)]
    assert best_overlap((1.5, 4.0), utterances) == 1  # 0.5 s against 1.5 s
    assert best_overlap((0.0, 2.2), utterances) == 0
    assert best_overlap((2.0, 2.5), utterances) is None  # only touches both
    assert best_overlap((1.0, 2.0), []) is None


def test_layout_puts_each_gap_after_its_clip():
    spans, joins = layout([2.0, 3.0, 1.5], [0.5, 1.0])
    assert spans == [(0.0, 2.0), (2.5, 5.5), (6.5, 8.0)]  # exact in binary: no rounding
    assert joins == [(2.0, 2.5), (5.5, 6.5)]
    spans, joins = layout([2.0, 3.0], [0.0])
    assert joins == [(2.0, 2.0)] and spans[1] == (2.0, 5.0)


def test_missing_corpora_are_named_not_fatal(tmp_path):
    draw = Draw(tmp_path, vad=None, settings=None)
    assert draw.candidates == {} and draw.take(3) == []
    assert len(draw.notes) == 5 and all("left out" in note for note in draw.notes)
    assert str(tmp_path / "ravdess") in draw.notes[0]
