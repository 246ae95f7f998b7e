"""Task prompts and answer formats.

Every task's answer starts with what is scored: ``Emotion: <label>`` for ``ser`` and
``reason`` (then ``Reason: ...`` for ``reason``), the transcript for ``asr``, the
answer for ``sqa``. Instructions are drawn from a small pool of phrasings in training.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from model_core.model.config import EmoReasonerConfig

AUDIO_PLACEHOLDER = "<|emostudio_audio|>"
TASKS = ("asr", "ser", "reason", "sqa")

INSTRUCTIONS: dict[str, tuple[str, ...]] = {
    "asr": (
        "Transcribe the speech.",
        "Write down exactly what is said.",
        "What does the speaker say? Give the words only.",
    ),
    "ser": (
        "Which emotion does the speaker express? Answer with one of: {labels}.",
        "Classify the speaker's emotion as one of: {labels}.",
        "What is the emotional state of the speaker ({labels})?",
    ),
    "reason": (
        "Which emotion does the speaker express ({labels})? Give the label first, then "
        "explain it with evidence from the words and the voice.",
        "Identify the speaker's emotion ({labels}) and justify it by citing what is said "
        "and how it sounds.",
        "What emotion is this ({labels}), and why? Start with the label.",
    ),
    "sqa": ("Answer the question about the recording: {question}",),
}


@dataclass(frozen=True)
class Prompt:
    """One user turn: task, instruction and the optional transcript, cue text and evidence
    table (:mod:`model_core.rationale.evidence`)."""

    task: str
    instruction: str
    transcript: str | None = None
    cues: str | None = None
    evidence: str | None = None

    def user_text(self) -> str:
        """Transcript and cues first, then the instruction, then the audio, which so sits
        right before the answer whatever the instruction's wording."""
        parts = []
        if self.transcript is not None:
            parts.append(f'Transcript: "{self.transcript.strip()}"')
        if self.evidence is not None:
            parts.append(f"Evidence:\n{self.evidence}")
        elif self.cues is not None:
            parts.append(f"Measured cues: {self.cues}")
        parts += [self.instruction, AUDIO_PLACEHOLDER]
        return "\n".join(parts)

    def own_words(self) -> str:
        """The clip's own text in the prompt (evidence or cue text, and transcript): what a
        vocabulary-constrained answer may use beside the composer's words."""
        return f"{self.evidence or self.cues or ''}\n{self.transcript or ''}"


def make_prompt(
    task: str,
    labels: list[str],
    *,
    variant: int = 0,
    question: str = "",
    transcript: str | None = None,
    cues: str | None = None,
    evidence: str | None = None,
) -> Prompt:
    """The prompt for ``task`` (instruction phrasing ``variant`` of the pool)."""
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    pool = INSTRUCTIONS[task]
    instruction = pool[variant % len(pool)].format(labels=", ".join(labels), question=question)
    return Prompt(task, instruction, transcript, cues, evidence)


def label_answer(label: str) -> str:
    """The scored start of every emotion answer; the newline closes the label."""
    return f"Emotion: {label}\n"


def reason_answer(label: str, rationale: str) -> str:
    return f"{label_answer(label)}Reason: {rationale.strip()}"


def answer_for(task: str, *, label: str = "", rationale: str = "", text: str = "") -> str:
    """The target text of a training example."""
    if task == "ser":
        return label_answer(label)  # "Emotion: <label>\n", exactly what scoring measures
    if task == "reason":
        return reason_answer(label, rationale)
    return text.strip()


def emotion_prompt(
    task: str,
    config: EmoReasonerConfig,
    *,
    transcript: str | None = None,
    cues: str | None = None,
    variant: int = 0,
    evidence: str | None = None,
) -> Prompt:
    """A ``ser`` or ``reason`` prompt holding the transcript, cue text and evidence table
    that the model's config switches (``include_transcript``, ``include_cues``,
    ``include_evidence``) allow; the evidence table serves the ``reason`` task only (it
    names the label, which a ``ser`` prompt must not)."""
    wants_evidence = config.include_evidence and task == "reason" and evidence
    return make_prompt(
        task,
        config.labels,
        variant=variant,
        transcript=transcript if config.include_transcript and transcript else None,
        cues=cues if config.include_cues and cues else None,
        evidence=evidence if wants_evidence else None,
    )


def reason_prompt(
    config: EmoReasonerConfig,
    label: str,
    *,
    transcript: str | None,
    descriptor: str | None,
    cues: Mapping[str, Any],
    probabilities: Mapping[str, float] | None = None,
    words: Sequence[Mapping[str, Any]] | None = None,
    transcript_reliable: bool | None = None,
    baseline: str | None = None,
    variant: int = 0,
) -> Prompt:
    """The reasoning task's prompt for explaining ``label``: with the evidence table
    (:func:`model_core.rationale.evidence.evidence_table`) when the model reads one, else
    with the one-line cue description. The analyzer and evaluation both build it here.

    ``words``: the timed transcript (s); ``transcript_reliable`` None when there is none.
    """
    table = None
    if config.include_evidence:
        from model_core.rationale.evidence import evidence_table

        table = evidence_table(
            label,
            cues,
            layout=config.evidence_layout,
            probabilities=probabilities,
            words=words,
            transcript_reliable=transcript_reliable if transcript else None,
            baseline=baseline,
        )
    return emotion_prompt(
        "reason", config, transcript=transcript, cues=descriptor, evidence=table, variant=variant
    )
