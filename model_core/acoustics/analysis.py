"""All acoustic measurements of one clip in one call, sharing one Praat pitch analysis."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import parselmouth

from model_core.acoustics.intensity import IntensitySettings, intensity_track
from model_core.acoustics.pitch import PitchSettings, pitch_tracks, praat_pitch
from model_core.acoustics.praat import praat_sound
from model_core.acoustics.rate import RateSettings, SpeakingRate, speaking_rate
from model_core.acoustics.track import Track
from model_core.acoustics.voice_quality import VoiceQuality, VoiceQualitySettings, voice_quality
from model_core.audio.errors import AudioTooShortError

# The longest window among the analyses: intensity at 50 Hz minimum pitch is 6.4 / 50 = 128 ms;
# Praat refuses sounds shorter than a window.
MIN_ANALYSIS_DURATION = 0.15  # s


@dataclass(frozen=True)
class AcousticSettings:
    """Every setting of :func:`analyze_acoustics`, each group with Praat's defaults."""

    pitch: PitchSettings = field(default_factory=PitchSettings)
    intensity: IntensitySettings = field(default_factory=IntensitySettings)
    voice: VoiceQualitySettings = field(default_factory=VoiceQualitySettings)
    rate: RateSettings = field(default_factory=RateSettings)


@dataclass(frozen=True, eq=False)
class AcousticAnalysis:
    """The measurements of one clip.

    Times in every track are seconds from the start of the analysed samples plus
    ``offset`` (so a selection keeps the recording's time axis).
    """

    duration: float  # s
    offset: float  # s
    pitch: Track  # Hz, NaN unvoiced
    voicing: Track  # autocorrelation strength r, 0..1
    intensity: Track  # dB, minimum pitch 100 Hz
    nuclei_intensity: Track  # dB, minimum pitch 50 Hz (de Jong and Wempe)
    voice: VoiceQuality
    rate: SpeakingRate
    settings: AcousticSettings

    @property
    def voiced_fraction(self) -> float:
        """Share of pitch frames that are voiced, 0..1."""
        values = self.pitch.values
        return float(np.isfinite(values).mean()) if values.size else 0.0

    def tracks(self) -> dict[str, Track]:
        """Every frame-wise track by name."""
        return {
            t.name: t
            for t in (
                self.pitch,
                self.voicing,
                self.intensity,
                self.nuclei_intensity,
                self.voice.hnr,
            )
        }


def analyze_acoustics(
    samples: np.ndarray,
    sample_rate: int,
    settings: AcousticSettings = AcousticSettings(),
    *,
    offset: float = 0.0,
    source: str | None = None,
) -> AcousticAnalysis:
    """Pitch, voicing, intensity, voice quality, syllable nuclei and pauses.

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples,)
        Mono float samples (taken as pascals, as in Praat). 16 kHz is what the app uses.
    sample_rate : int
        Hz.
    offset : float
        Seconds added to every time (the start of a selection within its recording).
    source : str, optional
        Name used in error messages.

    Raises
    ------
    AudioTooShortError
        When the clip is shorter than :data:`MIN_ANALYSIS_DURATION`.
    """
    duration = len(samples) / sample_rate
    if duration < MIN_ANALYSIS_DURATION:
        raise AudioTooShortError(
            source,
            f"{duration:.3f} s is too short for acoustic analysis (at least "
            f"{MIN_ANALYSIS_DURATION} s: Praat's longest analysis window is 128 ms)",
        )
    sound: parselmouth.Sound = praat_sound(samples, sample_rate, start_time=offset)
    pitch_object = praat_pitch(sound, settings.pitch)
    pitch, voicing = pitch_tracks(pitch_object, settings.pitch)
    intensity = intensity_track(sound, settings.intensity)
    nuclei_intensity = intensity_track(
        sound,
        IntensitySettings(minimum_pitch=settings.rate.nuclei_intensity_minimum_pitch),
        name="nuclei_intensity",
    )
    boundary_intensity = intensity_track(
        sound,
        IntensitySettings(minimum_pitch=settings.rate.boundary_intensity_minimum_pitch),
        name="boundary_intensity",
    )
    return AcousticAnalysis(
        duration=duration,
        offset=offset,
        pitch=pitch,
        voicing=voicing,
        intensity=intensity,
        nuclei_intensity=nuclei_intensity,
        voice=voice_quality(sound, pitch_object, pitch, voicing, settings.voice),
        rate=speaking_rate(intensity, nuclei_intensity, boundary_intensity, pitch, settings.rate),
        settings=settings,
    )
