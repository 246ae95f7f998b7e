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

from model_core.cues import SpeakerBaseline, analyze_clip
from model_core.errors import EmoStudioError

if TYPE_CHECKING:
    from model_core.asr import Transcript, Word
    from model_core.audio import Recording
    from model_core.model.head import VoiceStats
    from model_core.pipeline import Analyzer
    from model_core.result import AnalysisResult
    from model_core.segments import Segmentation

LOOP_WORDS = 4  # a run this long said twice at once within an utterance: Whisper looped
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
    """The transcripts of consecutive utterances, from one decode of the stretch that
    holds them (as the whole-file path does), and P(English) of that stretch.

    Decoding each utterance alone pays a padded 30-s Whisper window, and a language check,
    per utterance: 10 minutes of speech in 159 utterances took 243 s that way against 37 s
    for the whole file on 2 CPU cores. Here a stretch of a few utterances is decoded in
    windows of up to 30 s cut at quiet moments, and each word goes to the utterance that
    holds its start (else the nearest one: the cut pads speech by only 0.1 s). The
    decoder's signals (``avg_logprob``, ``no_speech_prob``) and P(English) are the
    stretch's, shared by its utterances; each word keeps its own probability. When an
    utterance's words loop (a run of :data:`LOOP_WORDS` said again at once), the stretch's
    utterances are decoded alone instead.

    ``timings`` (when given) receives the seconds of ``asr`` and ``language``.

    Returns
    -------
    list of (Transcript, float or None)
        One per span, words on the recording's axis; P(English) None when the stretch has
        no words or no check runs.
    """
    from model_core.asr import Transcript
    from model_core.audio import MODEL_SAMPLE_RATE

    first, last = spans[0][0], spans[-1][1]
    stretch = recording.for_model[int(first * MODEL_SAMPLE_RATE) : int(last * MODEL_SAMPLE_RATE)]
    started = time.perf_counter()
    (heard,) = analyzer.transcriber.transcribe([stretch])
    owned: list[list[Word]] = [[] for _ in spans]
    for word in heard.words:
        # By its start: in a stretch the aligner makes words contiguous, so a sentence's
        # last word ends where the next utterance's first begins, across the pause.
        owned[_owner(spans, word.start + first)].append(_shifted(word, first))
    signals = [(heard.avg_logprob, heard.no_speech_prob)] * len(spans)
    if any(_loops([w.text for w in words]) for words in owned):
        # Whisper looped on the stretch (it says a run of words again, and the utterances
        # after it drift towards it): every utterance of it is decoded alone.
        alone = analyzer.transcriber.transcribe(
            [
                recording.for_model[int(a * MODEL_SAMPLE_RATE) : int(b * MODEL_SAMPLE_RATE)]
                for a, b in spans
            ]
        )
        owned = [[_shifted(w, a) for w in t.words] for t, (a, _) in zip(alone, spans, strict=True)]
        signals = [(t.avg_logprob, t.no_speech_prob) for t in alone]
    transcribed = time.perf_counter()
    check = analyzer.english_check()
    english = check.english_probability([stretch])[0] if check is not None and any(owned) else None
    if timings is not None:
        timings["asr"] = transcribed - started
        timings["language"] = time.perf_counter() - transcribed
    return [
        (
            Transcript(" ".join(w.text for w in words), words, *signal),
            english if words else None,
        )
        for words, signal in zip(owned, signals, strict=True)
    ]


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


def _owner(spans: list[tuple[float, float]], at: float) -> int:
    """The span holding ``at`` (s), else the nearest one."""
    return min(
        range(len(spans)),
        key=lambda i: (
            0.0
            if spans[i][0] <= at <= spans[i][1]
            else min(abs(at - spans[i][0]), abs(at - spans[i][1]))
        ),
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
        if transcribe and group == list(range(group[0], group[-1] + 1)):
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
