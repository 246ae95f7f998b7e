"""Word-timed transcription with Whisper.

Long audio is cut into windows of at most 30 s at quiet moments and all windows of all
clips are decoded in batches. Word times come from the cross-attention alignment heads
(``return_token_timestamps``): a word starts at its first token's time and ends where the
next token starts, clipped to its window.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import numpy as np
import torch

from model_core.devices import Placement
from model_core.model.encoders import WhisperInputs, whisper_inputs

DEFAULT_BATCH = 8  # windows per generate() call


@dataclass(frozen=True)
class Word:
    """A transcribed word (with its punctuation) and its span in seconds."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Transcript:
    text: str
    words: list[Word] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"text": self.text, "words": [asdict(w) for w in self.words]}

    @classmethod
    def from_dict(cls, data: dict) -> Transcript:
        return cls(data["text"], [Word(**w) for w in data["words"]])


class Transcriber:
    """Whisper ASR with word times, on any device.

    Parameters
    ----------
    model : WhisperForConditionalGeneration
        Its generation config must hold ``alignment_heads`` (packaged and converted
        models do; see :mod:`model_core.weights.whisper_convert`).
    feature_extractor, tokenizer
        The matching Whisper processor parts.
    """

    def __init__(
        self,
        model,
        feature_extractor,
        tokenizer,
        placement: Placement,
        batch_size: int = DEFAULT_BATCH,
    ):
        if not getattr(model.generation_config, "alignment_heads", None):
            raise ValueError(
                "this Whisper model has no alignment heads: word times are unavailable"
            )
        self.model = model
        self.feature_extractor = feature_extractor
        self.tokenizer = tokenizer
        self.placement = placement
        self.batch_size = batch_size
        self.first_special = tokenizer.convert_tokens_to_ids("<|endoftext|>")

    @classmethod
    def from_source(cls, source: str, placement: Placement) -> Transcriber:
        """Load a Whisper model by source (packaged name, folder or hub id)."""
        from transformers import (
            WhisperFeatureExtractor,
            WhisperForConditionalGeneration,
            WhisperTokenizerFast,
        )

        from model_core.weights import resolve_source

        folder = resolve_source(source)
        model = (
            WhisperForConditionalGeneration.from_pretrained(
                folder, dtype=placement.dtype, use_safetensors=True
            )
            .to(placement.device)
            .eval()
        )
        return cls(
            model,
            WhisperFeatureExtractor.from_pretrained(folder),
            WhisperTokenizerFast.from_pretrained(folder),
            placement,
        )

    @torch.inference_mode()
    def transcribe(
        self, clips: list[np.ndarray], encoded: tuple[WhisperInputs, torch.Tensor] | None = None
    ) -> list[Transcript]:
        """Transcripts of mono 16 kHz clips, words timed on each clip's own axis.

        Parameters
        ----------
        clips : list of np.ndarray, shape (n_samples,)
        encoded : (WhisperInputs, Tensor), optional
            The same clips' windows and Whisper encoder states, when already computed
            (EmoReasoner's speech branch computes them too): the encoder then runs once.
        """
        if encoded is None:
            inputs = whisper_inputs(
                [np.asarray(c, dtype=np.float32) for c in clips], self.feature_extractor
            )
            states = None
        else:
            inputs, states = encoded
        words: list[list[Word]] = [[] for _ in clips]
        for first in range(0, len(inputs.owners), self.batch_size):
            window = slice(first, first + self.batch_size)
            decoded = self._decode(
                inputs.features[window],
                inputs.attention_mask[window],
                None if states is None else states[window],
            )
            for index, offset, duration, window_words in zip(
                inputs.owners[window],
                inputs.starts[window],
                inputs.durations[window],
                decoded,
                strict=True,
            ):
                words[index].extend(
                    Word(
                        w.text,
                        round(offset + min(w.start, duration), 3),
                        round(offset + min(w.end, duration), 3),
                    )
                    for w in window_words
                )
        return [
            Transcript(" ".join(w.text for w in clip_words), clip_words) for clip_words in words
        ]

    def _decode(
        self, features: torch.Tensor, attention_mask: torch.Tensor, states: torch.Tensor | None
    ) -> list[list[Word]]:
        from transformers.modeling_outputs import BaseModelOutput

        extra = (
            {} if states is None else {"encoder_outputs": BaseModelOutput(last_hidden_state=states)}
        )
        output = self.model.generate(
            features.to(self.placement.device, self.placement.dtype),
            attention_mask=attention_mask.to(self.placement.device),
            return_token_timestamps=True,
            return_dict_in_generate=True,
            **extra,
        )
        sequences = output["sequences"].cpu().tolist()
        times = output["token_timestamps"].float().cpu().numpy()
        return [self._words(ids, stamps) for ids, stamps in zip(sequences, times, strict=True)]

    def _words(self, ids: list[int], stamps: np.ndarray) -> list[Word]:
        """Group tokens into words: a token starting with a space starts a new word."""
        words: list[list] = []  # [text, start, index of last token]
        for position, token in enumerate(ids):
            if token >= self.first_special:
                continue
            piece = self.tokenizer.decode([token])
            if piece.startswith(" ") or not words:
                words.append([piece.strip(), float(stamps[position]), position])
            else:
                words[-1][0] += piece
                words[-1][2] = position
        result = []
        for text, start, last in words:
            end = float(stamps[last + 1]) if last + 1 < len(stamps) else float(stamps[last])
            if text:
                result.append(Word(text, start, max(end, start)))
        return result


WORDS_ONLY = re.compile(r"[^a-z0-9' ]+")


def normalize_for_wer(text: str) -> str:
    """Lower case, punctuation removed (apostrophes kept), spaces collapsed."""
    return " ".join(WORDS_ONLY.sub(" ", text.lower().replace("-", " ")).split())
