"""The population norms: measured, with their provenance in the file and the docstring."""

from __future__ import annotations

import json

import numpy as np
import pytest

from model_core.cues import baseline
from model_core.cues.baseline import NORMS_FILE, POPULATION_STATS, SpeakerBaseline, load_norms
from tests.train.test_corpus_cv import LABELS, fake_corpus
from train.corpus_rows import Rows
from train.norms import measure_norms, typical_shares


def test_the_population_baseline_is_the_measured_file():
    norms = json.loads(NORMS_FILE.read_text())
    assert {k: tuple(v) for k, v in norms["stats"].items()} == POPULATION_STATS
    female = SpeakerBaseline.population("female")
    assert female.f0_reference_hz == norms["f0_reference_hz"]["female"]
    assert female.stats["f0_mean"].sd == norms["f0_level_sd_st"]["female"]
    assert SpeakerBaseline.population().f0_reference_hz == norms["f0_reference_hz"]["unknown"]
    assert norms["command"].startswith("emostudio-train norms ")


def test_the_docstring_names_every_corpus_its_count_and_the_voice_quality_norms():
    norms = load_norms()
    doc = baseline.__doc__
    for corpus in norms["corpora"].values():
        assert f"{corpus['clips']:,} clips" in doc
    for cue, digits in (("jitter", 2), ("shimmer", 1), ("hnr", 1)):
        mean, sd = norms["stats"][cue]
        assert f"{mean:.{digits}f} +- {sd:.{digits}f}" in doc, cue
    assert f"{norms['f0_reference_hz']['female']:.1f} Hz for women" in doc


def test_a_file_without_a_part_is_refused(tmp_path):
    broken = json.loads(NORMS_FILE.read_text())
    del broken["f0_level_sd_st"]["male"]
    path = tmp_path / "norms.json"
    path.write_text(json.dumps(broken))
    with pytest.raises(ValueError, match="F0 of sex 'male'"):
        load_norms(path)


def _neutral(name, n_speakers, per, jitter, f0, sex, rng):
    centres = {label: np.zeros(100) for label in LABELS}
    rows = fake_corpus(
        name, "always", [f"{name}{i}" for i in range(n_speakers)], per, rng, centres, ["neutral"]
    )
    rows.acoustic[:] = np.nan
    rows.acoustic[:, 88 + 9] = jitter + rng.normal(scale=0.1, size=len(rows))  # jitter
    rows.acoustic[:, 88 + 10] = 10.0 + rng.normal(scale=0.1, size=len(rows))  # shimmer
    rows.acoustic[:, 88 + 1] = f0  # f0_median
    rows.sexes = {s: sex for s in rows.sexes}
    return rows


def test_every_corpus_weighs_alike_and_each_sex_has_its_f0():
    rng = np.random.default_rng(0)
    big = _neutral("big", 20, 50, jitter=3.0, f0=200.0, sex="female", rng=rng)  # 1,000 clips
    small = _neutral("small", 2, 5, jitter=1.0, f0=100.0, sex="male", rng=rng)  # 10 clips
    norms = measure_norms(Rows.concat([big, small]))
    assert norms["stats"]["jitter"][0] == pytest.approx(2.0, abs=0.05)  # not 2.98
    assert norms["f0_reference_hz"]["female"] == pytest.approx(200.0)
    assert norms["f0_reference_hz"]["male"] == pytest.approx(100.0)
    assert norms["f0_reference_hz"]["unknown"] == pytest.approx(np.sqrt(200.0 * 100.0), abs=0.01)
    assert norms["corpora"] == {
        "big": {"clips": 1000, "speakers": 20},
        "small": {"clips": 10, "speakers": 2},
    }
    shares = typical_shares(Rows.concat([big, small]), norms)
    # jitter 2 +- 1 (corpus-weighted): each corpus sits about one SD out, the noise
    # putting some clips inside.
    assert 0.0 < shares["big"]["jitter"] < 1.0 and 0.0 < shares["small"]["jitter"] < 1.0


def test_norms_need_both_sexes():
    rng = np.random.default_rng(1)
    with pytest.raises(ValueError, match="male speaker"):
        measure_norms(_neutral("only", 3, 4, jitter=2.0, f0=200.0, sex="female", rng=rng))
