"""The desktop app's everyday flows, offscreen: open, record, play, browse, annotate, import."""

from __future__ import annotations

import numpy as np
import soundfile as sf

from emostudio.gui import audio_io
from emostudio.store import Project
from model_core.audio import load_audio
from model_core.cues import analyze_clip
from model_core.result import AnalysisResult
from tests.helpers.signals import RATE, syllable_train

TIMEOUT_MS = 30_000


def speechlike(path, n=12, f0=180.0):
    sf.write(path, syllable_train(n, f0=f0), RATE)
    return path


def test_opening_a_file_fills_every_plot(make_window, qtbot, tmp_path):
    window = make_window()
    path = speechlike(tmp_path / "clip.wav")
    window.open_file(str(path))
    qtbot.waitUntil(
        lambda: bool(window.session.tracks) and window.overview is not None, timeout=TIMEOUT_MS
    )
    timeline = window.timeline
    times, values = timeline.wave.getData()
    assert len(times) > 100 and np.max(np.abs(values)) > 0.05
    assert timeline.image.image is not None and timeline.image.image.shape[0] > 10
    _pitch_times, pitch = timeline.pitch.getData()
    voiced = pitch[np.isfinite(pitch)]
    assert len(voiced) > 20
    assert abs(np.median(voiced) - 180.0) < 5.0  # the plotted F0 is the synthetic voice's
    assert np.isnan(pitch).sum() > 10  # the gaps between syllables stay gaps
    _intensity_times, intensity = timeline.intensity.getData()
    assert len(intensity) > 20 and np.nanmax(intensity) > np.nanmin(intensity) + 20
    assert window.windowTitle().startswith("clip.wav")
    assert str(path) == window.settings.value("recent", type=list)[0]


def test_an_unreadable_file_is_reported_in_the_messages_panel(make_window, qtbot, tmp_path):
    window = make_window()
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    window.open_file(str(broken))
    qtbot.waitUntil(lambda: window.messages.count() > 0, timeout=TIMEOUT_MS)
    text = window.messages.item(window.messages.count() - 1).text()
    assert "broken.wav" in text and "Traceback" not in text
    assert window.session.recording is None


def test_a_take_streams_to_disk_and_is_kept_in_the_project(make_window, qtbot, tmp_path):
    window = make_window()
    recorder = window.recorder
    window.actions_by_name["record"].trigger()
    assert recorder.recording
    qtbot.waitUntil(lambda: recorder.writer.seconds > 1.3, timeout=TIMEOUT_MS)
    path = recorder.writer.path
    assert path.with_name(path.name + audio_io.RECORDING_MARK).exists()
    # While recording, the file on disk is already valid up to the last flush (a crash keeps it).
    assert sf.info(path).frames >= audio_io.TAKE_SAMPLE_RATE * audio_io.FLUSH_SECONDS
    qtbot.waitUntil(
        lambda: recorder.meter.value() > 20, timeout=TIMEOUT_MS
    )  # the tone's peak is 0.3
    window.actions_by_name["record"].trigger()
    assert not recorder.recording and recorder.keep.isVisible()
    take = load_audio(path)
    assert take.duration > 1.3
    assert abs(np.sqrt(2) * np.std(take.mono) - 0.3) < 0.02
    recorder.keep.click()
    qtbot.waitUntil(
        lambda: window.session.recording is not None and bool(window.session.tracks),
        timeout=TIMEOUT_MS,
    )
    with Project(window.session.project.path, create=False) as project:
        stored = project.recording(take.sha256)
        assert stored is not None and stored["stored"]  # the project file holds the audio itself
        assert project.media.audio_bytes(take.sha256) == path.read_bytes()


def test_a_discarded_take_is_deleted(make_window, qtbot):
    window = make_window()
    window.recorder.start()
    qtbot.waitUntil(lambda: window.recorder.writer.seconds > 0.2, timeout=TIMEOUT_MS)
    path = window.recorder.writer.path
    window.recorder.stop()
    window.recorder.discard.click()
    assert not path.exists()


def test_an_interrupted_take_is_reported_at_the_next_start(make_window, settings, tmp_path):
    takes = tmp_path / "data" / "takes"
    takes.mkdir(parents=True)
    sf.write(takes / "take-1.wav", np.zeros(4800), 48000)
    (takes / f"take-1.wav{audio_io.RECORDING_MARK}").touch()
    window = make_window()
    texts = [window.messages.item(i).text() for i in range(window.messages.count())]
    assert any("interrupted" in t and "take-1.wav" in t for t in texts)
    assert not (takes / f"take-1.wav{audio_io.RECORDING_MARK}").exists()


