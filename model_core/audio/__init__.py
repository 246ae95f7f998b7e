"""Decode audio files; keep the original for display; give models mono 16 kHz."""

from model_core.audio.errors import (
    AudioError,
    AudioFileNotFoundError,
    AudioTooLongError,
    AudioTooShortError,
    CorruptAudioError,
    EmptyAudioError,
    InvalidSamplesError,
    UnsupportedFormatError,
)
from model_core.audio.recording import (
    MODEL_SAMPLE_RATE,
    Recording,
    RecordingFacts,
    file_sha256,
    load_audio,
    probe_audio,
    recording_from_array,
    resample,
)

__all__ = [
    "MODEL_SAMPLE_RATE",
    "AudioError",
    "AudioFileNotFoundError",
    "AudioTooLongError",
    "AudioTooShortError",
    "CorruptAudioError",
    "EmptyAudioError",
    "InvalidSamplesError",
    "Recording",
    "RecordingFacts",
    "UnsupportedFormatError",
    "file_sha256",
    "load_audio",
    "probe_audio",
    "recording_from_array",
    "resample",
]
