"""Take the README's screenshots: the app driven as a user would, under a real X server.

    xvfb-run -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots.py docs/screenshots
    ... scripts/screenshots.py docs/screenshots utterances    # only the emotion tier's picture

It uses a throw-away settings file and project, imports the demo folder (with one broken
file, to show per-file errors), analyses a demo clip with the default model, highlights a
citation, annotates, searches the sessions, and switches to the dark theme. Each step
waits for the app's own signals, so the pictures show finished work, never a race.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QScrollArea

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "assets" / "samples"
CLIP = SAMPLES / "voice-m7-happy.wav"


def wait_until(condition, timeout_s: float, what: str) -> None:
    """Run the event loop until ``condition()`` holds; fail loudly after ``timeout_s``."""
    loop_ms = 50
    for _ in range(int(timeout_s * 1000 / loop_ms)):
        if condition():
            return
        loop = QEventLoop()
        QTimer.singleShot(loop_ms, loop.quit)
        loop.exec()
    raise TimeoutError(f"screenshots: gave up waiting for {what} after {timeout_s:.0f} s")


def settle(ms: int = 600) -> None:
    """Let layouts, repaints and debounced queries finish before a picture."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def shoot(app: QApplication, out: Path, name: str) -> None:
    settle()
    path = out / f"{name}.png"
    if not app.primaryScreen().grabWindow(0).save(str(path)):
        raise OSError(f"screenshots: could not write {path}")
    print(f"wrote {path}", file=sys.stderr)


def main(out: Path, only: str | None = None) -> int:
    out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="emostudio-shots-"))
    try:
        return _run(out, scratch, only)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _run(out: Path, scratch: Path, only: str | None = None) -> int:
    app = QApplication(sys.argv[:1])
    QCoreApplication.setOrganizationName("EmoStudioScreenshots")
    QCoreApplication.setApplicationName("EmoStudioScreenshots")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(scratch / "settings")
    )
    settings = QSettings()
    settings.setValue("annotator", "Dr. R. Lee")
    settings.setValue("project", str(scratch / "study.emostudio"))
    from emostudio.gui.app import start

    window, _collector = start(data_dir=scratch / "data")  # the app's own start-up path
    window.resize(1600, 1000)
    window.move(0, 0)
    wait_until(lambda: bool(window.session.model_info), 600, "the default model to load")
    if only == "utterances":
        utterances_view(app, window, out)
        window.close()
        return 0

    # A lab folder, one sub-folder per speaker, with a file that is not audio.
    folder = scratch / "lab-folder"
    for speaker, pattern in (("m7", "voice-m7-*.wav"), ("allison", "[ai]*.wav")):
        (folder / speaker).mkdir(parents=True)
        for clip in SAMPLES.glob(pattern):
            shutil.copy(clip, folder / speaker / clip.name)
    (folder / "allison" / "notes-not-audio.wav").write_text("minutes of the meeting\n")
    window.import_folder(str(folder))
    dialog = window.import_dialog
    dialog.workers.setValue(2)
    dialog.speaker.setText(r"^(\w+)/")
    dialog.start()
    done = []
    dialog.finished_import.connect(lambda *args: done.append(args))
    wait_until(lambda: bool(done), 900, "the import")
    shoot(app, out, "import")
    dialog.close()

    window.open_file(str(folder / "m7" / CLIP.name))  # its speaker's baseline is in the project
    wait_until(lambda: bool(window.session.tracks), 120, "the tracks")
    ready = []
    window.session.analysis_ready.connect(lambda *args: ready.append(args))
    window.actions_by_name["analyze"].trigger()
    wait_until(lambda: bool(ready), 300, "the analysis")
    citations = window.session.result.citations
    pitch = [i for i, c in enumerate(citations) if (c.get("cue") or "").startswith("f0")]
    window.results.activate_citation(pitch[0] if pitch else 0)
    shoot(app, out, "main")

    window.right_tabs.setCurrentIndex(1)  # Annotate
    for group in window.annotation.groups:
        group.button(1).setChecked(True)  # agree with each claim
    window.annotation.notes.setPlainText(
        "Neutral words, lively delivery; the cited cues match what I hear."
    )
    window.annotation.save.click()
    wait_until(
        lambda: "Dr. R. Lee" in window.annotation.history.toPlainText(), 60, "the saved annotation"
    )
    shoot(app, out, "annotate")
    laptop_views(app, window, out)

    window.browser.search.setText("minutes")
    settle(1200)
    shoot(app, out, "sessions")

    research_views(app, window, out)
    utterances_view(app, window, out)

    window.set_theme("dark")
    window.right_tabs.setCurrentIndex(0)  # Results
    shoot(app, out, "dark")
    window.close()
    return 0


