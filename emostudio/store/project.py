"""``Project``: recordings, tracks, analyses, append-only annotations, speakers, audit.

Every write is one transaction: a recording's rows (recording, its paths, its tracks and
its analysis) are committed together or not at all, so an interrupted import never leaves
half a recording.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from emostudio.store.connection import StoreConnection
from emostudio.store.database import StoreError, now
from emostudio.store.dates import EDITED, checked_date, recording_date
from emostudio.store.features import FeatureStore
from emostudio.store.media import MediaStore
from emostudio.store.queries import (  # noqa: F401 - re-exported
    FTS_HINT,
    LATEST_HUMAN,
    AnalysisQueries,
    Filters,
    SearchError,
)
from model_core.acoustics import Track
from model_core.acoustics.feature_sets import FeatureSet
from model_core.audio import Recording, RecordingFacts
from model_core.cues import SpeakerBaseline
from model_core.result import AnalysisResult

_REMEMBER_PATH = "INSERT OR IGNORE INTO recording_paths(sha256, path) VALUES (?, ?)"


class Project:
    """One project file. Use as a context manager, or call :meth:`close`.

    It writes (recordings, analyses, annotations, speakers) and holds the query objects
    that share its connection: ``queries`` (listing analyses, recordings, speakers,
    labels), ``feature_sets`` (eGeMAPS and the like) and ``media`` (stored audio, tracks).
    """

    def __init__(self, path: str | Path, *, create: bool = True, actor: str = "emostudio"):
        self.path = Path(path)
        self.db = StoreConnection(self.path, create=create, actor=actor)
        self.conn: sqlite3.Connection = self.db.conn
        self.actor = actor
        self.queries = AnalysisQueries(self.db)
        self.feature_sets = FeatureStore(self.db)
        self.media = MediaStore(self.db)

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """All writes inside commit together, or roll back together."""
        return self.db.transaction()

    def _audit(self, action: str, details: dict[str, Any]) -> None:
        self.db.audit(action, details)

    # ----------------------------------------------------------------- writing
    def add_recording(
        self,
        recording: Recording | RecordingFacts,
        *,
        speaker: str | None = None,
        store_audio: bool = False,
        tracks: list[Track] = (),
        analysis: AnalysisResult | None = None,
        kind: str = "full",
        features: list[FeatureSet] = (),
        utterances: list[AnalysisResult] = (),
        more: list[tuple[AnalysisResult, str]] = (),
        cut: dict | None = None,
    ) -> int | None:
        """Add a recording (once, by content hash), its tracks, feature sets, an analysis,
        the model's analyses of its ``utterances`` (each with its ``utterance`` place) and
        ``more`` analyses ((result, kind) each: a table's rows brought back), in one
        transaction. ``cut`` (``Segmentation.describe()``) records how the recording was cut
        into ``utterances``, also when it found none.

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
                self.media.add_track(recording.sha256, track)
            for feature_set in features:
                self.feature_sets.add_in_transaction(recording.sha256, feature_set)
            if cut is not None:
                self._segmentation_id(
                    recording.sha256, {"segmentation": cut, "of": len(utterances)}
                )
            for utterance in utterances:
                self._add_analysis(recording.sha256, utterance, "full")
            for result, result_kind in more:
                self._add_analysis(recording.sha256, result, result_kind)
            return (
                self._add_analysis(recording.sha256, analysis, kind)
                if analysis is not None
                else None
            )

    def _segmentation_id(self, sha256: str, place: dict | None) -> int | None:
        """The row of the cut an utterance's analysis belongs to (added the first time)."""
        if place is None:
            return None
        cut = place["segmentation"]
        key = (
            sha256,
            cut["algorithm"],
            cut["version"],
            json.dumps(cut["settings"], sort_keys=True),
        )
        self.conn.execute(
            "INSERT OR IGNORE INTO segmentations(sha256, algorithm, version, settings, duration,"
            " utterances, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (*key, cut["duration"], place["of"], now()),
        )
        row = self.conn.execute(
            "SELECT id FROM segmentations WHERE sha256 = ? AND algorithm = ? AND version = ?"
            " AND settings = ?",
            key,
        ).fetchone()
        return int(row[0])

    def _add_analysis(self, sha256: str, result: AnalysisResult, kind: str) -> int:
        model = result.model or {}
        place = result.utterance
        cursor = self.conn.execute(
            "INSERT INTO analyses(sha256, kind, start, end, model_name, model_version, model_trained, label,"
            " probabilities, transcript, words, rationale, citations, cues, timings, warnings, created,"
            " rationale_review, uncertainty, baseline, transcript_reliability, segmentation_id,"
            " utterance)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                _json_or_null(result.baseline),
                _json_or_null(result.transcript_reliability),
                self._segmentation_id(sha256, place),
                None if place is None else int(place["number"]),
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

    def cut_recordings(self) -> set[str]:
        """The recordings cut into utterances (by any detector; perhaps into none)."""
        return {sha for (sha,) in self.conn.execute("SELECT DISTINCT sha256 FROM segmentations")}

    def remember_path(self, sha256: str, path: str) -> bool:
        """Remember another path of a stored recording; False when it is not stored."""
        with self.transaction() as conn:
            if not conn.execute("SELECT 1 FROM recordings WHERE sha256 = ?", (sha256,)).fetchone():
                return False
            conn.execute(_REMEMBER_PATH, (sha256, path))
            return True

    def recompute_baseline(self, speaker: str) -> SpeakerBaseline:
        """A speaker's baseline from the raw cue values of their recordings.

        Each recording counts once, through one analysis of the whole recording (a
        recording analysed by cues and by the model, or with selections, is still one
        recording of the speaker).
        """
        values, counted = [], set()
        for _, result, _ in self.queries.list_analyses(Filters(speaker=speaker, superseded=True)):
            whole = result.start <= 1e-3 and result.end >= result.duration - 1e-2
            if result.sha256 in counted or not whole:
                continue
            counted.add(result.sha256)
            values.append(
                {
                    name: cue.get("value") if cue.get("value") is not None else float("nan")
                    for name, cue in result.cues.get("cues", {}).items()
                }
            )
        if not values:
            raise StoreError(f"{self.path}: no analyses of speaker {speaker!r}")
        baseline = SpeakerBaseline.from_measurements(speaker, values)
        self.save_speaker(baseline)
        return baseline

    def recording(self, sha256: str) -> dict[str, Any] | None:
        """A stored recording's facts and every path it was seen at (None: not stored)."""
        return self.queries.recording(sha256)

    def analysis(self, analysis_id: int) -> AnalysisResult | None:
        row = self.queries.analysis_rows("WHERE a.id = ?", (analysis_id,))
        return row[0][1] if row else None

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

    def recording_judgements(self, analysis_id: int) -> list[dict[str, Any]]:
        """Every human judgement of the stretch of speech that ``analysis_id`` analysed,
        whatever analysis of it was judged, oldest first.

        A judgement is about what was said and how, not about one run of the model: after
        a re-run (another baseline, another model) the judgements of the earlier runs of
        the same recording and span still stand. Each entry is an annotation
        (:meth:`annotations`) with ``analysis_id``, ``analysis_created`` and
        ``analysis_model`` of the run it judged, and ``this``: whether that run is
        ``analysis_id``. Analyses of a selection are judged apart from the whole recording.
        """
        rows = self.conn.execute(
            "SELECT n.id, n.annotator, n.label, n.accepted, n.notes, n.judgements, n.created,"
            " n.analysis_id, y.created AS analysis_created,"
            " trim(coalesce(y.model_name, '') || ' ' || coalesce(y.model_version, ''))"
            " AS analysis_model"
            " FROM analyses x JOIN analyses y ON y.sha256 = x.sha256 AND y.start IS x.start"
            ' AND y."end" IS x."end" JOIN annotations n ON n.analysis_id = y.id'
            " WHERE x.id = ? ORDER BY n.id",
            (analysis_id,),
        )
        return [
            {
                **dict(row),
                "judgements": json.loads(row["judgements"]),
                "this": row["analysis_id"] == analysis_id,
            }
            for row in rows
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


def _json_or_null(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value)


def _uncertainty_json(result: AnalysisResult) -> str | None:
    """The label set and uncertainty as one JSON column; None when the model gave none."""
    if result.label_set is None and result.uncertainty is None:
        return None
    return json.dumps({"label_set": result.label_set, **(result.uncertainty or {})})
