"""``import --speaker-from``: a pattern that names no file's speaker is an error before
anything is imported; one that names some imports the rest without one and says how many."""

from __future__ import annotations

import pytest
import soundfile as sf

from emostudio.cli.main import main
from emostudio.store import Project, StoreError
from emostudio.store.importer import ImportOptions, count_unnamed, run_import, speaker_pattern
from tests.helpers.signals import RATE, syllable_train


def _folder(root, names):
    for i, name in enumerate(names):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(path, syllable_train(2, f0=120.0 + 20 * i), RATE)
    return root


def test_a_pattern_matching_no_file_is_an_error_and_nothing_is_imported(tmp_path):
    folder = _folder(tmp_path / "data", ["a/b.wav", "a/c.wav", "d.wav"])
    options = ImportOptions(recursive=True, cues_only=True, workers=1, speaker_from=r"(spk\d+)")
    with Project(tmp_path / "p.emostudio") as project:
        with pytest.raises(StoreError) as caught:
            run_import(project, folder, options)
        assert project.counts() == {
            "recordings": 0,
            "analyses": 0,
            "annotations": 0,
            "import_errors": 0,
        }
    assert str(caught.value) == (
        r"--speaker-from '(spk\\d+)' matches none of the 3 files (e.g. 'a/b.wav'): "
        "nothing imported"
    )


def test_the_cli_reports_it_in_one_line_with_exit_2(tmp_path, capsys):
    folder = _folder(tmp_path / "data", ["x.wav", "y.wav"])
    db = tmp_path / "p.emostudio"
    command = ["import", str(folder), "--db", str(db), "--cues-only", "--workers", "1"]
    assert main([*command, "--quiet", "--speaker-from", "^(spk[0-9]+)/"]) == 2
    captured = capsys.readouterr()
    assert "matches none of the 2 files (e.g. 'x.wav'): nothing imported" in captured.err
    assert captured.err.count("\n") == 1 and captured.out == ""
    with Project(db) as project:
        assert project.counts()["recordings"] == 0


def test_a_pattern_matching_some_files_imports_all_and_counts_the_others(tmp_path):
    folder = _folder(tmp_path / "data", ["spk1/a.wav", "spk2/b.wav", "loose.wav"])
    options = ImportOptions(recursive=True, cues_only=True, workers=1, speaker_from=r"^(spk\d)/")
    with Project(tmp_path / "p.emostudio") as project:
        summary = run_import(project, folder, options)
        assert summary.imported == 3 and summary.no_speaker == 1
        assert project.queries.speakers() == ["spk1", "spk2"]
    assert (
        r"no speaker for 1 of the 3 files: --speaker-from '^(spk\\d)/' does not match their paths"
        in summary.text()
    )


def test_count_unnamed_without_a_pattern_or_files(tmp_path):
    assert count_unnamed([tmp_path / "a.wav"], tmp_path, None) == 0
    assert count_unnamed([], tmp_path, speaker_pattern("x")) == 0
