"""Word-timed transcription with Whisper.

Long audio is cut into windows of at most 30 s at quiet moments and all windows of all
clips are decoded in batches. Word times come from the cross-attention alignment heads
(``return_token_timestamps``): a word starts at its first token's time and ends where the
next token starts, clipped to its window. Each transcript also carries the decoder's
signals (mean token log-probability, no-speech probability) that
:mod:`model_core.reliability` turns into a judgement of how far it can be trusted.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import torch

from model_core.devices import Placement
from model_core.model.encoders import (
    WhisperInputs,
    run_whisper_encoder,
    select_windows,
    whisper_inputs,
)

if TYPE_CHECKING:
    from transformers.modeling_outputs import BaseModelOutput

    from model_core.model.reasoner import EmoReasoner

DEFAULT_BATCH = 8  # windows per generate() call
# Whisper's decoder sometimes loops on a window ("Agent-Log-Doff Agent-Log-Doff ..." on a
# 3-s clip cut mid-word) until its 448-token limit, and holds its whole batch that long.
# Speech runs at most about 6 tokens a second (fast English: 5 words/s of 1.3 tokens), so
# twice that, plus a margin for a short window, only ever cuts a loop.
MAX_TOKENS_PER_SECOND = 12.0
MIN_TOKEN_CAP = 16
MAX_WINDOW_TOKENS = 440  # Whisper's 448 positions, less the decoder's prompt
DECODING_CONTEXT = "padded"  # what the encoder states the decoder reads must have heard


@dataclass(frozen=True)
class Word:
    """A transcribed word (with its punctuation), its span in seconds, and the decoder's
    ``probability`` of it: the mean probability of its tokens, as openai-whisper and
    faster-whisper define a word's probability (None where not measured)."""

    text: str
    start: float
    end: float
    probability: float | None = None


@dataclass(frozen=True)
class Transcript:
    """Text, timed words, and the decoder's signals: ``avg_logprob`` (mean natural-log
    probability per text token) and ``no_speech_prob`` (the largest over the windows);
    None where not measured."""

    text: str
    words: list[Word] = field(default_factory=list)
    avg_logprob: float | None = None
    no_speech_prob: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "words": [asdict(w) for w in self.words],
            "avg_logprob": self.avg_logprob,
            "no_speech_prob": self.no_speech_prob,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transcript:
        return cls(
            data["text"],
            [Word(**w) for w in data["words"]],
            data.get("avg_logprob"),
            data.get("no_speech_prob"),
        )


