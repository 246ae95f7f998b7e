"""A full disk during ``emostudio import``: the import stops with a message that says so, the
project stays whole, and once there is room a rerun completes with every good file once."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import uuid

import numpy as np
import pytest
import soundfile as sf

from emostudio.store import Project
from tests.emostudio.store.test_import import check_complete, make_folder
from tests.faults.killing import REPO
from tests.helpers.signals import syllable_train

pytestmark = pytest.mark.slow
ROOM = 2_500_000  # bytes: a dozen small files fit, the long one does not
LONG_RATE = 48_000


def folder_with_a_long_take(root):
    """``make_folder``'s files plus an 11 s stereo float take (4 MB): copied into the project,
    it overflows SQLite's page cache, so the disk fills in the middle of its transaction."""
    names, broken, duplicate = make_folder(root, good=12)
    voice = syllable_train(44, rate=LONG_RATE)
    long_take = root / "speaker_a" / "clip000_long.wav"  # after the odd files, before the clips
    sf.write(long_take, np.stack([voice, 0.8 * voice], axis=1), LONG_RATE, subtype="FLOAT")
    return [*names, long_take], broken, duplicate


def run_import(folder, db, preexec_fn=None):
    command = [
        sys.executable,
        "-m",
        "emostudio",
        "import",
        str(folder),
        "--db",
        str(db),
        "--recursive",
        "--cues-only",
        "--copy",
        "--workers",
        "1",
        "--quiet",
    ]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        env=dict(os.environ, PYTHONWARNINGS="ignore"),
        preexec_fn=preexec_fn,
    )


def check_stopped_cleanly(result, db):
    assert result.returncode == 2, result.stdout + result.stderr
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith(f"emostudio: {db}: cannot write") and "no space" in message, message
    assert "Traceback" not in result.stderr
    with Project(db) as project:
        assert project.integrity() == "ok"
        stored = project.counts()["recordings"]
    assert stored >= 1 and f"; {stored} files were imported and are kept" in message  # none lost


def test_an_import_that_meets_a_file_size_limit_stops_and_resumes(tmp_path):
    """RLIMIT_FSIZE: writes past it fail with EFBIG, as writes to a full disk fail with ENOSPC."""
    names, broken, duplicate = folder_with_a_long_take(tmp_path / "data")
    db = tmp_path / "p.emostudio"

    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (ROOM, ROOM))

    check_stopped_cleanly(run_import(tmp_path / "data", db, limited), db)
    result = run_import(tmp_path / "data", db)
    assert result.returncode == 1, result.stderr  # the broken files are reported, as always
    check_complete(db, names, broken, duplicate)


def test_an_import_onto_a_full_filesystem_stops_and_resumes(tmp_path):
    """A real ENOSPC: the project on a small tmpfs (needs root), grown afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    names, broken, duplicate = folder_with_a_long_take(tmp_path / "data")
    disk = tmp_path / "disk"
    disk.mkdir()
    mount = subprocess.run(
        [
            "mount",
            "-t",
            "tmpfs",
            "-o",
            f"size={ROOM}",
            f"emostudio-{uuid.uuid4().hex[:8]}",
            str(disk),
        ],
        capture_output=True,
        text=True,
    )
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mount.stderr.strip()}")
    try:
        db = disk / "p.emostudio"
        check_stopped_cleanly(run_import(tmp_path / "data", db), db)
        subprocess.run(["mount", "-o", f"remount,size={20 * ROOM}", str(disk)], check=True)
        result = run_import(tmp_path / "data", db)
        assert result.returncode == 1, result.stderr
        check_complete(db, names, broken, duplicate)
    finally:
        subprocess.run(["umount", str(disk)], check=True)
