"""``emostudio-train corpus-cv`` end to end on three toy corpora and the real Whisper
tiny.en: every system on the same folds, a report, and a shipped head that the pipeline
reads with its prediction sets."""

from __future__ import annotations

import json

import pytest

from model_core.audio import load_audio
from model_core.devices import pick_placement
from model_core.model.reasoner import EmoReasoner
from model_core.pipeline import Analyzer, Clip
from tests.helpers.corpora import high_low_corpus
from train.cli import main
from train.datasets import load_examples

pytestmark = [pytest.mark.real_data, pytest.mark.slow]


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    """Three corpora of 4 speakers x 2 labels x 2 clips ("high" is higher and louder)."""
    found = {}
    for name in ("north", "south", "east"):
        root = tmp_path_factory.mktemp(name)
        found[name] = high_low_corpus(root, speakers=4, takes=2, seconds=1.0, spread=0.04)
    return found


def test_corpus_cv_scores_held_out_corpora_and_ships_a_calibrated_head(corpora, base, tmp_path):
    out, model_dir = tmp_path / "cv", tmp_path / "model"
    args = ["corpus-cv", "--train", f"manifest:{corpora['north']}"]
    args += ["--train", f"manifest:{corpora['south']}", "--evaluate", f"manifest:{corpora['east']}"]
    args += ["--labels", "low,high", "--base", str(base), "--whisper-context", "clip"]
    args += ["--recipe", "multi-corpus", "--recipe", "default-2.0", "--speaker-folds"]
    args += [f"{corpora['north'].parent.name}=2"]
    args += ["--cache", str(tmp_path / "cache"), "--out", str(out), "--write-model", str(model_dir)]
    assert main(args) == 0
    record = json.loads((out / "corpus-cv.json").read_text())
    figures = record["figures"]
    assert set(figures) == {"multi-corpus", "default-2.0", "egemaps-peer"}
    north, south, east = (corpora[n].parent.name for n in ("north", "south", "east"))
    ours = figures["multi-corpus"]["same-speaker"]
    assert [ours[f]["kind"] for f in (north, south, east, f"{north}/speakers-1")] == [
        "corpus",
        "corpus",
        "corpus",
        "speakers",
    ]
    assert all(ours[f]["n"] == 16 for f in (north, south, east))
    # The toy label (pitch and loudness) carries across corpora.
    assert ours[east]["ua"] >= 0.75 and 0.0 <= ours[east]["ece"] <= 1.0
    assert "coverage" in ours[east] and ours[east]["mean_set_size"] >= 1.0
    # Each manifest.csv is named after its folder; both training corpora calibrate.
    assert record["calibration_corpora"] == [corpora[n].parent.name for n in ("north", "south")]
    text = (out / "corpus-cv.md").read_text()
    assert "mean over held-out corpora" in text and "90 % set coverage" in text

    model = EmoReasoner.from_pretrained(model_dir, pick_placement("cpu"))
    head = model.head
    assert set(head.set_thresholds) == {"speaker", "population"} and head.novelty is not None
    assert model.config.whisper_context == "clip" and head.info["recipe"]["name"] == "multi-corpus"
    east = load_examples(f"manifest:{corpora['east']}")[:4]
    results = Analyzer(model).analyze([Clip(load_audio(e.audio)) for e in east], rationale=False)
    for result in results:
        assert result.label_set and result.label_set[0] == result.label
        assert set(result.label_set) <= {"low", "high"}
        assert result.uncertainty["coverage"] == 0.9
        assert result.unsure == (len(result.label_set) > 1 or bool(result.uncertainty["reasons"]))
