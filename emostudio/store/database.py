"""Opening a project file safely: private, WAL, migrated, and refused when not ours.

A project is one SQLite file (``study.emostudio``) readable only by its owner (0600).
Opening it checks that it is an SQLite database, that its schema is not newer than this
EmoStudio, and that SQLite finds it whole; a file that fails any check is left untouched.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

from emostudio.store.schema import LATEST, MIGRATIONS
from model_core.errors import EmoStudioError

APPLICATION_ID = 0x454D4F53  # "EMOS": marks a file as an EmoStudio project
PRIVATE_FILE_MODE = 0o600
BUSY_TIMEOUT_MS = 10_000


class StoreError(EmoStudioError, RuntimeError):
    """A project file cannot be used; the message names the file and says why."""


class NewerStoreError(StoreError):
    """The project was written by a newer EmoStudio."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _create_private(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE_MODE)
    os.close(descriptor)


def _make_private(path: Path) -> None:
    """The project and its WAL and shared-memory files, readable by the owner only.

    Only the group's and others' permissions are taken away: a project its owner made
    read-only stays read-only.
    """
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if candidate.exists():
            os.chmod(candidate, stat.S_IMODE(candidate.stat().st_mode) & PRIVATE_FILE_MODE)


def open_database(path: str | Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (or create) a project file and bring its schema up to date.

    The connection is in autocommit mode (writes take :meth:`Project.transaction`) and
    its rows are :class:`sqlite3.Row`: read by column name, never by position.

    Raises
    ------
    StoreError
        Missing (with ``create=False``), not a database, not a project, corrupt, or
        not writable; :class:`NewerStoreError` for a newer schema.
    """
    path = Path(path)
    if path.is_dir():
        raise StoreError(f"{path}: a folder, not a project file")
    existed = path.exists() and path.stat().st_size > 0
    if not existed:
        if not create:
            problem = (
                "the project file is empty (0 bytes)" if path.exists() else "no such project file"
            )
            raise StoreError(f"{path}: {problem}")
        try:
            _create_private(path)
        except OSError as err:
            raise StoreError(f"{path}: cannot create the project ({err.strerror or err})") from err
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.DatabaseError as err:
        raise StoreError(f"{path}: not a usable EmoStudio project ({err})") from err
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if existed:
            _check_existing(conn, path)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")  # durable with WAL up to the last commit
        _migrate(conn, path)
    except sqlite3.DatabaseError as err:
        conn.close()
        raise StoreError(f"{path}: not a usable EmoStudio project ({err})") from err
    except BaseException:
        conn.close()  # a refused file is left as it was, with no connection holding it
        raise
    _make_private(path)
    conn.row_factory = sqlite3.Row
    return conn


def _check_existing(conn: sqlite3.Connection, path: Path) -> None:
    try:
        application = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    except sqlite3.DatabaseError as err:
        raise StoreError(
            f"{path}: not an SQLite database, or damaged ({err}); it was left as it is"
        ) from err
    if application != APPLICATION_ID and tables:
        raise StoreError(
            f"{path}: an SQLite database, but not an EmoStudio project; it was left as it is"
        )
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as err:  # too damaged to check ("malformed")
        result = str(err)
    if result != "ok":
        raise StoreError(
            f"{path}: the project file is damaged ({result}); it was left as it is. "
            "Restore a backup, or open a copy with sqlite3's .recover"
        )
    _check_version(conn, path, tables)  # before anything (even the journal mode) is written


def _check_version(conn: sqlite3.Connection, path: Path, tables: set[str]) -> None:
    newest = 0
    if "_migrations" in tables:
        newest = conn.execute("SELECT max(version) FROM _migrations").fetchone()[0] or 0
    if newest > LATEST:
        raise NewerStoreError(
            f"{path}: written by a newer EmoStudio (schema {newest}, this one knows up to "
            f"{LATEST}); update EmoStudio to open it. Nothing was changed."
        )


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, name TEXT, applied TEXT)"
    )
    applied = {row[0] for row in conn.execute("SELECT version FROM _migrations")}
    _check_version(conn, path, {"_migrations"})
    for version, name, script in MIGRATIONS:
        if version in applied:
            continue
        row = f"INSERT INTO _migrations VALUES ({version}, '{name.replace(chr(39), chr(39) * 2)}', '{now()}')"
        try:
            conn.executescript(
                f"BEGIN;\n{script}\n;{row};\nPRAGMA application_id = {APPLICATION_ID};\nCOMMIT;"
            )
        except sqlite3.Error as err:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(f"{path}: migration {version} ({name}) failed: {err}") from err
