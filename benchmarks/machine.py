"""The machine and software a benchmark report was measured on.

Nothing here imports torch or initialises a GPU: the report's parent process only
describes the machine, each benchmark runs in its own process.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

# (label, distributions that provide it: the first one installed is reported)
PACKAGES = (
    ("torch", ("torch",)),
    ("transformers", ("transformers",)),
    ("parselmouth", ("praat-parselmouth",)),
    ("librosa", ("librosa",)),
    ("numpy", ("numpy",)),
    ("PySide6", ("PySide6-Essentials", "PySide6")),
)


def cpu_model() -> str:
    """The CPU's marketing name (``/proc/cpuinfo`` on Linux, ``sysctl`` on macOS)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() in ("model name", "Hardware", "Processor") and value.strip():
                return value.strip()
    if platform.system() == "Darwin":
        brand = _command(["sysctl", "-n", "machdep.cpu.brand_string"])
        if brand:
            return brand
    return platform.processor() or platform.machine() or "unknown"


def cores() -> str:
    logical = os.cpu_count() or 0
    if hasattr(os, "sched_getaffinity"):
        usable = len(os.sched_getaffinity(0))
        if usable != logical:
            return f"{logical} logical, {usable} usable by this process"
    return f"{logical} logical"


def memory() -> str:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not every system names these
        return "unknown"
    return f"{total / 2**30:.1f} GiB"


def operating_system() -> str:
    try:
        name = platform.freedesktop_os_release().get("PRETTY_NAME", "")
    except OSError:  # no /etc/os-release: not a Linux distribution
        name = ""
    kernel = f"{platform.system()} {platform.release()} {platform.machine()}"
    return f"{name}, {kernel}" if name else kernel


def gpus() -> str:
    """NVIDIA GPUs as ``nvidia-smi`` lists them, or why there are none."""
    if shutil.which("nvidia-smi") is None:
        return "none found (no nvidia-smi)"
    listed = _command(
        ["nvidia-smi", "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader"]
    )
    if not listed:
        return "none found (nvidia-smi lists none)"
    described = []
    for line in listed.splitlines():
        name, memory_total, driver = ([part.strip() for part in line.split(",")] + ["?", "?"])[:3]
        described.append(f"{name} ({memory_total}, driver {driver})")
    return "; ".join(described)


def git_commit() -> str:
    """The checkout's commit, ``+ uncommitted changes`` when tracked files differ from it."""
    folder = Path(__file__).resolve().parents[2]
    commit = _command(["git", "-C", str(folder), "rev-parse", "--short=12", "HEAD"])
    if not commit:
        return "not a git checkout"
    dirty = _command(["git", "-C", str(folder), "status", "--porcelain", "--untracked-files=no"])
    return f"{commit} + uncommitted changes" if dirty else commit


def versions() -> list[tuple[str, str]]:
    """(name, version) of Python, the libraries the figures depend on, and EmoStudio."""
    rows = [("Python", f"{platform.python_version()} ({platform.python_implementation()})")]
    for label, distributions in PACKAGES:
        rows.append((label, _version(distributions)))
    rows.append(("emostudio", f"{_version(('emostudio',))}, git {git_commit()}"))
    return rows


def machine_rows() -> list[tuple[str, str]]:
    """(name, value) of the CPU, cores, memory, operating system and GPUs."""
    return [
        ("CPU", cpu_model()),
        ("cores", cores()),
        ("RAM", memory()),
        ("OS", operating_system()),
        ("GPU", gpus()),
    ]


def machine_table() -> str:
    """A two-column Markdown table of :func:`machine_rows` then :func:`versions`."""
    lines = ["| | |", "| --- | --- |"]
    lines += [f"| {name} | {value} |" for name, value in machine_rows() + versions()]
    return "\n".join(lines) + "\n"


def _version(distributions: tuple[str, ...]) -> str:
    for distribution in distributions:
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            continue
    return "not installed"


def _command(argv: list[str]) -> str:
    """The stripped output of ``argv``, or "" when it cannot run or fails."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""
