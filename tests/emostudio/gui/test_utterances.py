"""Emotion over time in the app: the emotion tier, stepping through utterances, a rationale
on demand, a human judgement per utterance, the utterances kept in the project, cancel."""

from __future__ import annotations

import time

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import QPointF, Qt

from emostudio.gui.emotion_tier import SURE_ALPHA, UNSURE_ALPHA, EmotionTier, TierInterval
from tests.emostudio.gui.test_analysis import checkpoint, opened_with_model  # noqa: F401


def test_the_tier_stacks_probabilities_lighter_when_unsure_and_finds_utterances(qapp):
    import pyqtgraph as pg
    from PySide6.QtWidgets import QGraphicsRectItem

    plot = pg.PlotItem()
    tier = EmotionTier(plot)
    sure = TierInterval(1, 0.5, 2.0, "sad", {"sad": 0.7, "angry": 0.2, "happy": 0.1})
    unsure = TierInterval(2, 3.0, 4.5, "angry", {"angry": 0.45, "happy": 0.4, "sad": 0.15}, True)
    waiting = TierInterval(3, 5.0, 6.0)
    tier.set_intervals([unsure, waiting, sure])
    rects = [i for i in tier.items if isinstance(i, QGraphicsRectItem)]
    assert len(rects) == 3 + 3 + 1  # a band per label, and an outline for the waiting one
    bands = [r for r in rects if r.rect().x() == 0.5]
    heights = sorted(round(r.rect().height(), 3) for r in bands)
    assert heights == [0.1, 0.2, 0.7] and max(r.rect().bottom() for r in bands) == pytest.approx(
        1.0
    )
    assert {r.brush().color().alpha() for r in bands} == {SURE_ALPHA}
    assert {r.brush().color().alpha() for r in rects if r.rect().x() == 3.0} == {UNSURE_ALPHA}
    texts = sorted(i.toPlainText() for i in tier.items if isinstance(i, pg.TextItem))
    assert texts == ["angry?", "sad"]  # unsure marked; the waiting one has no label yet
    assert [tier.number_at(t) for t in (1.0, 2.5, 3.1, 5.5)] == [1, None, 2, 3]
    assert not tier.hint.isVisible()
    tier.set_current(2)
    assert tier.frame.isVisible() and tier.frame.rect().x() == 3.0
    tier.clear()
    assert tier.hint.isVisible() and tier.items == [] and not tier.frame.isVisible()


@pytest.fixture
def three_prompts(tmp_path, asterisk_files):
    from model_core.audio import load_audio

    gap = np.zeros(24_000, dtype=np.float32)
    parts = [gap]
    for i in (0, 3, 5):
        parts += [load_audio(asterisk_files[i]).for_model, gap]
    path = tmp_path / "three.wav"
    sf.write(path, np.concatenate(parts), 16_000)
    return path


def _click_tier(qtbot, window, seconds: float) -> None:
    plot = window.timeline.plots["emotion"]
    scene = plot.vb.mapViewToScene(QPointF(seconds, 0.5))
    view = window.timeline.graphics
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(scene))


