"""``emostudio features``: CSV and JSON lines equal to opensmile's own values; a bad file
among good ones is one line on stderr and exit status 1; stored features come back out."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
import soundfile as sf

from emostudio.cli.main import main
from emostudio.store import Project
from model_core.audio import load_audio
from tests.helpers.signals import RATE, harmonic, syllable_train
from tests.model_core.acoustics.test_feature_sets import opensmile_reference


@pytest.fixture
def folder(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    sf.write(data / "a.wav", syllable_train(4, f0=140.0), RATE)
    sf.write(data / "b.wav", syllable_train(3, f0=230.0), RATE)
    sf.write(data / "c_short.wav", harmonic(150.0, 0.04), RATE)
    (data / "d_broken.wav").write_text("not audio")
    (data / "notes.txt").write_text("ignored: not audio by its suffix")
    return data


def test_csv_of_a_folder_holds_opensmiles_values_and_reports_bad_files(folder, capsys):
    status = main(["features", str(folder), "--set", "egemaps", "--csv"])
    captured = capsys.readouterr()
    assert status == 1
    errors = captured.err.splitlines()
    assert len(errors) == 2 and "Traceback" not in captured.err
    assert "c_short.wav: clip too short for eGeMAPS: 0.04 s; it needs at least 0.06 s" in errors[0]
    assert "d_broken.wav" in errors[1]
    header, *rows = list(csv.reader(io.StringIO(captured.out)))  # no units row: a sidecar's
    assert header[:5] == ["file", "duration", "start", "end", "sample_rate"]
    assert len(header) == 5 + 88
    assert [row[0] for row in rows] == [str(folder / "a.wav"), str(folder / "b.wav")]
    for row in rows:
        names, expected = opensmile_reference(load_audio(row[0]).mono)  # 16 kHz files
        assert header[5:] == names and row[4] == str(RATE)
        np.testing.assert_allclose([float(v) for v in row[5:]], expected, rtol=0, atol=1e-6)


def test_json_lines_with_a_selection(folder, capsys):
    path = str(folder / "a.wav")
    status = main(["features", path, "--json", "--start", "0.2", "--end", "1.0"])
    lines = capsys.readouterr().out.splitlines()
    assert status == 0 and len(lines) == 1
    record = json.loads(lines[0])
    assert record["file"] == path and record["feature_set"] == "eGeMAPSv02"
    assert (record["start"], record["end"]) == (0.2, 1.0)
    assert len(record["names"]) == len(record["units"]) == len(record["values"]) == 88
    assert "opensmile" in record["versions"]
    _, expected = opensmile_reference(load_audio(path).mono[3200:16000])
    np.testing.assert_allclose(record["values"], expected, rtol=0, atol=1e-6)


def test_features_stored_by_the_command_come_back_from_the_project(folder, tmp_path, capsys):
    db = tmp_path / "p.emostudio"
    assert main(["features", str(folder / "a.wav"), str(folder / "b.wav"), "--db", str(db)]) == 0
    measured = capsys.readouterr().out
    with Project(db) as project:
        assert project.counts()["recordings"] == 2
        assert [a for (a,) in project.conn.execute("SELECT action FROM audit")].count(
            "add features"
        ) == 2
    assert main(["features", "--db", str(db), "--from-project"]) == 0
    assert capsys.readouterr().out == measured


def test_usage_errors_exit_2(folder, tmp_path, capsys):
    assert main(["features"]) == 2
    assert main(["features", str(folder / "a.wav"), "--start", "2", "--end", "1"]) == 2
    assert main(["features", str(folder / "a.wav"), "--from-project"]) == 2
    missing = tmp_path / "p.emostudio"
    assert main(["features", "--db", str(missing), "--from-project"]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 4 and captured.out == ""
    Project(missing).close()
    assert main(["features", "--db", str(missing), "--from-project"]) == 1  # nothing stored
    assert "no stored eGeMAPSv02 features" in capsys.readouterr().err