@dataclass(frozen=True)
class _Window:
    """One decoded window: its words and the decoder's signals."""

    words: list[Word]
    logprob_sum: float
    tokens: int
    no_speech_prob: float


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

    engine = "torch"

    def __init__(
        self,
        model: Any,
        feature_extractor: Any,
        tokenizer: Any,
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
        self.start_token = model.generation_config.decoder_start_token_id
        # Whisper's no-speech token: <|nospeech|>, or <|nocaptions|> in older vocabularies.
        nospeech = tokenizer.convert_tokens_to_ids("<|nospeech|>")
        if nospeech in (None, tokenizer.unk_token_id):
            nospeech = tokenizer.convert_tokens_to_ids("<|nocaptions|>")
        self.no_speech_token = nospeech if nospeech != tokenizer.unk_token_id else None

    @classmethod
    def for_model(cls, model: EmoReasoner) -> Transcriber:
        """The transcriber of an :class:`~model_core.model.reasoner.EmoReasoner`: its
        Whisper, so it can decode the model's (padded) encoder states."""
        return cls(model.whisper, model.feature_extractor, model.whisper_tokenizer, model.placement)

    @classmethod
    def from_source(cls, source: str, placement: Placement) -> Transcriber:
        """Load a Whisper model by source (packaged name, folder or hub id)."""
        # transformers makes WhisperTokenizerFast (WhisperTokenizer) at runtime: mypy cannot see it
        from transformers import (  # type: ignore[attr-defined]
            WhisperFeatureExtractor,
            WhisperForConditionalGeneration,
            WhisperTokenizerFast,
        )

        from model_core.weights import resolve_source

        folder = resolve_source(source)
        model = (
            # Any: transformers' wrapped .to() has no usable type
            cast(
                Any,
                WhisperForConditionalGeneration.from_pretrained(
                    folder, dtype=placement.dtype, use_safetensors=True
                ),
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
        self,
        clips: list[np.ndarray],
        encoded: tuple[WhisperInputs, torch.Tensor | None] | None = None,
    ) -> list[Transcript]:
        """Transcripts of mono 16 kHz clips, words timed on each clip's own axis.

        Parameters
        ----------
        clips : list of np.ndarray, shape (n_samples,)
        encoded : (WhisperInputs, Tensor), optional
            The same clips' windows and Whisper encoder states, when already computed
            (EmoReasoner's speech branch computes them too): the encoder then runs once.
            States of another context than ``padded`` are not decoded: the encoder
            runs again, padded.
        """
        samples = [np.asarray(c, dtype=np.float32) for c in clips]
        if encoded is not None and encoded[0].context == DECODING_CONTEXT:
            return [_joined(parts) for parts in self._windows(samples, *encoded)]
        # Whisper's decoder loops on states of anything shorter than its 30-s window
        # ("added added added ..."; WER far worse, docs/experiments/
        # 2026-11-30-whisper-context.md), and short clips packed into one window take
        # their neighbours' words (docs/experiments/2026-11-30-fast-model.md): each clip's
        # windows are decoded padded, on their own.
        inputs = whisper_inputs(samples, self.feature_extractor, DECODING_CONTEXT)
        return [_joined(parts) for parts in self._windows(samples, inputs, None)]

    def _windows(
        self, clips: list[np.ndarray], inputs: WhisperInputs, states: torch.Tensor | None
    ) -> list[list[_Window]]:
        """Each clip's decoded windows, in order, words timed on the clip's axis
        (``states`` None: the encoder runs on each batch of windows)."""
        decoded_windows: dict[int, _Window] = {}
        # Windows of like length decode together, so a batch's token cap stays tight.
        order = sorted(range(len(inputs.owners)), key=lambda w: inputs.durations[w])
        for first in range(0, len(order), self.batch_size):
            batch = order[first : first + self.batch_size]
            part = select_windows(inputs, batch)
            if states is None:
                part_states, _ = run_whisper_encoder(
                    self.model.model.encoder, part, self.placement.device, self.placement.dtype
                )
            else:
                part_states = states[batch]
            cap = token_cap(max(part.durations))
            # Not None: the encoder ran to its end.
            final_states = cast(torch.Tensor, part_states)
            decoded = self._decode(part.features, part.attention_mask, final_states, cap)
            decoded_windows.update(zip(batch, decoded, strict=True))
        windows: list[list[_Window]] = [[] for _ in clips]
        for window in range(len(inputs.owners)):  # in order: a clip's windows follow on
            offset, duration = inputs.starts[window], inputs.durations[window]
            decoded_window = decoded_windows[window]
            timed = [
                Word(
                    w.text,
                    round(offset + min(w.start, duration), 3),
                    round(offset + min(w.end, duration), 3),
                    w.probability,
                )
                for w in decoded_window.words
            ]
            windows[inputs.owners[window]].append(dataclasses.replace(decoded_window, words=timed))
        return windows

    def _decode(
        self,
        features: torch.Tensor,
        attention_mask: torch.Tensor,
        states: torch.Tensor,
        max_new_tokens: int = MAX_WINDOW_TOKENS,
    ) -> list[_Window]:
        """Decode windows from their encoder states (the no-speech step and generate()
        share them), at most ``max_new_tokens`` tokens each."""
        from transformers.modeling_outputs import BaseModelOutput

        features = features.to(self.placement.device, self.placement.dtype)
        encoded = BaseModelOutput(last_hidden_state=states)
        config = self.model.model.config
        implementation = config._attn_implementation
        try:
            output = self.model.generate(
                features,
                attention_mask=attention_mask.to(self.placement.device),
                encoder_outputs=encoded,
                max_new_tokens=max_new_tokens,
                return_token_timestamps=True,
                return_dict_in_generate=True,
                output_scores=True,
            )
        finally:
            # Token timestamps need the cross-attention weights, so generate() switches
            # the whole model to eager attention, and leaves it there: the encoder (which
            # shares the config) then ran every later window at half speed on CPUs.
            config._attn_implementation = implementation
        sequences = output["sequences"]
        times = output["token_timestamps"].float().cpu().numpy()
        logprobs = self._token_logprobs(sequences, output["scores"])
        no_speech = self._no_speech(encoded, len(sequences))
        windows = []
        for ids, stamps, row, p in zip(
            sequences.cpu().tolist(), times, logprobs, no_speech, strict=True
        ):
            text = [lp for token, lp in zip(ids, row, strict=True) if token < self.first_special]
            windows.append(_Window(self._words(ids, stamps, row), sum(text), len(text), p))
        return windows

    def _token_logprobs(
        self, sequences: torch.Tensor, scores: Sequence[torch.Tensor]
    ) -> np.ndarray:
        """The log-probability of every token of ``sequences``, shape (windows, tokens);
        0 for the prompt tokens, which were given, not generated."""
        steps = len(scores)
        first = sequences.shape[1] - steps
        logprobs = np.zeros(tuple(sequences.shape), dtype=np.float64)
        for step, logits in enumerate(scores):  # one (batch, vocab) at a time: bounded memory
            tokens = sequences[:, first + step]
            picked = torch.log_softmax(logits.float(), -1).gather(1, tokens[:, None])[:, 0]
            logprobs[:, first + step] = picked.double().cpu().numpy()
        return logprobs

    def _no_speech(self, encoded: BaseModelOutput, n_windows: int) -> list[float]:
        """P(no-speech token) after the start-of-transcript token, per window (NaN when the
        vocabulary has none)."""
        if self.no_speech_token is None or self.start_token is None:
            return [math.nan] * n_windows
        start = torch.full((n_windows, 1), self.start_token, device=self.placement.device)
        logits = self.model(encoder_outputs=encoded, decoder_input_ids=start).logits[:, -1]
        probabilities: list[float] = (
            torch.softmax(logits.float(), -1)[:, self.no_speech_token].cpu().tolist()
        )
        return probabilities

    def _words(self, ids: list[int], stamps: np.ndarray, logprobs: np.ndarray) -> list[Word]:
        """Group tokens into words: a token starting with a space starts a new word; a
        word's probability is the mean of its tokens' probabilities.

        transformers' ``stamps[i]`` is where the alignment path *leaves* token ``i`` (its
        end), except that the first text token's is always 0: a token starts at the stamp
        of the one before it and ends at its own, so the first word's end (and the second
        word's start) reads 0. Read as start times, as before, every word came one token
        late (0.24-0.32 s on the demo clips against their energy onsets, which the
        CTranslate2 engine's alignment matches: :mod:`model_core.asr_ct2`)."""
        words: list[list[Any]] = []  # [text, start, index of last token, token probabilities]
        for position, token in enumerate(ids):
            if token >= self.first_special:
                continue
            piece = self.tokenizer.decode([token])
            probability = math.exp(float(logprobs[position]))
            start = float(stamps[position - 1]) if position else 0.0
            if piece.startswith(" ") or not words:
                words.append([piece.strip(), start, position, [probability]])
            else:
                words[-1][0] += piece
                words[-1][2] = position
                words[-1][3].append(probability)
        result = []
        for text, start, last, probabilities in words:
            end = float(stamps[last])
            if text:
                mean = round(sum(probabilities) / len(probabilities), 4)
                result.append(Word(text, start, max(end, start), mean))
        return result


def token_cap(seconds: float) -> int:
    """The most tokens the decoder may write for a window of ``seconds`` of audio."""
    return min(MAX_WINDOW_TOKENS, MIN_TOKEN_CAP + math.ceil(MAX_TOKENS_PER_SECOND * seconds))


def _joined(parts: list[_Window]) -> Transcript:
    """One clip's transcript from its windows (in order)."""
    words = [w for part in parts for w in part.words]
    tokens = sum(part.tokens for part in parts)
    no_speech = [part.no_speech_prob for part in parts if math.isfinite(part.no_speech_prob)]
    return Transcript(
        " ".join(w.text for w in words),
        words,
        round(sum(part.logprob_sum for part in parts) / tokens, 4) if tokens else None,
        round(max(no_speech), 4) if no_speech else None,
    )


WORDS_ONLY = re.compile(r"[^a-z0-9' ]+")


def normalize_for_wer(text: str) -> str:
    """Lower case, punctuation removed (apostrophes kept), spaces collapsed."""
    return " ".join(WORDS_ONLY.sub(" ", text.lower().replace("-", " ")).split())
