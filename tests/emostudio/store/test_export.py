"""Export: TextGrid read back by Praat (parselmouth), EAF by pympi, CSV, JSON, and safety."""

from __future__ import annotations

import csv
import json

import parselmouth
import pytest
import soundfile as sf
from parselmouth.praat import call

from emostudio.cli.main import main
from emostudio.store import Filters, Project
from emostudio.store.export import export
from model_core.audio import load_audio
from model_core.cues import analyze_clip
from model_core.grounding import ground
from model_core.result import AnalysisResult
from tests.helpers.signals import RATE, syllable_train

WORDS = [("please", 0.25, 0.55), ("just", 0.6, 0.8), ('stop"', 0.85, 1.3)]


def clip_result(path, syllables: int, f0: float, **fields) -> tuple:
    """A recording written to ``path`` and an analysis of it with ``fields``."""
    sf.write(path, syllable_train(syllables, f0=f0), RATE)
    recording = load_audio(path)
    _, summary = analyze_clip(recording)
    result = AnalysisResult(
        file=str(path),
        sha256=recording.sha256,
        duration=recording.duration,
        sample_rate=RATE,
        start=0.0,
        end=recording.duration,
        cues=summary.to_dict(),
        **fields,
    )
    return recording, result


@pytest.fixture
def project(tmp_path):
    words = [{"word": w, "start": a, "end": b} for w, a, b in WORDS]
    rationale = 'She says "please just stop" and speaks quickly.'
    recording, result = clip_result(
        tmp_path / "clip one.wav",
        5,
        180,
        label="angry",
        probabilities={"neutral": 0.1, "happy": 0.1, "sad": 0.1, "angry": 0.7},
        transcript='please just stop"',
        words=words,
        rationale=rationale,
        model={"name": "m", "version": "1", "trained": True},
    )
    result.citations = [
        c.to_dict() for c in ground(rationale, words, result.cues["cues"], (0, recording.duration))
    ]
    with Project(tmp_path / "p.emostudio") as opened:
        analysis_id = opened.add_recording(recording, speaker="Ann Smith", analysis=result)
        opened.annotate(analysis_id, "bob", "sad", accepted=False)
        yield opened, result


def test_textgrid_is_read_back_by_praat(project, tmp_path):
    opened, result = project
    (path,) = export(opened, tmp_path / "out", "textgrid")
    grid = parselmouth.read(str(path))
    names = [
        call(grid, "Get tier name", i) for i in range(1, call(grid, "Get number of tiers") + 1)
    ]
    assert names[:4] == ["words", "model label", "human label", "model rationale"]
    assert names[4].startswith("cue 1: word:") and "[supported]" in names[4]
    words = [
        (
            call(grid, "Get label of interval", 1, i),
            call(grid, "Get start time of interval", 1, i),
            call(grid, "Get end time of interval", 1, i),
        )
        for i in range(1, call(grid, "Get number of intervals", 1) + 1)
    ]
    spoken = [(label, round(a, 3), round(b, 3)) for label, a, b in words if label]
    assert spoken == [(w, a, b) for w, a, b in WORDS]  # the double quote survives the round trip
    assert call(grid, "Get label of interval", 2, 1) == "angry (m 1)"  # the model's, named
    human = call(grid, "Get label of interval", 3, 1)
    assert human.startswith("sad (corrected by bob, ")  # the annotator's, apart
    assert call(grid, "Get label of interval", 4, 1) == result.rationale
    assert call(
        grid,
        "Get end time",
    ) == pytest.approx(result.duration)


def test_eaf_has_the_same_tiers(project, tmp_path):
    from pympi.Elan import Eaf

    opened, _result = project
    (path,) = export(opened, tmp_path / "out", "eaf")
    eaf = Eaf(str(path))
    assert {"words", "model label", "human label", "model rationale"} <= set(eaf.get_tier_names())
    assert sorted(eaf.get_annotation_data_for_tier("words")) == [
        (250, 550, "please"),
        (600, 800, "just"),
        (850, 1300, 'stop"'),
    ]
    assert eaf.get_annotation_data_for_tier("model label")[0][2] == "angry (m 1)"
    assert eaf.get_annotation_data_for_tier("human label")[0][2].startswith("sad (corrected by bob")


def test_csv_and_json_hold_every_analysis(project, tmp_path):
    opened, result = project
    (table,) = export(opened, tmp_path / "out", "csv")
    with open(table, newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["model_label"], row["human_label"], row["human_annotator"]) == (
        "angry",
        "sad",
        "bob",
    )
    assert "label" not in row and row["p_angry"] == "0.7"
    assert (
        row["speaker"] == "Ann Smith" and int(row["supported"]) >= 1 and row["annotations"] == "1"
    )
    (dump,) = export(opened, tmp_path / "out", "json")
    (record,) = json.loads(dump.read_text())
    assert (
        record["result"]["rationale"] == result.rationale
        and record["annotations"][0]["annotator"] == "bob"
    )
    assert (record["model_label"], record["human_label"]) == ("angry", "sad")


def test_filters_apply_to_exports(project, tmp_path):
    opened, _ = project
    assert export(opened, tmp_path / "none", "textgrid", Filters(label="happy")) == []
    # The label as it stands is the human's correction; the model's is asked for apart.
    assert len(export(opened, tmp_path / "some", "textgrid", Filters(label="sad"))) == 1
    assert export(opened, tmp_path / "stands", "textgrid", Filters(label="angry")) == []
    assert len(export(opened, tmp_path / "model", "textgrid", Filters(model_label="angry"))) == 1
    assert len(export(opened, tmp_path / "human", "textgrid", Filters(human_label="sad"))) == 1
    assert export(opened, tmp_path / "neither", "textgrid", Filters(human_label="angry")) == []


