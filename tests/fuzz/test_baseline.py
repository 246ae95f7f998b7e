"""Fuzzing speaker baseline files (``emostudio cues --baseline JSON``).

Any JSON (or any bytes) gives a baseline whose every statistic can score a z (finite
means, positive SDs, a positive F0 reference), or a ValueError that the CLI turns into
one line naming the file; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from emostudio.cli.common import baseline_from_args
from model_core.cues import SpeakerBaseline
from model_core.cues.baseline import POPULATION_STATS
from tests.fuzz.strategies import TEXT, fuzz

NUMBERS = st.integers() | st.floats() | st.booleans() | st.none() | TEXT
STAT = st.fixed_dictionaries({}, optional={"mean": NUMBERS, "sd": NUMBERS, "extra": NUMBERS})
BASELINES = st.fixed_dictionaries(
    {},
    optional={
        "name": TEXT | NUMBERS,
        "f0_reference_hz": NUMBERS,
        "stats": st.dictionaries(st.sampled_from(sorted(POPULATION_STATS)) | TEXT, STAT | NUMBERS)
        | NUMBERS,
        "n_recordings": NUMBERS,
        "source": TEXT | NUMBERS,
    },
)
GOOD = SpeakerBaseline.population().to_dict()
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)


def check(baseline: SpeakerBaseline) -> None:
    assert isinstance(baseline.name, str) and isinstance(baseline.source, str)
    assert math.isfinite(baseline.f0_reference_hz) and baseline.f0_reference_hz > 0
    assert isinstance(baseline.n_recordings, int) and baseline.n_recordings >= 0
    for stat in baseline.stats.values():
        assert math.isfinite(stat.mean) and math.isfinite(stat.sd) and stat.sd > 0
    assert SpeakerBaseline.from_dict(json.loads(json.dumps(baseline.to_dict()))) == baseline


@fuzz(300)
@given(data=BASELINES | JSON_VALUES)
@example(data={**GOOD, "stats": []})  # AttributeError: 'list' object has no attribute 'items'
@example(data={**GOOD, "n_recordings": math.inf})  # OverflowError
@example(data={**GOOD, "f0_reference_hz": -159.0})  # every F0 z-score would be NaN
@example(data={**GOOD, "stats": {"hnr": {"mean": 14.0, "sd": 0.0}}})
@example(data={**GOOD, "n_recordings": 10**400})
def test_baseline_dicts_give_a_usable_baseline_or_a_value_error(data):
    try:
        baseline = SpeakerBaseline.from_dict(data)
    except ValueError as err:
        assert type(err) is ValueError and str(err)
        return
    check(baseline)


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


@fuzz(100)
@given(data=st.binary(max_size=200) | JSON_VALUES.map(lambda v: json.dumps(v).encode()))
@example(data=b"[" * 100_000)  # json's RecursionError
@example(data=json.dumps({**GOOD, "stats": []}).encode())
def test_the_cli_reads_any_baseline_file_or_says_why_in_one_line(folder, data):
    path = folder / "baseline.json"
    path.write_bytes(data)
    try:
        baseline = baseline_from_args(argparse.Namespace(baseline=path, sex=None))
    except SystemExit as exit_:
        message = str(exit_.code)
        assert message.startswith(f"emostudio: {path}: not a readable baseline file")
        assert "\n" not in message
        return
    check(baseline)
