"""Model benchmark: every pipeline stage for one 5 s clip and for a batch of clips.

Stages are timed one after the other in the same process, on the same clips; each
figure is the median of ``repeats`` runs after one warm-up. ``--random large`` builds a
random-weight model of the sizes users run on GPUs (Whisper-large-v3's encoder and a
1.5 B-parameter Llama-style LLM), ``--random default`` one of the shipped model's sizes,
to measure throughput where the base weights are not installed; they have no ASR.
"""

from __future__ import annotations

import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from benchmarks.acoustics import ASTERISK_DIR, write_clips
from benchmarks.report import Figure, Section
from benchmarks.timing import Timing, machine_line
from model_core.audio import load_audio
from model_core.cues import SpeakerBaseline, analyze_clip
from model_core.devices import Placement, pick_placement, quiet_libraries
from model_core.model.config import RANDOM, EmoReasonerConfig
from model_core.model.prompts import emotion_prompt, label_answer
from model_core.model.reasoner import ClipInput, EmoReasoner
from model_core.pipeline import load_model

CLIP_SECONDS = 5.0
RATIONALE_TOKENS = 60
LABEL_TARGET_SECONDS = 2.0
RATIONALE_TARGET_SECONDS = 6.0

WHISPER_LARGE_V3 = dict(
    d_model=1280,
    encoder_layers=32,
    decoder_layers=2,
    encoder_attention_heads=20,
    decoder_attention_heads=20,
    encoder_ffn_dim=5120,
    decoder_ffn_dim=5120,
    num_mel_bins=128,
    vocab_size=51866,
    max_source_positions=1500,
)
LLM_1_5B = dict(
    model_type="llama",
    hidden_size=2048,
    intermediate_size=5632,
    num_hidden_layers=24,
    num_attention_heads=16,
    num_key_value_heads=8,
    vocab_size=49152,
    max_position_embeddings=4096,
    tie_word_embeddings=True,
)


WHISPER_TINY_EN = dict(
    d_model=384,
    encoder_layers=4,
    decoder_layers=4,
    encoder_attention_heads=6,
    decoder_attention_heads=6,
    encoder_ffn_dim=1536,
    decoder_ffn_dim=1536,
    num_mel_bins=80,
    vocab_size=51864,
    max_source_positions=1500,
)
SMOLLM2_135M = dict(
    model_type="llama",
    hidden_size=576,
    intermediate_size=1536,
    num_hidden_layers=30,
    num_attention_heads=9,
    num_key_value_heads=3,
    vocab_size=49152,
    max_position_embeddings=8192,
    tie_word_embeddings=True,
)


# Tiny random model for `python -m benchmarks all --quick` (the machinery in seconds, not a figure).
WHISPER_TINY_RANDOM = dict(
    WHISPER_TINY_EN,
    d_model=32,
    encoder_layers=1,
    decoder_layers=1,
    encoder_attention_heads=2,
    decoder_attention_heads=2,
    encoder_ffn_dim=64,
    decoder_ffn_dim=64,
)
LLM_TINY_RANDOM = dict(
    SMOLLM2_135M,
    hidden_size=64,
    intermediate_size=128,
    num_hidden_layers=2,
    num_attention_heads=4,
    num_key_value_heads=2,
    max_position_embeddings=1024,
)


def random_config(size: str, tokenizer: str = "smollm2-135m-instruct") -> EmoReasonerConfig:
    """Random weights at real sizes: ``default`` (Whisper tiny.en + SmolLM2-135M, the shipped
    model's sizes) or ``large`` (Whisper-large-v3 encoder + a 1.5 B LLM); or ``tiny`` (a
    few million parameters, mostly the tokenizer's embeddings), to check the benchmarks run."""
    if size == "tiny":
        return EmoReasonerConfig(
            name="tiny-random",
            speech_encoder=RANDOM,
            speech_encoder_config=WHISPER_TINY_RANDOM,
            emotion_encoder_config=dict(d_model=32, layers=1, heads=2, conv_stride=4, dropout=0.0),
            llm=RANDOM,
            llm_config=LLM_TINY_RANDOM,
            tokenizer=tokenizer,
        )
    if size == "default":
        return EmoReasonerConfig(
            name="default-size-random",
            speech_encoder=RANDOM,
            speech_encoder_config=WHISPER_TINY_EN,
            llm=RANDOM,
            llm_config=SMOLLM2_135M,
            tokenizer=tokenizer,
        )
    if size == "large":
        return large_config(tokenizer)
    raise ValueError(f"random model size must be 'default', 'large' or 'tiny', got {size!r}")


