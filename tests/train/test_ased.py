"""The ASED reader on a fake folder tree (names only matter; the audio is a stub)."""

from __future__ import annotations

import pytest

from train.config import FitConfig
from train.datasets import DatasetError, load_examples
from train.datasets.ased import census_text
from train.trainer import TrainingError, fit

FILES = {
    "01Neutral": ["n1-01-01-01-01.wav", "n1-01-02-02-02.wav"],
    "02Fearful": ["f2-02-01-01-01.wav"],
    "03Happy": ["h3-03-01-02-02.wav"],
    "04Sad": ["s4-04-01-01-01.wav", "S4-04-02-01-02.wav"],  # the release has one capital S
    "05Angry": ["a5-05-01-02-02.wav", "notes.wav"],
}


@pytest.fixture
def ased(tmp_path):
    for folder, names in FILES.items():
        (tmp_path / folder).mkdir()
        for name in names:
            (tmp_path / folder / name).write_bytes(b"RIFF")
    return tmp_path


def test_four_classes_leave_fear_out_and_take_labels_from_the_folders(ased):
    examples = load_examples(f"ased:{ased}")
    assert sorted(e.label for e in examples) == [
        "angry",
        "happy",
        "neutral",
        "neutral",
        "sad",
        "sad",
    ]
    assert all(e.split == "test" and e.transcript is None for e in examples)
    assert {e.speaker for e in examples} == {"ased-speaker01", "ased-speaker02"}


def test_the_full_set_keeps_fear_and_a_speakers_sex_is_their_usual_code(ased):
    examples = load_examples(f"ased-full:{ased}")
    assert "fearful" in {e.label for e in examples} and len(examples) == 7
    # speaker 02 is coded female once (S4-...-01-02) and male three times
    assert {e.extra["sex"] for e in examples if e.speaker == "ased-speaker02"} == {"male"}
    assert {e.extra["sex"] for e in examples if e.speaker == "ased-speaker01"} == {"female"}
    assert census_text(examples).startswith("ASED: 7 recordings (neutral 2, fearful 1,")


def test_not_an_ased_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DatasetError, match="not the ASED layout"):
        load_examples(f"ased:{tmp_path}")
    with pytest.raises(DatasetError, match="no such folder"):
        load_examples(f"ased:{tmp_path / 'missing'}")
    (tmp_path / "03Happy").mkdir()
    with pytest.raises(DatasetError, match="no ASED recordings"):
        load_examples(f"ased:{tmp_path}")


def test_training_on_ased_is_refused(ased, tmp_path):
    config = FitConfig.from_dict(
        {"data": {"train": [f"ased:{ased}"]}, "training": {"output": str(tmp_path / "run")}}
    )
    with pytest.raises(TrainingError, match="evaluation only"):
        fit(config, say=lambda _message: None)
