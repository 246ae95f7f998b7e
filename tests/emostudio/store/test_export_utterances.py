"""Exports of a recording cut into utterances: one interval per utterance in Praat and ELAN,
one row per utterance in CSV and JSON."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict

import parselmouth
from parselmouth.praat import call

from emostudio.store import Project
from emostudio.store.export import export
from model_core.segments import SegmentSettings
from tests.emostudio.store.test_export import clip_result

SPANS = [(0.1, 1.2, "sad"), (1.6, 2.9, "angry"), (3.3, 4.6, "neutral")]


def cut_project(tmp_path):
    """A 5-syllable recording with a whole-recording analysis and three utterances, the
    second judged and the first analysed twice (the newer one must be exported)."""
    recording, whole = clip_result(tmp_path / "talk.wav", 18, 170, label="neutral")
    cut = {
        "algorithm": "silero-vad",
        "version": "6.2.3",
        "settings": asdict(SegmentSettings()),
        "duration": recording.duration,
    }
    parts = [
        whole.__class__(
            **{
                **whole.to_dict(),
                "start": a,
                "end": b,
                "label": label,
                "model": {"name": "m", "version": "1", "trained": True},
                "words": [{"word": f"w{n}", "start": a + 0.1, "end": a + 0.4}],
                "utterance": {"number": n, "of": 3, "segmentation": cut},
            }
        )
        for n, (a, b, label) in enumerate(SPANS, 1)
    ]
    project = Project(tmp_path / "p.emostudio")
    project.add_recording(recording, analysis=whole, kind="cues", utterances=parts)
    redo = whole.__class__(**{**parts[0].to_dict(), "label": "happy"})
    project.add_analysis(recording.sha256, redo)
    second = project.queries.utterances(recording.sha256)[1][0]
    project.annotate(second, "bob", "fearful", accepted=False)
    return project, recording


def test_a_cut_recording_exports_one_interval_per_utterance_to_praat(tmp_path):
    project, recording = cut_project(tmp_path)
    written = export(project, tmp_path / "out", "textgrid")
    (grid_path,) = [p for p in written if "utterances" in p.name]
    assert len(written) == 2  # the whole recording's file too, untouched
    grid = parselmouth.read(str(grid_path))
    names = [
        call(grid, "Get tier name", i) for i in range(1, call(grid, "Get number of tiers") + 1)
    ]
    assert names[:3] == ["utterance", "model label", "human label"]

    def labelled(tier):
        count = call(grid, "Get number of intervals", tier)
        found = []
        for i in range(1, count + 1):
            text = call(grid, "Get label of interval", tier, i)
            if text:
                start = call(grid, "Get start time of interval", tier, i)
                end = call(grid, "Get end time of interval", tier, i)
                found.append((round(start, 3), round(end, 3), text))
        return found

    assert labelled(1) == [(a, b, str(n)) for n, (a, b, _) in enumerate(SPANS, 1)]
    assert [t for *_, t in labelled(2)] == ["happy (m 1)", "angry (m 1)", "neutral (m 1)"]
    (human,) = labelled(3)
    assert human[:2] == (1.6, 2.9) and human[2].startswith("fearful (corrected by bob")
    assert [t for *_, t in labelled(4)] == ["w1", "w2", "w3"]
    assert call(grid, "Get end time") == recording.duration


def test_a_cut_recording_in_elan_csv_and_json(tmp_path):
    from pympi.Elan import Eaf

    project, _ = cut_project(tmp_path)
    (eaf_path,) = [p for p in export(project, tmp_path / "eaf", "eaf") if "utterances" in p.name]
    eaf = Eaf(str(eaf_path))
    assert sorted(eaf.get_annotation_data_for_tier("utterance")) == [
        (round(a * 1000), round(b * 1000), str(n)) for n, (a, b, _) in enumerate(SPANS, 1)
    ]
    assert len(eaf.get_annotation_data_for_tier("human label")) == 1
    (path,) = export(project, tmp_path / "csv", "csv")
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_utterance = sorted((r["utterance"], r["model_label"]) for r in rows if r["utterance"])
    assert by_utterance == [("1", "happy"), ("1", "sad"), ("2", "angry"), ("3", "neutral")]
    assert {r["utterances"] for r in rows if r["utterance"]} == {"3"}
    (path,) = export(project, tmp_path / "json", "json")
    data = json.loads(path.read_text(encoding="utf-8"))
    places = [d["result"]["utterance"] for d in data]
    assert places.count(None) == 1 and sorted(p["number"] for p in places if p) == [1, 1, 2, 3]
    assert next(d for d in data if d["human_label"])["result"]["utterance"]["number"] == 2
