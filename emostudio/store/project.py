"""``Project``: recordings, tracks, analyses, append-only annotations, speakers, audit.

Every write is one transaction: a recording's rows (recording, its paths, its tracks and
its analysis) are committed together or not at all, so an interrupted import never leaves
half a recording.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from emostudio.store.database import StoreError, now, open_database
from emostudio.store.dates import EDITED, checked_date, recording_date
from emostudio.store.features import ProjectFeatures
from emostudio.store.media import ProjectMedia
from emostudio.store.queries import (  # noqa: F401 - re-exported
    FTS_HINT,
    LATEST_HUMAN,
    Filters,
    ProjectQueries,
    SearchError,
)
from model_core.acoustics import Track
from model_core.acoustics.feature_sets import FeatureSet
from model_core.audio import Recording
from model_core.cues import SpeakerBaseline
from model_core.result import AnalysisResult

_REMEMBER_PATH = "INSERT OR IGNORE INTO recording_paths(sha256, path) VALUES (?, ?)"


class Project(ProjectQueries, ProjectFeatures, ProjectMedia):
    """One project file. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | Path, *, create: bool = True, actor: str = "emostudio"):
        self.path = Path(path)
        self.conn: sqlite3.Connection = open_database(self.path, create=create)
        self.actor = actor

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

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

    def _audit(self, action: str, details: dict) -> None:
        self.conn.execute(
            "INSERT INTO audit(at, actor, action, details) VALUES (?, ?, ?, ?)",
            (now(), self.actor, action, json.dumps(details)),
        )

    # ----------------------------------------------------------------- writing
    def add_recording(
        self,
        recording: Recording,
        *,
        speaker: str | None = None,
        store_audio: bool = False,
        tracks: list[Track] = (),
        analysis: AnalysisResult | None = None,
        kind: str = "full",
        features: list[FeatureSet] = (),
    ) -> int | None:
        """Add a recording (once, by content hash), its tracks, feature sets and an analysis,
        in one transaction.

        Returns the analysis id (None without an analysis). A second path of the same
        content is remembered; the recording is not stored twice.
        """
        with self.transaction() as conn:
            known = conn.execute(
                "SELECT 1 FROM recordings WHERE sha256 = ?", (recording.sha256,)
            ).fetchone()
            if not known:
                audio = recording.path.read_bytes() if store_audio and recording.path else None
                recorded, recorded_source = recording_date(recording.path)
                conn.execute(
                    "INSERT INTO recordings(sha256, name, path, duration, sample_rate, channels,"
                    " format, speaker, added, audio, audio_format, recorded, recorded_source)"
                    " VALUES (:sha256, :name, :path, :duration, :sample_rate, :channels, :format,"
                    " :speaker, :added, :audio, :audio_format, :recorded, :recorded_source)",
                    {
                        "recorded": recorded,
                        "recorded_source": recorded_source,
                        "sha256": recording.sha256,
                        "name": recording.name,
                        "path": str(recording.path) if recording.path else None,
                        "duration": recording.duration,
                        "sample_rate": recording.sample_rate,
                        "channels": recording.n_channels,
                        "format": f"{recording.format}/{recording.subtype}",
                        "speaker": speaker,
                        "added": now(),
                        "audio": audio,
                        "audio_format": (
                            recording.path.suffix.lstrip(".").lower() if audio is not None else None
                        ),
                    },
                )
                self._audit("add recording", {"sha256": recording.sha256, "name": recording.name})
            if recording.path:
                conn.execute(_REMEMBER_PATH, (recording.sha256, str(recording.path)))
                conn.execute("DELETE FROM import_errors WHERE path = ?", (str(recording.path),))
            for track in tracks:
                self._add_track(recording.sha256, track)
            for feature_set in features:
                self._add_features(recording.sha256, feature_set)
            return (
                self._add_analysis(recording.sha256, analysis, kind)
                if analysis is not None
                else None
            )

    def _add_analysis(self, sha256: str, result: AnalysisResult, kind: str) -> int:
        model = result.model or {}
        cursor = self.conn.execute(
            "INSERT INTO analyses(sha256, kind, start, end, model_name, model_version, model_trained, label,"
            " probabilities, transcript, words, rationale, citations, cues, timings, warnings, created,"
            " rationale_review, uncertainty)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sha256,
                kind,
                result.start,
                result.end,
                model.get("name"),
                model.get("version"),
                None if not model else int(bool(model.get("trained"))),
                result.label,
                json.dumps(result.probabilities),
                result.transcript,
                json.dumps(result.words),
                result.rationale,
                json.dumps(result.citations),
                json.dumps(result.cues),
                json.dumps(result.timings),
                json.dumps(result.warnings),
                now(),
                None if result.rationale_review is None else json.dumps(result.rationale_review),
                _uncertainty_json(result),
            ),
        )
        self._audit("add analysis", {"sha256": sha256, "analysis": cursor.lastrowid, "kind": kind})
        return int(cursor.lastrowid)

    def add_analysis(self, sha256: str, result: AnalysisResult, kind: str = "full") -> int:
        """Add one more analysis of a stored recording (e.g. of a selection)."""
        with self.transaction():
            return self._add_analysis(sha256, result, kind)

    def annotate(
        self,
        analysis_id: int,
        annotator: str,
        label: str,
        *,
        accepted: bool,
        notes: str = "",
        judgements: list[dict] | None = None,
    ) -> int:
        """Append an annotation; earlier ones, and the model's answer, stay as they are.

        Saving again exactly what this annotator's latest annotation of the analysis says
        adds nothing: that annotation's id is returned (a double click is not a second
        judgement).
        """
        if not annotator.strip():
            raise StoreError("an annotation needs the annotator's name")
        judged = json.dumps(judgements or [])
        with self.transaction() as conn:
            if not conn.execute("SELECT 1 FROM analyses WHERE id = ?", (analysis_id,)).fetchone():
                raise StoreError(f"{self.path}: no analysis {analysis_id}")
            latest = conn.execute(
                "SELECT id, label, accepted, notes, judgements FROM annotations"
                " WHERE analysis_id = ? AND annotator = ? ORDER BY id DESC LIMIT 1",
                (analysis_id, annotator),
            ).fetchone()
            if latest is not None and latest[1:] == (label, int(accepted), notes, judged):
                return int(latest[0])
            cursor = conn.execute(
                "INSERT INTO annotations(analysis_id, annotator, label, accepted, notes, judgements, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    analysis_id,
                    annotator,
                    label,
                    int(accepted),
                    notes,
                    judged,
                    now(),
                ),
            )
            self._audit(
                "annotate",
                {"analysis": analysis_id, "annotation": cursor.lastrowid, "by": annotator},
            )
            return int(cursor.lastrowid)

    def record_import_error(self, path: str, error: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO import_errors(path, error, at) VALUES (?, ?, ?)",
                (path, error, now()),
            )

    def set_speaker(self, sha256: str, speaker: str | None) -> None:
        """Say whose a stored recording is (None: nobody's); both speakers' baselines are
        recomputed from their recordings (a speaker left without analyses keeps none).

        Raises
        ------
        StoreError
            When the recording is not in the project.
        """
        name = speaker.strip() if speaker else None
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT speaker FROM recordings WHERE sha256 = ?", (sha256,)
            ).fetchone()
            if row is None:
                raise StoreError(f"{self.path}: no recording {sha256[:12]}")
            conn.execute("UPDATE recordings SET speaker = ? WHERE sha256 = ?", (name, sha256))
            self._audit("set speaker", {"sha256": sha256, "from": row[0], "to": name})
        for changed in {row[0], name} - {None}:
            try:
                self.recompute_baseline(changed)
            except StoreError:  # no whole-recording analysis of theirs yet: no baseline
                with self.transaction() as conn:
                    conn.execute("DELETE FROM speakers WHERE name = ?", (changed,))

    def set_recorded(self, sha256: str, when: str | None) -> None:
        """Correct when a recording was made (None: unknown); the change is audited.

        Raises
        ------
        StoreError
            When the recording is not in the project or ``when`` is not an ISO date.
        """
        date = checked_date(when) if when else None
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT recorded FROM recordings WHERE sha256 = ?", (sha256,)
            ).fetchone()
            if row is None:
                raise StoreError(f"{self.path}: no recording {sha256[:12]}")
            conn.execute(
                "UPDATE recordings SET recorded = ?, recorded_source = ? WHERE sha256 = ?",
                (date, EDITED if date else None, sha256),
            )
            self._audit("set recorded", {"sha256": sha256, "from": row[0], "to": date})

    def save_speaker(self, baseline: SpeakerBaseline) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO speakers(name, baseline, recordings, updated)"
                " VALUES (?, ?, ?, ?)",
                (baseline.name, json.dumps(baseline.to_dict()), baseline.n_recordings, now()),
            )
            self._audit(
                "speaker baseline", {"speaker": baseline.name, "recordings": baseline.n_recordings}
            )

    # ----------------------------------------------------------------- reading
    def has_analysis(self, sha256: str, kind: str) -> bool:
        """Whether the recording has a whole-recording analysis of ``kind`` (a ``full``
        analysis counts for every kind)."""
        return sha256 in self.analysed(kind, sha256)

    def analysed(self, kind: str, sha256: str | None = None) -> set[str]:
        """The recordings (all, or just ``sha256``) with an analysis of ``kind`` or ``full``."""
        query = "SELECT DISTINCT sha256 FROM analyses WHERE kind IN ('full', ?)"
        params: tuple = (kind,)
        if sha256 is not None:
            query, params = query + " AND sha256 = ?", (kind, sha256)
        return {sha for (sha,) in self.conn.execute(query, params)}

    def remember_path(self, sha256: str, path: str) -> bool:
        """Remember another path of a stored recording; False when it is not stored."""
        with self.transaction() as conn:
            if not conn.execute("SELECT 1 FROM recordings WHERE sha256 = ?", (sha256,)).fetchone():
                return False
            conn.execute(_REMEMBER_PATH, (sha256, path))
            return True

    def recording(self, sha256: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT sha256, name, path, duration, sample_rate, channels, format, speaker, added,"
            " audio IS NOT NULL AS stored, recorded, recorded_source FROM recordings"
            " WHERE sha256 = ?",
            (sha256,),
        ).fetchone()
        if row is None:
            return None
        data = dict(row)
        data["paths"] = [
            p
            for (p,) in self.conn.execute(
                "SELECT path FROM recording_paths WHERE sha256 = ? ORDER BY path", (sha256,)
            )
        ]
        return data

    def analysis(self, analysis_id: int) -> AnalysisResult | None:
        row = self._analysis_rows("WHERE a.id = ?", (analysis_id,))
        return row[0][1] if row else None

    def _analysis_rows(self, where: str, params: tuple) -> list[tuple[int, AnalysisResult, dict]]:
        rows = []
        query = (
            "SELECT a.id, a.sha256, a.kind, a.start, a.end, a.model_name, a.model_version,"
            " a.model_trained, a.label, a.probabilities, a.transcript, a.words, a.rationale,"
            " a.citations, a.cues, a.timings, a.warnings, a.created, r.name, r.path, r.duration,"
            " r.sample_rate, r.speaker, a.rationale_review, h.label AS human_label,"
            " h.annotator AS human_annotator, a.uncertainty"
            f" FROM analyses a JOIN recordings r ON r.sha256 = a.sha256 LEFT JOIN ({LATEST_HUMAN}) h"
            f" ON h.analysis_id = a.id {where}"
        )
        for row in self.conn.execute(query, params):
            model = (
                {
                    "name": row["model_name"],
                    "version": row["model_version"],
                    "trained": bool(row["model_trained"]),
                }
                if row["model_name"]
                else {}
            )
            result = AnalysisResult(
                file=row["path"],
                sha256=row["sha256"],
                duration=row["duration"],
                sample_rate=row["sample_rate"],
                start=row["start"],
                end=row["end"],
                label=row["label"],
                probabilities=json.loads(row["probabilities"] or "{}"),
                transcript=row["transcript"] or "",
                words=json.loads(row["words"] or "[]"),
                rationale=row["rationale"] or "",
                citations=json.loads(row["citations"] or "[]"),
                cues=json.loads(row["cues"]),
                model=model,
                timings=json.loads(row["timings"] or "{}"),
                warnings=json.loads(row["warnings"] or "[]"),
                rationale_review=(
                    json.loads(row["rationale_review"]) if row["rationale_review"] else None
                ),
                **_uncertainty_fields(row["uncertainty"]),
            )
            # The latest human judgement (None before any): shown and exported apart from
            # the model's label, never mixed with it.
            about = ("kind", "created", "name", "speaker", "human_label", "human_annotator")
            rows.append((row["id"], result, {key: row[key] for key in about}))
        return rows

    def annotations(self, analysis_id: int) -> list[dict[str, Any]]:
        """Every annotation of an analysis, oldest first (the history)."""
        return [
            {**dict(row), "judgements": json.loads(row["judgements"])}
            for row in self.conn.execute(
                "SELECT id, annotator, label, accepted, notes, judgements, created FROM annotations"
                " WHERE analysis_id = ? ORDER BY id",
                (analysis_id,),
            )
        ]

    def import_errors(self) -> list[tuple[str, str]]:
        rows = self.conn.execute("SELECT path, error FROM import_errors ORDER BY path")
        return [(row["path"], row["error"]) for row in rows]

    def speaker(self, name: str) -> SpeakerBaseline | None:
        row = self.conn.execute("SELECT baseline FROM speakers WHERE name = ?", (name,)).fetchone()
        return SpeakerBaseline.from_dict(json.loads(row[0])) if row else None

    # ----------------------------------------------------------------- queries
    def counts(self) -> dict[str, int]:
        return {
            table: self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("recordings", "analyses", "annotations", "import_errors")
        }

    def integrity(self) -> str:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]


def _uncertainty_json(result: AnalysisResult) -> str | None:
    """The label set and uncertainty as one JSON column; None when the model gave none."""
    if result.label_set is None and result.uncertainty is None:
        return None
    return json.dumps({"label_set": result.label_set, **(result.uncertainty or {})})


def _uncertainty_fields(stored: str | None) -> dict:
    """AnalysisResult's ``label_set`` and ``uncertainty`` from the stored column."""
    if not stored:
        return {"label_set": None, "uncertainty": None}
    data = json.loads(stored)
    label_set = data.pop("label_set", None)
    return {"label_set": label_set, "uncertainty": data or None}
