"""The measured population norms of the cues (``population_norms.json`` beside this file).

``emostudio-train norms`` writes the file from the neutral clips of real speakers; the cue
catalog reads each cue's prior from it and the population baseline its per-sex F0.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

NORMS_FILE = Path(__file__).with_name("population_norms.json")


def load_norms(path: Path = NORMS_FILE) -> dict[str, Any]:
    """The measured population norms (``emostudio-train norms`` wrote them).

    Raises
    ------
    ValueError
        When the file lacks a part the population baseline needs.
    """
    data: dict[str, Any] = json.loads(Path(path).read_text())
    for key in ("f0_reference_hz", "f0_level_sd_st", "stats", "counts", "corpora"):
        if key not in data:
            raise ValueError(f"{path}: the population norms lack {key!r}")
    for sex in ("female", "male", "unknown"):
        if sex not in data["f0_reference_hz"] or sex not in data["f0_level_sd_st"]:
            raise ValueError(f"{path}: the population norms lack the F0 of sex {sex!r}")
    return data


NORMS = load_norms()
