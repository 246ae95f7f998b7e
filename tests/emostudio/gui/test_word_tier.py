"""The word tier is readable at any zoom: at a whole-file view it labels telling words from
across the recording without overlap and says how many it left out; zoomed in it labels
every word; after "Analyse selection" it shows the selection's words where they were said."""

from __future__ import annotations

import itertools

import pytest
import soundfile as sf

from emostudio.gui.word_tier import MIN_GAP_PIXELS, layout_words, salience
from model_core.audio import load_audio
from model_core.cues import analyze_clip
from model_core.result import AnalysisResult
from tests.helpers.signals import RATE, syllable_train

TIMEOUT_MS = 30_000
SPOKEN = (
    "the customer said that a refund was not what she wanted and to be honest "
    "I think she was furious about it on the phone today"
)
SENTENCE = SPOKEN.split()
# As Whisper transcribed basic-pbx-ivr-main.wav from 10 s to 16 s: times from the clip's start.
SELECTION_WORDS = [
    ("to", 0.0, 1.46),
    ("establish", 1.46, 1.84),
    ("a", 1.84, 2.06),
    ("sales", 2.06, 2.62),
    ("partnership,", 2.62, 3.18),
    ("press", 3.18, 3.78),
    ("1.", 3.78, 4.04),
    ("To", 4.04, 4.2),
    ("speak", 4.2, 4.38),
    ("with", 4.38, 4.72),
    ("a", 4.72, 4.92),
    ("customer", 4.92, 5.64),
    ("advocate,", 5.64, 5.98),
]


def char_width(text: str) -> float:
    return 7.0 * len(text)  # a stand-in for the font: 7 px a character


def speech(count: int, seconds: float) -> list[dict]:
    """``count`` words of running speech spread evenly over ``seconds``, each 80% of its slot."""
    slot = seconds / count
    return [
        {"word": SENTENCE[i % len(SENTENCE)], "start": i * slot, "end": i * slot + 0.8 * slot}
        for i in range(count)
    ]


def test_salience_ranks_content_words_above_function_words():
    assert salience("a") == salience("The") == salience("to,") == salience("2.") == 0
    assert salience("customer") > salience("sad") > 0
    assert salience("not") > 0  # a negation changes what was said: it is no filler


