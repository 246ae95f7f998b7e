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