def test_without_an_input_device_the_recorder_says_so(make_window):
    window = make_window(devices=())
    assert "no input device" in window.recorder.status.text()
    assert not window.recorder.record.isEnabled()
    window.actions_by_name["record"].trigger()  # the shortcut does nothing harmful
    assert not window.recorder.recording


def test_when_sound_is_unavailable_the_recorder_shows_why(qtbot, settings, tmp_path):
    from emostudio.gui.recorder import Recorder

    def broken():
        raise audio_io.AudioDeviceError("sound is unavailable on this machine (no PortAudio)")

    recorder = Recorder(tmp_path, list_devices=broken)
    qtbot.addWidget(recorder)
    assert "PortAudio" in recorder.status.text() and not recorder.record.isEnabled()


def test_playback_moves_the_cursor_and_plays_the_selection(make_window, qtbot, tmp_path):
    window = make_window()
    window.open_file(str(speechlike(tmp_path / "clip.wav")))
    qtbot.waitUntil(lambda: window.session.envelope is not None, timeout=TIMEOUT_MS)
    window.timeline.set_selection(0.5, 0.9)
    window.actions_by_name["play_selection"].trigger()
    playback = window.playback
    assert playback is not None
    qtbot.waitUntil(
        lambda: window.playback is None, timeout=TIMEOUT_MS
    )  # stops by itself at the end
    played = np.concatenate(playback.stream.played)[:, 0]
    expected = window.session.recording.mono[int(0.5 * RATE) : int(0.9 * RATE)]
    np.testing.assert_allclose(played, expected, atol=1e-6)
    assert abs(window.timeline.cursors[0].value() - 0.9) < 0.05
    assert window.statusBar().currentMessage().startswith("selection 0.50-0.90 s (0.40 s)")


def test_without_speakers_playback_says_so_in_plain_words(
    make_window, qtbot, tmp_path, monkeypatch
):
    class NoDevices:
        class OutputStream:
            def __init__(self, **_options):
                raise RuntimeError("Error querying device -1")

    monkeypatch.setattr(audio_io, "_sounddevice", lambda: NoDevices)
    window = make_window()
    window.output_factory = audio_io.sounddevice_output
    window.open_file(str(speechlike(tmp_path / "clip.wav")))
    qtbot.waitUntil(lambda: window.session.envelope is not None, timeout=TIMEOUT_MS)
    window.toggle_play()
    last = window.messages.item(window.messages.count() - 1).text()
    assert "no speakers or headphones can be opened" in last and window.playback is None


def _stored_analysis(project_path, audio_path, speaker="ana", **fields) -> int:
    recording = load_audio(audio_path)
    _, summary = analyze_clip(recording)
    result = AnalysisResult(
        file=str(audio_path),
        sha256=recording.sha256,
        duration=recording.duration,
        sample_rate=recording.sample_rate,
        start=0.0,
        end=recording.duration,
        label="sad",
        probabilities={"neutral": 0.2, "happy": 0.1, "sad": 0.6, "angry": 0.1},
        rationale="sad. The voice is quiet and the pitch is low.",
        cues=summary.to_dict(),
        **fields,
    )
    with Project(project_path) as project:
        return project.add_recording(recording, speaker=speaker, analysis=result)


def test_the_browser_restores_an_analysis_and_annotations_are_appended(
    make_window, qtbot, tmp_path, settings
):
    analysis_id = _stored_analysis(settings.value("project"), speechlike(tmp_path / "stored.wav"))
    window = make_window()
    browser = window.browser
    qtbot.waitUntil(lambda: browser.table.rowCount() == 1, timeout=TIMEOUT_MS)
    assert browser.table.item(0, 2).text() == "sad"
    browser.table.cellDoubleClicked.emit(0, 0)
    qtbot.waitUntil(
        lambda: window.session.analysis_id == analysis_id and bool(window.session.tracks),
        timeout=TIMEOUT_MS,
    )
    assert window.results.probability_bars()["sad"] == 0.6
    panel = window.annotation
    assert panel.save.isEnabled()
    panel.annotator.setText("dr. lee")
    panel.label.setCurrentText("neutral")
    panel.notes.setPlainText("sounds tired, not sad")
    panel.save.click()
    panel.label.setCurrentText("sad")
    panel.save.click()
    with Project(settings.value("project"), create=False) as project:
        rows = project.annotations(analysis_id)
    assert [(r["annotator"], r["label"], r["accepted"]) for r in rows] == [
        ("dr. lee", "neutral", False),
        ("dr. lee", "sad", True),
    ]
    assert rows[0]["notes"] == "sounds tired, not sad"
    assert panel.history.toPlainText().count("dr. lee") == 2
    assert window.settings.value("annotator") == "dr. lee"
    browser.search.setText("tired")  # the note is searchable
    qtbot.waitUntil(lambda: "1 analysis;" in browser.status.text(), timeout=TIMEOUT_MS)
    browser.search.setText("nonexistentword")
    qtbot.waitUntil(lambda: "0 analyses" in browser.status.text(), timeout=TIMEOUT_MS)


