"""One clip's result, from what the analyzer's batch stages gave it.

:class:`model_core.pipeline.Analyzer` runs every model stage once per batch; this module
does the per-clip work around them that needs no model pass: how far the transcript can be
trusted, the reasoning prompt (with the evidence table when the model reads one), and the
assembled :class:`~model_core.result.AnalysisResult`, where the review picks a draft and
delivers the model's rationale or the composer's (:mod:`model_core.rationale.review`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from model_core.acoustics.analysis import AcousticAnalysis
from model_core.asr import Transcript
from model_core.audio.recording import Recording
from model_core.cues import CueSummary
from model_core.grounding import ground
from model_core.model.config import EmoReasonerConfig
from model_core.model.prompts import Prompt, reason_prompt
from model_core.rationale.review import deliver, pick_draft, review_draft
from model_core.reliability import Reliability, assess, quotable_words
from model_core.result import UNTRAINED_NOTE, AnalysisResult

if TYPE_CHECKING:
    from model_core.model.reasoner import EmoReasoner

MIN_VOICED_FRACTION = 0.02  # below this a clip holds no speech to transcribe


def timed_words(transcript: Transcript) -> list[dict[str, Any]]:
    """The transcript's words as ``{"word", "start", "end", "probability"}`` (seconds; the
    decoder's probability of the word, None where not measured)."""
    return [
        {"word": w.text, "start": w.start, "end": w.end, "probability": w.probability}
        for w in transcript.words
    ]


def transcript_reliability(
    transcript: Transcript, analysis: AcousticAnalysis, english_probability: float | None = None
) -> Reliability:
    """How far the transcript can be trusted (:func:`model_core.reliability.assess`), from
    the recogniser's confidences, the seconds of voiced speech and, where it was checked,
    P(English) by language identification (:mod:`model_core.language`)."""
    return assess(
        transcript.text,
        transcript.avg_logprob,
        transcript.no_speech_prob,
        analysis.voiced_fraction * analysis.duration,
        [w.probability for w in transcript.words if w.probability is not None],
        english_probability,
    )


def reason_prompt_for(
    config: EmoReasonerConfig,
    label: str,
    probabilities: np.ndarray,
    transcript: Transcript,
    summary: CueSummary,
    reliability: Reliability,
) -> Prompt:
    """The reasoning task's prompt for one clip and the head's ``label``.

    Parameters
    ----------
    probabilities : numpy.ndarray, shape (n_labels,)
        The head's probabilities, in ``config.labels`` order.
    """
    return reason_prompt(
        config,
        label,
        transcript=transcript.text,
        descriptor=summary.descriptor,
        cues=summary.cues,
        probabilities=dict(zip(config.labels, map(float, probabilities), strict=True)),
        words=timed_words(transcript),
        transcript_reliable=reliability.reliable,
        baseline=summary.baseline.name,
    )


def draft_accepted(
    text: str,
    summary: CueSummary,
    transcript: Transcript,
    reliability: Reliability,
    label: str,
) -> bool:
    """Whether the review accepts ``text`` as the clip's rationale for ``label`` (grounded
    as :func:`assemble_result` grounds it)."""
    cues = summary.to_dict()
    doubt = "; ".join(reliability.reasons) or None
    span = (summary.start, summary.end)
    citations = ground(text, timed_words(transcript), cues["cues"], span, label, doubt)
    return review_draft(text, citations, cues["cues"], label, cues.get("baseline")).accepted


def assemble_result(
    recording: Recording,
    measured: tuple[AcousticAnalysis, CueSummary],
    transcript: Transcript,
    scored: tuple[str, np.ndarray],
    drafts: Sequence[str] | None,
    timings: dict[str, float],
    reliability: Reliability,
    *,
    model: EmoReasoner,
    model_info: dict[str, Any],
    policy: str,
) -> AnalysisResult:
    """One clip's result.

    Parameters
    ----------
    measured : (AcousticAnalysis, CueSummary)
        The clip's tracks and cues.
    scored : (str, numpy.ndarray of shape (n_labels,))
        The label and the probabilities (``model.config.labels`` order).
    drafts : sequence of str or None
        The model's drafts of the rationale (best of k: the first the review accepts is
        shown); None when no rationale was asked for.
    timings : dict
        Seconds per stage.
    policy : str
        The rationale policy (:data:`model_core.rationale.review.POLICIES`).
    """
    analysis, summary = measured
    label, probabilities = scored
    warnings = list(recording.warnings)
    if analysis.voiced_fraction < MIN_VOICED_FRACTION:
        warnings.append("no voiced speech detected: not transcribed")
    words = timed_words(transcript)
    cues = summary.to_dict()
    span = (summary.start, summary.end)
    doubt = "; ".join(reliability.reasons) or None
    if doubt:
        warnings.append(f"the transcript is unreliable: {doubt}")
    labels = list(model.config.labels)
    by_label = dict(zip(labels, (float(p) for p in probabilities), strict=True))
    delivered, citations = None, []
    if drafts is not None:
        draft, draft_citations = pick_draft(
            drafts,
            lambda text: ground(text, words, cues["cues"], span, label, doubt),
            cues["cues"],
            label,
            cues.get("baseline"),
        )
        delivered = deliver(
            policy,
            label,
            draft,
            draft_citations,
            cues["cues"],
            # The composer quotes no doubtful transcript, and no word the decoder doubted.
            words=[] if doubt else quotable_words(words),
            probabilities=by_label,
            labels=labels,
            baseline=cues.get("baseline"),
        )
        # The draft's citations serve when the draft is what is shown: grounded once.
        citations = (
            draft_citations
            if delivered.text == draft
            else ground(delivered.text, words, cues["cues"], span, label, doubt)
        )
    return AnalysisResult(
        file=str(recording.path) if recording.path else None,
        sha256=recording.sha256,
        duration=round(recording.duration, 4),
        sample_rate=recording.sample_rate,
        start=round(summary.start, 4),
        end=round(summary.end, 4),
        label=label,
        probabilities={lab: round(p, 5) for lab, p in by_label.items()},
        transcript=transcript.text,
        words=words,
        rationale=delivered.text if delivered else "",
        citations=[c.to_dict() for c in citations],
        rationale_review=delivered.to_dict() if delivered else None,
        transcript_reliability=reliability.to_dict() if transcript.text else None,
        cues=cues,
        model=model_info,
        timings={k: round(v, 4) for k, v in timings.items()},
        warnings=warnings,
        note=None if model.config.trained else UNTRAINED_NOTE,
    )