def large_config(tokenizer: str = "smollm2-135m-instruct") -> EmoReasonerConfig:
    """Random weights, real sizes: Whisper-large-v3 encoder + a 1.5 B LLM (SmolLM2's tokenizer)."""
    return EmoReasonerConfig(
        name="large-random",
        speech_encoder=RANDOM,
        speech_encoder_config=WHISPER_LARGE_V3,
        llm=RANDOM,
        llm_config=LLM_1_5B,
        tokenizer=tokenizer,
        emotion_encoder_config=dict(d_model=512, layers=4, heads=8, conv_stride=4, dropout=0.0),
    )


def _synchronise(placement: Placement) -> None:
    if placement.device.type == "cuda":
        torch.cuda.synchronize()


class Timer:
    """Median wall time of a stage over repeats, after one warm-up run."""

    def __init__(self, placement: Placement, repeats: int):
        self.placement, self.repeats = placement, repeats
        self.results: dict[str, float] = {}
        self.runs: dict[str, list[float]] = {}  # every timed run, for the spread

    def __call__(self, name: str, work: Callable[[], object]):
        result = work()  # warm-up (allocations, kernels, caches)
        times = []
        for _ in range(self.repeats):
            _synchronise(self.placement)
            started = time.perf_counter()
            result = work()
            _synchronise(self.placement)
            times.append(time.perf_counter() - started)
        self.results[name] = statistics.median(times)
        self.runs[name] = times
        return result


def peak_memory(placement: Placement) -> str:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
    text = f"peak process memory {rss:.0f} MiB"
    if placement.device.type == "cuda":
        text += f", peak GPU memory {torch.cuda.max_memory_allocated() / 2**20:.0f} MiB"
    return text


def _stages(
    model: EmoReasoner,
    paths: list[Path],
    timer: Timer,
    prefix: str,
    tokens: int = RATIONALE_TOKENS,
) -> dict[str, float]:
    """Time every stage for ``paths`` as one batch (a ``tokens``-token rationale); return
    the per-stage medians."""
    baseline = SpeakerBaseline.population()
    recordings = timer(f"{prefix}decode", lambda: [load_audio(p) for p in paths])
    measured = timer(
        f"{prefix}acoustics", lambda: [analyze_clip(r, baseline=baseline) for r in recordings]
    )
    clips = [
        ClipInput(r.for_model, analysis, baseline.f0_reference_hz)
        for r, (analysis, _) in zip(recordings, measured, strict=True)
    ]
    whisper = timer(f"{prefix}whisper encoder", lambda: model.whisper_states(clips))
    transcripts = None
    if model.whisper_tokenizer is not None:
        from model_core.asr import Transcriber

        asr = Transcriber.for_model(model)
        transcripts = timer(
            f"{prefix}ASR (decoder)", lambda: asr.transcribe([c.samples for c in clips], whisper)
        )
    labels = model.config.labels
    texts = [t.text for t in transcripts] if transcripts else ["words"] * len(clips)
    ser = [
        emotion_prompt("ser", model.config, transcript=text, cues=summary.descriptor)
        for text, (_, summary) in zip(texts, measured, strict=True)
    ]
    reason = [
        emotion_prompt("reason", model.config, transcript=text, cues=summary.descriptor)
        for text, (_, summary) in zip(texts, measured, strict=True)
    ]
    audio = timer(f"{prefix}emotion encoder + adapters", lambda: model.encode(clips, whisper))
    probabilities = timer(
        f"{prefix}label scoring", lambda: model.score_labels(clips, ser, audio=audio)
    )
    chosen = [labels[int(np.argmax(row))] for row in probabilities]
    prefixes = [label_answer(label) + "Reason:" for label in chosen]
    timer(
        f"{prefix}generation ({tokens} tokens)",
        lambda: model.generate(
            clips,
            reason,
            prefixes=prefixes,
            audio=audio,
            max_new_tokens=tokens,
            min_new_tokens=tokens,
        ),
    )
    return timer.results


