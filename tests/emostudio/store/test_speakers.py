"""Imports that know the speaker: baselines from all their recordings, then the model."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from emostudio.store import Project
from emostudio.store.importer import ImportOptions, run_import
from emostudio.store.project import Filters
from model_core.cues import analyze_clip
from model_core.pipeline import Analyzer
from model_core.result import AnalysisResult
from tests.helpers.signals import RATE, syllable_train

pytestmark = pytest.mark.slow
SPEAKERS = {"low": 110.0, "high": 240.0}  # F0 in Hz


class CueReadingModel:
    """Stands in for the model (the importer loads it through ``Analyzer.load``): it
    measures each clip against the baseline the importer hands it, and calls a clip
    "sad" when its pitch is low against that baseline, "happy" otherwise. Whisper and an
    LLM would add minutes here and nothing to what this test checks: which baseline each
    clip gets, when, and how often."""

    def __init__(self):
        self.batches = []
        self.transcribed = []  # per batch: whether a transcript was asked for

    def analyze(self, clips, transcribe=True):
        self.batches.append([clip.baseline.name if clip.baseline else None for clip in clips])
        self.transcribed.append(transcribe)
        results = []
        for clip in clips:
            _analysis, summary = analyze_clip(clip.recording, baseline=clip.baseline)
            z = summary.cues["f0_mean"].z
            label = "sad" if z < 0 else "happy"
            results.append(
                AnalysisResult(
                    file=str(clip.recording.path),
                    sha256=clip.recording.sha256,
                    duration=clip.recording.duration,
                    sample_rate=clip.recording.sample_rate,
                    start=summary.start,
                    end=summary.end,
                    cues=summary.to_dict(),
                    label=label,
                    probabilities={label: 1.0},
                )
            )
        return results


@pytest.fixture
def model(monkeypatch):
    fake = CueReadingModel()
    monkeypatch.setattr(Analyzer, "load", classmethod(lambda cls, *args, **kwargs: fake))
    return fake


def two_speakers(root):
    for speaker, f0 in SPEAKERS.items():
        (root / speaker).mkdir(parents=True)
        for i in range(3):
            sf.write(
                root / speaker / f"take{i}.wav", syllable_train(8 + i, f0=f0 * (1 + 0.03 * i)), RATE
            )
    return root


def full_analyses(project):
    rows = project.conn.execute(
        "SELECT a.id, r.speaker FROM analyses a JOIN recordings r USING (sha256) WHERE a.kind = 'full'"
    ).fetchall()
    return [(project.analysis(i), speaker) for i, speaker in rows]


def test_the_model_runs_against_each_speakers_own_baseline(tmp_path, model):
    folder = two_speakers(tmp_path / "study")
    options = ImportOptions(recursive=True, device="cpu", workers=1, speaker_from=r"^(\w+)/")
    with Project(tmp_path / "p.emostudio") as project:
        summary = run_import(project, folder, options)
        assert summary.imported == 6 and not summary.failed
        assert summary.speakers == {"high": 3, "low": 3}
        assert "speaker baselines: high (3 recordings), low (3 recordings)" in summary.text()
        analyses = full_analyses(project)
        # Every clip went to the model with its own speaker's baseline, after all were measured.
        assert (
            sorted(name for batch in model.batches for name in batch) == ["high"] * 3 + ["low"] * 3
        )
        assert len(analyses) == 6  # one model analysis a recording
        for result, speaker in analyses:
            assert result.cues["baseline"] == speaker and result.label is not None
            # Against their own baseline neither speaker's pitch stands out.
            assert abs(result.cues["cues"]["f0_mean"]["z"]) < 1.0
        # Pitch relative to the speaker: each speaker's lowest take reads as low.
        lowest = {
            speaker: min(
                (r for r, s in analyses if s == speaker),
                key=lambda r: r.cues["cues"]["f0_mean"]["value"],
            )
            for speaker in SPEAKERS
        }
        assert {speaker: r.label for speaker, r in lowest.items()} == {"high": "sad", "low": "sad"}
        cues_only = project.conn.execute(
            "SELECT count(*) FROM analyses WHERE kind = 'cues'"
        ).fetchone()[0]
        assert cues_only == 6  # the measuring pass, against population priors, is kept too
        listed = project.queries.list_analyses(Filters())
        assert len(listed) == 6 and {r.label is not None for _, r, _ in listed} == {
            True
        }  # but not listed
        assert len(project.queries.list_analyses(Filters(superseded=True))) == 12
        counts = project.counts()

    with Project(tmp_path / "p.emostudio") as project:  # a rerun adds nothing
        again = run_import(project, folder, options)
        assert again.imported == 0 and again.already == 6
        assert again.speakers == {
            "high": 3,
            "low": 3,
        }  # each recording counts once, however often analysed
        assert project.counts() == counts


def test_cues_only_imports_refresh_baselines_too(tmp_path):
    folder = two_speakers(tmp_path / "study")
    options = ImportOptions(recursive=True, cues_only=True, workers=1, speaker_from=r"^(\w+)/")
    with Project(tmp_path / "p.emostudio") as project:
        summary = run_import(project, folder, options)
        assert summary.speakers == {"high": 3, "low": 3}
        high, low = project.speaker("high"), project.speaker("low")
        assert high.n_recordings == low.n_recordings == 3
        ratio = high.f0_reference_hz / low.f0_reference_hz
        assert ratio == pytest.approx(240.0 / 110.0, rel=0.05)
        assert np.isfinite(high.stats["f0_mean"].sd)


@pytest.mark.parametrize("speaker_from", [None, r"^(\w+)/"])
def test_an_import_without_transcripts_asks_the_model_for_none(tmp_path, model, speaker_from):
    folder = two_speakers(tmp_path / "study")
    options = ImportOptions(
        recursive=True, device="cpu", workers=1, speaker_from=speaker_from, transcribe=False
    )
    with Project(tmp_path / "p.emostudio") as project:
        assert run_import(project, folder, options).imported == 6
    assert model.transcribed and set(model.transcribed) == {False}


def test_an_import_asks_for_the_rationale_source_it_was_given(tmp_path, monkeypatch):
    fake, asked = CueReadingModel(), []

    def load(cls, *args, **kwargs):
        asked.append(kwargs.get("rationale_policy"))
        return fake

    monkeypatch.setattr(Analyzer, "load", classmethod(load))
    folder = two_speakers(tmp_path / "study")
    for source in ("checked", "composer"):
        options = ImportOptions(recursive=True, device="cpu", workers=1, rationale_source=source)
        with Project(tmp_path / f"{source}.emostudio") as project:
            assert run_import(project, folder, options).imported == 6
    assert asked == ["checked", "composer"]
