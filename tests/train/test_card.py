"""Model cards rendered from their templates (train/cards): every field filled, none invented."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from string import Template

import pytest

from train.card import CARDS, CardError, render_card

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def _script(name: str):
    sys.path.insert(0, str(SCRIPTS))  # the ship scripts import each other
    try:
        spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(SCRIPTS))


def test_a_field_the_figures_lack_is_an_error_not_a_placeholder():
    with pytest.raises(CardError, match=r"no figure for the field \$version"):
        render_card("licence_corpora.txt", {"name": "x"})
    assert "emo-x 9.9" in render_card("licence_corpora.txt", {"name": "emo-x", "version": "9.9"})


def test_the_synthetic_card_carries_the_measured_figures():
    ship = _script("ship_synthetic")
    classification = {
        "n": 48,
        "unweighted_accuracy": 0.8731,
        "weighted_accuracy": 0.875,
        "macro_f1": 0.861,
        "recall": {"neutral": 0.9, "happy": 0.8},
        "labels": ["neutral", "happy"],
        "confusion": [[9, 1], [2, 8]],
    }
    grounding = dict.fromkeys(
        (
            "quote_groundedness",
            "cue_support_rate",
            "contradiction_rate",
            "consistency",
            "inconsistency_rate",
            "coverage",
            "quote_salience",
        ),
        0.5,
    ) | {"quotes": 40, "rationales": 48, "acoustic_claims": 90, "mean_words": 41.25}
    synthetic = {
        "classification": classification,
        "grounding": grounding,
        "target_grounding": grounding,
        "predictions": [],
    }
    asterisk = {"classification": {"n": 100, "recall": {"neutral": 0.93}}, "wer": 0.094}
    config = {"name": "emoreasoner-synthetic", "version": "2.1.0", "lora_r": 8}
    args = {
        "training": {
            "tasks": ["asr", "ser"],
            "schedule": "alternating",
            "epochs": 3,
            "batch_size": 4,
            "learning_rate": 2e-4,
        },
        "examples": 1200,
        "units": 2400,
        "size_mb": 12.34,
    }
    text = ship.card(config, args, synthetic, asterisk, "# Corpus\n\nA corpus card.\n\nMore.")
    assert "emoreasoner-synthetic 2.1.0" in text and "12.3 MB" in text
    assert "| UA (mean class recall) | 87.3% | at least 85 %: met |" in text
    assert "| neutral recall | 93.0% | at least 80 %: met |" in text
    assert "| ASR WER (Whisper tiny.en) | 9.4% |" in text and "> A corpus card." in text
    assert not re.search(r"\$\{?\w", text)  # no field left unfilled


@pytest.mark.parametrize("template", sorted(p.name for p in CARDS.iterdir()))
def test_every_template_parses(template):
    fields = Template((CARDS / template).read_text()).get_identifiers()
    assert fields and Template((CARDS / template).read_text()).is_valid()
