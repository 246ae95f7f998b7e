"""Prediction sets and the unsure state, on hand-made probabilities with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from model_core.model.uncertainty import (
    Novelty,
    conformal_threshold,
    prediction_set,
    set_text,
    unsure_reasons,
)


def test_the_threshold_is_the_finite_sample_quantile_of_one_minus_p_true():
    # Scores 1 - p(true): 0.1, 0.2, ..., 1.0 (ten clips). For 90 % coverage the rank is
    # ceil(11 * 0.9) = 10, the largest score; for 50 %, ceil(5.5) = 6, the sixth, 0.6.
    p_true = np.linspace(0.9, 0.0, 10)
    probabilities = np.column_stack([p_true, 1 - p_true])
    truth = np.zeros(10, dtype=int)
    assert conformal_threshold(probabilities, truth, 0.9) == pytest.approx(1.0)
    assert conformal_threshold(probabilities, truth, 0.5) == pytest.approx(0.6)
    # Too few clips for the coverage: every label.
    assert conformal_threshold(probabilities[:3], truth[:3], 0.9) == 1.0


@pytest.mark.parametrize("coverage", [0.8, 0.9, 0.95])
def test_sets_cover_exchangeable_clips_at_the_promised_rate(coverage):
    # A known model: Dirichlet probabilities, the truth drawn from them (so calibrated).
    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet(np.full(4, 0.7), size=20_000)
    truth = np.array([rng.choice(4, p=row) for row in probabilities])
    calibration, test = slice(0, 10_000), slice(10_000, None)
    threshold = conformal_threshold(probabilities[calibration], truth[calibration], coverage)
    covered = np.mean(
        [
            t in prediction_set(row, threshold)
            for row, t in zip(probabilities[test], truth[test], strict=True)
        ]
    )
    # Marginal coverage of split conformal: at least the target, at most target + 1/(n+1)
    # in expectation; 10,000 test clips put the estimate within about 1 point.
    assert coverage - 0.01 <= covered <= coverage + 0.015


def test_a_set_holds_every_label_above_one_minus_q_and_never_nothing():
    row = np.array([0.05, 0.55, 0.3, 0.1])
    assert prediction_set(row, 0.75) == [1, 2]  # p >= 0.25
    assert prediction_set(row, 0.2) == [1]  # nothing reaches 0.8: the top label alone
    assert prediction_set(row, 1.0) == [1, 2, 3, 0]


def test_unsure_when_several_labels_or_far_from_training():
    assert unsure_reasons(["angry"], 1.0, 3.0) == []
    assert unsure_reasons(["angry", "neutral"], 1.0, 3.0) == [
        "the model cannot tell angry and neutral apart here"
    ]
    assert unsure_reasons(["sad", "neutral", "happy"], None, None) == [
        "the model cannot tell sad, neutral and happy apart here"
    ]
    assert unsure_reasons(["sad"], 4.0, 3.0) == [
        "the recording is unlike anything the model was trained on"
    ]
    assert set_text(["angry", "neutral"]) == "angry or neutral"
    assert set_text(["a", "b", "c"]) == "a, b or c"


def test_novelty_flags_about_one_in_a_hundred_training_rows_and_far_rows():
    rng = np.random.default_rng(1)
    rows = rng.normal(size=(2000, 20))
    novelty = Novelty.fit(rows)
    assert np.mean(novelty.of(rows) > novelty.threshold) == pytest.approx(0.01, abs=0.003)
    far = rows[:5] + 6.0  # every feature six SD off
    assert np.all(novelty.of(far) > novelty.threshold)
    with_nan = rows[:1].copy()
    with_nan[0, :10] = np.nan  # unmeasured features count as typical
    assert novelty.of(with_nan)[0] < novelty.of(rows[:1])[0] + 1e-9
