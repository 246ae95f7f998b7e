"""Start a command in its own session and ``kill -9`` its whole process group."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def start(command: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
    """Run ``command`` from the repository root, its output going to ``log``.

    A session of its own puts it and its children (workers, converters) in one group that
    ``kill`` ends together, as a crash or an out-of-memory kill would.
    """
    with open(log, "w") as handle:
        return subprocess.Popen(
            command,
            stdout=handle,
            stderr=subprocess.STDOUT,
            cwd=REPO,
            env=dict(os.environ, PYTHONWARNINGS="ignore", **(env or {})),
            start_new_session=True,
        )


def python(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def kill(process: subprocess.Popen) -> bool:
    """SIGKILL the process group; True when it was still running (the kill landed)."""
    landed = process.poll() is None
    if landed:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return landed


def wait_for(log: Path, text: str, process: subprocess.Popen, timeout: float = 120.0) -> bool:
    """Wait until ``text`` appears in ``log``; False when the process ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return True
        if process.poll() is not None:
            return text in log.read_text(errors="replace")
        time.sleep(0.05)
    raise TimeoutError(f"{text!r} never appeared in {log} within {timeout:.0f} s")


def complete_lines(log: Path) -> list[str]:
    """The lines of ``log`` that were written whole (a kill may cut the last one)."""
    text = log.read_text(errors="replace")
    return text[: text.rfind("\n") + 1].splitlines()
