"""Imports that know the speaker: baselines from all their recordings, then the model."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from emostudio.store import Project
from emostudio.store.importer import ImportOptions, run_import
from model_core.devices import pick_placement
from model_core.model.reasoner import EmoReasoner
from tests.helpers.signals import RATE, syllable_train
from tests.helpers.tiny_models import tiny_config

pytestmark = pytest.mark.slow
SPEAKERS = {"low": 110.0, "high": 240.0}  # F0 in Hz


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    config = tiny_config(folder, speech_encoder="whisper-tiny.en", speech_encoder_config=None,
                         max_rationale_tokens=8)  # ASR needs Whisper's tokenizer
    EmoReasoner(config, pick_placement("cpu")).save_pretrained(folder / "checkpoint")
    return folder / "checkpoint"


def two_speakers(root):
    for speaker, f0 in SPEAKERS.items():
        (root / speaker).mkdir(parents=True)
        for i in range(3):
            sf.write(root / speaker / f"take{i}.wav", syllable_train(8 + i, f0=f0 * (1 + 0.03 * i)), RATE)
    return root


def full_analyses(project):
    rows = project.conn.execute(
        "SELECT a.id, r.speaker FROM analyses a JOIN recordings r USING (sha256) WHERE a.kind = 'full'"
    ).fetchall()
    return [(project.analysis(i), speaker) for i, speaker in rows]


def test_the_model_runs_against_each_speakers_own_baseline(tmp_path, checkpoint):
    folder = two_speakers(tmp_path / "study")
    options = ImportOptions(recursive=True, model=str(checkpoint), device="cpu", workers=1,
                            speaker_from=r"^(\w+)/")
    with Project(tmp_path / "p.emostudio") as project:
        summary = run_import(project, folder, options)
        assert summary.imported == 6 and not summary.failed
        assert summary.speakers == {"high": 3, "low": 3}
        assert "speaker baselines: high (3 recordings), low (3 recordings)" in summary.text()
        analyses = full_analyses(project)
        assert len(analyses) == 6  # one model analysis a recording
        for result, speaker in analyses:
            assert result.cues["baseline"] == speaker and result.label is not None
            # Against their own baseline neither speaker's pitch stands out.
            assert abs(result.cues["cues"]["f0_mean"]["z"]) < 1.0
        cues_only = project.conn.execute("SELECT count(*) FROM analyses WHERE kind = 'cues'").fetchone()[0]
        assert cues_only == 6  # the measuring pass, against population priors, is kept too
        counts = project.counts()

    with Project(tmp_path / "p.emostudio") as project:  # a rerun adds nothing
        again = run_import(project, folder, options)
        assert again.imported == 0 and again.already == 6
        assert again.speakers == {"high": 3, "low": 3}  # each recording counts once, however often analysed
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
