"""One EmoStudio per project, or a clear word when a second one opens it.

SQLite keeps both windows' writes whole, but neither window shows the other's changes
until it refreshes, so a user with two windows on one project must be told.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLockFile


class ProjectLock:
    """``PROJECT.lock`` beside the project file, held while the project is open."""

    def __init__(self) -> None:
        self.lock: QLockFile | None = None

    def acquire(self, path: Path) -> str | None:
        """Hold the lock of ``path`` (releasing any held before); return what to tell the
        user when another EmoStudio holds it, else None."""
        self.release()
        lock = QLockFile(str(path) + ".lock")
        # Never stale by age (a session lasts hours); Qt removes a lock whose process is gone.
        lock.setStaleLockTime(0)
        if lock.tryLock(0):
            self.lock = lock
            return None
        pid, host, _app = lock.getLockInfo()
        return (
            f"{path.name} is already open in another EmoStudio (process {pid} on {host}): "
            "both may write to it safely, but each window shows the other's changes only "
            "after a refresh; close one of them to avoid confusion"
        )

    def release(self) -> None:
        if self.lock is not None:
            self.lock.unlock()
            self.lock = None