def model_section(
    model_spec: str = "default",
    device: str = "auto",
    batch: int = 32,
    repeats: int = 3,
    random: str | None = None,
    speech_dir: Path = ASTERISK_DIR,
    tokenizer: str = "smollm2-135m-instruct",
    tokens: int = RATIONALE_TOKENS,
) -> Section:
    """Time every stage for one clip and for a batch, ``repeats`` runs after a warm-up;
    the rationale is ``tokens`` long. Returns the report and its headline figures."""
    quiet_libraries()
    placement = pick_placement(device)
    started = time.perf_counter()
    model = (
        EmoReasoner(random_config(random, tokenizer), placement)
        if random
        else load_model(model_spec, placement)
    )
    load = time.perf_counter() - started
    parameters = sum(p.numel() for p in model.parameters()) / 1e6
    single, many = Timer(placement, repeats), Timer(placement, repeats)
    with tempfile.TemporaryDirectory() as folder, torch.inference_mode():
        paths = write_clips(Path(folder), batch, CLIP_SECONDS, speech_dir)
        one = _stages(model, paths[:1], single, "", tokens)
        whole = _stages(model, paths, many, "", tokens)
    label_path = [k for k in one if not k.startswith("generation")]
    label_seconds = sum(one[k] for k in label_path)
    generation_key = f"generation ({tokens} tokens)"
    lines = [
        f"## Model: {model.config.name} ({parameters:.0f} M parameters), {placement.describe()}",
        "",
        f"Machine: {machine_line()}; torch threads {torch.get_num_threads()}; model loaded in {load:.1f} s; "
        f"medians (min–max) of {repeats} runs after a warm-up.",
        "",
        f"| stage | one {CLIP_SECONDS:.0f} s clip (s) | batch of {batch} (s) | batch: clips/s |",
        "| --- | ---: | ---: | ---: |",
    ]
    for stage in one:
        lines.append(
            f"| {stage} | {_spread(single.runs[stage])} | {_spread(many.runs[stage])} | "
            f"{batch / whole[stage]:.1f} |"
        )
    tokens_per_second = tokens / one[generation_key]
    batch_tokens = batch * tokens / whole[generation_key]
    with_rationale = label_seconds + one[generation_key]
    batch_rate = batch / sum(whole.values())
    lines += [
        "",
        f"- one clip, label end to end (decode to scoring): **{label_seconds:.2f} s**",
        f"- one clip, label and a {tokens}-token rationale end to end: **{with_rationale:.2f} s**",
        f"- generation: {tokens_per_second:.1f} tokens/s for one clip, {batch_tokens:.1f} tokens/s "
        f"summed over a batch of {batch}",
        f"- whole batch, all stages: {batch_rate:.2f} clips/s",
        f"- {peak_memory(placement)}",
    ]
    where = placement.describe()
    clip = f"one {CLIP_SECONDS:g} s clip"
    # The targets hold for the shipped model's 60-token rationale; other lengths get none.
    full_length = tokens == RATIONALE_TOKENS
    asr = "ASR, " if any(stage.startswith("ASR") for stage in one) else "no ASR (random weights), "
    figures = [
        Figure(
            f"{clip}, label end to end (decode, cues, {asr}encoders, scoring), {where}",
            label_seconds,
            "s",
            f"{label_seconds:.2f} s",
            below=LABEL_TARGET_SECONDS,
        ),
        Figure(
            f"{clip}, label and a {tokens}-token rationale end to end, {where}",
            with_rationale,
            "s",
            f"{with_rationale:.2f} s (generation {tokens_per_second:.1f} tokens/s)",
            below=RATIONALE_TARGET_SECONDS if full_length else None,
        ),
        Figure(
            f"batch of {batch} clips, all stages, {where}",
            batch_rate,
            "clips/s",
            f"{batch_rate:.2f} clips/s; {batch_tokens:.0f} tokens/s generated over the batch",
        ),
    ]
    return Section("\n".join(lines) + "\n", figures)


def _spread(seconds: list[float]) -> str:
    return Timing("", seconds).spread()
