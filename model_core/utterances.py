"""Analyse a recording utterance by utterance: the one loop the CLI, the import and the app share.

A recording is cut by :mod:`model_core.segments`; its utterances are analysed as clips of the
recording (:class:`model_core.pipeline.Clip` with a span), a batch at a time, so that a
60-minute recording never holds more than one batch of model states. Each result carries
its place (:attr:`model_core.result.AnalysisResult.utterance`).

Unless a baseline is given, a recording of at least :data:`MIN_BASELINE_UTTERANCES`
utterances is read against **its own utterances**: their cues make the speaker's baseline
and their voice the label head's view of the speaker, which is what per-speaker reading
needs (the sessions this is for hold one speaker; a recording with several speakers should
be given a baseline).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from model_core.cues import SpeakerBaseline, analyze_clip
from model_core.errors import EmoStudioError
from model_core.segments import SAMPLE_RATE

if TYPE_CHECKING:
    from model_core.asr import Transcript, Word
    from model_core.audio import Recording
    from model_core.model.head import VoiceStats
    from model_core.pipeline import Analyzer
    from model_core.result import AnalysisResult
    from model_core.segments import Segmentation

WINDOW_S = 30.0  # Whisper's window: a stretch of utterances decoded at once
SEPARATION_S = 1.0  # silence between the utterances of a stretch
SENTENCE_ENDS = (".", "!", "?")
MAX_MEDIAN_WORD_S = 0.7  # openai-whisper's cap on the median word, for long-word cuts
LOOP_WORDS = 4  # a run this long said twice at once within an utterance: Whisper looped
STRETCH, ALONE = "stretch", "alone"  # how utterances are transcribed (analyze_utterances)
ASR_MODES = (STRETCH, ALONE)
MIN_BASELINE_UTTERANCES = 3  # fewer: population priors (a baseline of one or two is noise)
OWN_BASELINE = "this recording's utterances"


class UtterancesCancelled(EmoStudioError):
    """The user stopped a per-utterance analysis; the utterances done so far were yielded."""


@dataclass(frozen=True)
class Reading:
    """What the utterances are read against: the cue baseline and the label head's voice
    (None: population priors and weights)."""

    baseline: SpeakerBaseline | None = None
    voice: VoiceStats | None = None


def own_reading(
    analyzer: Analyzer, recording: Recording, spans: list[tuple[float, float]]
) -> Reading:
    """The speaker's baseline and voice from the recording's utterances (``spans``, s);
    population priors (an empty :class:`Reading`) for fewer than
    :data:`MIN_BASELINE_UTTERANCES`."""
    from model_core.pipeline import Clip

    if len(spans) < MIN_BASELINE_UTTERANCES:
        return Reading()
    measurements = [analyze_clip(recording, start, end)[1].raw_values() for start, end in spans]
    baseline = SpeakerBaseline.from_measurements(OWN_BASELINE, measurements)
    voice = None
    if analyzer.model.head is not None:
        voice = analyzer.voice_of([Clip(recording, start, end) for start, end in spans])
    return Reading(baseline, voice)


def transcripts_of(
    analyzer: Analyzer,
    recording: Recording,
    spans: list[tuple[float, float]],
    timings: dict[str, float] | None = None,
) -> list[tuple[Transcript, float | None]]:
    """The transcripts of consecutive utterances, decoded a Whisper window at a time, and
    P(English) of their first window.

    Decoding each utterance alone pays a padded 30-s Whisper window, and a language check,
    per utterance: 10 minutes of speech in 159 utterances took 243 s that way against 37 s
    for the whole file on 2 CPU cores. Here consecutive utterances are grouped into
    stretches of at most :data:`WINDOW_S` (one window each, so no window boundary falls
    inside an utterance), the stretches are decoded in one batch, and each word goes to the
    utterance its time span overlaps most (else the nearest: the aligner makes words
    contiguous, so the words on either side of a pause stretch into it). The decoder's
    signals (``avg_logprob``, ``no_speech_prob``) are the stretch's, and P(English) the
    first stretch's, shared by the utterances; each word keeps its own probability. When
    an utterance's words loop (a run of :data:`LOOP_WORDS` said again at once), that
    stretch's utterances are decoded alone instead.

    ``timings`` (when given) receives the seconds of ``asr`` and ``language``.

    Returns
    -------
    list of (Transcript, float or None)
        One per span, words on the recording's axis; P(English) None for an utterance
        without words, or when no check runs.
    """
    from model_core.asr import Transcript

    def samples(first: float, last: float) -> np.ndarray:
        return recording.for_model[int(first * SAMPLE_RATE) : int(last * SAMPLE_RATE)]

    started = time.perf_counter()
    groups = _stretches(spans)
    # Each stretch is its utterances with SEPARATION_S of silence between them: a clear
    # pause ends the aligner's words and the decoder's sentence at each utterance's end.
    layouts = [_laid_out([spans[i] for i in group]) for group in groups]
    pause = np.zeros(int(SEPARATION_S * SAMPLE_RATE), dtype=np.float32)
    stretches = [
        np.concatenate([part for k in group for part in (pause, samples(*spans[k]))][1:])
        for group in groups
    ]
    owned: list[list[Word]] = [[] for _ in spans]
    signals: list[tuple[float | None, float | None]] = [(None, None)] * len(spans)
    looped: list[int] = []
    heard_all = analyzer.transcriber.transcribe(stretches)
    for group, layout, heard in zip(groups, layouts, heard_all, strict=True):
        mine: list[list[Word]] = [[] for _ in group]
        for word in _truncated_at_sentences(heard.words):
            k = _owner(layout, word)
            mine[k].append(_shifted(word, spans[group[k]][0] - layout[k][0]))
        if any(_loops([w.text for w in words]) for words in mine):
            looped += group  # Whisper looped: these utterances are decoded alone below
            continue
        for i, words in zip(group, mine, strict=True):
            owned[i], signals[i] = words, (heard.avg_logprob, heard.no_speech_prob)
    if looped:
        alone = analyzer.transcriber.transcribe([samples(*spans[i]) for i in looped])
        for i, heard in zip(looped, alone, strict=True):
            owned[i] = [_shifted(w, spans[i][0]) for w in heard.words]
            signals[i] = (heard.avg_logprob, heard.no_speech_prob)
    transcribed = time.perf_counter()
    check = analyzer.english_check()
    english = (
        check.english_probability(stretches[:1])[0] if check is not None and any(owned) else None
    )
    if timings is not None:
        timings["asr"] = transcribed - started
        timings["language"] = time.perf_counter() - transcribed
    return [
        (Transcript(" ".join(w.text for w in words), words, *signal), english if words else None)
        for words, signal in zip(owned, signals, strict=True)
    ]


def _truncated_at_sentences(words: list[Word]) -> list[Word]:
    """Words that run across a pause cut back to twice the median word, as openai-whisper
    does at sentence ends: the aligner gives each word until the next begins, so a
    sentence's last word ends, or the next sentence's first starts, inside the pause."""
    durations = [w.end - w.start for w in words if w.end > w.start]
    if not durations:
        return words
    longest = 2 * min(float(np.median(durations)), MAX_MEDIAN_WORD_S)
    cut = []
    for previous, word in zip([None, *words[:-1]], words, strict=True):
        if word.end - word.start > longest:
            if word.text.rstrip().endswith(SENTENCE_ENDS):
                word = dataclasses.replace(word, end=round(word.start + longest, 3))
            elif previous is not None and previous.text.rstrip().endswith(SENTENCE_ENDS):
                word = dataclasses.replace(word, start=round(word.end - longest, 3))
        cut.append(word)
    return cut


def _laid_out(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Where each span lies in a stretch that joins them with SEPARATION_S between."""
    placed, cursor = [], 0.0
    for start, end in spans:
        placed.append((cursor, cursor + end - start))
        cursor += end - start + SEPARATION_S
    return placed


