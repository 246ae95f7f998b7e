"""Training benchmark: examples/s and peak memory of training steps, with and without the
encoder cache, on the same clips, in one process.

"Without the cache" every step runs Whisper's encoder and the acoustic analysis (Praat)
for the prosody features, as the first epoch does; "with the cache" the steps read them,
as later epochs do. Both take the same optimizer steps on the same batches.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from pathlib import Path

import numpy as np
import torch

from benchmarks.acoustics import real_speech
from benchmarks.model import _synchronise, peak_memory, random_config
from benchmarks.report import Figure, Section
from benchmarks.timing import Timing, machine_line, significant
from model_core.audio import MODEL_SAMPLE_RATE
from model_core.devices import Placement, pick_placement, quiet_libraries
from model_core.model.config import EmoReasonerConfig
from model_core.model.encoders import join_windows
from model_core.model.prompts import answer_for, make_prompt
from model_core.model.reasoner import ClipInput, EmoReasoner
from train.datasets.asterisk import ASTERISK_DIR
from train.rationales import template_rationale

CLIP_SECONDS = 4.0
LABELS = ["neutral", "happy", "sad", "angry"]


def _cached(model: EmoReasoner, clip: ClipInput) -> ClipInput:
    with torch.inference_mode():
        inputs, hidden = model.whisper_states([clip])
        frames, mask = join_windows(hidden, inputs, 1)
    return ClipInput(
        None,
        f0_reference_hz=clip.f0_reference_hz,
        speech_frames=frames[0][mask[0]].clone(),
        prosody=model.prosody_input(clip),
    )


def train_section(
    device: str = "auto",
    batch: int = 8,
    steps: int = 6,
    random: str | None = None,
    speech_dir: Path = ASTERISK_DIR,
    tokenizer: str = "smollm2-135m-instruct",
) -> Section:
    """Time ``steps`` training steps of ``batch`` clips each way: the report and its figures."""
    quiet_libraries()
    placement = pick_placement(device)
    config = (
        random_config(random, tokenizer) if random else EmoReasonerConfig(name="default-config")
    )
    model = EmoReasoner(config, Placement(placement.device, placement.dtype)).train()
    for parameter in model.parameters():
        if parameter.requires_grad:
            parameter.data = parameter.data.float()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    speech = real_speech(batch * steps * CLIP_SECONDS / 60 + 0.05, speech_dir)
    size = int(CLIP_SECONDS * MODEL_SAMPLE_RATE)
    raw = [
        ClipInput(np.ascontiguousarray(speech[i * size : (i + 1) * size]))
        for i in range(batch * steps)
    ]
    rng = np.random.default_rng(0)
    labels = [LABELS[int(rng.integers(4))] for _ in raw]
    tasks = ["ser" if i % 2 else "reason" for i in range(len(raw))]
    prompts = [make_prompt(task, LABELS) for task in tasks]
    answers = [
        answer_for(task, label=label, rationale=template_rationale(label, None, {}))
        for task, label in zip(tasks, labels, strict=True)
    ]
    autocast = (
        torch.autocast("cuda", dtype=placement.dtype)
        if placement.device.type == "cuda"
        else contextlib.nullcontext()
    )

    def train_steps(clips: list[ClipInput]) -> list[float]:
        times = []
        for step in range(steps):
            part = slice(step * batch, (step + 1) * batch)
            _synchronise(placement)
            started = time.perf_counter()
            with autocast:
                loss = model(clips[part], prompts[part], answers[part])
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            _synchronise(placement)
            times.append(time.perf_counter() - started)
        return times

    train_steps(raw[:batch] * steps)  # warm-up: allocations, kernels, numba-free paths
    uncached = [ClipInput(c.samples) for c in raw]  # analysis and Whisper states every step
    started = time.perf_counter()
    cached = [_cached(model, c) for c in raw]
    build = time.perf_counter() - started
    without = train_steps(uncached)
    with_cache = train_steps(cached)
    per_without = batch / statistics.median(without)
    per_with = batch / statistics.median(with_cache)
    speedup = per_with / per_without
    parameters = sum(p.numel() for p in model.parameters() if p.requires_grad) / 1e6
    without_steps, with_steps = Timing("", without), Timing("", with_cache)
    markdown = (
        f"## Training: {config.name}, {placement.describe()}\n\n"
        f"Machine: {machine_line()}; torch threads {torch.get_num_threads()}; {steps} steps of {batch} "
        f"clips of {CLIP_SECONDS:.0f} s (half ser, half reason); {parameters:.1f} M trainable parameters; "
        "medians (min–max) over the steps.\n\n"
        "| | s per step | examples/s | vs without cache |\n| --- | ---: | ---: | ---: |\n"
        f"| without the encoder cache (first epoch) | {without_steps.spread()} | {significant(per_without)} | 1.00 |\n"
        f"| with the encoder cache (later epochs) | {with_steps.spread()} | {significant(per_with)} | "
        f"{significant(speedup)} |\n\n"
        f"- building the cache for {len(raw)} clips: {build:.1f} s ({len(raw) / build:.1f} clips/s)\n"
        f"- {peak_memory(placement)}\n"
    )
    figure = Figure(
        f"training, {config.name}, {placement.describe()}, batches of {batch}",
        per_without,
        "examples/s",
        f"{significant(per_without)} examples/s; {significant(per_with)} with the encoder cache "
        f"({significant(speedup)}x)",
    )
    return Section(markdown, [figure])
