"""Pitch (F0) by Praat's autocorrelation method, with voicing strength."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import parselmouth

from model_core.acoustics.praat import PRAAT_VERSIONS
from model_core.acoustics.track import Track

SEMITONES_PER_OCTAVE = 12.0


@dataclass(frozen=True)
class PitchSettings:
    """Arguments of Praat's ``Sound: To Pitch (ac)...`` with Praat's defaults.

    ``time_step`` 0 means Praat's automatic step, 0.75 / ``pitch_floor`` (10 ms at 75 Hz);
    the analysis window is 3 periods of the floor (40 ms).
    """

    time_step: float = 0.0  # s
    pitch_floor: float = 75.0  # Hz
    max_number_of_candidates: int = 15
    very_accurate: bool = False
    silence_threshold: float = 0.03
    voicing_threshold: float = 0.45
    octave_cost: float = 0.01
    octave_jump_cost: float = 0.35
    voiced_unvoiced_cost: float = 0.14
    pitch_ceiling: float = 600.0  # Hz

    @property
    def window_length(self) -> float:
        """Physical analysis window in seconds (Praat: 3 periods of the floor)."""
        return (6.0 if self.very_accurate else 3.0) / self.pitch_floor


def praat_pitch(
    sound: parselmouth.Sound, settings: PitchSettings = PitchSettings()
) -> parselmouth.Pitch:
    """Run ``Sound: To Pitch (ac)...`` with ``settings``; returns Praat's Pitch object."""
    return sound.to_pitch_ac(
        time_step=settings.time_step or None,
        pitch_floor=settings.pitch_floor,
        max_number_of_candidates=settings.max_number_of_candidates,
        very_accurate=settings.very_accurate,
        silence_threshold=settings.silence_threshold,
        voicing_threshold=settings.voicing_threshold,
        octave_cost=settings.octave_cost,
        octave_jump_cost=settings.octave_jump_cost,
        voiced_unvoiced_cost=settings.voiced_unvoiced_cost,
        pitch_ceiling=settings.pitch_ceiling,
    )


def pitch_tracks(pitch: parselmouth.Pitch, settings: PitchSettings) -> tuple[Track, Track]:
    """Praat Pitch -> (F0 track in Hz, NaN where unvoiced; voicing-strength track).

    Voicing strength is the best voiced candidate's normalised autocorrelation
    peak *r* in [0, 1] per frame (0 where no voiced candidate exists); Praat
    calls a frame voiced when the path through the candidates picks one of them.
    """
    times = np.asarray(pitch.xs(), dtype=float)
    f0 = np.asarray(pitch.selected_array["frequency"], dtype=float)
    f0[f0 <= 0] = np.nan
    candidates = pitch.to_array()  # (max candidates, n_frames) of (frequency, strength)
    if candidates.size:
        strength = np.where(candidates["frequency"] > 0, candidates["strength"], 0.0).max(axis=0)
    else:
        strength = np.zeros(0)
    parameters = asdict(settings) | {
        "effective_time_step": float(pitch.time_step),
        "window_length": settings.window_length,
    }
    algorithm = "Praat Sound: To Pitch (ac)... (Boersma 1993)"
    return (
        Track("pitch", times, f0, "Hz", algorithm, parameters, PRAAT_VERSIONS),
        Track(
            "voicing",
            times,
            np.asarray(strength, dtype=float),
            "r",
            algorithm,
            parameters,
            PRAAT_VERSIONS,
        ),
    )


def hz_to_semitones(f0_hz: np.ndarray | float, reference_hz: float) -> np.ndarray | float:
    """Semitones of ``f0_hz`` relative to ``reference_hz`` (NaN stays NaN)."""
    return SEMITONES_PER_OCTAVE * np.log2(np.asarray(f0_hz, dtype=float) / reference_hz)
