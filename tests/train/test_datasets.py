"""Corpus readers on miniature corpora in the real layouts, and the validation report."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf

from model_core.audio import load_audio
from tests.helpers.corpora import write_iemocap, write_meld
from tests.helpers.signals import RATE, harmonic
from train.datasets import DatasetError, load_examples
from train.datasets.iemocap import leave_one_session_out, read_iemocap
from train.datasets.manifest import read_label_folders, read_manifest
from train.datasets.meld import read_meld
from train.datasets.validate import validate


@pytest.fixture(scope="module")
def iemocap(tmp_path_factory):
    return write_iemocap(tmp_path_factory.mktemp("iemocap"))


@pytest.fixture(scope="module")
def meld(tmp_path_factory):
    return write_meld(tmp_path_factory.mktemp("meld"))


def test_iemocap_four_class_merges_excited_into_happy(iemocap):
    examples = read_iemocap(iemocap, "four")
    by_id = {e.id: e for e in examples}
    assert len(examples) == 2 * 5  # per session: neu, exc, ang, hap, sad (fru and xxx dropped)
    assert (
        by_id["Ses01F_impro01_F001"].label == "happy"
        and by_id["Ses01F_impro01_F001"].extra["code"] == "exc"
    )
    assert "Ses01F_impro01_M001" not in by_id  # xxx: no agreement
    first = by_id["Ses01F_impro01_F000"]
    assert first.transcript == "Excuse me." and first.speaker == "Ses01_F"
    assert load_audio(first.audio).duration > 0.5
    assert first.source.startswith("iemocap:Ses01F_impro01.txt:")


def test_iemocap_full_set_keeps_every_agreed_label(iemocap):
    labels = {e.label for e in read_iemocap(iemocap, "full")}
    assert labels == {"neutral", "frustrated", "excited", "angry", "happy", "sad"}


def test_leave_one_session_out(iemocap):
    folds = list(leave_one_session_out(read_iemocap(iemocap)))
    assert [session for session, _, _ in folds] == [1, 2]
    for session, train, test in folds:
        assert all(e.extra["session"] == session and e.split == "test" for e in test)
        assert all(e.extra["session"] != session and e.split == "train" for e in train)


def test_not_an_iemocap_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DatasetError, match="no Session1"):
        read_iemocap(tmp_path)


def test_meld_emotion_and_sentiment_from_mp4(meld):
    examples = read_meld(meld)
    by_id = {e.id: e for e in examples}
    assert "train/dia125_utt3" not in by_id  # known broken clip
    assert by_id["train/dia0_utt0"].label == "surprise"  # "Surprise" folded to the label set
    assert by_id["test/dia3_utt1"].label == "anger" and by_id["test/dia3_utt1"].split == "test"
    recording = load_audio(by_id["train/dia0_utt1"].audio)
    assert recording.format == "MOV" and recording.duration == pytest.approx(1.0, abs=0.1)
    sentiment = {e.id: e.label for e in read_meld(meld, "sentiment")}
    assert sentiment["train/dia0_utt1"] == "positive"


def test_meld_unknown_label_names_file_and_line(meld, tmp_path):
    broken = tmp_path / "MELD"
    broken.mkdir()
    for name in ("train_sent_emo.csv", "dev_sent_emo.csv", "test_sent_emo.csv"):
        (broken / name).write_text((meld / name).read_text().replace("joy", "glee"))
    for folder in ("train_splits", "dev_splits_complete", "output_repeated_splits_test"):
        (broken / folder).symlink_to(meld / folder)
    with pytest.raises(DatasetError, match=r"train_sent_emo\.csv:3: unknown emotion 'glee'"):
        read_meld(broken)


def _audio(folder, name, seconds=0.5):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, harmonic(150, seconds), RATE)
    return path


def test_csv_and_jsonl_manifests(tmp_path):
    _audio(tmp_path, "clips/a.wav")
    _audio(tmp_path, "clips/b.wav")
    (tmp_path / "data.csv").write_text(
        "path,label,transcript,speaker,split\n"
        "clips/a.wav,angry,stop it,ann,train\nclips/b.wav,,hello there,,test\n"
    )
    examples = read_manifest(tmp_path / "data.csv")
    assert examples[0].audio == tmp_path / "clips" / "a.wav" and examples[0].tasks == (
        "ser",
        "reason",
        "asr",
    )
    assert (
        examples[1].label is None and examples[1].tasks == ("asr",) and examples[1].split == "test"
    )
    rows = [
        {"path": "clips/a.wav", "label": "sad"},
        {"path": "clips/b.wav", "question": "Who?", "answer": "Ann"},
    ]
    (tmp_path / "data.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    examples = load_examples(f"manifest:{tmp_path / 'data.jsonl'}")
    assert [e.tasks for e in examples] == [("ser", "reason"), ("sqa",)]


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        ("file,label\na.wav,sad\n", ".csv", r"data\.csv:1: the header must name a 'path' column"),
        ("path,label,split\na.wav,sad,holdout\n", ".csv", r"data\.csv:2: split must be one of"),
        ("path,label\na.wav,sad\na.wav,sad,extra\n", ".csv", r"data\.csv:3: more fields"),
        ("path,label\n,sad\n", ".csv", r"data\.csv:2: empty path"),
        ("path,label\na.wav,\n", ".csv", r"data\.csv:2: a row needs a label"),
        ('{"path": "a.wav", "label": "sad"}\n{oops\n', ".jsonl", r"data\.jsonl:2: not valid JSON"),
        (
            '{"path": "a.wav", "label": "sad", "mood": 1}\n',
            ".jsonl",
            r"data\.jsonl:1: unknown columns",
        ),
        (
            '{"path": "a.wav", "label": "sad", "start": "soon"}\n',
            ".jsonl",
            r"start must be a number",
        ),
        ('path,label,feedback\na.wav,sad,"{oops"\n', ".csv", r"data\.csv:2: feedback must be"),
        (
            '{"path": "a.wav", "label": "sad", "feedback": [1]}\n',
            ".jsonl",
            r"data\.jsonl:1: feedback must be a JSON object, got \[1\]",
        ),
    ],
)
def test_manifest_errors_name_file_and_line(tmp_path, content, suffix, message):
    path = tmp_path / f"data{suffix}"
    path.write_text(content)
    with pytest.raises(DatasetError, match=message):
        read_manifest(path)


def test_rationale_feedback_is_kept_on_the_example(tmp_path):
    """What ``emostudio export --format manifest`` writes: JSON text in a CSV cell, an
    object in JSONL; kept as ``extra["feedback"]``, nothing when the cell is empty."""
    feedback = {"rationale": "Loud.", "claims": [{"claim": "loudness: loud", "agree": False}]}
    cell = json.dumps(feedback).replace('"', '""')
    (tmp_path / "data.csv").write_text(
        f'id,path,label,feedback\none,a.wav,sad,"{cell}"\ntwo,b.wav,happy,\n'
    )
    one, two = read_manifest(tmp_path / "data.csv")
    assert (one.id, one.extra, two.extra) == ("one", {"feedback": feedback}, {})
    row = {"path": "a.wav", "label": "sad", "feedback": feedback}
    (tmp_path / "data.jsonl").write_text(json.dumps(row) + "\n")
    (example,) = read_manifest(tmp_path / "data.jsonl")
    assert example.extra["feedback"]["claims"][0]["agree"] is False


def test_label_folders(tmp_path):
    _audio(tmp_path, "happy/one.wav")
    _audio(tmp_path, "happy/two.flac")
    _audio(tmp_path, "sad/x.wav")
    examples = read_label_folders(tmp_path)
    assert sorted((e.label, e.audio.name) for e in examples) == [
        ("happy", "one.wav"),
        ("happy", "two.flac"),
        ("sad", "x.wav"),
    ]


def test_validation_report_lists_every_problem(tmp_path):
    _audio(tmp_path, "ok.wav", 1.0)
    _audio(tmp_path, "short.wav", 0.5)
    (tmp_path / "empty.wav").write_bytes(b"")
    (tmp_path / "data.csv").write_text(
        "path,label\nok.wav,angry\nshort.wav,sad\nmissing.wav,sad\nempty.wav,happy\nok.wav,bored\n"
    )
    report = validate(read_manifest(tmp_path / "data.csv"), ["neutral", "happy", "sad", "angry"])
    assert not report.ok
    assert (
        len(report.missing) == 1
        and "missing.wav" in report.missing[0]
        and "data.csv:4" in report.missing[0]
    )
    assert len(report.unreadable) == 1 and "empty" in report.unreadable[0]
    assert len(report.unknown_labels) == 1 and "'bored'" in report.unknown_labels[0]
    assert report.class_counts["train"] == {"angry": 1, "sad": 2, "happy": 1, "bored": 1}
    np.testing.assert_allclose(sorted(report.durations["train"]), [0.5, 1.0, 1.0])
    text = report.to_text()
    assert "NOT READY" in text and "median" in text


def test_unknown_spec_is_a_clear_error():
    with pytest.raises(DatasetError, match="not a data spec"):
        load_examples("voxceleb:/data")


@pytest.mark.real_data
def test_asterisk_test_is_the_held_out_prompts_of_the_synthetic_corpus(asterisk_dir):
    from train.synth.corpus import _asterisk_rows

    held_out = load_examples("asterisk-test")
    assert len(held_out) == 100 and {e.label for e in held_out} == {"neutral"}
    assert all(e.transcript and e.split == "test" for e in held_out)
    trained = {row["path"] for row in _asterisk_rows(0) if row["split"] == "train"}
    assert not trained & {str(e.audio) for e in held_out}  # never trained on
    assert [e.audio for e in held_out] == [e.audio for e in load_examples("asterisk-test")]


def test_asterisk_train_is_every_other_prompt_and_never_a_held_out_one(asterisk_dir):
    held_out = {e.audio for e in load_examples("asterisk-test")}
    training = load_examples("asterisk-train")
    assert len(training) > 300 and {e.label for e in training} == {"neutral"}
    assert all(e.split == "train" and e.speaker for e in training)
    assert not held_out & {e.audio for e in training}
    everything = {e.audio for e in load_examples("asterisk")}
    assert {e.audio for e in training} | held_out <= everything
