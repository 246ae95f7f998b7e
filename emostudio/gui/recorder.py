"""The recorder: choose an input, watch the level, record a take that streams to disk,
then keep it (it opens and joins the project) or discard it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from emostudio.gui import audio_io

METER_INTERVAL_MS = 50


class Recorder(QWidget):
    kept = Signal(str)  # path of the take
    message = Signal(str)  # for the messages panel
    recording_changed = Signal(bool)

    def __init__(
        self,
        takes_folder: Path,
        stream_factory: audio_io.StreamFactory | None = None,
        list_devices=audio_io.input_devices,
        parent=None,
    ):
        super().__init__(parent)
        self.takes_folder = Path(takes_folder)
        self.stream_factory = stream_factory or audio_io.sounddevice_input
        self.writer: audio_io.TakeWriter | None = None
        self.take: Path | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        self.device = QComboBox()
        self.device.setToolTip("input device")
        self.device.setMinimumWidth(160)
        self.record = QPushButton("\u25cf Record")
        self.record.setToolTip(
            "Record from the chosen input (Ctrl+R); the take is written to disk as you speak"
        )
        self.record.setObjectName("record")
        self.record.clicked.connect(self.toggle)
        self.meter = QProgressBar()
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(False)
        self.meter.setFixedWidth(90)
        self.meter.setToolTip("input level (peak)")
        self.clock = QLabel("0:00.0")
        self.keep = QPushButton("Keep")
        self.keep.setToolTip("open the take and add it to the project")
        self.keep.clicked.connect(self._keep)
        self.discard = QPushButton("Discard")
        self.discard.setToolTip("delete the take")
        self.discard.clicked.connect(self._discard)
        self.status = QLabel()
        self.status.setObjectName("recorderStatus")
        for widget in (
            self.device,
            self.record,
            self.meter,
            self.clock,
            self.keep,
            self.discard,
            self.status,
        ):
            layout.addWidget(widget)
        self.timer = QTimer(self, interval=METER_INTERVAL_MS)
        self.timer.timeout.connect(self._tick)
        self._show_choice(False)
        self.refresh_devices(list_devices)

    def refresh_devices(self, list_devices=audio_io.input_devices) -> None:
        self.device.clear()
        try:
            devices = list_devices()
        except audio_io.AudioDeviceError as err:
            devices = []
            self.status.setText(str(err))
        for index, name in devices:
            self.device.addItem(name, index)
        if not devices:
            if not self.status.text():
                self.status.setText("no input device: connect a microphone to record")
            self.record.setEnabled(False)
            self.device.setEnabled(False)
        else:
            self.status.setText("")
            self.record.setEnabled(True)
            self.device.setEnabled(True)

    @property
    def recording(self) -> bool:
        return self.writer is not None

    def toggle(self) -> None:
        if self.recording:
            self.stop()
        elif self.record.isEnabled():
            self.start()
        else:  # Ctrl+R with no microphone: say why nothing happens
            self.message.emit(f"cannot record: {self.status.text() or 'no input device'}")

    def start(self) -> None:
        if self.take is not None:
            self._discard()  # an undecided take: a new recording replaces it
        path = audio_io.take_path(self.takes_folder)
        try:
            self.writer = audio_io.TakeWriter(
                path, device=self.device.currentData(), stream_factory=self.stream_factory
            )
        except (audio_io.AudioDeviceError, OSError) as err:
            self.writer = None
            self.status.setText(str(err))
            self.message.emit(f"cannot record: {err}")
            return
        self.record.setText("\u25a0 Stop")
        self.status.setText(f"recording to {path.name}")
        self.timer.start()
        self.recording_changed.emit(True)

    def stop(self, problem: str | None = None) -> None:
        """Stop recording; ``problem`` says why when the take could not go on."""
        if self.writer is None:
            return
        self.timer.stop()
        writer, self.writer = self.writer, None
        self.take = writer.stop()
        self.meter.setValue(0)
        self.record.setText("\u25cf Record")
        if problem is None and writer.error is not None:
            problem = f"the take cannot be written ({writer.error})"
        if problem is None and writer.stream_error is not None:
            problem = f"the input device failed ({writer.stream_error})"
        if problem is not None:
            self.message.emit(
                f"recording stopped: {problem}; the {writer.seconds:.1f} s recorded until then "
                f"are kept in {self.take}"
            )
        self.status.setText(f"{writer.seconds:.1f} s take: keep or discard?")
        self._show_choice(True)
        self.recording_changed.emit(False)

    def _tick(self) -> None:
        if self.writer is None:
            return
        problem = self.writer.problem()
        if problem is not None:  # a full disk or an unplugged microphone: stop, keep what is there
            self.stop(problem)
            return
        self.meter.setValue(min(100, int(self.writer.peak * 100)))
        seconds = self.writer.seconds
        self.clock.setText(f"{int(seconds // 60)}:{seconds % 60:04.1f}")

    def _keep(self) -> None:
        take, self.take = self.take, None
        self._show_choice(False)
        if take is not None:
            self.status.setText(f"kept {take.name}")
            self.kept.emit(str(take))

    def _discard(self) -> None:
        take, self.take = self.take, None
        self._show_choice(False)
        if take is not None:
            take.unlink(missing_ok=True)
            self.status.setText("take discarded")
        self.clock.setText("0:00.0")

    def _show_choice(self, visible: bool) -> None:
        self.keep.setVisible(visible)
        self.discard.setVisible(visible)
