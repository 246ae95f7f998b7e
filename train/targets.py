"""What each (example, task) pair teaches: the prompt and the answer."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model_core.model.config import EmoReasonerConfig
from model_core.model.prompts import (
    INSTRUCTIONS,
    Prompt,
    answer_for,
    emotion_prompt,
    make_prompt,
    reason_prompt,
)
from model_core.rationale.compose import compose_rationale
from train.config import TrainingOptions
from train.features import Prepared

# Drawn head probabilities: the explained label's, then the runner-up's share of the rest.
TOP_PROBABILITY = (0.35, 0.97)
RUNNER_UP_SHARE = (0.4, 0.95)


@dataclass(frozen=True)
class ReasonCase:
    """What one reasoning target explains: the label, the head's probabilities as the
    prompt states them, and whether the transcript may be quoted."""

    label: str
    probabilities: dict[str, float]
    reliable: bool


def reason_case(
    gold: str, labels: list[str], rng: np.random.Generator, options: TrainingOptions
) -> ReasonCase:
    """The label a reasoning target explains and the probabilities beside it.

    At inference the LLM explains the label head's label, which is sometimes wrong; with
    ``reason_labels = "mixed"`` a share of targets explain another label, so the model
    also learns to say that the evidence does not support it. The probabilities are
    drawn (a head's on its own training clips would be overconfident), the runner-up
    among the other labels.
    """
    label = gold
    others = [lab for lab in labels if lab != gold]
    if options.reason_labels == "mixed" and others and rng.random() < options.reason_other_share:
        label = others[int(rng.integers(len(others)))]
    top = float(rng.uniform(*TOP_PROBABILITY))
    rest = [lab for lab in labels if lab != label]
    probabilities = {label: top}
    if rest:
        order = rng.permutation(len(rest))
        # never above the explained label's: a head's label is its most probable one
        second = min(float(rng.uniform(*RUNNER_UP_SHARE)) * (1 - top), top)
        share = (1 - top - second) / max(1, len(rest) - 1)
        for rank, index in enumerate(order):
            probabilities[rest[index]] = second if rank == 0 else share
    reliable = rng.random() >= options.unreliable_share
    return ReasonCase(label, {k: round(v, 3) for k, v in probabilities.items()}, reliable)


def training_pair(
    item: Prepared,
    task: str,
    config: EmoReasonerConfig,
    rationales: dict[str, str],
    rng: np.random.Generator,
    pool: bool = True,
    options: TrainingOptions | None = None,
) -> tuple[Prompt, str]:
    """(prompt, answer) for one unit; the instruction phrasing is drawn from the task's pool.

    The transcript is put in the prompt only for emotion tasks (an ASR prompt holding its
    own answer would teach nothing), and only when the model's config says so. A model
    that reads the evidence table learns the composer's rationale for the case the table
    states (:func:`reason_case`), in the catalog's first wordings.
    """
    example = item.example
    variant = int(rng.integers(len(INSTRUCTIONS[task]))) if pool else 0
    if task == "reason" and config.include_evidence:
        return _evidence_pair(item, config, rng, variant, options or TrainingOptions())
    if task in ("ser", "reason"):
        prompt = emotion_prompt(
            task, config, transcript=example.transcript, cues=item.descriptor, variant=variant
        )
    else:  # a speech-task prompt never holds its own answer
        prompt = make_prompt(task, config.labels, variant=variant, question=example.question or "")
    if task == "asr":
        return prompt, answer_for("asr", text=example.transcript or "")
    if task == "sqa":
        return prompt, answer_for("sqa", text=example.answer or "")
    if task == "ser":
        return prompt, answer_for("ser", label=example.label or "")
    rationale = rationales.get(example.id) or compose_rationale(
        example.label or "",
        item.cues,
        words=item.words,
        transcript=example.transcript,
        labels=list(config.labels),
        seed=int(rng.integers(1 << 16)),
    )
    return prompt, answer_for("reason", label=example.label or "", rationale=rationale)


def _evidence_pair(
    item: Prepared,
    config: EmoReasonerConfig,
    rng: np.random.Generator,
    variant: int,
    options: TrainingOptions,
) -> tuple[Prompt, str]:
    example = item.example
    labels = list(config.labels)
    case = reason_case(example.label or "", labels, rng, options)
    words = item.words if case.reliable else []  # the composer quotes no doubtful transcript
    prompt = reason_prompt(
        config,
        case.label,
        transcript=example.transcript,
        descriptor=item.descriptor,
        cues=item.cues,
        probabilities=case.probabilities,
        words=words,
        transcript_reliable=case.reliable,
        baseline=item.baseline,
        variant=variant,
    )
    rationale = compose_rationale(
        case.label,
        item.cues,
        words=words,
        probabilities=case.probabilities,
        labels=labels,
        seed=int(rng.integers(1 << 16)),
        baseline=item.baseline,
        plain_phrases=True,
    )
    return prompt, answer_for("reason", label=case.label, rationale=rationale)
