"""The EmoSpeech, TESS and TurEV-DB readers on fake trees in their real layouts (names
only matter; the audio is a stub)."""

from __future__ import annotations

import pytest

from train.datasets import DatasetError, load_examples, refuse_evaluation_only
from train.datasets import emospeech as emospeech_module
from train.datasets import tess as tess_module
from train.datasets import turev as turev_module

UNKNOWN = emospeech_module.UNKNOWN_USER
ALICE = "a" * 56
BOB = "b" * 56


def touch(root, *parts):
    path = root.joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"RIFF")
    return path


@pytest.fixture
def emospeech(tmp_path):
    for place, name in [
        ("Misc", f"help-safe-angry-1562907046662-{ALICE}.wav"),
        ("Misc", f"go-safe-calm-1562907046663-{UNKNOWN}.wav"),
        ("House", f"yes-safe-happy-1562907046664-{BOB}.wav"),
        ("House", f"stop-safe-fearful-1562907046665-{BOB}.wav"),
        ("House", f"no-scream-angry-1562907046666-{ALICE}.wav"),
        ("Near Lake", f"background-safe-calm-20190701193438-{ALICE}.wav"),
        ("Near Lake", f"unknown-safe-None-20190701193439-{ALICE}.wav"),
        ("Near Lake", "README.wav"),
    ]:
        touch(tmp_path, place, name)
    (tmp_path / "License.txt").write_text("CC BY-NC-SA 4.0")
    return tmp_path


def test_emospeech_four_reads_calm_as_neutral_and_leaves_out_overlays_background_and_none(
    emospeech,
):
    examples = load_examples(f"emospeech:{emospeech}")
    assert sorted(e.label for e in examples) == ["angry", "happy", "neutral"]
    assert {e.extra["environment"] for e in examples} == {"safe"}
    assert {e.extra["place"] for e in examples} == {"Misc", "House"}


def test_emospeech_unknown_user_is_no_speaker_and_full_keeps_fear_and_overlays(emospeech):
    examples = load_examples(f"emospeech-full:{emospeech}")
    assert sorted(e.label for e in examples) == ["angry", "angry", "fearful", "happy", "neutral"]
    by_label = {e.label: e for e in examples}
    assert by_label["neutral"].speaker is None  # the shared "unknown user" hash
    assert by_label["happy"].speaker == by_label["fearful"].speaker == f"emospeech-{'b' * 12}"
    text = emospeech_module.census_text(examples)
    assert "of 2 users, 1 more under the shared 'unknown user' hash" in text


def test_emospeech_layout_errors(tmp_path):
    with pytest.raises(DatasetError, match="not the EmoSpeech layout"):
        load_examples(f"emospeech:{tmp_path}")
    touch(tmp_path, "Misc", "notes.wav")
    with pytest.raises(DatasetError, match="no EmoSpeech clips"):
        load_examples(f"emospeech:{tmp_path}")


@pytest.fixture
def tess(tmp_path):
    base = tmp_path / "datasets"
    for folder, name in [
        ("train/OAF_angry", "OAF_back_angry.wav"),
        ("train/OAF_Fear", "OAF_back_fear.wav"),
        ("train/YAF_pleasant_surprised", "YAF_bath_ps.wav"),
        ("train/YAF_sad", "YAF_bath_sad.wav"),
        ("testnew", "103testYAF_keen_neutral46.wav"),
        ("testnew", "7testOA_dime_neutral3.wav"),  # the release's one OA_ misspelling
        ("testnew", "8testOAF_dime_happy12.wav"),
    ]:
        touch(base, *folder.split("/"), name)
    return tmp_path


def test_tess_labels_speakers_and_the_renamed_test_files(tess):
    examples = load_examples(f"tess:{tess}")
    got = sorted((e.speaker, e.extra["word"], e.label) for e in examples)
    assert got == [
        ("tess-older", "back", "angry"),
        ("tess-older", "dime", "happy"),
        ("tess-older", "dime", "neutral"),
        ("tess-younger", "bath", "sad"),
        ("tess-younger", "keen", "neutral"),
    ]
    assert all(e.split == "test" and e.extra["sex"] == "female" for e in examples)
    assert {e.transcript for e in examples if e.extra["word"] == "keen"} == {"Say the word keen"}
    full = load_examples(f"tess-full:{tess}")
    assert {"fearful", "surprised"} <= {e.label for e in full} and len(full) == 7
    assert tess_module.census_text(full).startswith("TESS: 7 recordings")


def test_tess_the_same_recording_twice_is_an_error(tess):
    touch(tess, "copy", "OAF_back_angry.wav")
    with pytest.raises(DatasetError, match="the same TESS recording twice"):
        load_examples(f"tess:{tess}")


@pytest.fixture
def turev(tmp_path):
    for folder, name in [
        ("Angry", "1157_kz_acik.wav"),
        ("Calm", "1157_sk_acik.wav"),
        ("Happy", "1234_mt_beste.wav"),
        ("Sad", "1234_hl_beste.wav"),
    ]:
        touch(tmp_path, "Sound Source", folder, name)
    # filtered copies of test clips: never recordings
    touch(tmp_path, "Model Output for Test Data", "testEmotions500HighPass", "1157_kz_x.wav")
    return tmp_path


def test_turev_reads_only_the_sound_source_with_calm_as_neutral(turev):
    examples = load_examples(f"turev:{turev}")
    assert sorted((e.speaker, e.label) for e in examples) == [
        ("turev-1157", "angry"),
        ("turev-1157", "neutral"),
        ("turev-1234", "happy"),
        ("turev-1234", "sad"),
    ]
    assert all("Model Output" not in str(e.audio) for e in examples)
    assert load_examples(f"turev:{turev / 'Sound Source'}") == examples
    assert turev_module.census_text(examples).startswith("TurEV-DB: 4 recordings")


def test_turev_a_code_that_disagrees_with_its_folder_is_an_error(turev):
    touch(turev, "Sound Source", "Happy", "1157_kz_yanlis.wav")
    with pytest.raises(DatasetError, match="its code 'kz' says angry, its folder happy"):
        load_examples(f"turev:{turev}")


def test_evaluation_only_corpora_are_refused_for_training(tess, turev, emospeech):
    refuse_evaluation_only(load_examples(f"emospeech:{emospeech}"))  # may train
    for spec in (f"tess:{tess}", f"turev:{turev}"):
        with pytest.raises(DatasetError, match="for evaluation only"):
            refuse_evaluation_only(load_examples(spec), "the head's data")