def test_an_unsure_analysis_is_listed_and_restored_as_unsure(
    make_window, qtbot, tmp_path, settings
):
    reasons = ["the model cannot tell sad and neutral apart here"]
    analysis_id = _stored_analysis(
        settings.value("project"),
        speechlike(tmp_path / "unsure.wav"),
        label_set=["sad", "neutral"],
        uncertainty={"coverage": 0.9, "unsure": True, "reasons": reasons},
    )
    window = make_window()
    qtbot.waitUntil(lambda: window.browser.table.rowCount() == 1, timeout=TIMEOUT_MS)
    assert window.browser.table.item(0, 2).text() == "sad or neutral (unsure)"
    window.session.open_analysis(analysis_id)
    qtbot.waitUntil(lambda: window.session.analysis_id == analysis_id, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.results.label_set.isHidden(), timeout=TIMEOUT_MS)
    assert reasons[0] in window.results.label_set.text()


def test_an_annotation_needs_a_name(make_window, qtbot, tmp_path, settings):
    analysis_id = _stored_analysis(settings.value("project"), speechlike(tmp_path / "stored.wav"))
    window = make_window()
    window.session.open_analysis(analysis_id)
    qtbot.waitUntil(lambda: window.session.analysis_id == analysis_id, timeout=TIMEOUT_MS)
    window.annotation.annotator.setText("")
    window.annotation.save.click()
    assert "name" in window.messages.item(window.messages.count() - 1).text()
    with Project(settings.value("project"), create=False) as project:
        assert project.annotations(analysis_id) == []


def test_a_stored_analysis_whose_audio_moved_still_opens(make_window, qtbot, tmp_path, settings):
    path = speechlike(tmp_path / "moved.wav")
    analysis_id = _stored_analysis(settings.value("project"), path)
    path.unlink()
    window = make_window()
    window.session.open_analysis(analysis_id)
    qtbot.waitUntil(lambda: window.session.analysis_id == analysis_id, timeout=TIMEOUT_MS)
    assert window.results.probability_bars()["sad"] == 0.6
    assert any(
        "no longer there" in window.messages.item(i).text() for i in range(window.messages.count())
    )


def test_batch_import_dialog_imports_a_folder_and_lists_the_broken_file(
    make_window, qtbot, tmp_path
):
    folder = tmp_path / "batch"
    folder.mkdir()
    for i in range(3):
        speechlike(folder / f"clip{i}.wav", n=6 + i, f0=150 + 20 * i)
    (folder / "broken.wav").write_bytes(b"not audio at all")
    window = make_window()
    window.import_folder(str(folder))
    dialog = window.import_dialog
    dialog.cues_only.setChecked(True)
    dialog.features.setChecked(True)
    dialog.workers.setValue(1)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=120_000)
    assert dialog.summary.imported == 3 and len(dialog.summary.failed) == 1
    with Project(window.session.project.path, create=False) as project:
        assert len(project.feature_sets.featured("eGeMAPSv02")) == 3  # measured beside the cues
    failures = [
        line for line in dialog.log.toPlainText().splitlines() if line.startswith("failed: ")
    ]
    assert failures and all(
        line.count("broken.wav") == 1 for line in failures
    )  # named once, with its problem
    assert "not a recognised audio" in failures[0]
    messages = [window.messages.item(i).text() for i in range(window.messages.count())]
    assert any(
        "broken.wav" in m and "not a recognised audio" in m for m in messages
    )  # not only in the dialog
    qtbot.waitUntil(lambda: window.browser.table.rowCount() == 3, timeout=TIMEOUT_MS)


def test_the_shortcut_list_comes_from_the_actions(make_window):
    from emostudio.gui.dialogs import ShortcutsDialog

    window = make_window()
    dialog = ShortcutsDialog(window.actions_by_name.values(), window)
    table = dialog.findChild(type(window.browser.table))
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert rows["Play / pause"] == "Space"
    assert rows["Analyse"] == "Ctrl+E"
    assert rows["Record / stop"] == "Ctrl+R"
    assert rows["Open audio..."] == "Ctrl+O"


