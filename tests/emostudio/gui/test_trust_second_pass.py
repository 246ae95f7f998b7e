"""Issue 31 in the app: judgements follow the recording, the baseline used and the
transcript's reliability survive a restore, the screen holds nothing stale, and every
action says what it did."""

from __future__ import annotations

from emostudio.gui.baseline import BaselineChoice, BaselineDialog
from emostudio.gui.dialogs import ExportDialog
from emostudio.gui.session import Session
from emostudio.store import Project
from emostudio.store.queries import Filters
from tests.emostudio.gui.test_app_flows import TIMEOUT_MS, _stored_analysis, speechlike

UNRELIABLE = {
    "avg_logprob": -1.6,
    "no_speech_prob": 0.05,
    "compression_ratio": 1.1,
    "words_per_voiced_second": 3.0,
    "low_probability_share": 0.9,
    "reliable": False,
    "reasons": ["the recogniser was unsure of its words"],
}
WORDS = [{"word": "nervous", "start": 0.1, "end": 0.5, "probability": 0.2}]


def _rerun(project_path, analysis_id: int, **changes) -> int:
    """Another run of the model on the same recording and span (e.g. a new baseline)."""
    with Project(project_path) as project:
        result = project.analysis(analysis_id)
        for name, value in changes.items():
            setattr(result, name, value)
        return project.add_analysis(result.sha256, result)


def _last_message(window) -> str:
    return window.messages.item(window.messages.count() - 1).text()


def test_judgements_follow_the_recording_to_a_new_run(make_window, qtbot, tmp_path, settings):
    project_path = settings.value("project")
    first = _stored_analysis(project_path, speechlike(tmp_path / "a.wav"))
    with Project(project_path) as project:
        project.annotate(first, "dr. lee", "neutral", accepted=False, notes="tired")
    second = _rerun(project_path, first, label="angry")
    window = make_window()
    window.session.open_analysis(second)
    panel = window.annotation
    qtbot.waitUntil(lambda: panel.analysis_id == second, timeout=TIMEOUT_MS)
    assert "dr. lee" in panel.history.toPlainText()
    assert f"judged analysis #{first}" in panel.history.toPlainText()
    assert "earlier analysis of this recording" in panel.status.text()
    assert panel.label.currentText() == "neutral"  # the form starts from the latest judgement
    browser = window.browser
    qtbot.waitUntil(lambda: len(browser.ids) == 2, timeout=TIMEOUT_MS)
    row = browser.ids.index(second)
    assert browser.table.item(row, 3).text() == "neutral"  # human label of the new run


def test_a_selection_keeps_its_own_judgements(tmp_path, settings):
    project_path = settings.value("project")
    whole = _stored_analysis(project_path, speechlike(tmp_path / "a.wav"))
    with Project(project_path) as project:
        project.annotate(whole, "dr. lee", "neutral", accepted=False)
    part = _rerun(project_path, whole, start=0.2, end=0.6)
    with Project(project_path) as project:
        assert project.recording_judgements(part) == []
        facts = {i: f for i, _, f in project.queries.list_analyses(Filters())}
    assert facts[part]["human_label"] is None and facts[whole]["human_label"] == "neutral"


def test_a_restored_analysis_shows_the_baseline_it_used(make_window, qtbot, tmp_path, settings):
    used = {"name": "ana", "recordings": 4, "voice_recordings": 0}
    analysis_id = _stored_analysis(
        settings.value("project"), speechlike(tmp_path / "a.wav"), baseline=used
    )
    window = make_window()
    window.session.open_analysis(analysis_id)
    qtbot.waitUntil(lambda: window.session.analysis_id == analysis_id, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: bool(window.session.tracks), timeout=TIMEOUT_MS)
    text = window.results.baseline.text()
    assert "Baseline used: ana (4 recordings)" in text and "population weights" in text


def test_an_unreliable_transcript_is_kept_flagged_and_not_searchable(
    make_window, qtbot, tmp_path, settings
):
    project_path = settings.value("project")
    analysis_id = _stored_analysis(
        project_path,
        speechlike(tmp_path / "a.wav"),
        transcript="nervous",
        words=WORDS,
        transcript_reliability=UNRELIABLE,
    )
    with Project(project_path) as project:
        assert project.analysis(analysis_id).transcript_reliability == UNRELIABLE
        assert project.queries.list_analyses(Filters(text="nervous")) == []
    window = make_window()
    window.session.open_analysis(analysis_id)
    qtbot.waitUntil(lambda: window.session.analysis_id == analysis_id, timeout=TIMEOUT_MS)
    assert "Unreliable transcript" in window.results.transcript.toPlainText()


def test_the_filters_offer_new_labels_and_speakers_at_once(make_window, qtbot, tmp_path, settings):
    window = make_window()
    browser = window.browser
    qtbot.waitUntil(lambda: "0 analyses" in browser.status.text(), timeout=TIMEOUT_MS)
    assert browser.label.count() == 1  # "any"
    _stored_analysis(settings.value("project"), speechlike(tmp_path / "a.wav"), speaker="bo")
    browser.refresh()
    qtbot.waitUntil(lambda: "1 analysis;" in browser.status.text(), timeout=TIMEOUT_MS)
    assert browser.label.findText("sad") > 0 and browser.speaker.findText("bo") > 0