def test_anonymised_exports_drop_paths_and_names(project, tmp_path):
    opened, _result = project
    (dump,) = export(opened, tmp_path / "out", "json", anonymise=True)
    text = dump.read_text()
    assert "Ann Smith" not in text and "clip one" not in text and str(tmp_path) not in text
    (grid,) = export(opened, tmp_path / "grids", "textgrid", anonymise=True)
    assert grid.name.startswith("recording-") and "clip" not in grid.name


def test_exports_never_leave_the_output_folder(project, tmp_path):
    opened, _ = project
    opened.conn.execute("PRAGMA ignore_check_constraints = 1")
    opened.conn.execute(
        "UPDATE recordings SET name = '../../escape'"
    )  # a hostile name in the database
    (path,) = export(opened, tmp_path / "out", "textgrid")
    assert path.parent == (tmp_path / "out").resolve()
    assert not list(tmp_path.glob("*.TextGrid"))


def test_export_cli(project, tmp_path, capsys):
    opened, _ = project
    assert (
        main(["export", "--db", str(opened.path), "--format", "csv", "--out", str(tmp_path / "o")])
        == 0
    )
    assert "wrote 1 file(s)" in capsys.readouterr().out
    assert (
        main(
            [
                "export",
                "--db",
                str(tmp_path / "none.emostudio"),
                "--format",
                "csv",
                "--out",
                str(tmp_path / "o"),
            ]
        )
        == 2
    )
    assert "no such project file" in capsys.readouterr().err
    assert main(["list", "--db", str(opened.path), "--search", "please"]) == 0
    assert "1 analysis\n" in capsys.readouterr().out
    assert main(["list", "--db", str(opened.path), "--search", '"oops']) == 2
    assert "quoted phrases" in capsys.readouterr().err


def test_an_unsure_label_is_stored_and_exported_as_unsure(tmp_path):
    reasons = ["the model cannot tell angry and neutral apart here"]
    recording, result = clip_result(
        tmp_path / "unsure.wav",
        4,
        150,
        label="angry",
        probabilities={"neutral": 0.4, "happy": 0.05, "sad": 0.05, "angry": 0.5},
        model={"name": "m", "version": "2", "trained": True},
        label_set=["angry", "neutral"],
        uncertainty={"coverage": 0.9, "unsure": True, "reasons": reasons},
    )
    with Project(tmp_path / "u.emostudio") as opened:
        analysis_id = opened.add_recording(recording, analysis=result)
        restored = opened.analysis(analysis_id)
        assert restored.label_set == ["angry", "neutral"] and restored.unsure
        assert restored.uncertainty["reasons"] == reasons
        (table,) = export(opened, tmp_path / "out", "csv")
        (grid,) = export(opened, tmp_path / "out", "textgrid")
    with open(table, newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["model_label_set"], row["model_unsure"]) == ("angry or neutral", reasons[0])
    text = call(parselmouth.read(str(grid)), "Get label of interval", 2, 1)  # model label
    assert text == "angry or neutral (unsure) (m 2)"


def test_a_sure_label_and_an_old_analysis_read_back_without_a_set(project):
    opened, _ = project
    restored = opened.analysis(1)
    assert restored.label == "angry"
    assert restored.label_set is None and restored.uncertainty is None and not restored.unsure


def test_transcript_reliability_and_the_baseline_used_are_kept_and_exported(tmp_path):
    doubt = "the recogniser was unsure of its words (mean log-probability -1.60)"
    reliability = {"reliable": False, "reasons": [doubt], "avg_logprob": -1.6}
    recording, result = clip_result(
        tmp_path / "doubted.wav",
        4,
        150,
        label="angry",
        probabilities={"neutral": 0.2, "happy": 0.1, "sad": 0.1, "angry": 0.6},
        transcript="nervous",
        words=[{"word": "nervous", "start": 0.2, "end": 0.6, "probability": 0.3}],
        transcript_reliability=reliability,
        baseline={"name": "spk03", "recordings": 5, "voice_recordings": 0},
    )
    with Project(tmp_path / "r.emostudio") as opened:
        analysis_id = opened.add_recording(recording, analysis=result)
        restored = opened.analysis(analysis_id)
        assert restored.transcript_reliability == reliability
        assert restored.baseline == result.baseline
        (table,) = export(opened, tmp_path / "out", "csv")
        (grid,) = export(opened, tmp_path / "out", "textgrid")
        (data,) = export(opened, tmp_path / "out", "json")
    with open(table, newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["transcript_reliable"], row["transcript_doubt"]) == ("no", doubt)
    assert (row["baseline"], row["baseline_recordings"], row["label_voice_recordings"]) == (
        "spk03",
        "5",
        "0",
    )
    grid_object = parselmouth.read(str(grid))
    assert call(grid_object, "Get tier name", 1) == "words (unreliable transcript)"
    assert call(grid_object, "Get tier name", 2) == "transcript reliability"
    assert doubt in call(grid_object, "Get label of interval", 2, 1)
    (record,) = json.loads(data.read_text())
    assert record["result"]["transcript_reliability"]["reliable"] is False
