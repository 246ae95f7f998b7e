"""Speaker-independent cross-validation with the classical peer, on synthetic voices."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf

from train.cli import main
from train.datasets import DatasetError
from train.datasets.example import Example
from train.speaker_cv import speaker_folds

RATE = 16_000


def vowel(f0: float, level: float, seconds: float, rng) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    wobble = 1 + 0.02 * np.sin(2 * np.pi * 5 * t)
    wave = sum(np.sin(2 * np.pi * k * f0 * wobble * t) / k for k in range(1, 8))
    return (level * wave / 4 + 0.002 * rng.standard_normal(t.size)).astype(np.float32)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """8 speakers (4 women, 4 men) x 2 labels x 3 clips: "high" is higher and louder."""
    root = tmp_path_factory.mktemp("cv")
    rng = np.random.default_rng(0)
    rows = ["path,label,speaker"]
    for speaker in range(8):
        base = 200.0 if speaker % 2 else 110.0
        for label, (rise, level) in {"low": (0.9, 0.2), "high": (1.4, 0.6)}.items():
            for take in range(3):
                name = f"s{speaker}-{label}-{take}.wav"
                sf.write(root / name, vowel(base * rise, level, 1.2, rng), RATE)
                rows.append(f"{name},{label},spk{speaker}")
    (root / "manifest.csv").write_text("\n".join(rows) + "\n")
    return root / "manifest.csv"


def test_folds_never_share_a_speaker_and_balance_the_sexes():
    examples = [
        Example(
            f"e{i}", "x.wav", "a", speaker=f"s{i}", extra={"sex": "male" if i % 2 else "female"}
        )
        for i in range(12)
    ]
    folds = speaker_folds(examples, 4)
    assert sorted(s for fold in folds for s in fold) == sorted(f"s{i}" for i in range(12))
    for fold in folds:
        sexes = [int(s[1:]) % 2 for s in fold]
        assert len(fold) == 3 and 1 <= sum(sexes) <= 2


def test_folds_need_speakers():
    with pytest.raises(DatasetError, match="speaker"):
        speaker_folds([Example("e", "x.wav", "a")], 2)
    with pytest.raises(DatasetError, match="2 speakers cannot make 4 folds"):
        speaker_folds([Example(f"e{i}", "x.wav", "a", speaker=f"s{i}") for i in range(2)], 4)


def test_the_peer_cross_validates_by_speaker_in_both_modes(corpus, tmp_path, capsys):
    out = tmp_path / "cv"
    assert main(["crossval", f"manifest:{corpus}", "--folds", "4", "--out", str(out)]) == 0
    report = json.loads((out / "crossval.json").read_text())
    assert report["labels"] == ["low", "high"] and len(report["folds"]) == 4
    for mode in ("same-speaker", "population"):
        entry = report["results"][f"egemaps-logreg/{mode}"]
        assert len(entry["folds"]) == 4
        assert sum(map(sum, entry["pooled_confusion"])) == 48  # every clip held out once
    same = report["results"]["egemaps-logreg/same-speaker"]
    assert same["pooled_ua"] >= 0.9  # higher and louder than the speaker's usual: separable
    assert "| egemaps-logreg | same-speaker |" in (out / "crossval.md").read_text()


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--folds", "1"], "--folds must be at least 2"),
        (["--no-peer"], "nothing to cross-validate"),
    ],
)
def test_bad_requests_are_refused(corpus, tmp_path, capsys, args, problem):
    assert main(["crossval", f"manifest:{corpus}", "--out", str(tmp_path / "o"), *args]) == 2
    assert problem in capsys.readouterr().err