def test_opening_an_analysed_file_shows_its_latest_analysis_and_the_list_marks_it(
    make_window, qtbot, tmp_path, settings
):
    project_path = settings.value("project")
    path = speechlike(tmp_path / "a.wav")
    first = _stored_analysis(project_path, path)
    latest = _rerun(project_path, first, label="happy")
    _stored_analysis(project_path, speechlike(tmp_path / "b.wav", f0=120.0))
    window = make_window()
    window.open_file(str(path))  # Ctrl+O
    qtbot.waitUntil(lambda: window.session.analysis_id == latest, timeout=TIMEOUT_MS)
    assert window.results.probability_bars()["sad"] == 0.6
    browser = window.browser
    qtbot.waitUntil(lambda: len(browser.ids) == 3, timeout=TIMEOUT_MS)
    selected = {index.row() for index in browser.table.selectionModel().selectedRows()}
    assert selected == {browser.ids.index(latest)}


def test_a_new_recording_leaves_nothing_of_the_last_on_screen(
    make_window, qtbot, tmp_path, settings
):
    analysis_id = _stored_analysis(settings.value("project"), speechlike(tmp_path / "a.wav"))
    window = make_window()
    window.session.open_analysis(analysis_id)
    qtbot.waitUntil(lambda: bool(window.session.tracks), timeout=TIMEOUT_MS)
    window.timeline.region.setRegion((0.1, 0.3))
    window.timeline.region.show()
    window._selection_changed(0.1, 0.3)
    window.timeline.highlight({"verdict": "supported", "kind": "pitch", "spans": [(0.1, 0.2)]})
    window.results_page.verticalScrollBar().setValue(
        window.results_page.verticalScrollBar().maximum()
    )
    window.open_file(str(speechlike(tmp_path / "b.wav", f0=120.0)))
    qtbot.waitUntil(lambda: window.session.analysis_id is None, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: bool(window.session.tracks), timeout=TIMEOUT_MS)
    assert window.timeline.selection() is None and window.timeline.highlights == []
    assert "selection" not in window.statusBar().currentMessage()
    assert window.results_page.verticalScrollBar().value() == 0
    assert window.browser.table.selectionModel().selectedRows() == []


def test_saving_the_same_annotation_again_says_so(make_window, qtbot, tmp_path, settings):
    analysis_id = _stored_analysis(settings.value("project"), speechlike(tmp_path / "a.wav"))
    window = make_window()
    panel = window.annotation
    window.session.open_analysis(analysis_id)
    qtbot.waitUntil(lambda: panel.analysis_id == analysis_id, timeout=TIMEOUT_MS)
    panel.annotator.setText("dr. lee")
    panel.save.click()
    assert panel.status.text() == "Annotation saved."
    panel.save.click()
    assert panel.status.text().startswith("Nothing new to save")
    assert "no claim judged" in panel.history.toPlainText()


def test_record_without_a_microphone_says_why(make_window, qtbot):
    window = make_window(devices=())
    window.actions_by_name["record"].trigger()
    assert "cannot record" in _last_message(window)


def test_the_baseline_files_can_be_removed(qtbot):
    dialog = BaselineDialog([], BaselineChoice("files", files=("a.wav", "b.wav")))
    qtbot.addWidget(dialog)
    dialog.files.item(0).setSelected(True)
    dialog.remove.click()
    assert dialog.choice().files == ("b.wav",)


def test_the_export_format_is_remembered(qtbot, tmp_path, settings):
    first = ExportDialog(tmp_path / "p.emostudio", Filters())
    qtbot.addWidget(first)
    first.format.setCurrentText("eaf")
    first.out.setText(str(tmp_path / "out"))
    first.start()  # fails (no project), but the choice is remembered
    again = ExportDialog(tmp_path / "p.emostudio", Filters())
    qtbot.addWidget(again)
    assert again.format.currentText() == "eaf"


def test_a_second_instance_on_the_same_project_is_warned(tmp_path, qapp):
    path = tmp_path / "shared.emostudio"
    first, second = Session(model_service=_NoModel()), Session(model_service=_NoModel())
    warnings = []
    second.error.connect(warnings.append)
    first.open_project(path)
    second.open_project(path)
    assert warnings and "already open in another EmoStudio" in warnings[0]
    first.project_lock.release()
    third = Session(model_service=_NoModel())
    third.error.connect(warnings.append)
    third.open_project(path)
    assert len(warnings) == 1  # free again once the first closed it
    for session in (first, second, third):
        session.project.close()
        session.project_lock.release()


class _NoModel:
    """A model service stand-in: the signals a Session connects to, no model thread."""

    def __init__(self):
        from PySide6.QtCore import QObject, Signal

        class Signals(QObject):
            loaded = Signal(dict)
            finished = Signal(object, object)
            failed = Signal(object)
            cancelled = Signal()
            token = Signal(str)
            labelled = Signal(dict)
            stage = Signal(str)

        self._signals = Signals()
        for name in ("loaded", "finished", "failed", "cancelled", "token", "labelled", "stage"):
            setattr(self, name, getattr(self._signals, name))
