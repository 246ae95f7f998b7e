"""Task-alternating schedules: which examples, which task, and which parts learn, per batch.

Speech tasks (``asr``, ``sqa``) update the speech adapter and LoRA; emotion tasks
(``ser``, ``reason``) update the emotion encoder, its adapter and LoRA (Zhang et al.
2025). Schedules:

- ``alternate-epoch`` (the paper's): epochs alternate between speech tasks and emotion
  tasks, speech first;
- ``alternate-batch``: every epoch holds all tasks, batches alternate between the two;
- ``joint``: all tasks shuffled together, every part learns in every batch;

and ``final_joint_epoch`` appends one joint epoch. The plan depends only on the data,
the options and the seed, so a resumed run rebuilds exactly the same batches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from train.config import EMOTION_TASKS, SPEECH_TASKS, TrainingOptions

SPEECH, EMOTION, JOINT = "speech", "emotion", "joint"


@dataclass(frozen=True)
class Unit:
    """One (example, task) pair."""

    index: int  # into the prepared examples
    task: str


@dataclass(frozen=True)
class Batch:
    units: tuple[Unit, ...]
    group: str  # speech, emotion or joint: which parts learn from it


def units_for(tasks_per_example: list[tuple[str, ...]], wanted: list[str]) -> list[Unit]:
    """Every (example, task) pair whose task is wanted and that the example supports."""
    return [
        Unit(i, task)
        for i, tasks in enumerate(tasks_per_example)
        for task in tasks
        if task in wanted
    ]


def _batches(units: list[Unit], size: int, group: str, rng: np.random.Generator) -> list[Batch]:
    order = rng.permutation(len(units))
    return [
        Batch(tuple(units[j] for j in order[k : k + size]), group)
        for k in range(0, len(units), size)
    ]


def epoch_groups(options: TrainingOptions) -> list[str]:
    """The kind of each epoch: what alternate-epoch alternates, else joint/mixed epochs."""
    groups = []
    for epoch in range(options.epochs):
        if options.schedule == "alternate-epoch":
            groups.append(SPEECH if epoch % 2 == 0 else EMOTION)
        else:
            groups.append(options.schedule)
    if options.final_joint_epoch:
        groups.append(JOINT)
    return groups


def plan_epoch(
    units: list[Unit], options: TrainingOptions, epoch: int, world: int = 1
) -> list[Batch]:
    """The batches of one epoch, deterministic in (seed, epoch); a multiple of ``world`` long."""
    rng = np.random.default_rng([options.seed, epoch])
    speech = [u for u in units if u.task in SPEECH_TASKS]
    emotion = [u for u in units if u.task in EMOTION_TASKS]
    kind = epoch_groups(options)[epoch]
    size = options.batch_size
    if kind == SPEECH:
        batches = _batches(speech, size, SPEECH, rng) or _batches(emotion, size, EMOTION, rng)
    elif kind == EMOTION:
        batches = _batches(emotion, size, EMOTION, rng) or _batches(speech, size, SPEECH, rng)
    elif kind == "alternate-batch":
        first, second = _batches(speech, size, SPEECH, rng), _batches(emotion, size, EMOTION, rng)
        batches = [b for pair in zip(first, second, strict=False) for b in pair]
        longer = first if len(first) > len(second) else second
        batches += longer[min(len(first), len(second)) :]
    else:
        batches = _batches(speech + emotion, size, JOINT, rng)
    usable = (len(batches) // world) * world  # every process gets as many batches (DDP)
    return batches[:usable] if usable else batches[:0]


def total_steps(units: list[Unit], options: TrainingOptions, world: int = 1) -> int:
    """Optimizer steps of the whole plan (for the learning-rate schedule)."""
    steps = 0
    for epoch in range(len(epoch_groups(options))):
        per_process = len(plan_epoch(units, options, epoch, world)) // world
        steps += math.ceil(per_process / options.gradient_accumulation)
    return min(steps, options.max_steps) if options.max_steps else steps
