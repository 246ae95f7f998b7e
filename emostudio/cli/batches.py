"""Files analysed in model batches: decoded one by one (a bad file is reported and
skipped), grouped by length so that padding stays small, results handed back in input
order.

Used by ``emostudio analyze``; the model stages of :meth:`model_core.pipeline.Analyzer.analyze`
run once per batch.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from model_core.audio import AudioError, Recording, load_audio

CHUNK_BATCHES = 4  # files read ahead per chunk, in batches: results leave in input order


@dataclass
class Decoded:
    """One readable file: its place in the input, its audio and how long decoding took."""

    index: int
    path: str
    recording: Recording
    decode_seconds: float


def default_batch(device_type: str) -> int:
    """Files per batch: 8 on a CPU (memory and latency), 32 on an accelerator."""
    return 8 if device_type == "cpu" else 32


def length_batches(items: list[Decoded], size: int) -> list[list[Decoded]]:
    """``items`` sorted by duration and cut into batches of at most ``size``."""
    ordered = sorted(items, key=lambda item: item.recording.duration)
    return [ordered[first : first + size] for first in range(0, len(ordered), size)]


def decoded_chunks(
    paths: Iterable[str], chunk: int, failed: Callable[[str, AudioError], None]
) -> Iterator[list[Decoded]]:
    """The readable files, ``chunk`` at a time, in input order; ``failed(path, error)``
    for the others (as they are met)."""
    pending: list[Decoded] = []
    for index, path in enumerate(paths):
        started = time.perf_counter()
        try:
            recording = load_audio(path)
        except AudioError as err:
            failed(path, err)
            continue
        pending.append(Decoded(index, path, recording, time.perf_counter() - started))
        if len(pending) >= chunk:
            yield pending
            pending = []
    if pending:
        yield pending
