"""Which engine transcribes: CTranslate2 where the Whisper weights allow it, else PyTorch.

``auto`` (the default) takes CTranslate2 when the model's Whisper is a CTranslate2 model
(the packaged ``whisper-tiny.en`` is one, as it ships) on a CPU or CUDA device: on this
project's 2-core benchmark machine it transcribes long audio about 2.5x faster than the
PyTorch path and packs short clips into shared windows (docs/benchmarks.md). PyTorch
(:class:`model_core.asr.Transcriber`) stays for a user's own transformers checkpoint, for
Apple GPUs (CTranslate2 has no MPS backend) and where asked for. ``EMOSTUDIO_ASR_ENGINE``
sets the default for every entry point.
"""

from __future__ import annotations

import importlib.util
import os
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from model_core.asr import Transcriber, Transcript
from model_core.devices import Placement
from model_core.errors import EmoStudioError

if TYPE_CHECKING:
    from model_core.model.reasoner import EmoReasoner

AUTO, CTRANSLATE2, TORCH = "auto", "ctranslate2", "torch"
ASR_ENGINES = (AUTO, CTRANSLATE2, TORCH)
ENGINE_ENV = "EMOSTUDIO_ASR_ENGINE"
CTRANSLATE2_INSTALL = "pip install ctranslate2==4.8.5"


class AsrEngineError(EmoStudioError, ValueError):
    """The engine asked for cannot transcribe with this model here; the message says why."""


class SpeechRecognizer(Protocol):
    """What the pipeline needs of a transcriber (either engine)."""

    engine: str

    def transcribe(self, clips: list[np.ndarray], encoded: Any = None) -> list[Transcript]: ...


def chosen_engine(engine: str | None = None) -> str:
    """``engine``, else ``$EMOSTUDIO_ASR_ENGINE``, else ``auto``; checked."""
    choice = (engine or os.environ.get(ENGINE_ENV) or AUTO).strip().lower()
    if choice not in ASR_ENGINES:
        raise AsrEngineError(f"ASR engine must be one of {', '.join(ASR_ENGINES)}, not {choice!r}")
    return choice


def transcriber_for(model: EmoReasoner, engine: str | None = None) -> SpeechRecognizer:
    """The transcriber for ``model``'s Whisper with the chosen engine.

    Raises
    ------
    AsrEngineError
        ``ctranslate2`` asked for where it cannot run: the package is missing, the
        model's Whisper is not a CTranslate2 model, or the device is not cpu or cuda.
    """
    choice = chosen_engine(engine)
    if choice == TORCH:
        return Transcriber.for_model(model)
    reason = ctranslate2_unavailable(model.config.speech_encoder, model.placement)
    if reason is None:
        from model_core.asr_ct2 import CTranslate2Transcriber
        from model_core.weights.sources import ctranslate2_folder

        folder = ctranslate2_folder(model.config.speech_encoder)
        assert folder is not None  # _ctranslate2_unavailable checked it
        return CTranslate2Transcriber(folder, model.placement)
    if choice == CTRANSLATE2:
        raise AsrEngineError(f"the ctranslate2 ASR engine cannot run: {reason}")
    return Transcriber.for_model(model)


def ctranslate2_unavailable(source: str, placement: Placement) -> str | None:
    """Why CTranslate2 cannot transcribe with ``source`` on ``placement`` (None: it can)."""
    from model_core.weights.sources import ctranslate2_folder

    if importlib.util.find_spec("ctranslate2") is None:
        return f"the ctranslate2 package is not installed ({CTRANSLATE2_INSTALL})"
    if placement.device.type not in ("cpu", "cuda"):
        return f"CTranslate2 has no {placement.device.type} backend (cpu and cuda only)"
    if ctranslate2_folder(source) is None:
        return (
            f"the speech encoder {source!r} is not a CTranslate2 Whisper model "
            "(model.bin, config.json with alignment_heads, tokenizer.json)"
        )
    return None
