"""The user's model cache: private, written atomically, one conversion at a time.

A conversion writes into a temporary folder beside its destination and renames it
into place only when complete, so a killed process leaves either the whole folder
or none of it (stale temporary folders are removed on the next attempt).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

CACHE_ENV = "EMOSTUDIO_CACHE"
COMPLETE_MARKER = ".complete"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def cache_root() -> Path:
    """``$EMOSTUDIO_CACHE``, else ``$XDG_CACHE_HOME/emostudio``, else ``~/.cache/emostudio``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "emostudio"


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable only by this user."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    os.chmod(path, PRIVATE_DIR_MODE)
    return path


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def make_private(folder: Path) -> None:
    """Make ``folder``'s files readable by this user only, and its folders enterable only by them."""
    for root, folders, files in os.walk(folder):
        for name in folders:
            os.chmod(os.path.join(root, name), PRIVATE_DIR_MODE)
        for name in files:
            os.chmod(os.path.join(root, name), PRIVATE_FILE_MODE)
    os.chmod(folder, PRIVATE_DIR_MODE)


@contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    with os.fdopen(os.open(lock_path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE_MODE), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # another process converting waits here
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_complete(folder: Path) -> bool:
    return (folder / COMPLETE_MARKER).exists()


def build_atomically(destination: Path, build: Callable[[Path], None]) -> Path:
    """Run ``build(tmp_folder)`` and move the result to ``destination``, all or nothing.

    Returns ``destination``; when it is already complete, ``build`` is not called.
    """
    parent = private_dir(destination.parent)
    with _locked(parent / f".{destination.name}.lock"):
        if is_complete(destination):
            return destination
        for stale in parent.glob(f".{destination.name}.tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)  # left by a killed conversion
        if destination.exists():
            shutil.rmtree(destination)  # incomplete: never trusted
        tmp = Path(tempfile.mkdtemp(prefix=f".{destination.name}.tmp-", dir=parent))
        try:
            build(tmp)
            (tmp / COMPLETE_MARKER).write_text("ok\n")
            make_private(tmp)  # converters write with the umask's modes (often world-readable)
            os.replace(tmp, destination)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return destination
