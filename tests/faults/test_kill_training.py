"""kill -9 during ``emostudio-train fit``: a rerun resumes from the newest whole checkpoint and
ends where an uninterrupted run ends; no half checkpoint is ever under a checkpoint's name."""

from __future__ import annotations

import json
import re
import time

import numpy as np
import pytest
import torch
from safetensors import safe_open
from safetensors.torch import load_file

from tests.faults.killing import kill, python, start
from tests.helpers.corpora import pitch_task
from train.state import CHECKPOINT_PREFIX, STATE_FILE, latest_checkpoint, prune_checkpoints

KILLS = 3  # two during the steps and their saves, one around the final save
STEPS = 12
WEIGHTS = ("adapters.safetensors", "emotion_encoder.safetensors", "lora/adapter_model.safetensors")
CHECKPOINT_FILES = (
    STATE_FILE,
    "optimizer.safetensors",
    "optimizer.json",
    "scheduler.json",
    "rng.safetensors",
    "rng.json",
    "model/emostudio_config.json",
    "model/adapters.safetensors",
    "model/lora/adapter_model.safetensors",
    "model/lora/adapter_config.json",
)


def wait_for_step(log, step: int, process) -> None:
    """Wait until the run has logged step ``step`` or a later one (or has ended)."""
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        if any(
            int(n) >= step
            for n in re.findall(rf"step (\d+)/{STEPS} ", log.read_text(errors="replace"))
        ):
            return
        time.sleep(0.02)
    assert process.poll() is not None, f"no step {step} in 300 s:\n{log.read_text()[-3000:]}"


def assert_whole(folder, names) -> None:
    for name in names:
        path = folder / name
        assert path.is_file(), f"{path} is missing: a half checkpoint"
        if path.suffix == ".json":
            json.loads(path.read_text())
        else:
            with safe_open(str(path), framework="pt") as handle:
                assert handle.keys() is not None


def configs(tmp_path):
    from tests.train.test_training import _to_toml, fit_config

    manifest = pitch_task(tmp_path / "data", n_per_class=6)
    options = dict(
        epochs=3, max_steps=STEPS, save_every=1, batch_size=2, cache_dir=str(tmp_path / "features")
    )
    reference = fit_config(tmp_path / "reference", manifest, **options)
    killed = fit_config(tmp_path / "killed", manifest, **options)
    toml = tmp_path / "fit.toml"
    toml.write_text(_to_toml(killed))
    return reference, toml, tmp_path / "killed" / "run"


@pytest.mark.slow
def test_killed_training_resumes_and_ends_as_if_never_killed(tmp_path):
    from train.trainer import fit

    reference, toml, run = configs(tmp_path)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as in the children: sums in the same order, the same weights
    try:
        expected = fit(reference, say=lambda _m: None)  # also fills the shared feature cache
    finally:
        torch.set_num_threads(threads)
    rng = np.random.default_rng(17)
    # After step k is logged, the kill lands in a following step or save: early steps and at
    # most 10 ms later, because on an idle machine the tiny run's 12 steps take well under a
    # second. After the last but one, it lands in the last step, its saves or the final
    # model's save (or after the run ended: that kill may miss).
    steps = [*sorted(rng.choice(np.arange(1, STEPS // 2), KILLS - 1, replace=False)), STEPS - 1]
    command = python("train.cli", "fit", "--config", str(toml))
    landed = 0
    for round_, step in enumerate(steps):
        log = tmp_path / f"fit-{round_}.log"
        process = start(command, log, env={"OMP_NUM_THREADS": "1"})
        wait_for_step(log, step, process)
        time.sleep(float(rng.uniform(0.0, 0.01 if step < STEPS - 1 else 0.6)))
        landed += kill(process)
        for folder in (run / "checkpoints").glob(f"{CHECKPOINT_PREFIX}*"):
            assert_whole(folder, CHECKPOINT_FILES)
        if (run / "final").exists():
            assert_whole(run / "final", ("emostudio_config.json", *WEIGHTS))
    assert landed >= KILLS - 1  # the last may come after the run ended
    newest = latest_checkpoint(run / "checkpoints")
    log = tmp_path / "fit-last.log"
    process = start(command, log, env={"OMP_NUM_THREADS": "1"})
    assert process.wait(timeout=300) == 0, log.read_text()[-3000:]
    resumed = re.search(r"resuming from (\S+)", log.read_text())
    assert (resumed and resumed.group(1)) == (str(newest) if newest else None), log.read_text()[
        -2000:
    ]
    for name in WEIGHTS:
        a, b = load_file(str(expected / name)), load_file(str(run / "final" / name))
        assert a.keys() == b.keys()
        for key in a:
            torch.testing.assert_close(a[key], b[key], rtol=0, atol=1e-6, msg=f"{name}:{key}")
    assert not [p.name for p in (run / "checkpoints").iterdir() if p.name.startswith(".")]


def test_what_a_kill_leaves_beside_checkpoints_is_put_back_or_removed(tmp_path):
    """The states a kill inside ``save_training_checkpoint`` or ``prune_checkpoints`` leaves."""
    checkpoints = tmp_path / "checkpoints"

    def checkpoint(name, whole=True):
        (checkpoints / name).mkdir(parents=True)
        if whole:
            (checkpoints / name / STATE_FILE).write_text("{}")
        return checkpoints / name

    checkpoint("step-0000002")
    checkpoint(
        ".step-0000004.old"
    )  # killed between moving step 4 aside and renaming the new one in
    checkpoint(".step-0000004.tmp-abc")  # the new one, never renamed: not trusted
    checkpoint(".step-0000001.deleting", whole=False)  # killed while pruning step 1
    assert latest_checkpoint(checkpoints) == checkpoints / "step-0000004"
    prune_checkpoints(checkpoints, keep=1)
    assert sorted(p.name for p in checkpoints.iterdir()) == ["step-0000004"]
