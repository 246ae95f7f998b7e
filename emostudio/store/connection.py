"""One open project file: its connection, its transactions and its audit trail.

The store's query objects (:class:`~emostudio.store.queries.AnalysisQueries`,
:class:`~emostudio.store.features.FeatureStore`, :class:`~emostudio.store.media.MediaStore`)
each take a :class:`StoreConnection`; :class:`~emostudio.store.project.Project` opens one and
holds them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from emostudio.store.database import now, open_database


class StoreConnection:
    """An open project: ``conn`` (rows read by column name), its ``path`` and the ``actor``
    its audit rows name."""

    def __init__(self, path: Path, *, create: bool, actor: str):
        self.path = path
        self.actor = actor
        self.conn: sqlite3.Connection = open_database(path, create=create)

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All writes inside commit together, or roll back together."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            # A full disk or an I/O error may already have rolled SQLite back: a second
            # ROLLBACK would fail and hide the error that matters.
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def audit(self, action: str, details: dict[str, Any]) -> None:
        """One row of the audit trail (inside the caller's transaction)."""
        self.conn.execute(
            "INSERT INTO audit(at, actor, action, details) VALUES (?, ?, ?, ?)",
            (now(), self.actor, action, json.dumps(details)),
        )
