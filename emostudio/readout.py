"""What the timeline's readout and word tier show, computed without Qt.

The readout under the plots reports the **measured** values at the cursor's time (F0 from
the pitch track, intensity from the intensity track, the sample's amplitude), never the
mouse's height on a plot; the mouse's own coordinate is labelled as such. Which words the
word tier labels is :mod:`emostudio.gui.word_tier`'s choice; every word stays reachable by
hovering (the readout names the word under the mouse) and by zooming in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

SEMITONE_REFERENCE = 100.0  # Hz: pitch shown in semitones re 100 Hz
INTENSITY_RANGE_DB = 50.0  # shown below the loudest frame (Praat's view is 50 dB wide too)
MIN_WORD_SECONDS = 0.02  # a zero-length word still answers the mouse over this span


def value_at(times: np.ndarray, values: np.ndarray, seconds: float) -> float | None:
    """The track's value at the frame nearest ``seconds``.

    Parameters
    ----------
    times : (n,) array
        Frame centres, seconds, increasing.
    values : (n,) array
        The track (NaN where nothing was measured, e.g. unvoiced frames).
    seconds : float

    Returns
    -------
    float or None
        The nearest frame's value (NaN when unmeasured there); None when ``seconds`` lies
        more than half a frame step outside the track.
    """
    if len(times) == 0:
        return None
    index = int(np.clip(np.searchsorted(times, seconds), 0, len(times) - 1))
    if index > 0 and abs(times[index - 1] - seconds) <= abs(times[index] - seconds):
        index -= 1
    step = float(times[1] - times[0]) if len(times) > 1 else 0.01
    if abs(float(times[index]) - seconds) > step / 2 + 1e-9:
        return None
    return float(values[index])


def word_at(words: Sequence[dict], seconds: float) -> dict | None:
    """The word spoken at ``seconds`` (a zero-length word counts over ``MIN_WORD_SECONDS``)."""
    for word in words:
        end = max(word["end"], word["start"] + MIN_WORD_SECONDS)
        if word["start"] <= seconds <= end:
            return word
    return None


def readout_line(
    seconds: float,
    *,
    pitch=None,
    intensity=None,
    samples: np.ndarray | None = None,
    sample_rate: int | None = None,
    words: Sequence[dict] = (),
    semitones: bool = False,
    pointer: str = "",
) -> str:
    """One line: the time, the measured F0, intensity and amplitude there, and the word.

    ``pitch`` and ``intensity`` are tracks (``times``, ``values``: Hz and dB); ``pointer``
    is the mouse's own coordinate on the plot under it (e.g. ``"4200 Hz"``), shown apart.
    """
    parts = [f"t = {seconds:.3f} s"]
    if pitch is not None:
        f0 = value_at(pitch.times, pitch.values, seconds)
        if f0 is not None:
            if not math.isfinite(f0):
                parts.append("F0 unvoiced")
            elif semitones:
                parts.append(f"F0 {12 * math.log2(f0 / SEMITONE_REFERENCE):.1f} st ({f0:.1f} Hz)")
            else:
                parts.append(f"F0 {f0:.1f} Hz")
    if intensity is not None:
        db = value_at(intensity.times, intensity.values, seconds)
        if db is not None:
            parts.append(f"intensity {db:.1f} dB" if math.isfinite(db) else "intensity silent")
    if samples is not None and sample_rate and 0 <= seconds * sample_rate < len(samples):
        parts.append(f"amplitude {float(samples[int(seconds * sample_rate)]):+.3f}")
    word = word_at(words, seconds)
    if word is not None:
        parts.append(f'word "{word["word"]}"')
    if pointer:
        parts.append(f"(pointer: {pointer})")
    return "   ".join(parts)


def intensity_display(values: np.ndarray) -> tuple[np.ndarray, tuple[float, float]]:
    """Intensity to draw, and its y range: frames more than ``INTENSITY_RANGE_DB`` below
    the loudest (digital silence reads -200 dB or -inf) become gaps, so speech fills the
    plot instead of a line squashed at its top.

    Returns
    -------
    (n,) array, (low, high)
        dB with NaN gaps; the range in dB (a default when nothing is finite).
    """
    shown = np.asarray(values, dtype=np.float64).copy()
    finite = np.isfinite(shown)
    if not finite.any():
        return np.full_like(shown, np.nan), (30.0, 90.0)
    top = float(shown[finite].max())
    floor = top - INTENSITY_RANGE_DB
    shown[~finite | (shown < floor)] = np.nan
    return shown, (floor, top + 5.0)
