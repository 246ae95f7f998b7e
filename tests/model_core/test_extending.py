"""Adding a cue touches the cue catalog only; adding an emotion touches the emotion table only.

Each test copies ``model_core`` aside, adds one entry to the one file (nothing else is
edited), and runs a child process on the copy that follows the new entry through the
product: measured, scored against the population, described, cited and checked, shown;
parsed, profiled, weighed and quoted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

TOY_CUE = """
    CueSpec(
        "voiced_share",
        "voiced share",
        "ratio",
        "pitch",
        "voicing",
        "sustained",
        "broken",
        words=_levels("much voicing", "very much voicing", "little voicing", "no voicing"),
        phrases={
            "high": ("the voicing is sustained",),
            "very high": ("the voicing is sustained",),
            "low": ("the voicing is broken",),
            "very low": ("the voicing is broken",),
        },
        measure=lambda analysis, baseline: measuring.Measurement(
            "voiced_share",
            float(np.isfinite(analysis.pitch.values).mean()),
            "ratio",
            float(np.isfinite(analysis.pitch.values).mean()),
        ),
        basis="share of frames with an F0 (a toy cue)",
        group="voicing",
        prior=(0.5, 0.1),
        sized=True,
        described=True,
        shown="plot",
    ),
"""

CUE_CHECKS = """
import numpy as np
from model_core.acoustics.analysis import analyze_acoustics
from model_core.cues import summarize
from model_core.cues.baseline import SpeakerBaseline
from model_core.grounding import SUPPORTED, ground
from model_core.rationale.compose import SIZED
from emostudio.store.course import CUES, SHOWN_IN_PLOT
from tests.helpers.signals import RATE, harmonic

summary = summarize(analyze_acoustics(harmonic(150.0, 1.0), RATE))
cue = summary.cues["voiced_share"]
assert cue.value > 0.9 and abs(cue.z - (cue.value - 0.5) / 0.1) < 1e-9, cue
assert cue.level == "very high"
assert "very much voicing" in summary.descriptor, summary.descriptor
assert SpeakerBaseline.population().stats["voiced_share"].mean == 0.5
(citation,) = ground("The voicing is sustained.", [], summary.to_dict()["cues"])
assert citation.verdict == SUPPORTED and citation.cue == "voiced_share", citation
assert "voiced_share" in SIZED and "voiced_share" in CUES and "voiced_share" in SHOWN_IN_PLOT
print("toy cue ok")
"""

TOY_EMOTION = """
        Emotion(
            "contempt",
            synonyms=("scornful", "disdainful"),
            codes=("con",),
            valence=-1,
            arousal=0,
            expected=_expects(f0_mean=DOWN, intensity_mean=UP),
            sources=("a toy profile",),
        ),
"""

EMOTION_CHECKS = """
from model_core.cues.profiles import expectation
from model_core.grounding.stance import cue_stance
from model_core.model.labels import parse_answer
from model_core.emotions import emotion_for

labels = ("neutral", "contempt", "angry")
assert parse_answer("Scornful. The voice is loud.", labels).label == "contempt"
assert parse_answer("Emotion: con", labels).label == "contempt"
assert expectation("disdainful", "f0_mean") == "down"
assert cue_stance("contempt", "intensity_mean", {"z": 2.0, "level": "very high"})[0] == "for"
assert emotion_for("contempt").negative
print("toy emotion ok")
"""


def _copy_with(tmp_path: Path, file: str, anchor: str, entry: str) -> Path:
    """A copy of model_core whose ``file`` has ``entry`` inserted after ``anchor``."""
    copy = tmp_path / "overlay"
    shutil.copytree(
        ROOT / "model_core", copy / "model_core", ignore=shutil.ignore_patterns("__pycache__")
    )
    target = copy / "model_core" / file
    text = target.read_text()
    assert text.count(anchor) == 1, f"{file}: the anchor must be unique"
    target.write_text(text.replace(anchor, anchor + entry))
    return copy


def _run(overlay: Path, checks: str) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(overlay), str(ROOT)])}
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(checks)],
        cwd=overlay,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.slow
def test_a_cue_added_to_the_catalog_alone_is_measured_scored_described_cited_and_shown(tmp_path):
    overlay = _copy_with(tmp_path, "cues/catalog.py", "CATALOG: tuple[CueSpec, ...] = (\n", TOY_CUE)
    catalog = overlay / "model_core" / "cues" / "catalog.py"
    future = "from __future__ import annotations\n"
    catalog.write_text(catalog.read_text().replace(future, future + "import numpy as np\n"))
    assert "toy cue ok" in _run(overlay, CUE_CHECKS)


@pytest.mark.slow
def test_an_emotion_added_to_the_table_alone_is_parsed_profiled_and_weighed(tmp_path):
    overlay = _copy_with(tmp_path, "emotions.py", "    for emotion in (\n", TOY_EMOTION)
    assert "toy emotion ok" in _run(overlay, EMOTION_CHECKS)
