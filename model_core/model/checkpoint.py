"""Checkpoint folders: only the trained parts, as safetensors, written atomically.

Layout::

    emostudio_config.json       EmoReasonerConfig (sources, labels, budgets, prompt switches)
    adapters.safetensors        speech and emotion adapters
    emotion_encoder.safetensors the prosody encoder, when it is trained
    lora/adapter_model.safetensors, lora/adapter_config.json   peft LoRA weights
    label_head.safetensors      the label head, when the model has one (model_core.model.head)
    training_args.json          (written by the train package)
    README.md                   model card

Base weights are not copied: they are resolved from the config's sources.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from safetensors.torch import load_file, save_file

from model_core.devices import Placement
from model_core.errors import EmoStudioError
from model_core.model.config import CONFIG_FILE, EmoReasonerConfig
from model_core.weights.sources import PICKLE_SUFFIXES, UnsafeWeightsError

if TYPE_CHECKING:
    import torch
    from torch import nn

    from model_core.model.head import LabelHead
    from model_core.model.reasoner import EmoReasoner

ADAPTERS_FILE = "adapters.safetensors"
EMOTION_ENCODER_FILE = "emotion_encoder.safetensors"
LORA_DIR = "lora"
LORA_FILE = "adapter_model.safetensors"


class CheckpointError(EmoStudioError, RuntimeError):
    """A checkpoint folder is missing parts or does not fit its config."""


def refuse_pickles(folder: Path) -> None:
    """A checkpoint holding any pickle-format file is refused outright."""
    pickles = sorted(
        str(p.relative_to(folder)) for p in folder.rglob("*") if p.suffix in PICKLE_SUFFIXES
    )
    if pickles:
        raise UnsafeWeightsError(
            f"{folder}: holds pickle-format files ({', '.join(pickles[:3])}); EmoStudio loads "
            "checkpoints made of safetensors only and will not open this one."
        )


def save_checkpoint(
    model: EmoReasoner,
    folder: str | Path,
    model_card: str | None = None,
    extra_files: dict[str, str] | None = None,
) -> Path:
    """Write ``model``'s trainable parts to ``folder``, replacing it as a whole.

    The folder is built beside its destination and renamed into place, so a killed save
    leaves the previous checkpoint (or nothing), never half of one.
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    for stale in folder.parent.glob(f".{folder.name}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)  # left by a killed save: never used, only disk
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-", dir=folder.parent))
    try:
        state = model.trainable_state()
        model.config.save(tmp)
        save_file(
            {k: v.detach().cpu().contiguous() for k, v in state["adapters"].items()},
            str(tmp / ADAPTERS_FILE),
        )
        if "emotion_encoder" in state:
            save_file(
                {k: v.detach().cpu().contiguous() for k, v in state["emotion_encoder"].items()},
                str(tmp / EMOTION_ENCODER_FILE),
            )
        lora_dir = tmp / LORA_DIR
        lora_dir.mkdir()
        save_file(
            {k: v.detach().cpu().contiguous() for k, v in state["lora"].items()},
            str(lora_dir / LORA_FILE),
        )
        peft_config = model.llm.peft_config["default"]
        (lora_dir / "adapter_config.json").write_text(
            json.dumps(peft_config.to_dict(), indent=2, default=str)
        )
        if model.head is not None:
            model.head.save(tmp)
        for name, text in (extra_files or {}).items():
            (tmp / name).write_text(text)
        (tmp / "README.md").write_text(model_card or default_card(model.config))
        replace_folder(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def replace_folder(new: Path, folder: Path) -> None:
    """Put the finished folder ``new`` in the place of ``folder`` (same file system).

    An existing ``folder`` is first moved out of sight to ``.<name>.old`` and deleted
    after the swap: deleting it in place could leave half of it under its name after a
    kill. A kill between the two renames leaves the old folder whole under that name,
    where the caller's loader can restore it.
    """
    old = folder.with_name(f".{folder.name}.old")
    if folder.exists():
        shutil.rmtree(old, ignore_errors=True)
        os.replace(folder, old)
    os.replace(new, folder)
    shutil.rmtree(old, ignore_errors=True)


def load_checkpoint(folder: str | Path, placement: Placement) -> EmoReasoner:
    """Rebuild an EmoReasoner from its config's sources and load the trained parts."""
    from model_core.model.reasoner import EmoReasoner

    folder = Path(folder)
    if not (folder / CONFIG_FILE).exists():
        raise CheckpointError(f"{folder}: not an EmoReasoner checkpoint (no {CONFIG_FILE})")
    refuse_pickles(folder)
    _require_parts(folder)
    try:
        config = EmoReasonerConfig.load(folder)
    except ValueError as err:  # not JSON, or another class's config: the message names the file
        raise CheckpointError(str(err)) from err
    model = EmoReasoner(config, placement)
    load_trainable_parts(model, folder)
    model.head = load_head(folder)
    if model.head is not None and list(model.head.labels) != list(config.labels):
        raise CheckpointError(
            f"{folder}: its label head gives {', '.join(model.head.labels)} but the model's "
            f"labels are {', '.join(config.labels)}; refit the head (emostudio-train fit-head)"
        )
    model.to(device=placement.device, dtype=placement.dtype)
    return model.eval()


def load_head(folder: Path) -> LabelHead | None:
    """The folder's label head, or None when the model scores labels with its LLM."""
    from safetensors import SafetensorError

    from model_core.model.head import HEAD_FILE, LabelHead

    if not (folder / HEAD_FILE).exists():
        return None
    try:
        return LabelHead.load(folder)
    except (ValueError, KeyError, OSError, SafetensorError) as err:
        raise CheckpointError(f"{folder / HEAD_FILE}: {err}") from err


def _require_parts(folder: Path) -> None:
    missing = [
        name for name in (ADAPTERS_FILE, f"{LORA_DIR}/{LORA_FILE}") if not (folder / name).exists()
    ]
    if missing:
        raise CheckpointError(f"{folder}: incomplete checkpoint ({', '.join(missing)} missing)")


def load_trainable_parts(model: EmoReasoner, folder: str | Path) -> None:
    """Load a checkpoint's adapters, emotion encoder and LoRA weights into ``model``.

    Raises
    ------
    CheckpointError
        When parts are missing or do not fit the model.
    """
    from peft import set_peft_model_state_dict

    folder = Path(folder)
    refuse_pickles(folder)
    _require_parts(folder)
    try:
        adapters = _read(folder / ADAPTERS_FILE)
        _load_prefixed(model.speech_branch, adapters, "speech_branch.")
        _load_prefixed(model.emotion_branch, adapters, "emotion_branch.")
        encoder_file = folder / EMOTION_ENCODER_FILE
        if encoder_file.exists():
            model.emotion_encoder.load_state_dict(_read(encoder_file))
        lora = _read(folder / LORA_DIR / LORA_FILE)
        result = set_peft_model_state_dict(model.llm, lora)
    except CheckpointError:  # a damaged file: already says so
        raise
    except RuntimeError as err:  # shape or key mismatch from load_state_dict
        raise CheckpointError(f"{folder}: weights do not fit the config ({err})") from err
    unexpected = [k for k in getattr(result, "unexpected_keys", []) if "lora" in k]
    if unexpected:
        raise CheckpointError(f"{folder}: LoRA weights do not fit the LLM ({unexpected[:3]})")


def _read(file: Path) -> dict[str, torch.Tensor]:
    """A safetensors file's tensors; CheckpointError when it is damaged (e.g. truncated)."""
    from safetensors import SafetensorError

    try:
        return load_file(str(file))
    except (SafetensorError, OSError) as err:
        raise CheckpointError(f"{file}: damaged or truncated safetensors file ({err})") from err


def _load_prefixed(module: nn.Module, state: dict[str, torch.Tensor], prefix: str) -> None:
    part = {k[len(prefix) :]: v for k, v in state.items() if k.startswith(prefix)}
    module.load_state_dict(part)


def default_card(config: EmoReasonerConfig) -> str:
    status = "trained" if config.trained else "UNTRAINED (adapters and LoRA freshly initialised)"
    return (
        f"# {config.name} {config.version}\n\n"
        f"EmoReasoner checkpoint, {status}.\n\n"
        f"- speech encoder: {config.speech_encoder}\n- emotion encoder: {config.emotion_encoder}\n"
        f"- LLM: {config.llm} (LoRA r={config.lora_r} on {', '.join(config.lora_targets)})\n"
        f"- labels: {', '.join(config.labels)}\n"
    )
