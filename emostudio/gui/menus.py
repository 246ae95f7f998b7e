"""The main window's actions and menus: one place that names every command, its
shortcut and its tooltip (the shortcut list in Help is built from the same actions)."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence


def add_action(
    window, name: str, text: str, slot, shortcut=None, tip: str = "", checkable: bool = False
) -> QAction:
    """An action of ``window`` with its shortcut, tooltip and status tip, kept in
    ``window.actions_by_name`` (from which the shortcut list is built)."""
    action = QAction(text, window)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.setToolTip(
        f"{tip or text.replace('&', '').rstrip('.')}"
        + (f" ({action.shortcut().toString()})" if shortcut else "")
    )
    action.setStatusTip(tip)
    action.setCheckable(checkable)
    action.triggered.connect(slot)
    window.addAction(action)
    window.actions_by_name[name] = action
    return action


def build_menus(window) -> None:
    """The menu bar: File, Audio, Analysis, View, Help."""
    a, key = partial(add_action, window), QKeySequence.StandardKey
    menu = window.menuBar().addMenu("&File")
    menu.addAction(a("open", "&Open audio...", window.choose_file, key.Open, "open a recording"))
    window.recent_menu = menu.addMenu("Open &recent")
    window._rebuild_recent()
    menu.addSeparator()
    menu.addAction(
        a(
            "new_project",
            "&New project...",
            window.new_project,
            "Ctrl+Shift+N",
            "create a project file",
        )
    )
    menu.addAction(a("open_project", "Open &project...", window.choose_project, "Ctrl+Shift+O"))
    menu.addAction(
        a("import", "&Import folder...", window.import_folder, "Ctrl+I", "analyse a whole folder")
    )
    menu.addAction(
        a(
            "export",
            "E&xport...",
            window.export,
            "Ctrl+Shift+E",
            "TextGrid, EAF, CSV, JSON or a training manifest",
        )
    )
    menu.addAction(
        a(
            "agreement",
            "A&greement...",
            window.show_agreement,
            tip="how far the annotators (and the model) agree: Cohen's kappa, Krippendorff's alpha",
        )
    )
    menu.addSeparator()
    menu.addAction(a("settings", "&Settings...", window.edit_settings, key.Preferences))
    menu.addAction(a("quit", "&Quit", window.close, key.Quit))
    menu = window.menuBar().addMenu("&Audio")
    menu.addAction(a("play", "&Play / pause", window.toggle_play, "Space", "play from the cursor"))
    menu.addAction(a("play_selection", "Play &selection", window.play_selection, "Shift+Space"))
    menu.addAction(
        a(
            "record",
            "&Record / stop",
            window.recorder.toggle,
            "Ctrl+R",
            "record from the microphone",
        )
    )
    menu = window.menuBar().addMenu("A&nalysis")
    menu.addAction(
        a("analyze", "&Analyse", window.analyze, "Ctrl+E", "label, probabilities and rationale")
    )
    menu.addAction(
        a("analyze_selection", "Analyse &selection", window.analyze_selection, "Ctrl+Shift+A")
    )
    menu.addAction(
        a(
            "analyze_utterances",
            "Analyse &utterances",
            window.analyze_utterances,
            "Ctrl+U",
            "cut the recording into utterances and label each: emotion over time",
        )
    )
    menu.addAction(
        a(
            "next_utterance",
            "&Next utterance",
            lambda: window.utterances.step(1),
            "Alt+Right",
            "the next utterance's analysis (its rationale is written if it has none)",
        )
    )
    menu.addAction(
        a(
            "previous_utterance",
            "&Previous utterance",
            lambda: window.utterances.step(-1),
            "Alt+Left",
            "the previous utterance's analysis",
        )
    )
    menu.addAction(
        a(
            "baseline",
            "&Baseline...",
            window.choose_baseline,
            "Ctrl+B",
            "the speaker, sex priors or recordings this recording is judged against",
        )
    )
    menu.addAction(a("cancel", "&Cancel", window.cancel, "Esc", "stop the analysis or playback"))
    menu.addSeparator()
    menu.addAction(
        a(
            "speaker_course",
            "Speaker &course...",
            window.speaker_course,
            "Ctrl+Shift+K",
            "one speaker's cues and labels over sessions, against their baseline",
        )
    )
    menu.addSeparator()
    menu.addAction(
        a("model", "&Model...", window.choose_model, "Ctrl+M", "the default model or a checkpoint")
    )
    menu = window.menuBar().addMenu("&View")
    menu.addAction(a("zoom_in", "Zoom &in", lambda: window.timeline.zoom(0.5), key.ZoomIn))
    menu.addAction(a("zoom_out", "Zoom &out", lambda: window.timeline.zoom(2.0), key.ZoomOut))
    menu.addAction(a("zoom_all", "Show &all", window.timeline.show_all, "Ctrl+0"))
    menu.addAction(a("zoom_selection", "Zoom to s&election", window.zoom_selection, "Ctrl+Shift+Z"))
    menu.addSeparator()
    semitones = a(
        "semitones", "Pitch in &semitones", window._toggle_semitones, "Ctrl+T", checkable=True
    )
    semitones.setChecked(window.settings.value("pitch_units", "Hz") == "semitones")
    menu.addAction(semitones)
    dark = a(
        "dark",
        "&Dark theme",
        lambda on: window.set_theme("dark" if on else "light"),
        "Ctrl+Shift+D",
        checkable=True,
    )
    dark.setChecked(window.settings.value("theme", "light") == "dark")
    menu.addAction(dark)
    menu.addSeparator()
    for dock in (window.results_dock, window.browser_dock, window.messages_dock):
        menu.addAction(dock.toggleViewAction())
    menu = window.menuBar().addMenu("&Help")
    menu.addAction(a("shortcuts", "&Keyboard shortcuts", window.show_shortcuts, key.HelpContents))
    menu.addAction(a("about", "&About EmoStudio", window.about))
