"""The main window's size and dock widths: within the screen, and kept as the user set them.

A first start opened at 1440x900 whatever the screen (clipped on 1366x768 laptops), and the
right dock shrank by itself from 470 to 235 px when the window was small, clipping the
label percentages and Save, and stayed narrow after a restart because the shrunken state
was saved. Here the window starts within the screen's available size, a saved geometry
that no longer fits is brought back inside it, and each dock has a floor under which it
cannot be squeezed (the central plots give way first).
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow

PREFERRED_SIZE = (1440, 900)  # px, on screens large enough
SCREEN_SHARE = 0.95  # of the available size, when the preferred size does not fit
# Widths under which a dock's contents clip (the results' percentages and Save; the
# session list's columns); the central plots, which draw at any width, give way instead.
DOCK_MIN_WIDTHS = {"results": 360, "sessions": 200}
CENTRAL_MIN_WIDTH = 260


def available_area(window: QMainWindow) -> QRect:
    """The available geometry (less task bars) of the window's screen, else the primary's."""
    screen = window.screen() or QApplication.primaryScreen()
    return screen.availableGeometry()


def fitted_size(available: QRect, preferred: tuple[int, int] = PREFERRED_SIZE) -> tuple[int, int]:
    """The preferred size (px), shrunk to fit ``available`` with a margin."""
    width = min(preferred[0], int(available.width() * SCREEN_SHARE))
    height = min(preferred[1], int(available.height() * SCREEN_SHARE))
    return width, height


def fit_to_screen(window: QMainWindow, area: QRect | None = None) -> None:
    """Size a window that has no saved geometry to fit its screen (or ``area``), centred."""
    area = area or available_area(window)
    width, height = fitted_size(area)
    window.resize(width, height)
    window.move(area.x() + (area.width() - width) // 2, area.y() + (area.height() - height) // 2)


def keep_within_screen(window: QMainWindow, area: QRect | None = None) -> None:
    """After a saved geometry was restored: shrink and move it back inside the screen (or
    ``area``): a geometry saved on a larger monitor must not open half off this one."""
    area = area or available_area(window)
    frame = window.frameGeometry()
    if area.contains(frame):
        return
    width = min(window.width(), area.width())
    height = min(window.height(), area.height())
    window.resize(width, height)
    x = min(max(frame.x(), area.x()), area.x() + area.width() - window.frameGeometry().width())
    y = min(max(frame.y(), area.y()), area.y() + area.height() - window.frameGeometry().height())
    window.move(max(x, area.x()), max(y, area.y()))


def set_dock_floors(window: QMainWindow, docks: list[QDockWidget]) -> None:
    """Give each dock the width under which its contents clip (:data:`DOCK_MIN_WIDTHS`, by
    object name); the central widget may shrink to :data:`CENTRAL_MIN_WIDTH`."""
    for dock in docks:
        floor = DOCK_MIN_WIDTHS.get(dock.objectName())
        if floor:
            dock.setMinimumWidth(floor)
    central = window.centralWidget()
    if central is not None:
        central.setMinimumWidth(CENTRAL_MIN_WIDTH)
