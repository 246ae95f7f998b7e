"""kill -9 while the packaged base weights are converted: each cache entry is whole or absent."""

from __future__ import annotations

import json
import os
import stat
import time

import numpy as np
import pytest
from safetensors import safe_open

from model_core.weights import PACKAGED
from model_core.weights.cache import is_complete
from tests.faults.killing import kill, python, start

pytestmark = [pytest.mark.slow, pytest.mark.real_data]
KILLS = 3


def whole_or_absent(models) -> set[str]:
    """Names whose cache folder is present; fails on any present folder that is not whole."""
    present = set()
    for name, source in PACKAGED.items():
        folder = source.cache_folder()
        if not folder.exists():
            continue
        present.add(name)
        assert is_complete(folder), f"{folder} is there but not complete"
        for config in folder.glob("*.json"):
            json.loads(config.read_text())
        (weights,) = folder.glob("*.safetensors")
        with safe_open(str(weights), framework="np") as handle:  # its header and index parse
            assert handle.keys()
    # Only whole folders, their locks and a killed conversion's temporary folder: nothing half.
    for entry in models.iterdir() if models.exists() else []:
        assert entry.name.startswith(".") or entry.name in {
            s.cache_folder().name for s in PACKAGED.values()
        }
    return present


def test_killed_conversions_leave_whole_entries_or_none(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("EMOSTUDIO_CACHE", str(cache))  # for the children and cache_folder() here
    rng = np.random.default_rng(3)
    models, command = cache / "models", python("emostudio", "models", "prepare")
    for round_ in range(KILLS):
        process = start(command, tmp_path / f"prepare-{round_}.log")
        time.sleep(float(rng.uniform(0.5, 10.0)))  # loading, converting whisper, then the LLM
        assert kill(process), (tmp_path / f"prepare-{round_}.log").read_text()[-2000:]
        whole_or_absent(models)
    log = tmp_path / "prepare-final.log"
    process = start(command, log)
    assert process.wait(timeout=300) == 0, log.read_text()[-3000:]
    assert whole_or_absent(models) == set(PACKAGED)
    assert not list(models.glob(".*.tmp-*"))  # what the killed conversions left is gone
    _check_private(cache)
    _check_loadable()


def _check_private(cache):
    """The cache holds what the user analyses with: folders 0700, files not for others."""
    for root, _folders, files in os.walk(cache):
        assert stat.S_IMODE(os.stat(root).st_mode) == 0o700, root
        for name in files:
            assert stat.S_IMODE(os.stat(os.path.join(root, name)).st_mode) & 0o077 == 0, name


def _check_loadable():
    import torch
    from transformers import AutoModelForCausalLM, WhisperForConditionalGeneration

    for source, cls in (
        ("whisper-tiny.en", WhisperForConditionalGeneration),
        ("smollm2-135m-instruct", AutoModelForCausalLM),
    ):
        _, info = cls.from_pretrained(
            PACKAGED[source].cache_folder(),
            dtype=torch.float32,
            use_safetensors=True,
            output_loading_info=True,
        )
        assert not info["missing_keys"] and not info["unexpected_keys"], (source, info)
