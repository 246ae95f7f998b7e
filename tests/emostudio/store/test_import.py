"""Batch import: idempotent, resumable after kill -9 at random moments, errors recorded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile as sf

from emostudio.cli.main import main
from emostudio.store import Project
from emostudio.store.importer import ImportOptions, run_import
from model_core.acoustics.feature_sets import extract_features
from model_core.audio import AudioError, load_audio
from tests.helpers.bad_audio import build_corpus
from tests.helpers.signals import RATE, syllable_train

GOOD = 160


def make_folder(root, good: int = GOOD):
    """Distinct good clips (``good`` of them plus the odd-but-good corpus files), broken
    files, a duplicate under another name, and non-audio files."""
    rng = np.random.default_rng(0)
    names = []
    for i in range(good):
        sub = root / ("speaker_b" if i % 5 == 0 else "speaker_a")
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"clip{i:03d}.wav"
        sf.write(
            path, syllable_train(int(rng.integers(2, 5)), f0=float(rng.uniform(100, 250))), RATE
        )
        names.append(path)
    broken = []
    for case in build_corpus(root / "odd"):
        expected = case.expected if isinstance(case.expected, tuple) else (case.expected,)
        if not case.path.is_file():
            continue
        if expected == ("ok",):
            names.append(case.path)  # odd but good: imported like any other
        elif "ok" in expected:
            case.path.unlink()  # either outcome is right for it: keep the count exact
        else:
            broken.append(case)
    duplicate = root / "speaker_a" / "copy_of_clip001.wav"
    duplicate.write_bytes(names[1].read_bytes())
    for i in range(30):
        (root / "speaker_a" / f"notes{i}.txt").write_text("not audio")
    return names, broken, duplicate


def state(db):
    with Project(db) as project:
        counts = project.counts()
        paths = {p for (p,) in project.conn.execute("SELECT path FROM recording_paths")}
        errors = dict(project.import_errors())
        return project.integrity(), counts, paths, errors


def check_complete(db, names, broken, duplicate):
    integrity, counts, paths, errors = state(db)
    assert integrity == "ok"
    assert counts["recordings"] == len(
        names
    )  # each good file exactly once (the duplicate shares one)
    assert counts["analyses"] == len(names)
    assert {str(p) for p in names} | {str(duplicate)} == paths
    assert {str(c.path) for c in broken} == set(errors)
    assert all(str(c.path) in errors[str(c.path)] for c in broken)  # each error names its file


def test_import_is_complete_and_idempotent(tmp_path):
    names, broken, duplicate = make_folder(tmp_path / "data")
    db = tmp_path / "p.emostudio"
    options = ImportOptions(
        recursive=True, cues_only=True, workers=2, speaker_from=r"(speaker_\w)/"
    )
    with Project(db) as project:
        first = run_import(project, tmp_path / "data", options)
    assert first.imported == len(names) and first.already == 1 and len(first.failed) == len(broken)
    assert first.ignored == 30
    check_complete(db, names, broken, duplicate)
    with Project(db) as project:
        second = run_import(project, tmp_path / "data", options)
        assert second.imported == 0 and second.already == len(names) + 1
        assert project.queries.speakers() == ["speaker_a", "speaker_b"]
    check_complete(db, names, broken, duplicate)


@pytest.mark.slow
def test_killing_the_import_anywhere_loses_nothing(tmp_path):
    """kill -9 at 20 random moments, resuming each time: the project ends whole and exact."""
    names, broken, duplicate = make_folder(tmp_path / "data")
    db = tmp_path / "p.emostudio"
    command = [
        sys.executable,
        "-m",
        "emostudio",
        "import",
        str(tmp_path / "data"),
        "--db",
        str(db),
        "--recursive",
        "--cues-only",
        "--workers",
        "2",
        "--quiet",
    ]
    rng = np.random.default_rng(7)
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    for _ in range(20):
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        time.sleep(float(rng.uniform(0.3, 2.5)))
        os.killpg(process.pid, signal.SIGKILL)  # the import and its workers, mid-write or not
        process.wait()
        assert state(db)[0] == "ok"
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 1  # some files are broken, and it says so
    check_complete(db, names, broken, duplicate)


def test_import_cli_reports_a_summary(tmp_path, capsys):
    names, broken, _ = make_folder(tmp_path / "data", good=6)
    status = main(
        [
            "import",
            str(tmp_path / "data"),
            "--db",
            str(tmp_path / "p.emostudio"),
            "--recursive",
            "--cues-only",
            "--workers",
            "1",
            "--quiet",
        ]
    )
    out = capsys.readouterr().out
    assert status == 1
    assert (
        f"{len(names)} imported, 1 already in the project" in out and f"{len(broken)} failed" in out
    )
    assert "30 other files ignored" in out


def test_missing_folder_and_bad_project_are_clear_errors(tmp_path, capsys):
    assert (
        main(
            [
                "import",
                str(tmp_path / "nothing"),
                "--db",
                str(tmp_path / "p.emostudio"),
                "--cues-only",
            ]
        )
        == 2
    )
    assert "not a folder" in capsys.readouterr().err
    bad = tmp_path / "bad.emostudio"
    bad.write_text("hello")
    (tmp_path / "data").mkdir()
    assert main(["import", str(tmp_path / "data"), "--db", str(bad), "--cues-only"]) == 2
    assert "not" in capsys.readouterr().err and bad.read_text() == "hello"


def test_a_model_that_cannot_transcribe_is_refused_in_one_line(tmp_path, capsys):
    """A checkpoint whose speech encoder has no Whisper tokenizer: status 2, no traceback."""
    from model_core.devices import pick_placement
    from model_core.model.reasoner import EmoReasoner
    from tests.helpers.tiny_models import tiny_config

    checkpoint = EmoReasoner(tiny_config(tmp_path), pick_placement("cpu")).save_pretrained(
        tmp_path / "ckpt"
    )
    make_folder(tmp_path / "data", good=2)
    db = tmp_path / "p.emostudio"
    status = main(
        ["import", str(tmp_path / "data"), "--db", str(db), "--model", str(checkpoint), "--quiet"]
    )
    err = capsys.readouterr().err
    assert status == 2
    assert "Traceback" not in err and "Whisper tokenizer" in err and "tiny-test" in err


def test_dangling_and_looping_links_are_reported_not_skipped(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    sf.write(folder / "good.wav", syllable_train(8), RATE)
    (folder / "gone.wav").symlink_to(tmp_path / "deleted.wav")
    (folder / "loop.wav").symlink_to(folder / "loop.wav")
    with Project(tmp_path / "p.emostudio") as project:
        summary = run_import(project, folder, ImportOptions(cues_only=True, workers=1))
        failed = dict(summary.failed)
        assert summary.imported == 1 and set(failed) == {
            str(folder / "gone.wav"),
            str(folder / "loop.wav"),
        }
        assert (
            "gone.wav" in failed[str(folder / "gone.wav")]
            and "loop.wav" in failed[str(folder / "loop.wav")]
        )
        assert set(dict(project.import_errors())) == set(failed)


@pytest.mark.slow
def test_killing_an_import_with_features_loses_nothing(tmp_path):
    """With --features egemaps each recording's feature set is committed with it: after kills
    and a resume, every good file has its analysis and its features exactly once."""
    names, broken, duplicate = make_folder(tmp_path / "data", good=24)
    db = tmp_path / "p.emostudio"
    command = [sys.executable, "-m", "emostudio", "import", str(tmp_path / "data"), "--db"]
    command += [str(db), "--recursive", "--cues-only", "--workers", "2", "--quiet"]
    command += ["--features", "egemaps"]
    rng = np.random.default_rng(11)
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    for _ in range(6):
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
            start_new_session=True,
        )  # fmt: skip
        time.sleep(float(rng.uniform(0.5, 3.0)))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert state(db)[0] == "ok"
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 1
    check_complete(db, names, broken, duplicate)
    with Project(db) as project:
        featured = project.feature_sets.featured("eGeMAPSv02")
        rows = project.conn.execute("SELECT count(*) FROM features").fetchone()[0]
        without = dict(
            project.conn.execute(
                "SELECT sha256, path FROM recordings WHERE sha256 NOT IN"
                " (SELECT sha256 FROM features)"
            )
        )
    assert rows == len(featured) == len(names) - len(without)
    for path in without.values():  # only files that have no features to give lack them
        with pytest.raises(AudioError):
            extract_features(load_audio(path))