def test_a_whole_minute_is_labelled_sparsely_but_across_the_recording():
    words = speech(150, 60.0)
    layout = layout_words(words, (0.0, 60.0), 800, char_width)
    labels = layout.labels
    assert 10 < len(labels) < 150
    for a, b in itertools.pairwise(labels):  # in time order, never one on another
        assert a.right + MIN_GAP_PIXELS <= b.left
    for label in labels:  # each on its own word: centred on its span (or kept in view)
        word = label.word
        centre = (word["start"] + word["end"]) / 2
        assert label.x == pytest.approx(centre, abs=label.right - label.left)
        assert label.left >= 0 and label.right <= 800
    content = [label for label in labels if salience(label.word["word"]) > 0]
    assert len(content) > len(labels) / 2
    tenths = {int(label.x // 6.0) for label in content}
    assert tenths == set(range(10)), "content words from every tenth of the minute"
    assert layout.in_view == 150 and layout.left_out == 150 - len(labels)
    assert f"{len(labels)}/150 words" in layout.hint and "zoom in" in layout.hint


def test_a_word_is_crowded_out_only_by_one_at_least_as_telling():
    words = speech(150, 60.0)
    layout = layout_words(words, (0.0, 60.0), 800, char_width)
    shown = {id(label.word) for label in layout.labels}
    pixels = 800 / 60.0
    for word in words:
        if id(word) in shown:
            continue
        centre = (word["start"] + word["end"]) / 2 * pixels
        half = char_width(word["word"]) / 2
        blocking = [
            label
            for label in layout.labels
            if label.left < centre + half + MIN_GAP_PIXELS
            and label.right > centre - half - MIN_GAP_PIXELS
        ]
        assert blocking, f"{word['word']!r} had room and was left out"
        assert max(salience(b.word["word"]) for b in blocking) >= salience(word["word"])


def test_at_a_two_second_view_every_word_in_it_is_labelled():
    words = speech(150, 60.0)
    layout = layout_words(words, (20.0, 22.0), 800, char_width)
    in_view = [w for w in words if w["end"] >= 20.0 and w["start"] <= 22.0]
    assert [label.word for label in layout.labels] == in_view
    assert layout.left_out == 0 and layout.hint == ""


def test_nothing_to_lay_out():
    assert layout_words([], (0.0, 1.0), 800, char_width).labels == ()
    assert layout_words(speech(5, 1.0), (1.0, 1.0), 800, char_width).in_view == 0
    blank = [{"word": " ", "start": 0.1, "end": 0.2}]
    assert layout_words(blank, (0.0, 1.0), 800, char_width).in_view == 0


def test_the_tier_shows_a_selections_words_where_they_were_said(
    make_window, qtbot, tmp_path, monkeypatch
):
    path = tmp_path / "long.wav"
    sf.write(path, syllable_train(120, f0=170.0), RATE)  # 30 s
    window = make_window()
    window.open_file(str(path))
    qtbot.waitUntil(lambda: bool(window.session.tracks), timeout=TIMEOUT_MS)
    session, timeline = window.session, window.timeline

    def analyze(recording, start, end, baseline=None, **_options):
        """What the analyzer returns for a selection: the ASR's times, taken from the
        clip's start, shifted onto the recording's axis (model_core.pipeline)."""
        _, summary = analyze_clip(load_audio(path), start, end)
        result = AnalysisResult(
            file=str(path),
            sha256=recording.sha256,
            duration=recording.duration,
            sample_rate=recording.sample_rate,
            start=start,
            end=end,
            label="neutral",
            probabilities={"neutral": 1.0},
            words=[
                {"word": w, "start": start + a, "end": start + b} for w, a, b in SELECTION_WORDS
            ],
            cues=summary.to_dict(),
        )
        session.model.finished.emit(result.to_dict())

    monkeypatch.setattr(session.model, "analyze", analyze)
    timeline.set_selection(10.0, 16.0)
    with qtbot.waitSignal(session.analysis_ready, timeout=TIMEOUT_MS):
        window.analyze_selection()
    # The offscreen screen is 800 px wide: the docks hidden, the tier gets most of it.
    window.results_dock.hide()
    window.browser_dock.hide()
    tier = timeline.plots["words"].vb
    qtbot.waitUntil(lambda: tier.width() > 600, timeout=TIMEOUT_MS)
    timeline.show_all()
    qtbot.waitUntil(lambda: len(timeline.word_items) >= 3, timeout=TIMEOUT_MS)
    drawn = labels_drawn(timeline)
    assert {"establish", "customer"} <= set(drawn), drawn  # telling words, not only "a"
    assert "zoom in" in timeline.plots["words"].getAxis("bottom").labelText
    whole = len(drawn)
    window.zoom_selection()
    qtbot.waitUntil(lambda: len(timeline.word_items) > whole, timeout=TIMEOUT_MS)
    labels_drawn(timeline)
    timeline.plots["waveform"].setXRange(14.3, 16.3, padding=0)  # two seconds: every word
    said = ["a", "advocate,", "customer", "speak", "with"]
    qtbot.waitUntil(
        lambda: sorted(item.toPlainText() for item in timeline.word_items) == said,
        timeout=TIMEOUT_MS,
    )
    labels_drawn(timeline)
    assert timeline.word_layout.left_out == 0
    assert timeline.plots["words"].getAxis("bottom").labelText == "time (s)"


def labels_drawn(timeline) -> dict[str, float]:
    """The tier's labels (text: time), each checked to sit on its own word, 10 s on, and
    to overlap no other on screen."""
    items = timeline.word_items
    for item in items:
        text, x = item.toPlainText(), item.pos().x()
        spans = [(10.0 + a, 10.0 + b) for w, a, b in SELECTION_WORDS if w == text]
        assert any(a - 1e-6 <= x <= b + 1e-6 for a, b in spans), (text, x)
    boxes = sorted((item.mapRectToScene(text_box(item)) for item in items), key=lambda r: r.left())
    for a, b in itertools.pairwise(boxes):
        assert a.right() <= b.left()
    return {item.toPlainText(): item.pos().x() for item in items}


def text_box(item):
    """The glyphs' box of a TextItem (its text item's box less the document's margins)."""
    margin = item.textItem.document().documentMargin()
    return item.textItem.mapRectToParent(
        item.textItem.boundingRect().adjusted(margin, 0, -margin, 0)
    )