@pytest.mark.real_data
@pytest.mark.slow
def test_utterances_on_the_tier_stepped_explained_judged_and_kept(
    make_window,
    qtbot,
    settings,
    checkpoint,  # noqa: F811
    three_prompts,
):
    window = opened_with_model(make_window, qtbot, settings, checkpoint, three_prompts)
    shown = []
    window.utterances.changed.connect(shown.append)
    with qtbot.waitSignal(window.utterances.running, timeout=10_000):
        window.actions_by_name["analyze_utterances"].trigger()
    assert window.cancel_button.isVisible()
    qtbot.waitUntil(lambda: window.utterances.request is None, timeout=240_000)
    assert not window.cancel_button.isVisible()
    # the tier showed the cut first, then each utterance as it was labelled
    assert [len(s) for s in shown][:2] == [0, 3] and shown[1][0].probabilities == {}
    intervals = window.timeline.emotion.intervals
    assert len(intervals) == 3 and all(i.label and i.probabilities for i in intervals)
    items = window.utterances.items
    qtbot.waitUntil(lambda: all(i.analysis_id for i in items.values()), timeout=20_000)
    assert window.session.result.utterance["number"] == 1  # the first is on screen

    window.actions_by_name["next_utterance"].trigger()
    second = items[2]
    labelled = (second.result.label, second.result.probabilities, second.result.baseline)
    assert labelled[2]["name"] == "this recording's utterances"  # three: their own baseline
    assert "utterances (3 utterances)" in window.results.baseline.text()
    assert window.session.result is second.result and window.session.analysis_id
    assert window.timeline.selection() == pytest.approx((second.start, second.end), abs=0.01)
    assert window.timeline.emotion.frame.isVisible()
    # a rationale on demand: written for the utterance stepped to, stored as its analysis
    qtbot.waitUntil(lambda: bool(items[2].result.rationale), timeout=240_000)
    qtbot.waitUntil(lambda: window.session.analysis_id is not None, timeout=20_000)
    explained_id = window.session.analysis_id
    # explained as it was labelled: the same reading of the speaker, the same label
    explained = items[2].result
    assert (explained.label, explained.baseline) == (labelled[0], labelled[2])
    assert explained.probabilities == pytest.approx(labelled[1], abs=1e-4)
    assert explained_id != second.analysis_id or items[2].analysis_id == explained_id
    # the human judges this utterance: the annotation is bound to its analysis
    window.session.annotate(explained_id, "ann", "sad", False, "flat here", [])
    project = window.session.project
    assert project.annotations(explained_id)[-1]["label"] == "sad"
    rows = project.queries.utterances(window.session.recording.sha256)
    assert [r.utterance["number"] for _, r, _ in rows] == [1, 2, 3]
    assert rows[1][1].rationale and rows[1][0] == explained_id

    # a click on the third interval puts it on screen
    with qtbot.waitSignal(window.utterances.current_changed, timeout=5_000):
        _click_tier(qtbot, window, (items[3].start + items[3].end) / 2)
    assert window.utterances.current == 3
    window.cancel()  # its rationale is not needed
    # the utterances come back with the recording
    window.open_file(str(three_prompts))
    qtbot.waitUntil(lambda: len(window.timeline.emotion.intervals) == 3, timeout=30_000)
    assert window.utterances.items[2].result.rationale == rows[1][1].rationale
    # the sessions list names the utterance, and opens the recording at it
    table = window.browser.table
    window.browser.refresh()
    qtbot.waitUntil(lambda: table.rowCount() >= 4, timeout=20_000)
    names = [table.item(r, 0).text() for r in range(table.rowCount())]
    row = next(r for r, name in enumerate(names) if name.endswith("#2/3"))
    window.utterances.select(1, explain=False)  # elsewhere first: the click must come back
    assert window.utterances.current == 1
    table.cellDoubleClicked.emit(row, 0)
    qtbot.waitUntil(lambda: window.utterances.current == 2, timeout=30_000)
    assert window.timeline.selection() == pytest.approx((items[2].start, items[2].end), abs=0.01)


@pytest.mark.real_data
@pytest.mark.slow
def test_cancelling_the_utterances_stops_within_two_seconds(
    make_window,
    qtbot,
    settings,
    checkpoint,  # noqa: F811
    three_prompts,
):
    window = opened_with_model(make_window, qtbot, settings, checkpoint, three_prompts)
    done = []
    window.session.model.utterance_done.connect(lambda *_: done.append(time.perf_counter()))
    window.actions_by_name["analyze_utterances"].trigger()
    qtbot.waitUntil(lambda: len(window.utterances.items) == 3, timeout=60_000)
    clicked = time.perf_counter()
    window.cancel()
    assert window.utterances.request is None and not window.cancel_button.isVisible()
    qtbot.wait(3_000)
    late = [t for t in done if t > clicked + 2.0]
    assert late == []  # the model thread stopped within two seconds of the click
    assert window.statusBar().currentMessage() == "analysis cancelled"
