"""A recording's stored audio and tracks, packed as compressed arrays.

``Project.media`` (a :class:`MediaStore` on the project's connection). Tracks are written
inside the recording's transaction (:meth:`Project.add_recording`); each keeps its
algorithm, parameters and library versions beside its values.
"""

from __future__ import annotations

import json
import zlib

import numpy as np

from emostudio.store.connection import StoreConnection
from emostudio.store.database import now
from model_core.acoustics import Track


def _pack(array: np.ndarray, dtype) -> bytes:
    return zlib.compress(np.ascontiguousarray(array, dtype=dtype).tobytes(), 6)


def _unpack(blob: bytes, dtype, shape) -> np.ndarray:
    return np.frombuffer(zlib.decompress(blob), dtype=dtype).reshape(shape)


class MediaStore:
    """Audio and tracks of a project's recordings."""

    def __init__(self, db: StoreConnection):
        self.conn = db.conn

    def add_track(self, sha256: str, track: Track) -> None:
        """Store (or replace) one track, inside the caller's transaction."""
        self.conn.execute(
            "INSERT OR REPLACE INTO tracks(sha256, name, unit, algorithm, parameters, versions, times, track_values,"
            " shape, bins, bin_unit, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sha256,
                track.name,
                track.unit,
                track.algorithm,
                json.dumps(track.parameters, sort_keys=True),
                json.dumps(track.versions),
                _pack(track.times, np.float64),
                _pack(track.values, np.float32),
                json.dumps(list(track.values.shape)),
                _pack(track.bins, np.float64) if track.bins is not None else None,
                track.bin_unit,
                now(),
            ),
        )

    def audio_bytes(self, sha256: str) -> bytes | None:
        row = self.conn.execute(
            "SELECT audio FROM recordings WHERE sha256 = ?", (sha256,)
        ).fetchone()
        return row["audio"] if row else None

    def stored_audio(self, sha256: str) -> tuple[bytes, str] | None:
        """The audio a ``--copy`` import stored, and its file suffix (None when not stored)."""
        row = self.conn.execute(
            "SELECT audio, audio_format FROM recordings WHERE sha256 = ?", (sha256,)
        ).fetchone()
        if row is None or row["audio"] is None:
            return None
        return row["audio"], row["audio_format"] or "wav"

    def tracks(self, sha256: str) -> dict[str, Track]:
        result = {}
        for row in self.conn.execute(
            "SELECT name, unit, algorithm, parameters, versions, times, track_values, shape,"
            " bins, bin_unit FROM tracks WHERE sha256 = ?",
            (sha256,),
        ):
            shape = json.loads(row["shape"])
            result[row["name"]] = Track(
                row["name"],
                _unpack(row["times"], np.float64, (shape[0],)),
                _unpack(row["track_values"], np.float32, shape).astype(float),
                row["unit"],
                row["algorithm"],
                json.loads(row["parameters"]),
                json.loads(row["versions"]),
                _unpack(row["bins"], np.float64, (-1,)) if row["bins"] else None,
                row["bin_unit"] or "",
            )
        return result
