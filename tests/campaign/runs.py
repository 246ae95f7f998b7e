"""How the bad-input campaign drives the entry points: commands in-process with streams as
strict as a terminal's, the checks every refusal must pass, project files, the app's window."""

from __future__ import annotations

import gc
import hashlib
import io
import json
import re
import shutil
import sqlite3
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from tests.campaign.bad_inputs import Built, Refused

TIMEOUT_MS = 30_000
TRAIN_COMMANDS = ("validate", "fit", "evaluate")


@dataclass
class Outcome:
    status: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return f"{self.out}\n{self.err}"


def run_cli(argv: list) -> Outcome:
    """Call a command's ``main(argv)`` in-process, with streams as strict as a terminal's.

    Under a UTF-8 locale Python's stdout refuses what is not UTF-8 (stderr escapes it), so
    a file name that is not UTF-8 fails here exactly as it would for a user.
    """
    from emostudio.cli.main import main as emostudio_main
    from train.cli import main as train_main

    argv = [str(a) for a in argv]
    main = train_main if argv[0] in TRAIN_COMMANDS else emostudio_main
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True)
    err = io.TextIOWrapper(
        io.BytesIO(), encoding="utf-8", errors="backslashreplace", write_through=True
    )
    with redirect_stdout(out), redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as exit_:  # argparse, and messages passed to SystemExit
            if isinstance(exit_.code, str):
                print(exit_.code, file=sys.stderr)
            status = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    return Outcome(
        status, *(s.buffer.getvalue().decode("utf-8", "backslashreplace") for s in (out, err))
    )


def assert_refused(expect: Refused, built: Built, text: str, status: int | None) -> None:
    assert "Traceback" not in text and "internal error" not in text, text
    if status is not None:
        assert status == expect.status, f"exit status {status}, documented {expect.status}:\n{text}"
    lines = [line for line in text.splitlines() if built.names in line]
    assert lines, f"no message names {built.names!r}:\n{text}"
    # The problem must be said in words, not found in a path (folders are named after kinds).
    said = [re.sub(r"\S*/\S*", " ", line.replace(built.names, " ")).lower() for line in lines]
    assert any(word.lower() in line for line in said for word in expect.words), (
        f"no line naming {built.names!r} says {' or '.join(expect.words)!r}:\n" + "\n".join(lines)
    )


def assert_accepted(outcome: Outcome) -> None:
    assert "Traceback" not in outcome.text and "internal error" not in outcome.text, outcome.text
    assert outcome.status == 0, outcome.text


def fit_config(folder: Path, train: list[str], init_from: Path) -> Path:
    config = folder / "fit.toml"
    config.write_text(
        f"[model]\ninit_from = {json.dumps(str(init_from))}\n"
        f"[data]\ntrain = {json.dumps(train)}\n"
        f"[training]\noutput = {json.dumps(str(folder / 'run'))}\ntasks = ['ser']\nepochs = 1\n"
        "max_steps = 1\nbatch_size = 2\ndevice = 'cpu'\nuse_cache = false\nlog_every = 1\n"
    )
    return config


def evaluate_argv(spec: str, model: Path) -> list:
    return ["evaluate", spec, "--model", model, "--rationales", "0", "--device", "cpu", "--no-card"]


def data_spec(path: Path) -> str:
    return f"manifest:{path}" if path.suffix in (".csv", ".jsonl") else str(path)


def fresh_copy(path: Path, folder: Path) -> Path:
    """A private copy of a project (with its WAL) or of a folder, permissions kept."""
    target = folder / path.name
    if path.is_dir():
        shutil.copytree(path, target)
        return target
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{path}{suffix}").exists():
            shutil.copy2(f"{path}{suffix}", f"{target}{suffix}")
    return target


def file_state(path: Path) -> tuple:
    """What a refused operation must leave as it was: the bytes and the permissions."""
    if path.is_dir() or not path.exists():
        return (path.is_dir(),)
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mode & 0o777


def rows_in(path: Path, table: str = "analyses") -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.Error:
        return 0


# ----------------------------------------------------------------- the desktop app
def messages(window) -> list[str]:
    return [window.messages.item(i).text() for i in range(window.messages.count())]


@dataclass
class Opened:
    """What opening one input left in the window."""

    messages: list[str]
    recording: Path | None
    modal: bool
    finished: bool  # its error appeared, or it was drawn and measured, in time


def _wait(qapp, condition, timeout_s: float = TIMEOUT_MS / 1000) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        qapp.processEvents()
        time.sleep(0.005)
    return True


def open_each(inputs: dict[str, tuple[Built, bool]], qapp, folder: Path) -> dict[str, Opened]:
    """Open each input (name -> (input, whether it must open)) in turn in one main window with
    fake sound devices and private settings (as tests/emostudio/gui/conftest.py's make_window)."""
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    from emostudio.gui.main_window import MainWindow
    from tests.emostudio.gui.conftest import FakeInput, FakeOutput

    QCoreApplication.setOrganizationName("EmoStudioTests")
    QCoreApplication.setApplicationName("EmoStudioTests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder / "settings")
    )
    QSettings().clear()
    QSettings().setValue("project", str(folder / "test.emostudio"))
    gc.collect()
    gc.disable()  # as make_window: Qt cycles must not be collected on worker threads
    window = MainWindow(
        data_dir=folder / "data",
        input_factory=FakeInput,
        output_factory=FakeOutput,
        list_devices=lambda: [(0, "fake microphone")],
        load_model=False,
    )
    window.show()
    opened: dict[str, Opened] = {}
    try:
        for name, (item, accepted) in inputs.items():
            session, first = window.session, window.messages.count()

            def new_messages(first=first) -> list[str]:
                return messages(window)[first:]

            window.open_file(str(item.path))
            if accepted:
                finished = _wait(
                    qapp,
                    lambda item=item, session=session: (
                        session.recording is not None
                        and session.recording.path == item.path
                        and bool(session.tracks)
                    ),
                )
            else:
                finished = _wait(
                    qapp, lambda item=item: any(item.names in m for m in new_messages())
                )
            recording = window.session.recording
            opened[name] = Opened(
                new_messages(),
                recording.path if recording else None,
                QApplication.activeModalWidget() is not None,
                finished,
            )
    finally:
        window.close()
        qapp.processEvents()
        gc.collect()
        gc.enable()
    return opened
