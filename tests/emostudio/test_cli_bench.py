"""``emostudio bench``: how fast the user's machine analyses, stage by stage."""

from __future__ import annotations

import re

import pytest

from emostudio.cli.bench import comparison, report
from emostudio.cli.main import main
from model_core.devices import pick_placement
from model_core.model.reasoner import EmoReasoner
from tests.helpers.tiny_models import tiny_config


def test_the_report_gives_median_stages_their_share_and_the_real_time_factor():
    model = {"asked": "default", "name": "m", "version": "1", "device": "cpu"}
    text = report(model, 4, 20.0, 3.0, [10.0, 8.0, 12.0], {"asr": [4.0, 5.0, 6.0], "x": [1, 2, 3]})
    assert "| asr | 5.00 | 50% |" in text and "| x | 2.00 | 20% |" in text
    assert text.index("| asr") < text.index("| x")  # the slowest stage first
    assert "| **all** | **10.00** | 100% |" in text
    assert "0.40 clips/s; real-time factor 0.50 (2.0x faster than real time)" in text


@pytest.mark.real_data
def test_bench_times_real_clips_without_the_batch_size_as_a_stage(tmp_path, asterisk_files, capsys):
    config = tiny_config(tmp_path, speech_encoder="whisper-tiny.en", speech_encoder_config=None)
    checkpoint = EmoReasoner(config, pick_placement("cpu")).save_pretrained(tmp_path / "model")
    args = ["bench", "--model", str(checkpoint), "--repeats", "1", "--no-rationale"]
    assert main([*args, *map(str, asterisk_files[:2])]) == 0
    out = capsys.readouterr().out
    assert "2 clips" in out and "batch_size" not in out
    stages = re.findall(r"^\| (\w+) \| ([0-9.]+) \|", out, re.MULTILINE)
    assert {"acoustics", "whisper_encoder", "asr"} <= {name for name, _ in stages}
    assert all(float(seconds) > 0 for _, seconds in stages)


def test_bench_refuses_an_unreadable_file_before_loading_a_model(tmp_path, capsys):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    assert main(["bench", "--model", str(tmp_path / "no-model"), str(empty)]) == 2
    assert "empty" in capsys.readouterr().err


def test_the_engines_are_compared_by_their_median_seconds():
    text = comparison({"torch": 3.0, "ctranslate2": 1.5})
    assert text.index("| ctranslate2 | 1.50 | x2.00 |") < text.index("| torch | 3.00 | x1.00 |")


@pytest.mark.real_data
@pytest.mark.slow
def test_bench_times_both_asr_engines_in_one_run(tmp_path, asterisk_files, capsys):
    config = tiny_config(tmp_path, speech_encoder="whisper-tiny.en", speech_encoder_config=None)
    checkpoint = EmoReasoner(config, pick_placement("cpu")).save_pretrained(tmp_path / "model")
    args = ["bench", "--model", str(checkpoint), "--repeats", "1", "--no-rationale"]
    assert main([*args, "--compare-engines", str(asterisk_files[0])]) == 0
    out = capsys.readouterr().out
    assert "ASR by ctranslate2" in out and "ASR by torch" in out
    rows = dict(
        re.findall(r"^\| (ctranslate2|torch) \| [0-9.]+ \| (x[0-9.]+) \|$", out, re.MULTILINE)
    )
    assert set(rows) == {"ctranslate2", "torch"} and "x1.00" in rows.values()
