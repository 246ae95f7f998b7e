"""Reasoning targets over the evidence table (issue 30): which label a target explains,
the probabilities the table states, and a target that matches its prompt."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from model_core.model.config import EmoReasonerConfig
from model_core.model.labels import parse_answer
from model_core.model.reasoner import ClipInput
from tests.model_core.grounding.cases import cues
from train.config import ConfigError, FitConfig, TrainingOptions
from train.datasets.example import Example
from train.features import Prepared, _population_speaker
from train.targets import reason_case, training_pair

LABELS = ["neutral", "happy", "sad", "angry"]


def test_gold_targets_explain_the_gold_label_and_mixed_ones_sometimes_another():
    gold = TrainingOptions(reason_labels="gold")
    rng = np.random.default_rng(0)
    assert {reason_case("sad", LABELS, rng, gold).label for _ in range(200)} == {"sad"}
    mixed = TrainingOptions(reason_labels="mixed", reason_other_share=0.35)
    cases = [reason_case("sad", LABELS, rng, mixed) for _ in range(2000)]
    other = sum(case.label != "sad" for case in cases) / len(cases)
    assert 0.31 < other < 0.39
    assert {case.label for case in cases} == set(LABELS)


def test_drawn_probabilities_sum_to_one_and_the_explained_label_leads():
    rng = np.random.default_rng(1)
    for _ in range(300):
        case = reason_case("angry", LABELS, rng, TrainingOptions(reason_labels="mixed"))
        assert sum(case.probabilities.values()) == pytest.approx(1.0, abs=0.005)
        assert max(case.probabilities, key=case.probabilities.get) == case.label
        assert set(case.probabilities) == set(LABELS)


def test_an_evidence_target_explains_the_label_its_table_states(tmp_path):
    clip = cues(intensity_mean=2.3, f0_mean=1.5)
    example = Example(
        id="x", audio=Path(tmp_path / "x.wav"), label="angry", transcript="Get out of here now"
    )
    item = Prepared(example, ClipInput(None), "loud", clip, 2.0, [(0.1, 1.9)], "spk01")
    config = EmoReasonerConfig(include_evidence=True)
    options = TrainingOptions(reason_labels="mixed", reason_other_share=1.0)
    prompt, answer = training_pair(
        item, "reason", config, {}, np.random.default_rng(3), True, options
    )
    text = prompt.user_text()
    stated = text.split("Label: ")[1].split(" ")[0]
    assert stated != "angry"  # every target here explains another label
    assert parse_answer(answer, LABELS).label == stated
    assert "Compared with: the speaker's usual" in text
    if stated == "sad":  # loud and high speak against sad: the target says so plainly
        assert "do not point to sad" in answer


def test_a_continued_model_may_change_its_prompts_but_not_its_shape():
    raw = {"model": {"init_from": "m", "include_evidence": True}, "data": {"train": ["x.csv"]}}
    assert FitConfig.from_dict(raw).model_overrides == {"include_evidence": True}
    raw["model"]["lora_r"] = 16
    with pytest.raises(ConfigError, match="lora_r cannot change"):
        FitConfig.from_dict(raw)


def test_population_speakers_are_chosen_by_name_the_same_in_every_run():
    names = [f"speaker-{i}" for i in range(400)]
    chosen = [n for n in names if _population_speaker(n, 0.4)]
    assert 0.3 < len(chosen) / len(names) < 0.5
    assert chosen == [n for n in names if _population_speaker(n, 0.4)]
    assert not any(_population_speaker(n, 0.0) for n in names)
