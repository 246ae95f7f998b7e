"""Model sources offline: hub ids fail fast, pickles are refused, the cache is all or nothing."""

from __future__ import annotations

import os
import stat
from dataclasses import replace

import pytest

from model_core.weights import PACKAGED, UnsafeWeightsError, WeightsUnavailableError, resolve_source
from model_core.weights.cache import build_atomically, is_complete


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EMOSTUDIO_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_hub_id_offline_fails_at_once_and_says_how(monkeypatch):
    monkeypatch.delenv("EMOSTUDIO_ALLOW_DOWNLOADS", raising=False)
    with pytest.raises(WeightsUnavailableError) as err:
        resolve_source("openai/whisper-large-v3")
    message = str(err.value)
    assert "downloads are off" in message and "--local-dir" in message


def test_downloads_stay_off_when_the_hub_is_offline(monkeypatch):
    monkeypatch.setenv("EMOSTUDIO_ALLOW_DOWNLOADS", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(WeightsUnavailableError, match="downloads are off"):
        resolve_source("microsoft/wavlm-base-plus")


def test_unknown_source_lists_what_exists():
    with pytest.raises(WeightsUnavailableError, match=r"whisper-tiny\.en"):
        resolve_source("no-such-model")


def test_local_folder_with_only_pickles_is_refused(tmp_path):
    (tmp_path / "pytorch_model.bin").write_bytes(b"\x80\x04")
    with pytest.raises(UnsafeWeightsError, match="safetensors only"):
        resolve_source(tmp_path)
    (tmp_path / "model.safetensors").write_bytes(b"")
    assert resolve_source(tmp_path) == tmp_path  # safetensors present: only those are loaded


def test_atomic_build_leaves_nothing_when_interrupted(private_cache):
    destination = private_cache / "models" / "thing"

    def broken(folder):
        (folder / "half.safetensors").write_bytes(b"partial")
        raise KeyboardInterrupt  # as if the process were stopped mid-conversion

    with pytest.raises(KeyboardInterrupt):
        build_atomically(destination, broken)
    assert not destination.exists()
    assert not list(destination.parent.glob(".thing.tmp-*"))
    calls = []
    build_atomically(
        destination, lambda folder: calls.append((folder / "w.safetensors").write_bytes(b"ok"))
    )
    assert is_complete(destination) and (destination / "w.safetensors").read_bytes() == b"ok"
    build_atomically(destination, lambda folder: calls.append("again"))
    assert calls == [2]  # a complete folder is never rebuilt
    assert stat.S_IMODE(os.stat(destination).st_mode) == 0o700


def test_stale_half_folders_are_cleaned_up(private_cache):
    destination = private_cache / "models" / "thing"
    destination.mkdir(parents=True)
    (destination / "half.safetensors").write_bytes(b"x")  # no completion marker: untrusted
    stale = destination.parent / ".thing.tmp-123"
    stale.mkdir()
    build_atomically(destination, lambda folder: (folder / "new.safetensors").write_bytes(b"y"))
    assert not (destination / "half.safetensors").exists() and not stale.exists()


def test_a_damaged_package_file_is_detected(private_cache):
    source = replace(PACKAGED["whisper-tiny.en"], sha256="0" * 64)
    with pytest.raises(WeightsUnavailableError, match="damaged or a different version"):
        source.prepare()
    assert not source.cache_folder().exists()
