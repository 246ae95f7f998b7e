"""Feature sets in a project: a round trip with provenance, and an import that measures
them next to the cues (and adds them to recordings imported before without them)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf

from emostudio.cli.main import main
from emostudio.store import Project, StoreError
from emostudio.store.importer import ImportOptions, run_import
from model_core.acoustics.feature_sets import EGEMAPS, extract_features
from model_core.audio import load_audio, recording_from_array
from tests.helpers.signals import RATE, silence, syllable_train
from tests.model_core.acoustics.test_feature_sets import opensmile_reference


def test_round_trip_keeps_values_units_part_and_versions(tmp_path):
    recording = recording_from_array(syllable_train(4), RATE)
    features = extract_features(recording, 0.1, 1.0)
    with Project(tmp_path / "p.emostudio") as project:
        with pytest.raises(StoreError, match="no recording"):
            project.feature_sets.add(recording.sha256, features)
        project.add_recording(recording)
        project.feature_sets.add(recording.sha256, features)
        project.feature_sets.add(recording.sha256, features)  # again: replaced, not doubled
        stored = project.feature_sets.of(recording.sha256)[EGEMAPS]
        audit = [
            json.loads(d)
            for (a, d) in project.conn.execute("SELECT action, details FROM audit")
            if a == "add features"
        ]
        ((info, listed),) = project.feature_sets.table(EGEMAPS, [recording.sha256])
    assert stored.names == features.names and stored.units == features.units
    np.testing.assert_array_equal(stored.values, features.values)
    assert (stored.start, stored.end) == (0.1, 1.0) and stored.versions == features.versions
    assert audit[-1] == {
        "sha256": recording.sha256,
        "feature_set": EGEMAPS,
        "versions": {**features.versions, "sample_rate": RATE},
    }
    assert stored.sample_rate == features.sample_rate == RATE
    assert info["sha256"] == recording.sha256 and listed.names == features.names


def _folder(root, n=4):
    root.mkdir()
    for i in range(n):
        sf.write(root / f"clip{i}.wav", syllable_train(2 + i, f0=120.0 + 30 * i), RATE)
    sf.write(root / "quiet.wav", silence(1.0), RATE)
    return sorted(root.glob("clip*.wav"))


def test_import_with_features_stores_opensmiles_values(tmp_path):
    clips = _folder(tmp_path / "data")
    db = tmp_path / "p.emostudio"
    options = ImportOptions(cues_only=True, workers=2, features="egemaps")
    with Project(db) as project:
        summary = run_import(project, tmp_path / "data", options)
        assert summary.imported == 5 and not summary.failed
        assert [path for path, _ in summary.no_features] == [str(tmp_path / "data" / "quiet.wav")]
        assert "no features:" in summary.text() and "silence" in summary.text()
        for path in clips:
            recording = load_audio(path)
            stored = project.feature_sets.of(recording.sha256)[EGEMAPS]
            _, expected = opensmile_reference(recording.for_model)
            np.testing.assert_allclose(stored.values, expected, rtol=0, atol=1e-6)
        assert len(project.feature_sets.featured(EGEMAPS)) == 4


def test_features_are_added_to_recordings_imported_without_them(tmp_path, capsys):
    _folder(tmp_path / "data", n=3)
    db = str(tmp_path / "p.emostudio")
    command = ["import", str(tmp_path / "data"), "--db", db, "--cues-only", "--workers", "1"]
    assert main([*command, "--quiet"]) == 0
    with Project(db) as project:
        assert project.feature_sets.featured(EGEMAPS) == set()
    assert main([*command, "--quiet", "--features", "egemaps"]) == 0
    assert "0 imported, 4 already in the project" in capsys.readouterr().out
    with Project(db) as project:
        assert (
            len(project.feature_sets.featured(EGEMAPS)) == 3 and project.counts()["analyses"] == 4
        )
    assert main(["features", "--db", db, "--from-project"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1 + 3  # the header, no units row
