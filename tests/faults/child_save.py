"""Save a tiny EmoReasoner's checkpoint again and again until killed (run by ``test_kill_checkpoint``).

Usage: ``python -m tests.faults.child_save WORKDIR``. Builds the model, prints ``ready``,
then before save ``k`` sets every saved tensor to ``k`` (so that a checkpoint mixing two
saves shows) and prints ``k`` once that save returned.
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch

from model_core.devices import pick_placement
from model_core.model.reasoner import EmoReasoner
from tests.helpers.tiny_models import tiny_config


def stamp(model: EmoReasoner, value: int) -> None:
    """Set every tensor a checkpoint holds to ``value``."""
    with torch.no_grad():
        for part in model.trainable_state().values():
            for tensor in part.values():
                tensor.fill_(value)


def stamps(model: EmoReasoner) -> set[float]:
    """The values of the tensors a checkpoint holds (one value when it was saved whole)."""
    return {
        v
        for part in model.trainable_state().values()
        for t in part.values()
        for v in t.unique().tolist()
    }


if __name__ == "__main__":
    workdir = Path(sys.argv[1])
    model = EmoReasoner(tiny_config(workdir), pick_placement("cpu"))
    print("ready", flush=True)
    save = 0
    while True:
        save += 1
        stamp(model, save)
        model.save_pretrained(workdir / "checkpoint")
        print(save, flush=True)
