"""``fit``: task-alternating LoRA training of EmoReasoner, resumable, on 1..n devices.

Hugging Face Accelerate handles devices, mixed precision (bf16/fp16 autocast on GPUs,
trainable weights kept in fp32), gradient accumulation and data parallelism
(``accelerate launch`` or ``torchrun``): each process takes its share of every epoch's
batches and DDP averages the gradients.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from model_core.devices import Placement
from model_core.errors import EmoStudioError
from model_core.model.reasoner import EmoReasoner
from train.card import training_card
from train.config import FitConfig, TrainingOptions
from train.datasets import EVALUATION_ONLY, DatasetError, load_examples, refuse_evaluation_only
from train.datasets.validate import validate
from train.features import FeatureCache, Prepared, prepare_all_examples
from train.rationales import rationale_map
from train.schedule import (
    EMOTION,
    JOINT,
    SPEECH,
    Batch,
    epoch_groups,
    plan_epoch,
    total_steps,
    units_for,
)
from train.state import (
    CHECKPOINT_PREFIX,
    TrainerState,
    latest_checkpoint,
    load_training_checkpoint,
    prune_checkpoints,
    save_training_checkpoint,
)
from train.targets import training_pair

BRANCHES = {SPEECH: ("speech",), EMOTION: ("emotion",), JOINT: ("speech", "emotion")}
FINAL_DIR = "final"


class TrainingError(EmoStudioError, RuntimeError):
    """Training cannot start or go on; the message says why."""


def _accelerator(device: str, accumulation: int):
    from accelerate import Accelerator
    from accelerate.utils import DistributedDataParallelKwargs

    cpu = device == "cpu" or (device == "auto" and not torch.cuda.is_available())
    precision = "no"
    if not cpu and torch.cuda.is_available():
        precision = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    # Branches a batch does not train take no part in its backward pass.
    ddp = DistributedDataParallelKwargs(find_unused_parameters=True)
    return Accelerator(
        cpu=cpu,
        mixed_precision=precision,
        gradient_accumulation_steps=accumulation,
        kwargs_handlers=[ddp],
    )


def build_model(config: FitConfig, device: torch.device) -> EmoReasoner:
    """The model to train: base weights in the device's dtype, trainable parts in fp32."""
    dtype = torch.float32
    if device.type == "cuda":
        dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    placement = Placement(device, dtype)
    if config.init_from:
        model = EmoReasoner.from_pretrained(config.init_from, placement)
        for key, value in config.model_overrides.items():  # prompt switches only (FitConfig)
            setattr(model.config, key, value)
    else:
        model = EmoReasoner(config.model, placement)
    for parameter in model.parameters():
        if parameter.requires_grad:
            parameter.data = parameter.data.float()
    return model


