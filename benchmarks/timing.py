"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import math
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    name: str
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def spread(self, scale: float = 1.0) -> str:
        """``median (min–max)`` of the runs, times ``scale`` (1000 for milliseconds)."""
        return spread([s * scale for s in self.seconds])


def significant(value: float, digits: int = 3) -> str:
    """``value`` with ``digits`` significant digits, never in exponent notation.

    Enough digits that a ratio recomputed from two printed figures agrees with the
    printed ratio to about 1 %.
    """
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    magnitude = math.floor(math.log10(abs(value)))
    return f"{value:.{max(0, digits - 1 - magnitude)}f}"


def spread(values: list[float]) -> str:
    """``median (min–max)`` of ``values``, or the value alone when there is one."""
    if len(values) == 1:
        return significant(values[0])
    return (
        f"{significant(statistics.median(values))} "
        f"({significant(min(values))}–{significant(max(values))})"
    )


def time_call(name: str, fn: Callable[[], object], repeats: int) -> Timing:
    """Run ``fn`` ``repeats`` times and keep each wall-clock duration."""
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - started)
    return Timing(name, seconds)


def pin_to_one_core() -> str:
    """Restrict this process (and the libraries' thread pools) to one CPU core."""
    for variable in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "NUMBA_NUM_THREADS",
    ):
        os.environ[variable] = "1"
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned (no sched_setaffinity on this system)"


def machine_line() -> str:
    cpu = platform.processor() or platform.machine()
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"
