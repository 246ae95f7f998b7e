"""``emostudio features`` as a research output (issue 31, item 10).

eGeMAPS is measured on the file as it is (its own rate, channels averaged), so its values
are openSMILE's own ``process_file`` ones; the rate used is stated in the CSV, the JSON and
the project; the CSV is a plain table that pandas reads as numbers, its units in a sidecar.
"""

from __future__ import annotations

import io
import json
import sqlite3

import numpy as np
import opensmile
import pandas as pd
import pytest
import soundfile as sf

from emostudio.cli.features import units_path
from emostudio.cli.main import main
from emostudio.store import Project
from model_core.acoustics.feature_sets import EGEMAPS, feature_unit
from tests.helpers.signals import syllable_train

RATE = 22_050  # Hz: not the model's 16 kHz, where the two measurements part
RTOL = 1e-4


def _smile(**options) -> opensmile.Smile:
    return opensmile.Smile(
        feature_set=opensmile.FeatureSet.eGeMAPSv02,
        feature_level=opensmile.FeatureLevel.Functionals,
        **options,
    )


@pytest.fixture(scope="module")
def voice(tmp_path_factory):
    """A 22.05-kHz mono WAV: eight voiced harmonic syllables with pauses, about 2.7 s."""
    path = tmp_path_factory.mktemp("rate") / "voice-22k.wav"
    sf.write(path, syllable_train(8, f0=160.0, syllable=0.2, gap=0.12, rate=RATE), RATE)
    return path


def test_json_values_equal_opensmiles_process_file_at_the_files_own_rate(voice, capsys):
    assert main(["features", str(voice), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    expected = _smile().process_file(str(voice))
    assert record["names"] == list(expected.columns)
    assert record["sample_rate"] == RATE
    np.testing.assert_allclose(
        record["values"], expected.to_numpy(dtype=np.float64)[0], rtol=RTOL, atol=0
    )


def test_stereo_is_measured_on_the_mean_of_its_channels(tmp_path, capsys):
    left = syllable_train(5, f0=150.0, rate=RATE)
    right = 0.5 * syllable_train(5, f0=150.0, rate=RATE, amplitude=0.2)
    path = tmp_path / "stereo.wav"
    sf.write(path, np.stack([left, right], axis=1), RATE, subtype="FLOAT")
    assert main(["features", str(path), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    # openSMILE's own downmix of both channels (by default it reads channel 0 only)
    smile = _smile(channels=[0, 1], mixdown=True)
    expected = smile.process_file(str(path)).to_numpy(dtype=np.float64)[0]
    np.testing.assert_allclose(record["values"], expected, rtol=RTOL, atol=0)


def test_stdout_csv_is_a_plain_table_that_pandas_reads_as_numbers(voice, capsys):
    assert main(["features", str(voice)]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert len(table) == 1 and list(table.columns[:5]) == [
        "file",
        "duration",
        "start",
        "end",
        "sample_rate",
    ]
    assert table["sample_rate"].tolist() == [RATE]
    features = table.columns[5:]
    assert len(features) == 88
    assert all(table[name].dtype == np.float64 for name in features)
    expected = _smile().process_file(str(voice))
    np.testing.assert_allclose(
        table[features].to_numpy()[0], expected.to_numpy(dtype=np.float64)[0], rtol=RTOL, atol=0
    )


def test_out_writes_the_table_and_its_units_beside_it(voice, tmp_path, capsys):
    out = tmp_path / "lab.csv"
    assert main(["features", str(voice), "--out", str(out)]) == 0
    assert capsys.readouterr().out == ""
    table = pd.read_csv(out)
    features = list(table.columns[5:])
    assert len(features) == 88 and all(table[n].dtype == np.float64 for n in features)
    sidecar = tmp_path / "lab.units.csv"
    assert units_path(out) == sidecar
    units = pd.read_csv(sidecar, keep_default_na=False)
    assert list(units.columns) == ["feature", "unit"]
    assert units["feature"].tolist() == list(table.columns)  # one row per column, in order
    by_name = dict(zip(units["feature"], units["unit"], strict=True))
    assert by_name["duration"] == by_name["start"] == by_name["end"] == "s"
    assert by_name["sample_rate"] == "Hz"
    assert all(by_name[name] == feature_unit(name) for name in features)
    assert by_name["jitterLocal_sma3nz_amean"] == "fraction"


def test_out_with_json_writes_lines_and_no_units_file(voice, tmp_path, capsys):
    out = tmp_path / "lab.jsonl"
    assert main(["features", str(voice), "--json", "--out", str(out)]) == 0
    assert capsys.readouterr().out == ""
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(record["units"]) == 88 and record["sample_rate"] == RATE
    assert not units_path(out).exists()


def test_units_path_of_other_names(tmp_path):
    assert units_path(tmp_path / "a.CSV").name == "a.units.csv"
    assert units_path(tmp_path / "a.txt").name == "a.txt.units.csv"


def test_an_unwritable_out_is_one_error_line(voice, tmp_path, capsys):
    assert main(["features", str(voice), "--out", str(tmp_path / "no" / "such.csv")]) == 2
    captured = capsys.readouterr()
    assert "cannot write" in captured.err and captured.out == ""


def test_the_project_keeps_the_rate_and_old_records_without_it_still_load(voice, tmp_path, capsys):
    db = tmp_path / "p.emostudio"
    assert main(["features", str(voice), "--db", str(db), "--json"]) == 0
    measured = json.loads(capsys.readouterr().out)
    with Project(db) as project:
        (stored,) = project.feature_sets.of(measured["sha256"]).values()
        assert stored.sample_rate == RATE
        np.testing.assert_array_equal(stored.values, measured["values"])
    assert main(["features", "--db", str(db), "--from-project", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sample_rate"] == RATE
    # A record stored before rates were kept: its versions JSON has no sample_rate.
    conn = sqlite3.connect(db)
    try:
        with conn:
            (versions,) = conn.execute("SELECT versions FROM features").fetchone()
            old = {k: v for k, v in json.loads(versions).items() if k != "sample_rate"}
            conn.execute("UPDATE features SET versions = ?", (json.dumps(old),))
    finally:
        conn.close()
    with Project(db) as project:
        ((_, legacy),) = project.feature_sets.table(EGEMAPS)
        assert legacy.sample_rate == 16_000  # every set stored before was measured at 16 kHz
        assert legacy.versions == old
