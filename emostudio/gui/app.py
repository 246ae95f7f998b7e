"""Start the desktop app: ``emostudio`` with no arguments, or ``emostudio gui [FILE]``."""

from __future__ import annotations

import sys
from pathlib import Path


def main(files: list[str] | None = None, debug: bool = False) -> int:
    """Open the main window (and ``files``, the first of them shown); return the exit status.

    Internal errors are logged with their tracebacks to ``emostudio.log`` in the app's data
    folder; ``debug`` also shows the tracebacks in the window's messages.
    """
    try:
        from PySide6.QtWidgets import QApplication
    except ImportError as err:  # the GUI extra is optional for servers
        print(
            f"emostudio: the desktop app needs PySide6 ({err}); install with: pip install -e '.[gui]'",
            file=sys.stderr,
        )
        return 2
    from emostudio import __version__

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("EmoStudio")
    app.setApplicationName("EmoStudio")
    app.setApplicationVersion(__version__)
    from emostudio.gui.failure import configure_log
    from emostudio.gui.main_window import data_folder

    configure_log(data_folder(), debug)
    _alive = start(files)  # the window and the garbage collector live as long as the app
    return app.exec()


def start(files: list[str] | None = None, **window_options):
    """Build and show the main window on the running QApplication and open ``files``.

    Returns
    -------
    (MainWindow, GarbageCollector)
        Keep both alive for the app's lifetime. Python's garbage collector is switched to
        run on the GUI thread only: Qt objects in a reference cycle collected by a worker
        thread are destroyed in the wrong thread, which Qt does not survive.
    """
    from pyqtgraph.util.garbage_collector import GarbageCollector

    from emostudio.gui.main_window import MainWindow

    collector = GarbageCollector(interval=1.0)
    window = MainWindow(**window_options)
    window.show()
    for path in files or []:
        if Path(path).is_dir():
            window.import_folder(path)
        else:
            window.open_file(path)
            break
    return window, collector