def cosine_with_warmup(optimizer, warmup: int, total: int):
    """Linear warm-up to the base rate, then cosine decay to zero."""

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / max(1, warmup)
        progress = (step - warmup) / max(1, total - warmup)
        return 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def fit(
    config: FitConfig,
    *,
    resume: bool = True,
    say: Callable[[str], None] = print,
    examples: list | None = None,
    stop_after: int | None = None,
) -> Path | None:
    """Train; return the final checkpoint folder (``<output>/final``).

    ``examples`` replaces the config's ``[data] train`` (cross-validation folds);
    ``stop_after`` stops after that many optimizer steps as an interruption would, right
    after a checkpoint, and returns None (tests of resuming).
    """
    options = config.training
    output = Path(options.output)
    accelerator = _accelerator(options.device, options.gradient_accumulation)
    main = accelerator.is_main_process
    say = say if main else (lambda _message: None)
    torch.manual_seed(options.seed)
    np.random.seed(options.seed)
    if examples is None:
        # Rows a manifest marks dev or test are held out of training.
        examples = [e for spec in config.data.train for e in load_examples(spec)]
        examples = [
            e for e in examples if e.split == "train" or e.source.startswith(tuple(EVALUATION_ONLY))
        ]
    try:
        refuse_evaluation_only(examples, "[data] train")
    except DatasetError as err:
        raise TrainingError(str(err)) from err
    model = build_model(config, accelerator.device)
    labels = model.config.labels
    report = validate(examples, labels)
    say(report.to_text())
    if report.unknown_labels:
        raise TrainingError("labels outside the model's label set: fix the data or [model] labels")
    examples = [e for e in examples if e.audio.exists()]
    cache = FeatureCache(config.cache_dir if options.use_cache else None)
    prepared = prepare_all_examples(
        examples, model, cache, say, population_share=options.population_speakers
    )
    units = units_for([p.example.tasks for p in prepared], options.tasks)
    if not units:
        raise TrainingError(f"no example supports the tasks {options.tasks}")
    rationales = rationale_map(config.data.rationales)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        trainable, lr=options.learning_rate, weight_decay=options.weight_decay
    )
    world = accelerator.num_processes
    steps = total_steps(units, options, world)
    scheduler = cosine_with_warmup(optimizer, int(options.warmup_ratio * steps), steps)
    checkpoints = output / "checkpoints"
    state = TrainerState(config_digest=_digest(config))
    found = latest_checkpoint(checkpoints) if resume else None
    if found is not None:
        state = load_training_checkpoint(found, model, optimizer, scheduler)
        say(f"resuming from {found} (epoch {state.epoch + 1}, step {state.step})")
    wrapped, optimizer = accelerator.prepare(model, optimizer)
    args = {
        "fit_config": config.source,
        "init_from": config.init_from,  # the checkpoint this run continued from, if any
        "training": asdict(options),
        "data": asdict(config.data),
        "examples": len(prepared),
        "units": len(units),
        "processes": world,
    }
    metrics_path = output / "metrics.jsonl"
    board = _tensorboard(output, say) if main else None
    output.mkdir(parents=True, exist_ok=True)
    groups = epoch_groups(options)
    started, last_log, window_loss, window_count = time.perf_counter(), time.perf_counter(), 0.0, 0

    def checkpoint() -> None:
        accelerator.wait_for_everyone()
        if main:
            folder = checkpoints / f"{CHECKPOINT_PREFIX}{state.step:07d}"
            save_training_checkpoint(
                folder, accelerator.unwrap_model(wrapped), optimizer, scheduler, state, args
            )
            prune_checkpoints(checkpoints, options.keep_checkpoints)
        accelerator.wait_for_everyone()

    finished = options.max_steps is not None and state.step >= options.max_steps
    while state.epoch < len(groups) and not finished:
        batches = plan_epoch(units, options, state.epoch, world)[accelerator.process_index :: world]
        wrapped.train()
        while state.batch < len(batches):
            batch = batches[state.batch]
            # Prompt phrasings drawn per (epoch, batch): a resumed run draws the same ones.
            rng = np.random.default_rng(
                [options.seed, state.epoch, state.batch, accelerator.process_index]
            )
            loss = _step(
                wrapped,
                accelerator,
                optimizer,
                scheduler,
                batch,
                prepared,
                model,
                rationales,
                rng,
                options,
            )
            state.batch += 1
            state.examples += len(batch.units) * world
            window_loss, window_count = window_loss + loss, window_count + 1
            if accelerator.sync_gradients:
                state.step += 1
                if state.step % options.log_every == 0 or state.step == steps:
                    elapsed = time.perf_counter() - last_log
                    record = {
                        "step": state.step,
                        "epoch": state.epoch + 1,
                        "group": batch.group,
                        "loss": window_loss / window_count,
                        "lr": scheduler.get_last_lr()[0],
                        "examples_per_s": window_count
                        * options.batch_size
                        * world
                        / max(elapsed, 1e-9),
                        "elapsed_s": time.perf_counter() - started,
                    }
                    if main:
                        _log(metrics_path, record, board)
                        eta = (
                            (time.perf_counter() - started)
                            / max(1, state.step)
                            * (steps - state.step)
                        )
                        say(
                            f"step {state.step}/{steps}  epoch {state.epoch + 1}/{len(groups)} ({batch.group})  "
                            f"loss {record['loss']:.4f}  lr {record['lr']:.2e}  "
                            f"{record['examples_per_s']:.1f} ex/s  ETA {_duration(eta)}"
                        )
                    window_loss, window_count, last_log = 0.0, 0, time.perf_counter()
                if state.step % options.save_every == 0 or state.step == stop_after:
                    checkpoint()
                if state.step == stop_after:
                    return None
                if options.max_steps is not None and state.step >= options.max_steps:
                    finished = True
                    break
        if not finished:
            state.epoch, state.batch = state.epoch + 1, 0
    checkpoint()
    final = output / FINAL_DIR
    if main:
        trained = accelerator.unwrap_model(wrapped)
        trained.config.trained = True
        trained.save_pretrained(
            final,
            model_card=training_card(trained.config, args),
            extra_files={"training_args.json": json.dumps(args, indent=2)},
        )
        say(f"saved the trained model to {final}")
    accelerator.wait_for_everyone()
    return final


def _step(
    wrapped,
    accelerator,
    optimizer,
    scheduler,
    batch: Batch,
    prepared: list[Prepared],
    model: EmoReasoner,
    rationales: dict[str, str],
    rng: np.random.Generator,
    options: TrainingOptions,
) -> float:
    items = [prepared[u.index] for u in batch.units]
    max_grad_norm = options.max_grad_norm
    pairs = [
        training_pair(item, u.task, model.config, rationales, rng, options.prompt_pool, options)
        for item, u in zip(items, batch.units, strict=True)
    ]
    with accelerator.accumulate(wrapped), accelerator.autocast():
        loss = wrapped(
            [item.clip for item in items],
            [p for p, _ in pairs],
            [a for _, a in pairs],
            branches=BRANCHES[batch.group],
        )
        accelerator.backward(loss)
        if accelerator.sync_gradients and max_grad_norm:
            accelerator.clip_grad_norm_(
                [p for p in wrapped.parameters() if p.requires_grad], max_grad_norm
            )
        optimizer.step()
        if accelerator.sync_gradients:
            scheduler.step()
        optimizer.zero_grad(set_to_none=True)
    return float(loss.detach())


def _digest(config: FitConfig) -> str:
    import hashlib

    text = json.dumps(
        {"model": config.model.to_dict(), "training": asdict(config.training)}, sort_keys=True
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _log(path: Path, record: dict, board=None) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
    if board is not None:
        for name in ("loss", "lr", "examples_per_s"):
            board.add_scalar(f"train/{name}", record[name], record["step"])
        board.flush()


def _tensorboard(output: Path, say: Callable[[str], None]):
    """A TensorBoard writer when the ``tensorboard`` package is installed, else None."""
    import importlib.util

    if importlib.util.find_spec("tensorboard") is None:
        say("TensorBoard is not installed: metrics go to metrics.jsonl only")
        return None
    from torch.utils.tensorboard import SummaryWriter

    return SummaryWriter(str(output / "tensorboard"))


def _duration(seconds: float) -> str:
    seconds = int(max(0, seconds))
    return (
        f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
        if seconds >= 3600
        else f"{seconds // 60}m{seconds % 60:02d}s"
    )
