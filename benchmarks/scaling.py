"""On paper: how many nodes analyse an archive in a day, from measured per-clip costs.

``python -m benchmarks cluster`` measures what one single-core worker costs per clip and
what a second worker adds; this module turns such figures into a sizing sheet for an
archive (10,000 hours by default). The model is deliberately simple and every assumption
is an argument, printed with the sheet:

* the archive is cut into clips of ``clip_s`` seconds on average (the cost of a short clip
  hardly depends on its length: Whisper pads every clip to a 30-s window);
* a node runs ``cores // cpus_per_worker`` actors of one model each, and each actor
  analyses ``1 / per_clip_s`` clips per second times the measured ``efficiency`` (the
  2-worker speed-up over 2); memory caps the actors at ``node_memory_gb //
  actor_memory_gb``;
* the driver commits every clip: one driver feeds at most ``commit_rate`` clips per second,
  which caps the cluster however many nodes it has;
* the driver reads every byte once to hash it (16-bit, 16-kHz mono WAV: 32,000 bytes a
  second of audio) at ``hash_mb_s`` before the workers start.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

DAY_S = 86_400
BYTES_PER_AUDIO_S = 32_000  # 16-bit samples, 16 kHz, mono


@dataclass(frozen=True)
class Node:
    """A kind of node and what each actor on it reserves."""

    name: str
    cores: int
    memory_gb: float
    cpus_per_worker: float = 1.0
    per_clip_s: float = 1.0  # one actor's seconds per clip (measured)
    actor_memory_gb: float = 2.4
    actors_override: int | None = None  # GPU nodes: one actor per GPU

    @property
    def actors(self) -> int:
        if self.actors_override is not None:
            return self.actors_override
        by_cores = int(self.cores // self.cpus_per_worker)
        return max(0, min(by_cores, int(self.memory_gb // self.actor_memory_gb)))


@dataclass(frozen=True)
class Sizing:
    clips: int
    node_clips_per_s: float
    nodes_for_a_day: int
    driver_bound_nodes: int  # the most nodes one driver can keep busy
    hours_on_driver_bound: float  # the run's length on that many nodes
    hash_hours: float


def size_archive(
    node: Node,
    *,
    hours: float = 10_000,
    clip_s: float = 2.6,
    efficiency: float = 1.0,
    commit_rate: float = 200.0,
    hash_mb_s: float = 500.0,
) -> Sizing:
    """The sheet's row for ``node``: nodes for a 24-hour run and the driver's limits.

    Parameters
    ----------
    hours : float
        Audio in the archive, hours.
    clip_s : float
        Mean clip length, seconds.
    efficiency : float
        Measured throughput of 2 workers over twice that of 1 (1.0: linear).
    commit_rate : float
        Clips per second one driver commits (measured: ``ImportWriter`` on this machine).
    hash_mb_s : float
        The driver's read rate while hashing, MB/s.
    """
    clips = math.ceil(hours * 3600 / clip_s)
    node_rate = node.actors * efficiency / node.per_clip_s
    nodes = math.ceil(clips / (node_rate * DAY_S)) if node_rate else 0
    driver_nodes = max(1, int(commit_rate // node_rate)) if node_rate else 0
    cluster_rate = min(commit_rate, driver_nodes * node_rate)
    return Sizing(
        clips=clips,
        node_clips_per_s=node_rate,
        nodes_for_a_day=nodes,
        driver_bound_nodes=driver_nodes,
        hours_on_driver_bound=clips / cluster_rate / 3600 if cluster_rate else math.inf,
        hash_hours=hours * 3600 * BYTES_PER_AUDIO_S / (hash_mb_s * 1e6) / 3600,
    )


def sheet(nodes: list[Node], **archive) -> str:
    """A Markdown table: one row per kind of node."""
    lines = [
        "| node | actors | clips/s per node | nodes for 24 h | one driver feeds up to | "
        "then the run takes |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for node in nodes:
        row = size_archive(node, **archive)
        lines.append(
            f"| {node.name} | {node.actors} | {row.node_clips_per_s:.1f} | "
            f"**{row.nodes_for_a_day}** | {row.driver_bound_nodes} nodes | "
            f"{row.hours_on_driver_bound:.1f} h |"
        )
    return "\n".join(lines)
