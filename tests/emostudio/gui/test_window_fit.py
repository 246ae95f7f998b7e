"""The window on small screens (issue 31): it starts inside the screen, Record never goes
into the toolbar's overflow, and the docks keep the width their contents need."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt

from emostudio.gui import window_fit


def test_the_preferred_size_shrinks_to_small_screens():
    assert window_fit.fitted_size(QRect(0, 0, 2560, 1440)) == window_fit.PREFERRED_SIZE
    for width, height in ((1366, 768), (1280, 720)):
        fitted = window_fit.fitted_size(QRect(0, 0, width, height))
        assert fitted[0] <= width and fitted[1] <= height


LAPTOPS = (QRect(0, 0, 1366, 768), QRect(0, 0, 1280, 720))


def test_a_first_start_opens_inside_the_screen(make_window, qapp):
    window = make_window()
    for area in LAPTOPS:
        window_fit.fit_to_screen(window, area)  # what a first start does (no saved geometry)
        qapp.processEvents()
        assert area.contains(window.geometry())


def test_a_saved_geometry_larger_than_the_screen_is_brought_back(make_window, qapp):
    window = make_window()
    area = LAPTOPS[1]
    window.resize(1900, 1150)  # saved on a larger monitor
    window.move(300, 200)
    window_fit.keep_within_screen(window, area)
    qapp.processEvents()
    assert window.width() <= area.width() and window.height() <= area.height()
    assert window.x() >= area.x() and window.y() >= area.y()


def test_record_stays_on_the_toolbar_of_a_1280_wide_window(make_window, qapp):
    window = make_window()
    window.resize(1216, 684)  # 1280x720 less the margin fit_to_screen leaves
    qapp.processEvents()
    assert window.recorder.record.isVisible()
    assert window.recorder.device.isVisible()


def test_the_results_dock_is_never_squeezed_under_its_floor(make_window, qapp):
    window = make_window()
    window.resize(1216, 684)
    qapp.processEvents()
    window.resizeDocks([window.results_dock], [120], Qt.Orientation.Horizontal)
    qapp.processEvents()
    assert window.results_dock.width() >= window_fit.DOCK_MIN_WIDTHS["results"]
    assert window.browser_dock.width() >= window_fit.DOCK_MIN_WIDTHS["sessions"]
