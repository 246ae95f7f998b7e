"""Utterances of a long recording (model_core.segments)."""

from __future__ import annotations

import numpy as np
import pytest

from model_core.segments import (
    FRAME_SECONDS,
    SegmentSettings,
    segment,
    speech_stretches,
    utterances_of,
)

SETTINGS = SegmentSettings()


def frames(seconds: float) -> int:
    return round(seconds / FRAME_SECONDS)


def probability(*runs: tuple[float, float]) -> np.ndarray:
    """Frames of (seconds, speech probability) runs, one after the other."""
    return np.concatenate([np.full(frames(s), p, dtype=np.float32) for s, p in runs])


def test_speech_starts_above_the_threshold_and_ends_below_it_less_the_hysteresis():
    # 0.45 after speech keeps it going (above 0.5 - 0.15); 0.2 ends it; a 0.1-s burst is noise
    p = probability((1.0, 0.0), (1.0, 0.9), (0.5, 0.45), (1.0, 0.2), (0.1, 0.9), (1.0, 0.0))
    assert speech_stretches(p, SETTINGS) == [(frames(1.0), frames(2.5))]


def test_short_pauses_join_and_long_utterances_are_cut_at_their_longest_pause():
    settings = SegmentSettings(min_pause_s=0.7, min_utterance_s=1.0, max_utterance_s=6.0, pad_s=0.1)
    stretches = [
        (frames(0.0), frames(2.0)),
        (frames(2.3), frames(4.0)),  # a 0.3-s pause: the same utterance
        (frames(5.0), frames(6.0)),  # 1.0 s: a new one, 7.5 s long with the next three
        (frames(6.65), frames(8.0)),  # 0.65 s: its longest pause, where it is cut
        (frames(8.55), frames(10.0)),  # 0.55 s
        (frames(10.5), frames(12.5)),
    ]
    found = utterances_of(stretches, settings, duration=20.0)
    expected = [(0.0, 4.1), (4.9, 6.1), (6.55, 12.6)]
    assert found == [pytest.approx(e, abs=FRAME_SECONDS) for e in expected]


def test_padding_never_reaches_into_a_neighbour_and_short_utterances_are_dropped():
    stretches = [
        (frames(0.0), frames(3.0)),
        (frames(3.06), frames(6.0)),
        (frames(8.0), frames(8.5)),
    ]
    settings = SegmentSettings(min_pause_s=0.05, max_utterance_s=4.0, pad_s=0.2)
    found = utterances_of(stretches, settings, duration=9.0)
    assert len(found) == 2  # the 0.5-s one is left out
    (a_start, a_end), (b_start, b_end) = found
    assert a_end <= b_start and b_start - a_end < 0.01  # the pad split the pause between them
    assert a_start == 0.0 and b_end == pytest.approx(6.0 + 0.2, abs=FRAME_SECONDS)


def test_settings_that_describe_nothing_are_refused():
    with pytest.raises(ValueError, match="longer than the shortest"):
        SegmentSettings(min_utterance_s=5.0, max_utterance_s=4.0).check()
    with pytest.raises(ValueError, match="between 0 and 1"):
        SegmentSettings(threshold=1.5).check()


@pytest.mark.real_data
def test_real_prompts_apart_are_found_one_by_one_and_silence_is_none(asterisk_files):
    from model_core.audio import load_audio

    gap = np.zeros(24_000, dtype=np.float32)  # 1.5 s
    prompts = [load_audio(p).for_model for p in asterisk_files[:3]]
    parts, bounds, cursor = [], [], 0
    for prompt in prompts:
        parts += [gap, prompt]
        cursor += len(gap)
        bounds.append((cursor / 16_000, (cursor + len(prompt)) / 16_000))
        cursor += len(prompt)
    settings = SegmentSettings(min_utterance_s=0.5, max_utterance_s=30.0)  # "Thank you." is 0.96 s
    found = segment(np.concatenate([*parts, gap]), settings)
    assert found.version and found.to_dict()["settings"]["min_pause_s"] == 0.5
    assert len(found.utterances) == len(prompts), found.utterances
    for (start, end), (first, last) in zip(found.utterances, bounds, strict=True):
        assert first - 0.5 <= start < first + 0.5 and last - 0.5 < end <= last + 0.5
    assert segment(np.zeros(48_000, dtype=np.float32)).utterances == []
