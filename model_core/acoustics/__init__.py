"""Praat-grade acoustic tracks: pitch, intensity, spectrograms, voice quality, rate."""

from model_core.acoustics.analysis import (
    MIN_ANALYSIS_DURATION,
    AcousticAnalysis,
    AcousticSettings,
    analyze_acoustics,
)
from model_core.acoustics.intensity import IntensitySettings, intensity_track, sine_intensity_db
from model_core.acoustics.pitch import PitchSettings, hz_to_semitones, pitch_tracks, praat_pitch
from model_core.acoustics.praat import PRAAT_VERSIONS, praat_sound
from model_core.acoustics.rate import RateSettings, SpeakingRate, speaking_rate
from model_core.acoustics.spectrogram import (
    LogMelSettings,
    SpectrogramSettings,
    log_mel_spectrogram,
    praat_spectrogram,
)
from model_core.acoustics.track import Track
from model_core.acoustics.voice_quality import VoiceQuality, VoiceQualitySettings, voice_quality

__all__ = [
    "MIN_ANALYSIS_DURATION",
    "PRAAT_VERSIONS",
    "AcousticAnalysis",
    "AcousticSettings",
    "IntensitySettings",
    "LogMelSettings",
    "PitchSettings",
    "RateSettings",
    "SpeakingRate",
    "SpectrogramSettings",
    "Track",
    "VoiceQuality",
    "VoiceQualitySettings",
    "analyze_acoustics",
    "hz_to_semitones",
    "intensity_track",
    "log_mel_spectrogram",
    "pitch_tracks",
    "praat_pitch",
    "praat_sound",
    "praat_spectrogram",
    "sine_intensity_db",
    "speaking_rate",
    "voice_quality",
]
