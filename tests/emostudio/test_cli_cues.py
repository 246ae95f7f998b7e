"""``emostudio cues`` and ``emostudio baseline``: tables, JSON lines, errors without tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from emostudio.cli.main import main
from tests.helpers.bad_audio import build_corpus
from tests.helpers.signals import RATE, syllable_train


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "good.wav"
    sf.write(path, syllable_train(6, f0=180.0), RATE)
    return path


def test_table_lists_every_cue_and_the_descriptor(good_file, capsys):
    assert main(["cues", str(good_file)]) == 0
    out = capsys.readouterr().out
    for label in (
        "F0 mean",
        "F0 range",
        "final F0 slope",
        "intensity mean",
        "articulation rate",
        "pause ratio",
        "jitter (local)",
        "shimmer (local)",
        "HNR",
    ):
        assert label in out
    assert "=> " in out and "baseline: population" in out


def test_json_is_one_parseable_object_per_file(good_file, capsys):
    assert main(["cues", "--json", str(good_file), str(good_file)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    record = json.loads(lines[0])
    assert record["file"] == str(good_file)
    assert record["sample_rate"] == RATE and len(record["sha256"]) == 64
    f0 = record["cues"]["f0_median"]
    assert f0["unit"] == "Hz" and f0["value"] == pytest.approx(180, rel=0.01)
    assert len(record["syllable_nuclei"]) == 6
    assert set(record["cues"]) >= {
        "f0_mean",
        "f0_median",
        "f0_range",
        "f0_final_slope",
        "intensity_mean",
        "intensity_range",
        "articulation_rate",
        "speech_rate",
        "pause_ratio",
        "jitter",
        "shimmer",
        "hnr",
    }


def test_selection_option(good_file, capsys):
    assert main(["cues", "--json", "--start", "0.5", "--end", "1.2", str(good_file)]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["start"] == pytest.approx(0.5) and record["end"] == pytest.approx(1.2)


def test_bad_files_are_reported_and_the_rest_analysed(tmp_path, good_file, capsys):
    corpus = build_corpus(tmp_path / "corpus")
    paths = [str(case.path) for case in corpus]
    status = main(["cues", "--json", *paths[:3], str(good_file), *paths[3:]])
    captured = capsys.readouterr()
    assert status == 1
    analysed = [json.loads(line)["file"] for line in captured.out.strip().splitlines()]
    assert str(good_file) in analysed
    expected_failures = [
        c
        for c in corpus
        if "ok" not in (c.expected if isinstance(c.expected, tuple) else (c.expected,))
    ]
    error_lines = captured.err.strip().splitlines()
    for case in expected_failures:
        assert any(str(case.path) in line for line in error_lines), case.name
    assert all(line.startswith("emostudio: ") for line in error_lines)
    assert "Traceback" not in captured.err and "internal error" not in captured.err


def test_speaker_baseline_command_feeds_cues(tmp_path, capsys):
    files = []
    for i, f0 in enumerate((150.0, 155.0, 148.0)):
        path = tmp_path / f"take{i}.wav"
        sf.write(path, syllable_train(6, f0=f0, amplitude=0.05), RATE)
        files.append(str(path))
    baseline_path = tmp_path / "speaker.json"
    assert main(["baseline", *files, "--speaker", "Ann", "--out", str(baseline_path)]) == 0
    baseline = json.loads(baseline_path.read_text())
    assert baseline["name"] == "Ann" and baseline["n_recordings"] == 3
    assert baseline["f0_reference_hz"] == pytest.approx(151, rel=0.02)
    high = tmp_path / "high.wav"
    sf.write(high, syllable_train(6, f0=230.0, amplitude=0.05), RATE)
    capsys.readouterr()
    assert main(["cues", "--json", "--baseline", str(baseline_path), str(high)]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["baseline"] == "Ann"
    assert record["cues"]["f0_mean"]["level"] == "very high"


def test_unreadable_baseline_file_is_a_clear_error(tmp_path, good_file):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(SystemExit, match="not a readable baseline file"):
        main(["cues", "--baseline", str(broken), str(good_file)])


def test_console_script_runs_without_traceback(tmp_path, good_file):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    result = subprocess.run(
        [sys.executable, "-m", "emostudio", "cues", str(empty), str(good_file)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1
    assert f"emostudio: {empty}: the file is empty (0 bytes)" in result.stderr
    assert "Traceback" not in result.stderr
    assert "F0 mean" in result.stdout


def test_no_arguments_without_a_display_prints_help(capsys, monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    assert main([]) == 0
    captured = capsys.readouterr()
    assert "cues" in captured.out
    assert "no display" in captured.err


def test_no_arguments_with_a_display_opens_the_app(monkeypatch):
    opened = []
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(
        "emostudio.gui.app.main", lambda files, debug: opened.append((files, debug)) or 0
    )
    assert main([]) == 0
    assert opened == [([], False)]


def test_numbers_in_json_are_finite_or_null(tmp_path, capsys):
    path = tmp_path / "noise.wav"
    sf.write(path, np.random.default_rng(0).standard_normal(RATE) * 0.1, RATE)
    assert main(["cues", "--json", str(path)]) == 0
    text = capsys.readouterr().out
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text)["cues"]["f0_mean"]["value"] is None