def shoot_window(window, out: Path, name: str) -> None:
    """The window alone, at its own size (a laptop's screen, say)."""
    settle()
    path = out / f"{name}.png"
    if not window.grab().save(str(path)):
        raise OSError(f"screenshots: could not write {path}")
    print(f"wrote {path}", file=sys.stderr)


def laptop_views(app: QApplication, window, out: Path) -> None:
    """Issue 31: the window at 1366x768 and 1280x720, every control reachable; after a
    baseline change, the Annotate tab still shows the judgement of the earlier run."""
    from emostudio.gui.baseline import BaselineChoice

    ready = []
    window.session.analysis_ready.connect(lambda *args: ready.append(args))
    window.session.set_baseline(BaselineChoice("population", sex="male"))
    wait_until(lambda: bool(ready), 300, "the re-analysis under the new baseline")
    window.resize(1280, 720)
    window.right_tabs.setCurrentIndex(1)  # Annotate
    shoot_window(window, out, "laptop-1280x720")
    window.resize(1366, 768)
    window.right_tabs.setCurrentIndex(0)  # Results
    shoot_window(window, out, "laptop-1366x768")
    window.resize(1600, 1000)


def research_views(app: QApplication, window, out: Path) -> None:
    """The eGeMAPS tab, annotator agreement and a speaker's course (issue 18's views)."""
    window.browser.search.setText("")
    window.right_tabs.setCurrentIndex(0)  # Results
    results = window.results
    results.measure_tabs.setCurrentWidget(results.features)
    wait_until(lambda: results.features.table.rowCount() > 0, 120, "the eGeMAPS functionals")
    scroll = results.parent()
    while scroll is not None and not isinstance(scroll, QScrollArea):
        scroll = scroll.parent()
    if scroll is not None:  # the Results panel scrolls: show the functionals' table
        scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    settle()
    shoot(app, out, "egemaps")
    results.measure_tabs.setCurrentIndex(0)

    # A second annotator and weekly dates for m7's sessions, written as the app would.
    project = window.session.project
    analyses = project.queries.list_analyses()
    for number, (analysis_id, result, _) in enumerate(analyses):
        model_label = result.label or "neutral"
        project.annotate(analysis_id, "Dr. R. Lee", model_label, accepted=True)
        second = model_label if number % 3 else "sad"
        project.annotate(analysis_id, "Dr. S. Kim", second, accepted=second == model_label)
    m7 = sorted(r["sha256"] for r in project.queries.list_recordings("m7"))
    for week, sha256 in enumerate(m7):
        project.set_recorded(sha256, f"2026-0{1 + week // 4}-{5 + 7 * (week % 4):02d}")
    window.show_agreement()
    dialog = window.agreement_dialog
    dialog.resize(900, 700)
    dialog.move(350, 150)
    dialog.include_model.setChecked(True)
    wait_until(lambda: "kappa" in dialog.view.toPlainText(), 60, "the agreement report")
    shoot(app, out, "agreement")
    dialog.close()

    window.speaker_course()
    course = window.course_dialog
    course.move(250, 100)
    wait_until(lambda: course.table.rowCount() > 0, 60, "the speaker course")
    course.speaker.setCurrentText("m7")
    wait_until(lambda: course.course and course.course.speaker == "m7", 60, "m7's course")
    settle(800)
    shoot(app, out, "course")
    course.close()


def utterances_view(app: QApplication, window, out: Path) -> None:
    """Issue 33: the four demo clips joined, cut and labelled utterance by utterance; the
    third (sad) stepped to, its rationale written on demand, a cited cue highlighted."""
    window.open_file(str(SAMPLES / "m7-four-moods.wav"))
    wait_until(lambda: bool(window.session.tracks), 120, "the tracks")
    window.actions_by_name["analyze_utterances"].trigger()
    wait_until(
        lambda: window.utterances.request is None and window.utterances.items, 600, "the utterances"
    )
    window.timeline.show_all()
    window.utterances.select(3)
    wait_until(lambda: bool(window.utterances.items[3].result.rationale), 300, "its rationale")
    wait_until(
        lambda: window.session.result is window.utterances.items[3].result,
        60,
        "the rationale on screen",
    )
    window.timeline.show_all()
    window.right_tabs.setCurrentIndex(0)  # Results
    if window.session.result.citations:
        window.results.activate_citation(0)
    shoot(app, out, "utterances")


if __name__ == "__main__":
    sys.exit(
        main(
            Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"),
            sys.argv[2] if len(sys.argv) > 2 else None,
        )
    )
