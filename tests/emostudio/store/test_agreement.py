"""Annotator agreement: hand-computed kappa and alpha, the library's alpha, what counts, bad input."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from emostudio.store import Project
from emostudio.store.agreement import (
    NO_SHARED,
    ONE_LABEL,
    AgreementError,
    agreement,
    kappa_from_confusion,
    krippendorff_alpha,
)
from tests.helpers.annotated import (
    ANN,
    BOB,
    KAPPA_ANN_BOB,
    LABELS,
    add_items,
    rate,
    recording,
    result,
)


@pytest.fixture
def project(tmp_path):
    with Project(tmp_path / "agree.emostudio") as opened:
        yield opened


# ANN and BOB: ten items, kappa 13/23 by hand (see tests/helpers/annotated.py).


def test_two_raters_ten_items_kappa_by_hand(project):
    ids = add_items(project, ["neutral"] * 10)
    rate(project, ids, "ann", ANN)
    rate(project, ids, "bob", BOB)
    report = agreement(project)
    assert report.raters == ["ann", "bob"]
    (pair,) = report.pairs
    assert (pair.shared, pair.agreeing) == (10, 7)
    assert pair.kappa == pytest.approx(KAPPA_ANN_BOB, abs=1e-9)
    assert pair.percent == pytest.approx(70.0, abs=1e-9)
    assert report.percent == pytest.approx(70.0, abs=1e-9)  # one pair per item
    # Rows ann, columns bob, in the label set's order (neutral, happy, sad, angry).
    assert pair.confusion == [[3, 1, 0, 0], [0, 2, 1, 0], [0, 0, 2, 0], [1, 0, 0, 0]]
    assert report.coverage == {"ann": 10, "bob": 10} and report.multi_rated == 10
    assert report.outside == {} and report.notes == []
    # Alpha: 20 values, n_n 8, n_h 6, n_s 5, n_a 1; three disagreeing items give 6 off-diagonal
    # coincidences; sum of n_c n_k over c != k = 20**2 - (64 + 36 + 25 + 1) = 274.
    # alpha = 1 - (20 - 1) * 6 / 274 = 160/274.
    assert report.alpha == pytest.approx(160 / 274, abs=1e-12)


@pytest.mark.filterwarnings("ignore:.*cohen_kappa_score. is undefined")
def test_kappa_matches_scikit_learn_on_random_labels():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(18)
    for _ in range(50):
        n, k = int(rng.integers(2, 60)), int(rng.integers(2, 6))
        a, b = rng.integers(0, k, n), rng.integers(0, k, n)
        b = np.where(rng.random(n) < 0.5, a, b)  # some agreement, not all
        confusion = np.zeros((k, k), dtype=int)
        np.add.at(confusion, (a, b), 1)
        expected = metrics.cohen_kappa_score(a, b, labels=list(range(k)))
        mine = kappa_from_confusion(confusion)
        if np.isnan(expected):
            assert mine is None
        else:
            assert mine == pytest.approx(expected, abs=1e-12)
    # Both raters used one label: scikit-learn's NaN is our None.
    assert np.isnan(metrics.cohen_kappa_score([1, 1, 1], [1, 1, 1], labels=[0, 1]))
    assert kappa_from_confusion(np.array([[0, 0], [0, 3]])) is None


def test_kappa_is_undefined_when_both_raters_used_one_label(project):
    ids = add_items(project, ["neutral"] * 3)
    rate(project, ids, "ann", ["sad"] * 3)
    rate(project, ids, "bob", ["sad"] * 3)
    report = agreement(project)
    (pair,) = report.pairs
    assert pair.kappa is None and pair.note == ONE_LABEL and pair.percent == 100.0
    assert report.alpha is None and report.alpha_note == ONE_LABEL
    assert "undefined" in report.to_markdown() and "nan" not in report.to_markdown().lower()
    assert kappa_from_confusion(np.zeros((2, 2))) is None


# Krippendorff's alpha by hand: two raters, four items.
#   ann  n n s s
#   bob  n s s s
# Coincidences (each item with two values adds 1/(m-1) = 1 per ordered pair):
#   o_nn = 2, o_ns = o_sn = 1, o_ss = 4; n_n = 3, n_s = 5, n = 8.
# alpha = 1 - (n - 1) * (o_ns + o_sn) / (n_n n_s + n_s n_n) = 1 - 7 * 2 / 30 = 8/15.
def test_alpha_by_hand(project):
    ids = add_items(project, ["neutral"] * 4)
    rate(project, ids, "ann", ["neutral", "neutral", "sad", "sad"])
    rate(project, ids, "bob", ["neutral", "sad", "sad", "sad"])
    assert agreement(project).alpha == pytest.approx(8 / 15, abs=1e-12)


def test_alpha_matches_the_library_on_random_data_with_gaps():
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(7)
    raters = ["a", "b", "c", "d"]
    for _ in range(30):
        data = rng.integers(0, 4, (len(raters), 25)).astype(float)
        data[rng.random(data.shape) < 0.3] = np.nan
        items = [
            {r: LABELS[int(data[i, j])] for i, r in enumerate(raters) if not np.isnan(data[i, j])}
            for j in range(data.shape[1])
        ]
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        alpha, note = krippendorff_alpha(items, raters)
        assert note == "" and alpha == pytest.approx(expected, abs=1e-12)


def test_only_the_latest_annotation_of_each_annotator_counts(project):
    ids = add_items(project, ["neutral"] * 2)
    rate(project, ids, "ann", ["sad", "sad"])
    rate(project, ids, "bob", ["happy", "happy"])
    rate(project, ids, "bob", ["sad", "sad"])  # bob changes his mind: the history stays
    report = agreement(project)
    assert report.pairs[0].agreeing == 2
    assert any("2 earlier annotation(s)" in note for note in report.notes)
    assert len(project.annotations(ids[0])) == 3


def test_a_recording_counts_once_through_its_latest_annotated_analysis(project):
    rec = recording(1)
    first = project.add_recording(rec, analysis=result(rec, "happy"))
    second = project.add_analysis(rec.sha256, result(rec, "sad"))
    part = project.add_analysis(rec.sha256, result(rec, "angry", end=0.5))  # a selection
    project.add_analysis(rec.sha256, result(rec, "neutral"))  # newest, nobody annotated it
    project.annotate(first, "ann", "happy", accepted=True)
    project.annotate(second, "bob", "sad", accepted=True)
    project.annotate(second, "ann", "sad", accepted=True)
    project.annotate(part, "bob", "angry", accepted=True)
    report = agreement(project, include_model=True)
    (item,) = report.items
    assert item.analysis_id == second
    assert item.ratings == {"ann": "sad", "bob": "sad", "model:m": "sad"}
    assert any("1 annotation(s) of an earlier analysis" in n for n in report.notes)
    assert any("1 annotation(s) of selections" in n for n in report.notes)


def test_each_utterance_of_a_cut_recording_is_an_item_of_its_own(project):
    from dataclasses import asdict

    from model_core.segments import SegmentSettings

    rec = recording(1, seconds=3.0)
    cut = {"algorithm": "silero-vad", "version": "6.2.3", "duration": 3.0}
    cut["settings"] = asdict(SegmentSettings())
    spans = [(0.1, 0.9), (1.1, 1.9), (2.1, 2.9)]
    parts = []
    for number, ((start, end), label) in enumerate(
        zip(spans, ["sad", "happy", "sad"], strict=True), 1
    ):
        part = result(rec, label, start=start, end=end)
        part.utterance = {"number": number, "of": 3, "segmentation": cut}
        parts.append(part)
    project.add_recording(rec, utterances=parts)
    ids = [i for i, _, _ in project.queries.utterances(rec.sha256)]
    rate(project, ids, "ann", ["sad", "happy", "angry"])
    rate(project, ids, "bob", ["sad", "happy", "sad"])
    again = result(rec, "neutral", start=1.1, end=1.9)  # utterance 2 analysed again, judged
    again.utterance = {**parts[1].utterance}
    rerun = project.add_analysis(rec.sha256, again)
    project.annotate(rerun, "bob", "neutral", accepted=True)
    report = agreement(project, include_model=True)
    assert sorted(item.analysis_id for item in report.items) == [ids[0], ids[2], rerun]
    (pair,) = [p for p in report.pairs if {p.first, p.second} == {"ann", "bob"}]
    assert (pair.shared, pair.agreeing) == (2, 1)  # the ratings of the old run are left out
    assert any("2 annotation(s) of an earlier analysis" in n for n in report.notes)


def test_the_model_is_one_more_rater(project):
    ids = add_items(project, BOB)
    rate(project, ids, "ann", ANN)
    report = agreement(project, include_model=True)
    assert report.raters == ["ann", "model:m"]
    assert report.pairs[0].kappa == pytest.approx(KAPPA_ANN_BOB, abs=1e-9)
    with pytest.raises(AgreementError, match=r"two raters.*--include-model"):
        agreement(project)


def test_items_rated_by_only_some_and_pairs_without_shared_items(project):
    ids = add_items(project, ["neutral"] * 6)
    rate(project, ids, "ann", ["sad", "sad", "happy", "happy", None, None])
    rate(project, ids, "bob", ["sad", "happy", None, None, None, None])
    rate(project, ids, "cid", [None, None, None, None, "sad", "angry"])
    report = agreement(project)
    pairs = {(p.first, p.second): p for p in report.pairs}
    assert pairs["ann", "bob"].shared == 2 and pairs["ann", "bob"].agreeing == 1
    # ann sad,sad / bob sad,happy: p_o = 1/2, p_e = (2*1 + 0*1)/4 = 1/2, kappa = 0.
    assert pairs["ann", "bob"].kappa == pytest.approx(0.0, abs=1e-12)
    for other in (("ann", "cid"), ("bob", "cid")):
        assert pairs[other].shared == 0 and pairs[other].kappa is None
        assert pairs[other].note == NO_SHARED and pairs[other].percent is None
    assert report.coverage == {"ann": 4, "bob": 2, "cid": 2} and report.multi_rated == 2
    assert NO_SHARED in report.to_markdown()


def test_labels_outside_the_label_set_are_counted_and_compared_as_text(project):
    ids = add_items(project, ["neutral"] * 3)
    rate(project, ids, "ann", ["Sad", "bored", "happy"])
    rate(project, ids, "bob", ["sad", "bored", "happy"])
    report = agreement(project)
    assert report.outside == {"Sad": 1, "bored": 2}
    assert report.labels == [*LABELS, "Sad", "bored"]
    assert report.pairs[0].agreeing == 2  # "Sad" is not "sad"
    assert any("plain strings" in note for note in report.notes)


def test_claim_judgements_are_compared_where_both_judged(project):
    ids = add_items(project, ["neutral"] * 2)

    def judged(*pairs):
        return [{"citation": c, "agree": a} for c, a in pairs]

    project.annotate(ids[0], "ann", "sad", accepted=False, judgements=judged((0, True), (1, False)))
    project.annotate(ids[0], "bob", "sad", accepted=False, judgements=judged((0, True), (1, True)))
    project.annotate(ids[1], "ann", "sad", accepted=False, judgements=judged((0, False), (2, True)))
    project.annotate(ids[1], "bob", "sad", accepted=False, judgements=judged((0, False)))
    (claims,) = agreement(project).claims
    # Shared claims (ann, bob): (T, T), (F, T), (F, F); claim 2 only ann judged.
    # p_o = 2/3; ann T1 F2, bob T2 F1: p_e = (1*2 + 2*1)/9 = 4/9; kappa = (6/9 - 4/9)/(5/9) = 2/5.
    assert (claims.judged, claims.agreeing) == (3, 2)
    assert claims.kappa == pytest.approx(0.4, abs=1e-12)


def test_annotator_filter_and_unknown_annotators(project):
    ids = add_items(project, ["neutral"] * 10)
    rate(project, ids, "ann", ANN)
    rate(project, ids, "bob", BOB)
    rate(project, ids, "cid", ANN)
    report = agreement(project, annotators=["ann", " bob "])
    assert report.raters == ["ann", "bob"]
    assert report.pairs[0].kappa == pytest.approx(KAPPA_ANN_BOB, abs=1e-9)
    with pytest.raises(AgreementError, match=r"no annotations by 'dora'.*ann, bob, cid"):
        agreement(project, annotators=["ann", "dora"])
    with pytest.raises(AgreementError, match="two raters"):
        agreement(project, annotators=["ann"])
    with pytest.raises(AgreementError, match="no annotator named"):
        agreement(project, annotators=[" ", ""])


def test_the_model_rates_only_the_items_the_chosen_annotators_rated(project):
    ids = add_items(project, ["sad"] * 4)
    rate(project, ids, "ann", ["sad", "happy", None, None])
    rate(project, ids, "bob", [None, "happy", "sad", "sad"])
    report = agreement(project, annotators=["ann"], include_model=True)
    assert [item.analysis_id for item in report.items] == ids[:2]
    assert report.coverage == {"ann": 2, "model:m": 2}
    assert agreement(project, include_model=True).coverage["model:m"] == 4


def test_a_project_without_annotations_is_a_clear_error(project):
    add_items(project, ["neutral"])
    with pytest.raises(AgreementError, match="no annotations"):
        agreement(project, include_model=True)


def test_csv_rows_hold_every_measure_and_the_table(project):
    ids = add_items(project, ["neutral"] * 10)
    rate(project, ids, "ann", ANN)
    rate(project, ids, "bob", BOB)
    report = agreement(project)
    rows = list(csv.DictReader(io.StringIO(report.to_csv())))
    assert rows == [
        dict(zip(report.to_csv_rows()[0], r, strict=True)) for r in report.to_csv_rows()[1:]
    ]
    kappa = next(r for r in rows if r["measure"] == "cohen kappa")
    assert float(kappa["value"]) == pytest.approx(KAPPA_ANN_BOB, abs=1e-12) and kappa["n"] == "10"
    ratings = [r for r in rows if r["measure"] == "rating"]
    assert len(ratings) == 20 and {r["item"] for r in ratings} == {str(i) for i in ids}
    confusion = {
        (r["label"], r["other_label"]): r["value"] for r in rows if r["measure"] == "confusion"
    }
    assert confusion[("angry", "neutral")] == "1" and sum(map(int, confusion.values())) == 10


def test_unreadable_judgements_are_left_out_and_said(project):
    ids = add_items(project, ["neutral"])
    good = [{"citation": 0, "agree": True}]
    project.annotate(ids[0], "ann", "sad", accepted=False, judgements=good)
    project.annotate(
        ids[0], "bob", "sad", accepted=False, judgements=[{"citation": True, "agree": True}]
    )
    project.annotate(
        ids[0], "cid", "sad", accepted=False, judgements=[{"citation": "0", "agree": 1}]
    )
    report = agreement(project)
    assert all(c.judged == 0 for c in report.claims)
    assert any("2 annotation(s) had unreadable claim judgements" in n for n in report.notes)


def test_undefined_values_are_empty_in_csv_with_the_reason(project):
    ids = add_items(project, ["neutral"] * 2)
    rate(project, ids, "ann", ["sad", "sad"])
    rate(project, ids, "bob", ["sad", "sad"])
    rows = list(csv.DictReader(io.StringIO(agreement(project).to_csv())))
    kappa = next(r for r in rows if r["measure"] == "cohen kappa")
    alpha = next(r for r in rows if r["measure"] == "krippendorff alpha")
    assert kappa["value"] == alpha["value"] == "" and kappa["note"] == alpha["note"] == ONE_LABEL
