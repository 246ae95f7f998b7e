"""What each (example, task) pair teaches: the prompt and the answer."""

from __future__ import annotations

import numpy as np

from model_core.model.config import EmoReasonerConfig
from model_core.model.prompts import INSTRUCTIONS, Prompt, answer_for, emotion_prompt, make_prompt
from train.features import Prepared
from train.rationales import template_rationale


def training_pair(
    item: Prepared,
    task: str,
    config: EmoReasonerConfig,
    rationales: dict[str, str],
    rng: np.random.Generator,
    pool: bool = True,
) -> tuple[Prompt, str]:
    """(prompt, answer) for one unit; the instruction phrasing is drawn from the task's pool.

    The transcript is put in the prompt only for emotion tasks (an ASR prompt holding its
    own answer would teach nothing), and only when the model's config says so.
    """
    example = item.example
    variant = int(rng.integers(len(INSTRUCTIONS[task]))) if pool else 0
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
    rationale = rationales.get(example.id) or template_rationale(
        example.label or "",
        example.transcript,
        item.cues,
        words=item.words,
        labels=list(config.labels),
        seed=int(rng.integers(1 << 16)),
    )
    return prompt, answer_for("reason", label=example.label or "", rationale=rationale)