def test_the_dark_theme_is_remembered(make_window):
    window = make_window()
    window.actions_by_name["dark"].trigger()
    assert window.settings.value("theme") == "dark"
    assert window.palette().window().color().lightness() < 128
    window.actions_by_name["dark"].trigger()
    assert window.palette().window().color().lightness() > 128


def test_the_app_starts_and_opens_the_file_it_is_given(qapp, qtbot, settings, tmp_path):
    """``emostudio gui FILE``'s own start-up path (not the test fixture's): window, GC guard, file."""
    import gc

    from emostudio.gui.app import start

    path = speechlike(tmp_path / "given.wav")
    gc.collect()
    window, collector = start([str(path)], data_dir=tmp_path / "data", load_model=False)
    qtbot.addWidget(window)
    try:
        assert not gc.isenabled()  # collection moved to the GUI thread's timer
        qtbot.waitUntil(lambda: bool(window.session.tracks), timeout=TIMEOUT_MS)
        assert window.windowTitle().startswith("given.wav") and window.isVisible()
    finally:
        window.close()
        collector.timer.stop()
        gc.enable()


def test_a_stale_browser_query_never_overwrites_a_newer_one(make_window, monkeypatch):
    """Queries end out of order (a slow one for the previous project): the latest wins."""
    from emostudio.gui import browser

    window = make_window()
    answers = []
    monkeypatch.setattr(
        browser.workers,
        "start",
        lambda fn, done=None, failed=None, **_: answers.append((done, failed)),
    )
    window.browser.refresh()  # e.g. for the project that was open
    window.browser.refresh()  # for the one just opened
    answers[1][0]((([], []), []))  # the newer query answers first: nothing stored yet
    stale = [(1, "sad", None, "old.wav", None, "2026-01-01T00:00:00", "")]
    answers[0][0](((["sad"], []), stale))  # then the stale one
    answers[0][1]("the old project is gone")
    assert window.browser.table.rowCount() == 0
    assert window.browser.status.text().startswith("0 analyses")


def test_the_annotation_form_follows_the_recording_on_screen(
    make_window, qtbot, tmp_path, settings
):
    analysis_id = _stored_analysis(settings.value("project"), speechlike(tmp_path / "stored.wav"))
    window = make_window()
    panel = window.annotation
    window.session.open_analysis(analysis_id)
    qtbot.waitUntil(lambda: panel.analysis_id == analysis_id, timeout=TIMEOUT_MS)
    assert panel.save.isEnabled() and panel.label.currentText() == "sad"
    panel.annotator.setText("dr. lee")
    panel.label.setCurrentText("neutral")
    panel.notes.setPlainText("tired, not sad")
    panel.save.click()
    panel.save.click()  # the same judgement twice is one row
    with Project(settings.value("project"), create=False) as project:
        assert len(project.annotations(analysis_id)) == 1
    browser = window.browser  # the model's and the human's labels, each in its own column
    qtbot.waitUntil(
        lambda: browser.table.rowCount() == 1 and browser.table.item(0, 3).text() == "neutral",
        timeout=TIMEOUT_MS,
    )
    assert browser.table.item(0, 2).text() == "sad"
    browser.label.setCurrentText("sad")  # as it stands, the clip is neutral now
    qtbot.waitUntil(lambda: "0 analyses" in browser.status.text(), timeout=TIMEOUT_MS)
    browser.label_side.setCurrentText("model's")
    qtbot.waitUntil(lambda: "1 analysis;" in browser.status.text(), timeout=TIMEOUT_MS)
    browser.label.setCurrentText("any")
    window.open_file(str(speechlike(tmp_path / "other.wav", f0=120.0)))
    qtbot.waitUntil(
        lambda: panel.analysis_id is None and bool(window.session.tracks), timeout=TIMEOUT_MS
    )
    assert not panel.save.isEnabled() and panel.label.count() == 0
    assert panel.history.toPlainText() == "" and "Nothing to annotate yet" in panel.status.text()
    window.session.open_analysis(
        analysis_id
    )  # restored: the latest human judgement, not the model's
    qtbot.waitUntil(lambda: panel.analysis_id == analysis_id, timeout=TIMEOUT_MS)
    assert panel.label.currentText() == "neutral"
    assert panel.notes.toPlainText() == "tired, not sad"
    assert "Latest judgement: dr. lee" in panel.status.text()
    panel.submitted.emit(analysis_id + 1, "dr. lee", "angry", False, "", [])  # a stale form
    assert (
        "belonged to another analysis" in window.messages.item(window.messages.count() - 1).text()
    )
    with Project(settings.value("project"), create=False) as project:
        assert [r["label"] for r in project.annotations(analysis_id)] == ["neutral"]


