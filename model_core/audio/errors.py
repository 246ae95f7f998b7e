"""Errors raised for audio that cannot be analysed.

Every problem with an input file surfaces as one subclass of :class:`AudioError`
whose message names the file and the problem, so front ends can print it as is
and carry on with the next file.
"""

from __future__ import annotations

from pathlib import Path

from model_core.errors import EmoStudioError


class AudioError(EmoStudioError):
    """Base class: the audio at ``source`` cannot be used, for ``problem``."""

    def __init__(self, source: str | Path | None, problem: str):
        self.source = str(source) if source is not None else "<array>"
        self.problem = problem
        super().__init__(f"{self.source}: {problem}")


class AudioFileNotFoundError(AudioError):
    """The path does not exist, is not a regular file, or cannot be read."""


class EmptyAudioError(AudioError):
    """The file has zero bytes, or decodes to zero samples."""


class UnsupportedFormatError(AudioError):
    """No decoder recognises the file as audio (e.g. text named ``.wav``)."""


class CorruptAudioError(AudioError):
    """The file looks like audio but cannot be decoded (truncated, damaged)."""


class InvalidSamplesError(AudioError):
    """The samples hold NaN or infinite values."""


class AudioTooLongError(AudioError):
    """The audio is longer (or larger in memory) than the configured limit."""


class AudioTooShortError(AudioError):
    """The audio (or selection) is too short for the requested analysis."""
