"""Training checkpoints that resume exactly, stored without pickle.

A checkpoint folder holds the model's trainable parts (an EmoReasoner checkpoint in
``model/``), the optimizer's tensors (``optimizer.safetensors``) and the rest of its state
(``optimizer.json``), the learning-rate schedule (``scheduler.json``), every random
generator (``rng.safetensors``, ``rng.json``) and where training stood
(``trainer_state.json``: epoch, next batch, optimizer steps). Folders are written under a
temporary name and renamed, so an interrupted save leaves the previous checkpoint whole.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from model_core.model.checkpoint import replace_folder

STATE_FILE = "trainer_state.json"
CHECKPOINT_PREFIX = "step-"


@dataclass
class TrainerState:
    epoch: int = 0  # epoch in progress
    batch: int = 0  # next batch of that epoch (this process's share)
    step: int = 0  # optimizer steps done
    examples: int = 0  # examples seen (all processes)
    config_digest: str = ""


def _optimizer_parts(optimizer: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor], dict]:
    state = optimizer.state_dict()
    tensors, scalars = {}, {}
    for index, values in state["state"].items():
        for name, value in values.items():
            if torch.is_tensor(value):
                tensors[f"{index}.{name}"] = value.detach().cpu().contiguous()
            else:
                scalars[f"{index}.{name}"] = value
    return tensors, {"param_groups": state["param_groups"], "scalars": scalars}


def _restore_optimizer(optimizer: torch.optim.Optimizer, tensors: dict, meta: dict) -> None:
    state: dict[int, dict] = {}
    for key, value in list(tensors.items()) + list(meta["scalars"].items()):
        index, name = key.split(".", 1)
        state.setdefault(int(index), {})[name] = value
    optimizer.load_state_dict({"state": state, "param_groups": meta["param_groups"]})


def _rng_parts() -> tuple[dict[str, torch.Tensor], dict]:
    tensors = {"torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        for i, cuda_state in enumerate(torch.cuda.get_rng_state_all()):
            tensors[f"cuda.{i}"] = cuda_state
    kind, keys, position, has_gauss, gauss = np.random.get_state()
    python_version, python_state, python_gauss = random.getstate()
    meta = {
        "numpy": [kind, keys.tolist(), position, has_gauss, gauss],
        "python": [python_version, list(python_state), python_gauss],
    }
    return tensors, meta


def _restore_rng(tensors: dict, meta: dict) -> None:
    torch.set_rng_state(tensors["torch"])
    cuda = [tensors[k] for k in sorted(k for k in tensors if k.startswith("cuda."))]
    if cuda and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(cuda)
    kind, keys, position, has_gauss, gauss = meta["numpy"]
    np.random.set_state((kind, np.array(keys, dtype=np.uint32), position, has_gauss, gauss))
    version, python_state, python_gauss = meta["python"]
    random.setstate((version, tuple(python_state), python_gauss))


def save_training_checkpoint(
    folder: Path, model, optimizer, scheduler, state: TrainerState, training_args: dict
) -> Path:
    """Write everything needed to resume into ``folder`` (atomically)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-", dir=folder.parent))
    try:
        model.save_pretrained(
            tmp / "model", extra_files={"training_args.json": json.dumps(training_args, indent=2)}
        )
        tensors, meta = _optimizer_parts(optimizer)
        save_file(tensors, str(tmp / "optimizer.safetensors"))
        (tmp / "optimizer.json").write_text(json.dumps(meta))
        (tmp / "scheduler.json").write_text(json.dumps(scheduler.state_dict()))
        tensors, meta = _rng_parts()
        save_file(tensors, str(tmp / "rng.safetensors"))
        (tmp / "rng.json").write_text(json.dumps(meta))
        (tmp / STATE_FILE).write_text(json.dumps(asdict(state), indent=2))
        replace_folder(tmp, folder)  # the same step saved again replaces it whole or not at all
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def latest_checkpoint(checkpoints: Path) -> Path | None:
    """The newest complete checkpoint folder under ``checkpoints``, if any."""
    if not checkpoints.is_dir():
        return None
    for moved in checkpoints.glob(f".{CHECKPOINT_PREFIX}*.old"):
        original = moved.with_name(moved.name[1 : -len(".old")])
        if not original.exists():  # a save killed between its two renames: the old one is whole
            os.replace(moved, original)
    complete = [
        p
        for p in checkpoints.iterdir()
        if p.name.startswith(CHECKPOINT_PREFIX) and (p / STATE_FILE).exists()
    ]
    return max(complete, key=lambda p: int(p.name[len(CHECKPOINT_PREFIX) :]), default=None)


def load_training_checkpoint(folder: Path, model, optimizer, scheduler) -> TrainerState:
    """Restore weights, optimizer, schedule and random generators; return where training stood."""
    from model_core.model.checkpoint import load_trainable_parts

    load_trainable_parts(model, folder / "model")
    _restore_optimizer(
        optimizer,
        load_file(str(folder / "optimizer.safetensors")),
        json.loads((folder / "optimizer.json").read_text()),
    )
    scheduler.load_state_dict(json.loads((folder / "scheduler.json").read_text()))
    _restore_rng(
        load_file(str(folder / "rng.safetensors")), json.loads((folder / "rng.json").read_text())
    )
    return TrainerState(**json.loads((folder / STATE_FILE).read_text()))


def prune_checkpoints(checkpoints: Path, keep: int) -> None:
    """Remove all but the newest ``keep`` checkpoint folders, and what killed saves left."""
    for stale in checkpoints.glob(f".{CHECKPOINT_PREFIX}*"):  # .step-N.tmp-*, .old, .deleting
        shutil.rmtree(stale, ignore_errors=True)
    folders = sorted(
        (p for p in checkpoints.iterdir() if p.name.startswith(CHECKPOINT_PREFIX)),
        key=lambda p: int(p.name[len(CHECKPOINT_PREFIX) :]),
    )
    for old in folders[:-keep] if keep > 0 else []:
        hidden = old.with_name(f".{old.name}.deleting")
        os.replace(old, hidden)  # out of sight first: a kill mid-delete leaves no half checkpoint
        shutil.rmtree(hidden, ignore_errors=True)
