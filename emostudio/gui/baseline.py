"""The baseline an opened recording is judged against, and the dialog that sets it.

Cue levels, and so the label, are relative to a baseline. Population priors with the sex
unknown are the weakest; a speaker's own recordings are the strongest (the label head
then also reads the clip against that speaker's voice). The user picks, per opened
recording: population priors (with the sex), a speaker of the project (the recording is
then filed under that speaker), or "the same speaker as these recordings" (files).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from emostudio.gui import audio_io
from model_core.utterances import OWN_BASELINE

AUTO, POPULATION, SPEAKER, FILES = "auto", "population", "speaker", "files"
SEXES = {"sex unknown": None, "female": "female", "male": "male"}


@dataclass(frozen=True)
class BaselineChoice:
    """What the user asked for: ``auto`` (the recording's speaker in the project, else
    population priors), ``population`` (with ``sex``), ``speaker`` (a name) or ``files``."""

    kind: str = AUTO
    sex: str | None = None
    speaker: str | None = None
    files: tuple[str, ...] = field(default_factory=tuple)


def describe(baseline, voice_recordings: int = 0) -> tuple[str, bool]:
    """(text, weak): the baseline in use, in words, and whether it is the weak kind.

    ``baseline`` is a :class:`model_core.cues.SpeakerBaseline`; ``voice_recordings`` how
    many recordings the label head's view of the speaker was built from.
    """
    if baseline.n_recordings == 0:
        return (
            f"Baseline: {baseline.name} priors: less reliable. Set the speaker (Analysis > Baseline)",
            True,
        )
    voice = f"; the label reads their voice from {voice_recordings}" if voice_recordings else ""
    count = f"{baseline.n_recordings} recording{'s' if baseline.n_recordings != 1 else ''}"
    return f"Baseline: {baseline.name} ({count}{voice})", False


def describe_used(record: dict | None, cues_baseline: str | None) -> tuple[str, bool]:
    """(text, weak): the baseline a stored result was judged against, in words.

    ``record`` is ``AnalysisResult.baseline`` (``{"name", "recordings",
    "voice_recordings"}``), None for analyses stored before it was kept; ``cues_baseline``
    the name in the result's cues, the only trace those older analyses have.
    """
    if record is None:
        name = cues_baseline or "unknown"
        return (
            f"Baseline used: {name} for the cues (stored before EmoStudio recorded whether the "
            "label read the speaker's voice)",
            name.startswith("population"),
        )
    recordings, voices = record.get("recordings", 0), record.get("voice_recordings", 0)
    if recordings == 0:
        return f"Baseline used: {record['name']} priors: less reliable", True
    unit = "utterance" if record["name"] == OWN_BASELINE else "recording"
    count = f"{recordings} {unit}{'s' if recordings != 1 else ''}"
    if voices:
        return (
            f"Baseline used: {record['name']} ({count}; the label read their voice from {voices})",
            False,
        )
    return (
        f"Baseline used: {record['name']} ({count}) for the cues; the label used population "
        "weights (their voice was not read)",
        True,
    )


class BaselineDialog(QDialog):
    """Choose the baseline for the recording on screen."""

    def __init__(
        self, speakers: list[str], current: BaselineChoice, parent=None, *, has_project: bool = True
    ):
        super().__init__(parent)
        self.setWindowTitle("Baseline for this recording")
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Cue levels and the label are judged against a baseline: the speaker's own "
                "recordings are far more reliable than population priors."
            )
        )
        grid = QGridLayout()
        self.kinds = QButtonGroup(self)
        self.population = QRadioButton("Population priors")
        self.sex = QComboBox()
        self.sex.addItems(list(SEXES))
        self.speaker_button = QRadioButton(
            "A speaker of the project (this recording is filed under them)"
        )
        self.speaker = QComboBox()
        self.speaker.setEditable(True)
        self.speaker.addItems(speakers)
        self.speaker.setPlaceholderText("a name, existing or new")
        self.files_button = QRadioButton("The same speaker as these recordings")
        self.files = QListWidget()
        add = QPushButton("Add recordings...")
        add.clicked.connect(self._add_files)
        for row, (button, widget) in enumerate(
            (
                (self.population, self.sex),
                (self.speaker_button, self.speaker),
                (self.files_button, self.files),
            )
        ):
            self.kinds.addButton(button)
            grid.addWidget(button, row, 0)
            grid.addWidget(widget, row, 1)
        self.remove = QPushButton("Remove")
        self.remove.setToolTip("leave the selected recordings out of the baseline")
        self.remove.clicked.connect(self._remove_files)
        self.files.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        file_buttons = QHBoxLayout()
        file_buttons.addWidget(add)
        file_buttons.addWidget(self.remove)
        file_buttons.addStretch(1)
        grid.addLayout(file_buttons, 3, 1)
        layout.addLayout(grid)
        if not has_project:
            self.speaker_button.setEnabled(False)
            self.speaker_button.setToolTip("open or create a project to keep speakers")
        self._show(current)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _show(self, current: BaselineChoice) -> None:
        self.sex.setCurrentText(next(k for k, v in SEXES.items() if v == current.sex))
        self.files.addItems(list(current.files))
        if current.speaker:
            self.speaker.setCurrentText(current.speaker)
        button = {SPEAKER: self.speaker_button, FILES: self.files_button}.get(
            current.kind, self.population
        )
        button.setChecked(True)

    def _add_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Recordings of the same speaker", "", audio_io.AUDIO_FILTER
        )
        self.files.addItems(paths)
        if paths:
            self.files_button.setChecked(True)

    def _remove_files(self) -> None:
        for item in self.files.selectedItems():
            self.files.takeItem(self.files.row(item))

    def choice(self) -> BaselineChoice:
        sex = SEXES[self.sex.currentText()]
        if self.speaker_button.isChecked() and self.speaker.currentText().strip():
            return BaselineChoice(SPEAKER, sex, self.speaker.currentText().strip())
        if self.files_button.isChecked() and self.files.count():
            return BaselineChoice(
                FILES,
                sex,
                files=tuple(self.files.item(i).text() for i in range(self.files.count())),
            )
        return BaselineChoice(POPULATION, sex)
