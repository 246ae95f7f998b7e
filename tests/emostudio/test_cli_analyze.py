"""``emostudio analyze`` and ``emostudio models`` from the command line."""

from __future__ import annotations

import json

import pytest

from emostudio.cli.main import main
from model_core.devices import pick_placement
from model_core.model.reasoner import EmoReasoner
from tests.helpers.tiny_models import tiny_config

pytestmark = pytest.mark.real_data
REQUIRED = {
    "file",
    "label",
    "probabilities",
    "transcript",
    "words",
    "rationale",
    "citations",
    "cues",
    "model",
    "timings",
}


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ckpt")
    config = tiny_config(folder, speech_encoder="whisper-tiny.en", speech_encoder_config=None)
    return EmoReasoner(config, pick_placement("cpu")).save_pretrained(folder / "model")


def test_json_lines_hold_every_field(checkpoint, asterisk_files, tmp_path, capsys):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    status = main(
        [
            "analyze",
            "--json",
            "--model",
            str(checkpoint),
            "--device",
            "cpu",
            str(asterisk_files[0]),
            str(empty),
            str(asterisk_files[1]),
        ]
    )
    captured = capsys.readouterr()
    assert status == 1  # one file failed
    records = [json.loads(line) for line in captured.out.strip().splitlines()]
    assert [r["file"] for r in records] == [str(asterisk_files[0]), str(asterisk_files[1])]
    for record in records:
        assert set(record) >= REQUIRED
        assert {"word", "start", "end", "probability"} == set(record["words"][0])
        assert record["model"]["name"] == "tiny-test" and record["model"]["trained"] is False
        assert record["rationale"]
    assert f"emostudio: {empty}: the file is empty" in captured.err
    assert "Traceback" not in captured.err


def test_no_rationale_and_table_output(checkpoint, asterisk_files, capsys):
    assert (
        main(["analyze", "--no-rationale", "--model", str(checkpoint), str(asterisk_files[0])]) == 0
    )
    out = capsys.readouterr().out
    assert "UNTRAINED MODEL" in out and "untrained: not a finding" in out
    assert "transcript: That agent is already logged on" in out
    assert "rationale:" not in out


def test_a_missing_or_unsafe_model_is_a_clear_error(checkpoint, tmp_path, asterisk_files, capsys):
    assert main(["analyze", "--model", str(tmp_path / "nothing"), str(asterisk_files[0])]) == 2
    assert "cannot load model" in capsys.readouterr().err
    unsafe = tmp_path / "unsafe"
    unsafe.mkdir()
    for part in checkpoint.iterdir():
        target = unsafe / part.name
        if part.is_dir():
            target.mkdir()
            for inner in part.iterdir():
                (target / inner.name).write_bytes(inner.read_bytes())
        else:
            target.write_bytes(part.read_bytes())
    (unsafe / "extra.pt").write_bytes(b"\x80\x04")
    assert main(["analyze", "--model", str(unsafe), str(asterisk_files[0])]) == 2
    assert "pickle" in capsys.readouterr().err


def test_models_list_shows_the_packaged_sources(capsys):
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "whisper-tiny.en" in out and "smollm2-135m-instruct" in out
    assert main(["models", "prepare", "no-such-model"]) == 1


def test_same_speaker_scores_the_cues_against_the_files_own_baseline(
    checkpoint, asterisk_files, capsys
):
    from model_core.audio import load_audio
    from model_core.cues import SpeakerBaseline, analyze_clip

    files = [str(p) for p in asterisk_files[:3]]
    args = [
        "analyze",
        "--json",
        "--no-rationale",
        "--model",
        str(checkpoint),
        "--device",
        "cpu",
        *files,
    ]
    assert main([*args, "--same-speaker"]) == 0
    own = [json.loads(line)["cues"] for line in capsys.readouterr().out.strip().splitlines()]
    assert main(args) == 0
    population = [json.loads(line)["cues"] for line in capsys.readouterr().out.strip().splitlines()]
    expected = SpeakerBaseline.from_measurements(
        "this speaker", [analyze_clip(load_audio(f))[1].raw_values() for f in files]
    )
    for path, cues in zip(files, own, strict=True):
        assert cues["baseline"].startswith("this speaker")
        wanted = analyze_clip(load_audio(path), baseline=expected)[1].to_dict()["cues"][
            "intensity_mean"
        ]["z"]
        assert cues["cues"]["intensity_mean"]["z"] == pytest.approx(wanted, abs=1e-6)
    # Against its own mean, the speaker's loudness averages out; against population priors it need not.
    assert sum(c["cues"]["intensity_mean"]["z"] for c in own) == pytest.approx(0.0, abs=0.05)
    assert [c["cues"]["intensity_mean"]["z"] for c in own] != [
        c["cues"]["intensity_mean"]["z"] for c in population
    ]


def test_batches_keep_input_order_and_equal_one_file_at_a_time(
    checkpoint, asterisk_files, tmp_path, capsys
):
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF nonsense")
    files = [str(asterisk_files[3]), str(broken), str(asterisk_files[0]), str(asterisk_files[2])]
    base = ["analyze", "--json", "--no-rationale", "--model", str(checkpoint), "--device", "cpu"]
    assert main([*base, "--batch", "3", *files]) == 1
    batched = capsys.readouterr()
    assert main([*base, "--batch", "1", *files]) == 1
    alone = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    records = [json.loads(line) for line in batched.out.splitlines()]
    assert [r["file"] for r in records] == [files[0], files[2], files[3]]  # input order, not length
    assert [r["timings"]["batch_size"] for r in records] == [3, 3, 3]
    assert str(broken) in batched.err and "Traceback" not in batched.err
    for together, single in zip(records, alone, strict=True):
        assert together["transcript"] == single["transcript"]
        for label, p in single["probabilities"].items():
            assert together["probabilities"][label] == pytest.approx(p, abs=1e-4)


def test_a_batch_size_must_be_positive(checkpoint, asterisk_files, capsys):
    with pytest.raises(SystemExit):
        main(["analyze", "--batch", "0", str(asterisk_files[0])])
    assert "at least 1" in capsys.readouterr().err
