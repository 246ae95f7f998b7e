"""Standard feature sets (eGeMAPS) stored per recording, with their units and versions.

``Project.feature_sets`` (a :class:`FeatureStore` on the project's connection). One row
per (recording, feature set): measuring again replaces it, so a set is never listed twice
for one recording.

The sample rate a set was measured at is kept in the ``versions`` JSON, under
``"sample_rate"`` (the table has no column for it). Sets stored before it was kept lack it:
they were all measured on the 16 kHz copy (:data:`LEGACY_RATE`), and load with that rate.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from typing import Any

import numpy as np

from emostudio.store.connection import StoreConnection
from emostudio.store.database import StoreError, now
from model_core.acoustics.egemaps import EGEMAPS_RATE
from model_core.acoustics.feature_sets import FeatureSet

_COLUMNS = "f.sha256, f.feature_set, f.names, f.units, f.feature_values, f.start, f.end, f.versions"
# Until the rate was stored, every set was measured on the model's 16 kHz copy.
LEGACY_RATE = EGEMAPS_RATE
_RATE_KEY = "sample_rate"  # in the versions JSON


def _feature_set(row: sqlite3.Row) -> FeatureSet:
    name, names = row["feature_set"], tuple(json.loads(row["names"]))
    values = np.frombuffer(zlib.decompress(row["feature_values"]), dtype=np.float64).copy()
    if values.shape != (len(names),):
        raise StoreError(f"stored {name} features hold {values.size} values for {len(names)} names")
    versions = json.loads(row["versions"])
    return FeatureSet(
        name=name,
        names=names,
        units=tuple(json.loads(row["units"])),
        values=values,
        start=row["start"],
        end=row["end"],
        sample_rate=int(versions.pop(_RATE_KEY, LEGACY_RATE)),
        versions=versions,
    )


def _provenance(features: FeatureSet) -> dict[str, Any]:
    """What the ``versions`` column (and the audit row) keeps: the versions and the rate."""
    return {**features.versions, _RATE_KEY: features.sample_rate}


class FeatureStore:
    """Writing and reading the ``features`` table (``Project.feature_sets``)."""

    def __init__(self, db: StoreConnection):
        self.db, self.conn = db, db.conn

    def add(self, sha256: str, features: FeatureSet) -> None:
        """Store (or replace) one feature set of a stored recording, with an audit row.

        Raises
        ------
        StoreError
            When the recording is not in the project.
        """
        with self.db.transaction() as conn:
            if not conn.execute("SELECT 1 FROM recordings WHERE sha256 = ?", (sha256,)).fetchone():
                raise StoreError(f"{self.db.path}: no recording {sha256[:12]}")
            self.add_in_transaction(sha256, features)

    def add_in_transaction(self, sha256: str, features: FeatureSet) -> None:
        """Inside the caller's transaction (an import commits them with the recording)."""
        self.conn.execute(
            "INSERT OR REPLACE INTO features(sha256, feature_set, names, units, feature_values,"
            " start, end, versions, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sha256,
                features.name,
                json.dumps(list(features.names)),
                json.dumps(list(features.units)),
                zlib.compress(np.ascontiguousarray(features.values, np.float64).tobytes(), 6),
                features.start,
                features.end,
                json.dumps(_provenance(features)),
                now(),
            ),
        )
        self.db.audit(
            "add features",
            {"sha256": sha256, "feature_set": features.name, "versions": _provenance(features)},
        )

    def of(self, sha256: str) -> dict[str, FeatureSet]:
        """Every stored feature set of one recording, by set name (empty when none)."""
        rows = self.conn.execute(
            f"SELECT {_COLUMNS} FROM features f WHERE f.sha256 = ? ORDER BY f.feature_set",
            (sha256,),
        )
        return {row["feature_set"]: _feature_set(row) for row in rows}

    def featured(self, feature_set: str) -> set[str]:
        """The recordings that have ``feature_set`` stored."""
        query = "SELECT sha256 FROM features WHERE feature_set = ?"
        return {sha for (sha,) in self.conn.execute(query, (feature_set,))}

    def table(
        self, feature_set: str, sha256s: list[str] | None = None
    ) -> list[tuple[dict[str, Any], FeatureSet]]:
        """``feature_set`` of many recordings (all that have it, or those of ``sha256s``),
        by recording name: ``({sha256, name, path, duration, speaker}, FeatureSet)`` each."""
        query = (
            f"SELECT {_COLUMNS}, r.name, r.path, r.duration, r.speaker FROM features f"
            " JOIN recordings r ON r.sha256 = f.sha256 WHERE f.feature_set = ?"
        )
        params: list = [feature_set]
        if sha256s is not None:
            query += f" AND f.sha256 IN ({', '.join('?' * len(sha256s))})"
            params += sha256s
        table = []
        for row in self.conn.execute(query + " ORDER BY r.name, f.sha256", params):
            info = {key: row[key] for key in ("sha256", "name", "path", "duration", "speaker")}
            table.append((info, _feature_set(row)))
        return table
