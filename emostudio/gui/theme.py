"""Light and dark themes: a Fusion palette, a small style sheet, and the plots' colours."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

THEMES = {
    "light": {
        "window": "#f4f5f7",
        "base": "#ffffff",
        "text": "#1f2328",
        "alt": "#eef0f3",
        "button": "#e9ebef",
        "highlight": "#3b7dd8",
        "plot": "#ffffff",
        "axis": "#4b5563",
        "muted": "#6b7280",
    },
    "dark": {
        "window": "#1f2227",
        "base": "#16181c",
        "text": "#e6e8eb",
        "alt": "#23262c",
        "button": "#2b2f36",
        "highlight": "#4f8fe6",
        "plot": "#121417",
        "axis": "#aab0b8",
        "muted": "#9aa1aa",
    },
}

STYLE = """
QGroupBox {{ font-weight: 600; border: 1px solid {alt}; border-radius: 4px; margin-top: 14px; padding-top: 4px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 6px; padding: 0 3px; }}
QLabel#warning {{ background: #fdecc8; color: #6b4a00; border-radius: 4px; padding: 6px; }}
QLabel#readout {{ color: {muted}; font-family: monospace; padding: 2px 6px; }}
QLabel#recorderStatus {{ color: {muted}; }}
QPushButton#record {{ color: #d03b3b; font-weight: 600; }}
QProgressBar#probability {{ max-height: 14px; text-align: right; }}
QProgressBar#probability::chunk {{ background: {highlight}; }}
"""


def apply_theme(app: QApplication, name: str) -> None:
    """Set the palette, the style sheet and pyqtgraph's defaults for ``name`` (light or dark)."""
    colours = THEMES.get(name, THEMES["light"])
    app.setStyle("Fusion")
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "window",
        QPalette.ColorRole.Base: "base",
        QPalette.ColorRole.Text: "text",
        QPalette.ColorRole.WindowText: "text",
        QPalette.ColorRole.AlternateBase: "alt",
        QPalette.ColorRole.Button: "button",
        QPalette.ColorRole.ButtonText: "text",
        QPalette.ColorRole.Highlight: "highlight",
        QPalette.ColorRole.ToolTipBase: "base",
        QPalette.ColorRole.ToolTipText: "text",
        QPalette.ColorRole.PlaceholderText: "muted",
    }
    for role, key in roles.items():
        palette.setColor(role, QColor(colours[key]))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Link, QColor(colours["highlight"]))
    app.setPalette(palette)
    app.setStyleSheet(STYLE.format(**colours))
    pg.setConfigOptions(background=colours["plot"], foreground=colours["axis"], antialias=False)


def plot_colours(name: str) -> dict[str, str]:
    return THEMES.get(name, THEMES["light"])
