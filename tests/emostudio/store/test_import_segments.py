"""``emostudio import --segments``: each recording's utterances analysed and stored with it."""

from __future__ import annotations

import numpy as np
import soundfile as sf

from emostudio.cli.main import main
from emostudio.store import Project


def joined(path, prompts, gap_s=1.5):
    gap = np.zeros(int(16_000 * gap_s), dtype=np.float32)
    parts = [gap]
    for prompt in prompts:
        parts += [prompt, gap]
    sf.write(path, np.concatenate(parts), 16_000)


def test_import_segments_stores_each_recordings_utterances_once(tmp_path, asterisk_files, capsys):
    from model_core.audio import load_audio
    from model_core.devices import pick_placement
    from model_core.model.reasoner import EmoReasoner
    from tests.helpers.tiny_models import tiny_config

    prompts = [load_audio(asterisk_files[i]).for_model for i in (0, 3, 5, 4)]
    folder = tmp_path / "talks"
    folder.mkdir()
    joined(folder / "three.wav", prompts[:3])
    joined(folder / "two.wav", prompts[2:])
    config = tiny_config(tmp_path, speech_encoder="whisper-tiny.en", speech_encoder_config=None)
    model = EmoReasoner(config, pick_placement("cpu")).save_pretrained(tmp_path / "model")
    db = tmp_path / "p.emostudio"
    command = ["import", str(folder), "--db", str(db), "--segments", "--quiet"]
    command += ["--model", str(model), "--rationale-source", "composer"]
    assert main(command) == 0
    assert "2 imported" in capsys.readouterr().out
    with Project(db) as project:
        by_name = {r["name"]: r["sha256"] for r in project.queries.list_recordings()}
        three = project.queries.utterances(by_name["three.wav"])
        two = project.queries.utterances(by_name["two.wav"])
        assert [r.utterance["number"] for _, r, _ in three] == [1, 2, 3]
        assert [r.utterance["number"] for _, r, _ in two] == [1, 2]
        for _, result, _ in three + two:  # each utterance holds one prompt's speech
            assert 0.9 < result.end - result.start < 8 and result.transcript
        # three utterances make the speaker's own baseline; two are too few: population
        assert {r.baseline["name"] for _, r, _ in three} == {"this recording's utterances"}
        assert {r.baseline["recordings"] for _, r, _ in two} == {0}
        # the whole recording keeps its cues, and is what opens first
        assert project.queries.latest_analysis(by_name["two.wav"])[1].utterance is None
        analyses = project.counts()["analyses"]
    assert main(command) == 0  # again: nothing new
    assert "0 imported, 2 already" in capsys.readouterr().out
    with Project(db) as project:
        assert project.counts()["analyses"] == analyses == 2 + 5
    # with a speaker pattern, the utterances are read against the speaker's baseline
    db = tmp_path / "speakers.emostudio"
    command[3] = str(db)
    assert main([*command, "--speaker-from", "^(t)"]) == 0
    with Project(db) as project:
        sha = {r["name"]: r["sha256"] for r in project.queries.list_recordings()}["two.wav"]
        rows = project.queries.utterances(sha)
        assert len(rows) == 2 and {r.baseline["name"] for _, r, _ in rows} == {"t"}
        assert {r.baseline["recordings"] for _, r, _ in rows} == {2}


def test_import_segments_refuses_cues_only(tmp_path, capsys):
    (tmp_path / "f").mkdir()
    args = ["import", str(tmp_path / "f"), "--db", str(tmp_path / "p"), "--segments"]
    assert main([*args, "--cues-only"]) == 2
    assert "leave out --cues-only" in capsys.readouterr().err
