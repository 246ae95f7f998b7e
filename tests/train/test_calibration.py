"""ECE, temperatures and thresholds fitted on held-out corpora, on hand-made logits."""

from __future__ import annotations

import numpy as np
import pytest

from model_core.model.uncertainty import conformal_threshold
from train.calibration import (
    balanced_threshold,
    expected_calibration_error,
    fit_temperature,
    set_figures,
    softmax,
)


def test_ece_by_hand():
    # Bin (0.5, 0.6]: two clips at 0.6, one right: |0.5 - 0.6| = 0.1;
    # bin (0.9, 1.0]: two clips at 0.95, both right: |1 - 0.95| = 0.05. ECE = (2*0.1 + 2*0.05) / 4.
    probabilities = np.array([[0.6, 0.4], [0.6, 0.4], [0.95, 0.05], [0.05, 0.95]])
    truth = np.array([0, 1, 0, 1])
    assert expected_calibration_error(probabilities, truth) == pytest.approx(0.075)


def test_a_calibrated_model_has_small_ece_and_an_overconfident_one_large():
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=2.0, size=(20_000, 4))
    truth = np.array([rng.choice(4, p=p) for p in softmax(logits)])
    assert expected_calibration_error(softmax(logits), truth) < 0.02
    assert expected_calibration_error(softmax(logits * 3), truth) > 0.1
    # The temperature undoes a known over-sharpening.
    assert fit_temperature(logits * 3, truth) == pytest.approx(3.0, abs=0.15)


def test_groups_weigh_alike_in_the_temperature():
    rng = np.random.default_rng(1)
    base = rng.normal(scale=2.0, size=(6000, 3))
    truth = np.array([rng.choice(3, p=p) for p in softmax(base)])
    # A big group sharpened twofold, a small one not at all.
    logits = np.vstack([base[:5000] * 2.0, base[5000:]])
    groups = np.array(["big"] * 5000 + ["small"] * 1000)
    pooled = fit_temperature(logits, truth)
    balanced = fit_temperature(logits, truth, groups)
    assert pooled > balanced  # the big group no longer sets it alone
    assert 1.0 < balanced < 2.0


def test_the_balanced_threshold_covers_every_group():
    rng = np.random.default_rng(2)
    easy = softmax(rng.normal(scale=4.0, size=(3000, 4)))
    hard = softmax(rng.normal(scale=0.5, size=(3000, 4)))
    probabilities = np.vstack([easy, hard])
    truth = np.array([rng.choice(4, p=p) for p in probabilities])
    groups = np.array(["easy"] * 3000 + ["hard"] * 3000)
    threshold = balanced_threshold(probabilities, truth, groups, 0.9)
    assert threshold == max(
        conformal_threshold(probabilities[groups == g], truth[groups == g], 0.9)
        for g in ("easy", "hard")
    )
    for group in ("easy", "hard"):
        mask = groups == group
        assert set_figures(probabilities[mask], truth[mask], threshold)["coverage"] >= 0.89