def test_the_window_is_usable_on_a_1280x720_screen(make_window, qtbot):
    window = make_window()
    window.show()
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.height() <= 720, timeout=TIMEOUT_MS)
    plots = window.timeline.plots
    assert plots["words"].height() >= 50  # a line of words and the time axis, not a sliver
    assert all(
        plots[name].height() >= 50 for name in ("waveform", "spectrogram", "pitch", "intensity")
    )


def test_the_baseline_behind_the_label_is_shown_and_can_be_chosen(
    make_window, qtbot, tmp_path, monkeypatch
):
    from emostudio.gui.baseline import FILES, POPULATION, SPEAKER, BaselineChoice

    window = make_window()
    session, shown = window.session, window.results.baseline
    window.open_file(str(speechlike(tmp_path / "clip.wav", f0=200.0)))
    qtbot.waitUntil(lambda: bool(session.tracks), timeout=TIMEOUT_MS)
    assert "population (sex unknown) priors: less reliable" in shown.text()
    others = [
        str(speechlike(tmp_path / f"same{i}.wav", n=6 + i, f0=190.0 + 10 * i)) for i in range(2)
    ]
    with qtbot.waitSignal(session.baseline_changed, timeout=TIMEOUT_MS):
        session.set_baseline(BaselineChoice(FILES, files=(*others, str(tmp_path / "missing.wav"))))
    assert "these recordings (3 recordings" in shown.text()
    assert any(
        "missing.wav" in window.messages.item(i).text() for i in range(window.messages.count())
    )
    analysed = []
    monkeypatch.setattr(
        session, "analyze", lambda *span, **options: analysed.append((span, options))
    )
    session.result = AnalysisResult(  # an analysis on screen is re-run against the new baseline
        file=None,
        sha256=session.recording.sha256,
        duration=1.0,
        sample_rate=RATE,
        start=0.0,
        end=1.0,
        label="sad",
        probabilities={"sad": 1.0},
        rationale_review={"draft": "It reads as sad."},
    )
    with qtbot.waitSignal(session.baseline_changed, timeout=TIMEOUT_MS):
        session.set_baseline(BaselineChoice(SPEAKER, speaker="ann"))
    assert "ann (1 recording" in shown.text()
    # the whole recording again, and the model's draft is re-reviewed rather than rewritten
    assert analysed == [((None, None), {"reuse_drafts": ["It reads as sad."]})]
    assert session.project.recording(session.recording.sha256)["speaker"] == "ann"
    assert session.project.speaker("ann").n_recordings == 1
    with qtbot.waitSignal(session.baseline_changed, timeout=TIMEOUT_MS):
        session.set_baseline(BaselineChoice(POPULATION, sex="female"))
    assert "population (female) priors" in shown.text()
    assert session.current_baseline().name == "population (female)"
    window.open_file(str(speechlike(tmp_path / "next.wav")))  # a new recording starts from auto
    qtbot.waitUntil(lambda: "sex unknown" in shown.text(), timeout=TIMEOUT_MS)


def test_a_recording_filed_under_a_speaker_is_read_against_their_voice(
    make_window, qtbot, tmp_path, settings
):
    stored = [speechlike(tmp_path / f"ana{i}.wav", n=6 + i, f0=170.0 + 10 * i) for i in range(2)]
    ids = [_stored_analysis(settings.value("project"), path) for path in stored]
    with Project(settings.value("project")) as project:
        project.recompute_baseline("ana")  # as an import by speaker does
    window = make_window()
    session = window.session
    requests = []
    session.model.analyze = lambda *args, **options: requests.append(options["voice_recordings"])
    session.open_analysis(ids[0])
    qtbot.waitUntil(
        lambda: session.analysis_id == ids[0] and bool(session.tracks), timeout=TIMEOUT_MS
    )
    session.analyze()
    qtbot.waitUntil(lambda: bool(requests), timeout=TIMEOUT_MS)
    assert sorted(r.sha256 for r in requests[0]) == sorted(load_audio(p).sha256 for p in stored)
    assert "the label reads their voice from 2" in window.results.baseline.text()
    session.analyze()  # read once: the next analysis reuses them
    assert len(requests) == 2 and requests[1] == requests[0]
