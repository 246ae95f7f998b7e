"""Privacy: projects, caches and takes are the user's alone; nothing is ever unpickled."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from emostudio.gui import audio_io
from emostudio.store import Project
from model_core.weights import PACKAGED
from tests.faults.killing import REPO

# Loading untrusted pickles runs code; so does a hub model's own Python.
FORBIDDEN = {
    "trust_remote_code=True": re.compile(r"trust_remote_code\s*=\s*True"),
    "torch.load(": re.compile(r"\btorch\.load\s*\("),
    "pickle.load": re.compile(r"\b(c?[Pp]ickle|joblib|dill)\.loads?\s*\("),
    "weights_only=False": re.compile(r"weights_only\s*=\s*False"),
    "allow_pickle=True": re.compile(r"allow_pickle\s*=\s*True"),
}
SOURCES = ("emostudio", "model_core", "train", "scripts", "tests")


@pytest.fixture
def usual_umask():
    """The usual 022: files are world-readable unless the code makes them private."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_no_source_file_unpickles_or_runs_remote_code():
    this = Path(__file__).resolve()  # names the patterns, uses none
    files = [p for top in SOURCES for p in (REPO / top).rglob("*.py") if p.resolve() != this]
    assert len(files) > 100  # the tree was found
    uses = [
        f"{path.relative_to(REPO)}:{number}: {name}"
        for path in files
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        for name, pattern in FORBIDDEN.items()
        if pattern.search(line)
    ]
    assert not uses, "\n".join(uses)


def test_a_project_and_its_journal_are_private(tmp_path, usual_umask):
    path = tmp_path / "study.emostudio"
    with Project(path) as project:
        project.record_import_error("/x.wav", "test")  # something in the write-ahead log
        files = [path, tmp_path / "study.emostudio-wal", tmp_path / "study.emostudio-shm"]
        assert all(p.exists() for p in files)
        assert [mode(p) for p in files] == [0o600] * 3


def test_the_model_cache_is_private(tmp_path, monkeypatch, usual_umask):
    monkeypatch.setenv("EMOSTUDIO_CACHE", str(tmp_path / "cache"))
    package = tmp_path / "package" / "weights.gguf"
    package.parent.mkdir()
    package.write_bytes(b"weights")

    def convert(source, out):  # as converters do: files and folders with the umask's modes
        (out / "config.json").write_text("{}")
        (out / "tokenizer").mkdir()
        (out / "tokenizer" / "vocab.json").write_text("{}")

    source = replace(
        PACKAGED["smollm2-135m-instruct"],
        locate=lambda: package,
        sha256=hashlib.sha256(b"weights").hexdigest(),
        convert=convert,
    )
    folder = source.prepare()
    for root, _folders, files in os.walk(tmp_path / "cache"):
        assert mode(root) == 0o700, root
        for name in files:
            assert mode(os.path.join(root, name)) & 0o077 == 0, os.path.join(root, name)
    assert (folder / "tokenizer" / "vocab.json").exists()


class SilentInput:
    def __init__(self, **options):
        pass

    def start(self):
        pass

    def stop(self):
        pass

    def close(self):
        pass


def test_recorded_takes_are_private(tmp_path, usual_umask):
    takes = tmp_path / "takes"
    writer = audio_io.TakeWriter(audio_io.take_path(takes), stream_factory=SilentInput)
    assert mode(writer.path) == 0o600 and mode(writer.mark) == 0o600  # from the first byte
    take = writer.stop()
    assert mode(take) == 0o600 and mode(takes) == 0o700
