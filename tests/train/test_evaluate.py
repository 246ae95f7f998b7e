"""Classification metrics against hand-computed values, and the confusion-matrix PNG."""

from __future__ import annotations

import pytest

from train.evaluate import classification_metrics, save_confusion_png

LABELS = ["neutral", "happy", "sad", "angry"]


def test_metrics_match_a_hand_computed_example():
    true = ["neutral"] * 4 + ["happy"] * 2 + ["sad"] * 2 + ["angry"] * 2
    predicted = [
        "neutral",
        "neutral",
        "neutral",
        "sad",
        "happy",
        "angry",
        "sad",
        "sad",
        "angry",
        "neutral",
    ]
    m = classification_metrics(true, predicted, LABELS)
    assert m.n == 10 and m.weighted_accuracy == pytest.approx(7 / 10)
    assert m.recall == pytest.approx({"neutral": 0.75, "happy": 0.5, "sad": 1.0, "angry": 0.5})
    assert m.unweighted_accuracy == pytest.approx((0.75 + 0.5 + 1.0 + 0.5) / 4)
    # precision: neutral 3/4, happy 1/1, sad 2/3, angry 1/2
    f1 = [2 * p * r / (p + r) for p, r in ((0.75, 0.75), (1.0, 0.5), (2 / 3, 1.0), (0.5, 0.5))]
    assert m.macro_f1 == pytest.approx(sum(f1) / 4)
    assert m.confusion[0] == [3, 0, 1, 0] and m.confusion[3] == [1, 0, 0, 1]
    assert "true \\ predicted" in m.table()


def test_classes_absent_from_the_truth_do_not_count_in_ua():
    m = classification_metrics(["sad", "sad"], ["sad", "angry"], LABELS)
    assert m.unweighted_accuracy == pytest.approx(0.5) and set(m.recall) == {"sad"}


def test_confusion_png_is_written(tmp_path):
    m = classification_metrics(["sad", "angry"], ["sad", "sad"], LABELS)
    path = save_confusion_png(m, tmp_path / "c.png", "test")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
