"""Utterances of a long recording: voice activity, merged over short pauses, cut at pauses.

Voice activity comes from Silero VAD 6 (MIT), whose ONNX model ships in the ``silero-vad``
package and runs in ONNX Runtime (no pickle, no TorchScript, no download): a speech
probability per 32-ms frame (512 samples at 16 kHz), the network's state carried from frame
to frame. Speech is read with Silero's own hysteresis (it starts above ``threshold`` and
ends below ``threshold - 0.15``, as ``get_speech_timestamps`` does). Stretches of speech
closer than ``min_pause_s`` are one utterance; an utterance longer than ``max_utterance_s``
is cut at its longest inner pause (never inside speech) until every part fits, and one
shorter than ``min_utterance_s`` is dropped. The settings, the detector and its version
travel with the result, like every stored track.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from model_core.errors import EmoStudioError

SAMPLE_RATE = 16_000
FRAME = 512  # samples a Silero frame (32 ms at 16 kHz)
CONTEXT = 64  # samples of the previous frame Silero reads with each frame
FRAME_SECONDS = FRAME / SAMPLE_RATE
HYSTERESIS = 0.15  # speech ends below threshold - this (Silero's neg_threshold)
ALGORITHM = "silero-vad"


PROGRESS_FRAMES = 1_000  # frames (32 s of audio) between progress calls: well under 2 s


class SegmentationUnavailableError(EmoStudioError, RuntimeError):
    """The voice-activity model cannot run here; the message says how to install it."""


class SegmentationCancelled(EmoStudioError):
    """The user cancelled a segmentation; nothing was kept."""


@dataclass(frozen=True)
class SegmentSettings:
    """How a recording is cut into utterances (seconds; ``threshold`` a probability)."""

    threshold: float = 0.5  # Silero's default
    min_speech_s: float = 0.25  # Silero's default: shorter bursts are noise
    min_pause_s: float = 0.5  # pauses shorter than this stay inside an utterance
    min_utterance_s: float = 1.0  # shorter utterances are left out
    max_utterance_s: float = 15.0  # longer ones are cut at their longest pause
    pad_s: float = 0.1  # kept before and after each utterance's speech

    def check(self) -> None:
        """Raise ValueError on settings that cannot describe a segmentation."""
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold must lie between 0 and 1, not {self.threshold}")
        if min(self.min_speech_s, self.min_pause_s, self.min_utterance_s, self.pad_s) < 0:
            raise ValueError("segment durations cannot be negative")
        if self.max_utterance_s <= max(self.min_utterance_s, 2 * FRAME_SECONDS):
            raise ValueError(
                f"the longest utterance ({self.max_utterance_s:g} s) must be longer than the "
                f"shortest ({self.min_utterance_s:g} s)"
            )


@dataclass(frozen=True)
class Segmentation:
    """Utterances as (start, end) seconds on the recording's axis, and how they were found."""

    utterances: list[tuple[float, float]]
    settings: SegmentSettings
    duration: float
    algorithm: str = ALGORITHM
    version: str = ""
    speech_probability: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)

    def describe(self) -> dict[str, Any]:
        """How the cut was made, without its utterances: the detector, its version, the
        settings and the recording's duration (s)."""
        return {
            "algorithm": self.algorithm,
            "version": self.version,
            "settings": asdict(self.settings),
            "duration": round(self.duration, 3),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.describe(),
            "utterances": [{"start": s, "end": e} for s, e in self.utterances],
        }


def vad_model_path() -> Path:
    """The Silero ONNX file inside the installed ``silero-vad`` package (not imported:
    its Python code loads torchaudio)."""
    spec = importlib.util.find_spec("silero_vad")
    if spec is None or spec.origin is None:
        raise SegmentationUnavailableError(
            "voice activity needs the silero-vad package: pip install silero-vad==6.2.3"
        )
    path = Path(spec.origin).parent / "data" / "silero_vad.onnx"
    if not path.is_file():
        raise SegmentationUnavailableError(
            f"{path} is missing: pip install --force-reinstall silero-vad==6.2.3"
        )
    return path


