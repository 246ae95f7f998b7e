"""The RAVDESS reader on a fake release folder (names only matter; the audio is a stub)."""

from __future__ import annotations

import pytest

from train.datasets import DatasetError, load_examples
from train.datasets.ravdess import actor_folds, census, expected_names, read_ravdess


def release(root, skip=()):
    """A fake release: every expected file (minus ``skip``) as a tiny placeholder."""
    for name in expected_names():
        if name in skip:
            continue
        path = root / "audio_speech_actors_01-24" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"RIFF")
    return root


def test_the_release_has_1440_files_of_24_actors():
    names = expected_names()
    assert len(names) == 1440 and len(set(names)) == 1440
    assert len({n.split("/")[0] for n in names}) == 24


def test_four_class_set_merges_calm_into_neutral_and_keeps_speakers_and_sentences(tmp_path):
    examples = load_examples(f"ravdess:{release(tmp_path)}")
    counts = {
        label: sum(e.label == label for e in examples)
        for label in ("neutral", "happy", "sad", "angry")
    }
    assert counts == {"neutral": 288, "happy": 192, "sad": 192, "angry": 192}
    first = examples[0]
    assert first.speaker == "ravdess-actor01" and first.extra["sex"] == "male"
    assert first.transcript in ("Kids are talking by the door", "Dogs are sitting by the door")
    assert {e.extra["emotion"] for e in examples if e.label == "neutral"} == {"neutral", "calm"}
    assert {e.extra["sex"] for e in examples if e.extra["actor"] == 24} == {"female"}


def test_full_set_keeps_all_eight_emotions(tmp_path):
    examples = load_examples(f"ravdess-full:{release(tmp_path)}")
    assert len(examples) == 1440
    assert {e.label for e in examples} == {
        "neutral",
        "calm",
        "happy",
        "sad",
        "angry",
        "fearful",
        "disgust",
        "surprised",
    }


def test_the_census_names_what_is_missing_and_what_does_not_belong(tmp_path):
    gone = ["Actor_07/03-01-05-02-01-01-07.wav", "Actor_12/03-01-01-01-02-02-12.wav"]
    root = release(tmp_path, skip=gone)
    stray = root / "audio_speech_actors_01-24" / "Actor_03" / "03-01-05-01-01-01-04.wav"
    stray.write_bytes(b"RIFF")  # actor 04's name in actor 03's folder
    report = census(root)
    assert report.found == 1438 and report.actors == 24 and not report.complete
    assert report.missing == gone
    assert report.foreign == ["Actor_03/03-01-05-01-01-01-04.wav"]
    text = report.to_text()
    assert "1438 of 1440" in text and gone[0] in text
    assert "03-01-05-01-01-01-04" not in {
        e.audio.stem for e in read_ravdess(root) if e.extra["actor"] == 3
    }


def test_folds_hold_six_actors_three_of_each_sex_and_never_share_an_actor(tmp_path):
    folds = actor_folds(read_ravdess(release(tmp_path)), 4)
    assert sorted(a for fold in folds for a in fold) == list(range(1, 25))
    for fold in folds:
        assert len(fold) == 6 and sum(a % 2 for a in fold) == 3


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda root: root / "nowhere", "no such folder"),
        (lambda root: root, "no Actor_NN folders"),
    ],
)
def test_a_folder_that_is_not_ravdess_is_refused(tmp_path, make, problem):
    with pytest.raises(DatasetError, match=problem):
        read_ravdess(make(tmp_path))


def test_an_actor_folder_without_speech_files_is_refused(tmp_path):
    (tmp_path / "Actor_01").mkdir()
    (tmp_path / "Actor_01" / "notes.txt").write_text("x")
    with pytest.raises(DatasetError, match="no RAVDESS speech files"):
        read_ravdess(tmp_path)


def test_validate_names_the_missing_files_and_fails(tmp_path, capsys):
    from train.cli import main

    root = release(tmp_path, skip=["Actor_02/03-01-04-02-02-02-02.wav"])
    assert main(["validate", f"ravdess:{root}", "--no-audio"]) == 1
    out = capsys.readouterr().out
    assert "1439 of 1440 files" in out and "Actor_02/03-01-04-02-02-02-02.wav" in out
