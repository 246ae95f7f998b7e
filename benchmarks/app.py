"""App benchmark: how long a clinician waits in the app, with the default model.

Driven as a user would, off screen: the main window loads the default model, opens a
short clip and analyses it twice (the second analysis is the one a user repeats all day),
changes the baseline (a re-run), then opens a long recording, starts its analysis and
cancels it. Reported per step: seconds until the label is on screen, until the analysis
is done (rationale written and saved), and the model's own stage timings; for the cancel,
the seconds from the click to the confirmation.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from benchmarks.report import Figure, Section
from benchmarks.timing import machine_line

ROOT = Path(__file__).resolve().parent.parent
SHORT_CLIP = ROOT / "assets" / "samples" / "voice-m7-neutral.wav"
LONG_CLIP = ROOT / "assets" / "samples" / "ivr-welcome.wav"
SECOND_ANALYSIS_TARGET_S = 2.0
BASELINE_CHANGE_TARGET_S = 1.0
CANCEL_TARGET_S = 2.0
LONG_SECONDS = 60.0
CANCEL_AFTER_S = 4.0


def _wait(app, condition, timeout_s: float, what: str) -> float:
    """Process events until ``condition()``; the seconds it took."""
    started = time.perf_counter()
    while not condition():
        app.processEvents()
        time.sleep(0.005)
        if time.perf_counter() - started > timeout_s:
            raise TimeoutError(f"app benchmark: no {what} after {timeout_s:.0f} s")
    return time.perf_counter() - started


class _Watch:
    """When the session's signals arrive, after a start time."""

    def __init__(self, session) -> None:
        self.labelled = self.ready = self.cancelled = None
        self.started = 0.0
        self.result = None
        session.labelled.connect(lambda _p: self._mark("labelled"))
        session.analysis_ready.connect(self._ready)
        session.analysis_cancelled.connect(lambda: self._mark("cancelled"))

    def start(self) -> None:
        self.labelled = self.ready = self.cancelled = None
        self.started = time.perf_counter()

    def _mark(self, name: str) -> None:
        if getattr(self, name) is None:
            setattr(self, name, time.perf_counter() - self.started)

    def _ready(self, result, _analysis_id) -> None:
        self.result = result
        self._mark("ready")


def _long_recording(folder: Path) -> Path:
    """About 60 s of real speech: the IVR prompt, repeated."""
    samples, rate = sf.read(LONG_CLIP, dtype="float32")
    repeats = int(np.ceil(LONG_SECONDS * rate / len(samples)))
    path = folder / "long.wav"
    sf.write(path, np.tile(samples, repeats)[: int(LONG_SECONDS * rate)], rate)
    return path


def app_section() -> Section:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    QCoreApplication.setOrganizationName("EmoStudioBench")
    QCoreApplication.setApplicationName("EmoStudioBench")
    rows, figures = [], []
    with tempfile.TemporaryDirectory(prefix="emostudio-app-bench-") as scratch:
        folder = Path(scratch)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
        QSettings().setValue("project", str(folder / "bench.emostudio"))
        from emostudio.gui.baseline import BaselineChoice
        from emostudio.gui.main_window import MainWindow

        started = time.perf_counter()
        window = MainWindow(data_dir=folder / "data", list_devices=lambda: [])
        session, watch = window.session, _Watch(window.session)
        _wait(app, lambda: bool(session.model_info), 600, "model")
        rows.append(("load the default model", time.perf_counter() - started, None, ""))
        window.open_file(str(SHORT_CLIP))
        _wait(app, lambda: session.measured is not None, 120, "measured clip")
        for name in ("first analysis of a 3.6-s clip", "second analysis of the same clip"):
            watch.start()
            session.analyze()
            _wait(app, lambda: watch.ready is not None, 600, "analysis")
            rows.append((name, watch.ready, watch.labelled, _stages(watch.result)))
        second = rows[-1][1]
        watch.start()
        session.set_baseline(BaselineChoice("population", sex="male"))
        _wait(app, lambda: watch.ready is not None, 600, "re-analysis")
        rows.append(
            (
                "baseline change (population, male)",
                watch.ready,
                watch.labelled,
                _stages(watch.result),
            )
        )
        baseline = rows[-1][1]
        window.open_file(str(_long_recording(folder)))
        _wait(app, lambda: session.measured is not None, 300, "measured long file")
        watch.start()
        session.analyze()
        _wait(app, lambda: time.perf_counter() - watch.started > CANCEL_AFTER_S, 60, "")
        clicked = time.perf_counter()
        window.cancel_analysis()
        _wait(app, lambda: watch.cancelled is not None or watch.ready is not None, 600, "cancel")
        cancel = time.perf_counter() - clicked
        rows.append(
            (f"cancel a {LONG_SECONDS:.0f}-s analysis {CANCEL_AFTER_S:.0f} s in", cancel, None, "")
        )
        window.close()
        app.processEvents()
    figures = [
        Figure(
            "app: second analysis of a 3.6-s clip",
            second,
            "s",
            f"{second:.2f} s",
            below=SECOND_ANALYSIS_TARGET_S,
        ),
        Figure(
            "app: baseline change re-run",
            baseline,
            "s",
            f"{baseline:.2f} s",
            below=BASELINE_CHANGE_TARGET_S,
        ),
        Figure(
            "app: cancel to confirmation", cancel, "s", f"{cancel:.2f} s", below=CANCEL_TARGET_S
        ),
    ]
    lines = [
        "## App: what a user waits for (default model, off screen)",
        "",
        machine_line(),
        "",
        "| step | done (s) | label on screen (s) | model stages (s) |",
        "| --- | ---: | ---: | --- |",
        *(
            f"| {name} | {done:.2f} | {'' if label is None else f'{label:.2f}'} | {stages} |"
            for name, done, label, stages in rows
        ),
        "",
    ]
    return Section("\n".join(lines), figures)


def _stages(result) -> str:
    timings = {k: v for k, v in (result.timings or {}).items() if k != "batch_size"}
    return ", ".join(f"{k} {v:.2f}" for k, v in timings.items())


if __name__ == "__main__":
    print(app_section().markdown)
