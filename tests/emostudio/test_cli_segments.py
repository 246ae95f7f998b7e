"""``emostudio segments``: the cut of a recording, without the model."""

from __future__ import annotations

import json

import pytest

from emostudio.cli.main import main


@pytest.mark.real_data
def test_segments_prints_each_files_utterances_with_their_settings(
    tmp_path, asterisk_files, capsys
):
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF\x00\x00")
    status = main(["segments", "--json", "--pad-s", "0.05", str(asterisk_files[0]), str(broken)])
    assert status == 1  # the broken file failed, the other was cut
    out, err = capsys.readouterr()
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert record["algorithm"] == "silero-vad" and record["settings"]["pad_s"] == 0.05
    assert record["utterances"] and all(u["end"] > u["start"] for u in record["utterances"])
    assert "broken.wav" in err


def test_segments_refuses_settings_that_cut_nothing(tmp_path, capsys):
    assert main(["segments", "--min-utterance-s", "9", "--max-utterance-s", "3", "x.wav"]) == 2
    assert "longer than the shortest" in capsys.readouterr().err


@pytest.mark.real_data
@pytest.mark.slow
def test_analyze_segments_writes_one_result_per_utterance_in_order(
    tmp_path, asterisk_files, capsys
):
    import numpy as np
    import soundfile as sf

    from model_core.audio import load_audio
    from model_core.devices import pick_placement
    from model_core.model.reasoner import EmoReasoner
    from tests.helpers.tiny_models import tiny_config

    gap = np.zeros(24_000, dtype=np.float32)
    prompts = [load_audio(asterisk_files[i]).for_model for i in (0, 3, 5)]
    path = tmp_path / "three.wav"
    sf.write(path, np.concatenate([gap, prompts[0], gap, prompts[1], gap, prompts[2], gap]), 16_000)
    assert main(["segments", "--json", str(path)]) == 0
    cut = json.loads(capsys.readouterr().out)["utterances"]
    config = tiny_config(tmp_path, speech_encoder="whisper-tiny.en", speech_encoder_config=None)
    model = EmoReasoner(config, pick_placement("cpu")).save_pretrained(tmp_path / "model")
    args = ["analyze", "--segments", "--json", "--no-rationale", "--model", str(model), str(path)]
    assert main(args) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["utterance"]["number"] for r in rows] == [1, 2, 3] and len(cut) == 3
    assert {r["utterance"]["of"] for r in rows} == {3}
    assert [(r["start"], r["end"]) for r in rows] == [
        (pytest.approx(u["start"], abs=1e-3), pytest.approx(u["end"], abs=1e-3)) for u in cut
    ]
    assert all(r["utterance"]["segmentation"]["algorithm"] == "silero-vad" for r in rows)
    # no baseline asked for: the recording's own utterances are the speaker's baseline
    assert {r["baseline"]["name"] for r in rows} == {"this recording's utterances"}
    assert all(
        r["words"] and all(u["start"] - 0.05 <= w["start"] <= u["end"] for w in r["words"])
        for r, u in zip(rows, cut, strict=True)
    )