class VoiceActivity:
    """Silero VAD's speech probability per 32-ms frame, through ONNX Runtime."""

    def __init__(self, path: Path | None = None):
        try:
            import onnxruntime
        except ImportError as err:
            raise SegmentationUnavailableError(
                "voice activity needs ONNX Runtime: pip install onnxruntime==1.32.0"
            ) from err
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # one frame at a time: threads only add overhead
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(path or vad_model_path()), options, providers=["CPUExecutionProvider"]
        )
        self.version = importlib.metadata.version("silero-vad")

    def probabilities(
        self,
        samples: np.ndarray,
        progress: Callable[[float], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> np.ndarray:
        """Speech probability of each whole 32-ms frame of mono 16-kHz ``samples``.

        ``progress(fraction)`` is called, and ``cancelled()`` polled, every
        :data:`PROGRESS_FRAMES` frames (about 0.2-0.5 s of work on one core).

        Returns
        -------
        np.ndarray, shape (n_samples // 512,)

        Raises
        ------
        SegmentationCancelled
            When ``cancelled()`` turns true.
        """
        samples = np.asarray(samples, dtype=np.float32)
        frames = len(samples) // FRAME
        state = np.zeros((2, 1, 128), dtype=np.float32)
        context = np.zeros((1, CONTEXT), dtype=np.float32)
        rate = np.array(SAMPLE_RATE, dtype=np.int64)
        found = np.empty(frames, dtype=np.float32)
        for index in range(frames):
            if index % PROGRESS_FRAMES == 0 and index:
                if cancelled is not None and cancelled():
                    raise SegmentationCancelled("segmentation cancelled")
                if progress is not None:
                    progress(index / frames)
            chunk = samples[index * FRAME : (index + 1) * FRAME][None, :]
            window = np.concatenate([context, chunk], axis=1)
            output, state = self.session.run(None, {"input": window, "state": state, "sr": rate})
            found[index] = output[0, 0]
            context = window[:, -CONTEXT:]
        return found


def speech_stretches(probability: np.ndarray, settings: SegmentSettings) -> list[tuple[int, int]]:
    """Frames [first, end) of speech by Silero's hysteresis, bursts under
    ``min_speech_s`` left out."""
    stretches, start = [], None
    low = max(settings.threshold - HYSTERESIS, 0.01)
    for index, p in enumerate(probability):
        if start is None and p >= settings.threshold:
            start = index
        elif start is not None and p < low:
            stretches.append((start, index))
            start = None
    if start is not None:
        stretches.append((start, len(probability)))
    shortest = settings.min_speech_s / FRAME_SECONDS
    return [(a, b) for a, b in stretches if b - a >= shortest]


def utterances_of(
    stretches: list[tuple[int, int]], settings: SegmentSettings, duration: float
) -> list[tuple[float, float]]:
    """Stretches of speech joined over short pauses and cut at the longest pause where too
    long: (start, end) seconds, padded, within [0, ``duration``]."""
    groups: list[list[tuple[int, int]]] = []
    for stretch in stretches:
        pause = (stretch[0] - groups[-1][-1][1]) * FRAME_SECONDS if groups else None
        if pause is not None and pause < settings.min_pause_s:
            groups[-1].append(stretch)
        else:
            groups.append([stretch])
    pieces = [part for group in groups for part in _fitted(group, settings)]
    spans = [(p[0][0] * FRAME_SECONDS, p[-1][1] * FRAME_SECONDS) for p in pieces]
    utterances = []
    for number, (first, last) in enumerate(spans):
        # padded, but never into a neighbour: at most half the pause on either side
        before = spans[number - 1][1] if number else -np.inf
        after = spans[number + 1][0] if number + 1 < len(spans) else np.inf
        start = max(0.0, first - settings.pad_s, (before + first) / 2)
        end = min(duration, last + settings.pad_s, (last + after) / 2)
        if end - start >= settings.min_utterance_s:
            utterances.append((round(start, 3), round(end, 3)))
    return utterances


def _fitted(group: list[tuple[int, int]], settings: SegmentSettings) -> list[list[tuple[int, int]]]:
    """A group of stretches cut at its longest pause until every part fits
    ``max_utterance_s`` (a single stretch longer than that is kept whole: no pause to cut at)."""
    length = (group[-1][1] - group[0][0]) * FRAME_SECONDS
    if length <= settings.max_utterance_s or len(group) == 1:
        return [group]
    pauses = [group[i + 1][0] - group[i][1] for i in range(len(group) - 1)]
    cut = int(np.argmax(pauses)) + 1
    return _fitted(group[:cut], settings) + _fitted(group[cut:], settings)


def segment(
    samples: np.ndarray,
    settings: SegmentSettings = SegmentSettings(),
    vad: VoiceActivity | None = None,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Segmentation:
    """The utterances of mono 16-kHz ``samples`` (see the module's docstring).

    ``progress`` and ``cancelled`` are passed to :meth:`VoiceActivity.probabilities`.

    Raises
    ------
    SegmentationUnavailableError
        When the voice-activity model cannot be loaded.
    SegmentationCancelled
        When ``cancelled()`` turns true.
    ValueError
        On settings that describe no segmentation.
    """
    settings.check()
    vad = vad or VoiceActivity()
    probability = vad.probabilities(samples, progress, cancelled)
    duration = len(samples) / SAMPLE_RATE
    utterances = utterances_of(speech_stretches(probability, settings), settings, duration)
    return Segmentation(utterances, settings, duration, ALGORITHM, vad.version, probability)
