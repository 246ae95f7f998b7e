"""A cluster import whose driver is killed mid-run, run again, analyses each file once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
import soundfile as sf

pytest.importorskip("ray", reason="the [cluster] extra is not installed")


def analysed(db) -> int:
    """Recordings with an analysis so far (0 before the project exists)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(DISTINCT sha256) FROM analyses").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is being written
        return 0


@pytest.mark.slow
def test_a_killed_driver_resumes_and_analyses_every_file_once(tiny_model, asterisk_files, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for path in asterisk_files:
        samples, rate = sf.read(path, dtype="float32")
        for step in range(6):  # distinct contents
            sf.write(folder / f"{path.stem}_{step}.wav", samples * (1 - step / 10), rate)
    n_files = 6 * len(asterisk_files)
    db = tmp_path / "p.db"
    command = [sys.executable, "-m", "emostudio", "import", str(folder), "--db", str(db)]
    command += ["--model", str(tiny_model), "--device", "cpu", "--no-transcript"]
    command += ["--rationale-source", "composer", "--cluster", "--workers", "1", "--quiet"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "RAY_ADDRESS": ""}
    driver = subprocess.Popen(command, env=env, start_new_session=True)
    deadline = time.monotonic() + 240
    while analysed(db) < 3 and driver.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert driver.poll() is None, "the import ended before it could be killed"
    os.killpg(driver.pid, signal.SIGKILL)  # the driver and the Ray instance it started
    driver.wait()
    killed_at = analysed(db)
    assert 3 <= killed_at < n_files
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stderr
    assert f"{n_files - killed_at} imported, {killed_at} already" in done.stdout
    with sqlite3.connect(db) as conn:
        per_recording = conn.execute("SELECT count(*) FROM analyses GROUP BY sha256").fetchall()
        recordings = conn.execute("SELECT count(*) FROM recordings").fetchone()[0]
    assert recordings == n_files and per_recording == [(1,)] * n_files