def _stretches(spans: list[tuple[float, float]]) -> list[list[int]]:
    """Consecutive spans grouped greedily into stretches of at most WINDOW_S seconds,
    SEPARATION_S between spans."""
    groups: list[list[int]] = []
    length = 0.0
    for i, (start, end) in enumerate(spans):
        if groups and length + SEPARATION_S + end - start <= WINDOW_S:
            groups[-1].append(i)
            length += SEPARATION_S + end - start
        else:
            groups.append([i])
            length = end - start
    return groups


def _owner(spans: list[tuple[float, float]], word: Word) -> int:
    """The span ``word`` overlaps most, else the one nearest its middle."""
    overlaps = [min(end, word.end) - max(start, word.start) for start, end in spans]
    best = max(range(len(spans)), key=overlaps.__getitem__)
    if overlaps[best] > 0:
        return best
    middle = (word.start + word.end) / 2
    return min(
        range(len(spans)),
        key=lambda i: min(abs(middle - spans[i][0]), abs(middle - spans[i][1])),
    )


def _shifted(word: Word, offset: float) -> Word:
    return dataclasses.replace(
        word, start=round(word.start + offset, 3), end=round(word.end + offset, 3)
    )


def _loops(words: list[str], size: int = LOOP_WORDS) -> bool:
    """Whether a run of ``size`` or more words is said again at once (Whisper's loop)."""
    folded = [w.lower().strip(".,!?;:") for w in words]
    return any(
        folded[i : i + run] == folded[i + run : i + 2 * run]
        for run in range(size, len(folded) // 2 + 1)
        for i in range(len(folded) - 2 * run + 1)
    )


def place(cut: Segmentation, number: int) -> dict[str, Any]:
    """``AnalysisResult.utterance`` of utterance ``number`` (1-based) of ``cut``."""
    return {"number": number, "of": len(cut.utterances), "segmentation": cut.describe()}


def analyze_utterances(
    analyzer: Analyzer,
    recording: Recording,
    cut: Segmentation,
    reading: Reading = Reading(),
    *,
    rationale: bool = False,
    transcribe: bool = True,
    batch: int = 8,
    numbers: list[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    on_stage: Callable[[str, dict[str, Any]], None] | None = None,
    asr: str = STRETCH,
) -> Iterator[AnalysisResult]:
    """Analyse the utterances of ``cut`` in order, ``batch`` at a time.

    Parameters
    ----------
    reading : Reading
        The baseline and voice every utterance is read against (see :func:`own_reading`).
    numbers : list of int, optional
        Only these utterances (1-based), e.g. those a killed import did not store.
    progress : callable, optional
        ``progress(done, total)`` after each batch.
    cancelled : callable, optional
        Polled before each batch.
    on_stage : callable, optional
        Passed to :meth:`model_core.pipeline.Analyzer.analyze` (it may raise to stop a
        batch between stages).
    asr : {"stretch", "alone"}
        How consecutive utterances are transcribed: a Whisper window of several at a time
        (:func:`transcripts_of`, several times faster) or each alone (each its own padded
        window and language check: on 150 joined prompts, WER 5.55 % against 7.94 %).

    Yields
    ------
    AnalysisResult
        One per utterance, its :attr:`~model_core.result.AnalysisResult.utterance` set.

    Raises
    ------
    UtterancesCancelled
        When ``cancelled()`` turns true (the utterances yielded before it stand).
    """
    from model_core.pipeline import Clip

    wanted = numbers if numbers is not None else list(range(1, len(cut.utterances) + 1))
    for first in range(0, len(wanted), batch):
        if cancelled is not None and cancelled():
            raise UtterancesCancelled(
                f"stopped after {first} of {len(wanted)} utterances; they are kept"
            )
        group = wanted[first : first + batch]
        clips = [
            Clip(recording, *cut.utterances[n - 1], baseline=reading.baseline, voice=reading.voice)
            for n in group
        ]
        # Consecutive utterances are transcribed together (see transcripts_of).
        known, shared = None, dict[str, float]()
        if asr not in ASR_MODES:
            raise ValueError(f"asr must be one of {', '.join(ASR_MODES)}, not {asr!r}")
        if transcribe and asr == STRETCH and group == list(range(group[0], group[-1] + 1)):
            spans = [cut.utterances[n - 1] for n in group]
            known = transcripts_of(analyzer, recording, spans, shared)
        results = analyzer.analyze(
            clips,
            rationale=rationale,
            transcribe=transcribe,
            on_stage=on_stage,
            known_transcripts=known,
        )
        for number, result in zip(group, results, strict=True):
            result.utterance = place(cut, number)
            result.timings.update(shared)  # the stretch's, as batch stages are
            yield result
        if progress is not None:
            progress(first + len(group), len(wanted))
