"""Reading a project: filtered and full-text listing of analyses, recordings, speakers,
and speaker baselines recomputed from a speaker's recordings.

``Project.queries`` (an :class:`AnalysisQueries` on the project's connection); the
project keeps what writes (recomputing a speaker's baseline stores it).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from emostudio.store.connection import StoreConnection
from emostudio.store.database import StoreError
from model_core.result import AnalysisResult

FTS_HINT = (
    'use words, "quoted phrases", AND, OR, NOT and prefix* '
    "(punctuation such as : ( ) - must be inside quotes)"
)


# Each analysis's latest human judgement (label, annotator, accepted): joined as ``h`` in
# listings. A judgement follows the recording: the latest of any analysis of the same
# recording and span (a re-run with another baseline keeps its judges' labels);
# ``Project.recording_judgements`` lists them all.
LATEST_HUMAN = (
    "SELECT x.id AS analysis_id, n.label, n.annotator, n.accepted FROM analyses x"
    " JOIN annotations n ON n.id = (SELECT max(m.id) FROM annotations m"
    " JOIN analyses y ON y.id = m.analysis_id WHERE y.sha256 = x.sha256"
    ' AND y.start IS x.start AND y."end" IS x."end")'
)


# Filters that are one "column = value" test each: (Filters field, SQL with one parameter).
FILTER_CLAUSES = (
    ("label", "coalesce(h.label, a.label) = ?"),
    ("model_label", "a.label = ?"),
    ("human_label", "h.label = ?"),
    ("speaker", "r.speaker = ?"),
    ("annotator", "a.id IN (SELECT analysis_id FROM annotations WHERE annotator = ?)"),
    ("since", "a.created >= ?"),
    ("kind", "a.kind = ?"),
)


class SearchError(StoreError):
    """A text search the full-text index cannot parse."""


@dataclass(frozen=True)
class Filters:
    """What to list: all given conditions must hold.

    ``label`` is the label as it stands (the latest human judgement where there is one, else
    the model's); ``model_label`` and ``human_label`` ask for one side only.
    """

    label: str | None = None
    speaker: str | None = None
    annotator: str | None = None
    since: str | None = None  # ISO date or time, inclusive
    until: str | None = None
    text: str | None = None  # full-text query over transcripts, rationales and notes
    kind: str | None = None  # 'full' or 'cues'
    # A cues-only analysis of a recording that also has a model analysis (the measuring
    # pass of an import by speaker) repeats what the model analysis holds: hidden by default.
    superseded: bool = False
    model_label: str | None = None
    human_label: str | None = None  # the latest human judgement's label
    # Only analyses whose latest human judgement accepted the model's label.
    accepted_only: bool = False


class AnalysisQueries:
    """The queries of a project (``Project.queries``; see the module's notes)."""

    def __init__(self, db: StoreConnection):
        self.conn = db.conn

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

    def analysis_rows(self, where: str, params: tuple) -> list[tuple[int, AnalysisResult, dict]]:
        rows = []
        query = (
            "SELECT a.id, a.sha256, a.kind, a.start, a.end, a.model_name, a.model_version,"
            " a.model_trained, a.label, a.probabilities, a.transcript, a.words, a.rationale,"
            " a.citations, a.cues, a.timings, a.warnings, a.created, r.name, r.path, r.duration,"
            " r.sample_rate, r.channels, r.format, r.speaker, a.rationale_review, h.label AS human_label,"
            " h.annotator AS human_annotator, a.uncertainty, a.baseline,"
            " a.transcript_reliability, a.utterance, a.segmentation_id, s.algorithm AS cut_algorithm,"
            " s.version AS cut_version, s.settings AS cut_settings, s.duration AS cut_duration,"
            " s.utterances AS cut_utterances"
            f" FROM analyses a JOIN recordings r ON r.sha256 = a.sha256 LEFT JOIN ({LATEST_HUMAN}) h"
            " ON h.analysis_id = a.id LEFT JOIN segmentations s ON s.id = a.segmentation_id"
            f" {where}"
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
                baseline=_json_or_none(row["baseline"]),
                transcript_reliability=_json_or_none(row["transcript_reliability"]),
                utterance=_place(row),
            )
            # The latest human judgement (None before any): shown and exported apart from
            # the model's label, never mixed with it.
            about = (
                "kind",
                "created",
                "name",
                "speaker",
                "human_label",
                "human_annotator",
                "segmentation_id",
                "channels",
                "format",
            )
            rows.append((row["id"], result, {key: row[key] for key in about}))
        return rows

    def list_analyses(
        self,
        filters: Filters = Filters(),
        *,
        order: str = "created",
        descending: bool = True,
        limit: int | None = None,
    ) -> list[tuple[int, AnalysisResult, dict]]:
        """Analyses matching ``filters``, newest first by default; (id, result, facts) each."""
        clauses, params = [], []
        for name, clause in FILTER_CLAUSES:
            value = getattr(filters, name)
            if value:
                clauses.append(clause)
                params.append(value)
        if filters.until:
            clauses.append("a.created <= ?")
            params.append(
                filters.until if "T" in filters.until else filters.until + "T23:59:59.999"
            )
        if filters.accepted_only:
            clauses.append("h.accepted = 1")
        if not filters.superseded:
            clauses.append(
                "NOT (a.kind = 'cues' AND EXISTS (SELECT 1 FROM analyses f "
                "WHERE f.sha256 = a.sha256 AND f.kind = 'full' AND f.utterance IS NULL))"
            )
        if filters.text:
            clauses.append("a.id IN (" + self._search_sql() + ")")
            params += [filters.text, filters.text]
        columns = {
            "created": "a.created",
            "name": "r.name",
            "label": "a.label",
            "duration": "r.duration",
        }
        if order not in columns:
            raise StoreError(f"cannot sort by {order!r} (one of {', '.join(columns)})")
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        where += f" ORDER BY {columns[order]} {'DESC' if descending else 'ASC'}, a.id"
        if limit is not None:
            where += f" LIMIT {int(limit)}"
        if filters.text:
            self._check_search(filters.text)
        return self.analysis_rows(where, tuple(params))

    def _check_search(self, text: str) -> None:
        """Run the full-text query alone first, so its syntax errors read as such."""
        try:
            self.conn.execute(
                "SELECT count(*) FROM search WHERE search MATCH ?", (text,)
            ).fetchone()
        except sqlite3.OperationalError as err:
            raise SearchError(f"cannot search for {text!r}: {err}; {FTS_HINT}") from err

    @staticmethod
    def _search_sql() -> str:
        return (
            "SELECT CAST(ref AS INTEGER) FROM search WHERE kind = 'analysis' AND search MATCH ?"
            " UNION SELECT n.analysis_id FROM search s JOIN annotations n ON n.id = CAST(s.ref AS INTEGER)"
            " WHERE s.kind = 'annotation' AND search MATCH ?"
        )

    def latest_analysis(self, sha256: str) -> tuple[int, AnalysisResult] | None:
        """The analysis to show when a stored recording is opened again: its newest model
        analysis of the whole recording, else its newest model analysis of a part, else its
        newest cues-only analysis; None when it has none. Analyses of utterances come last:
        they are shown on the emotion tier (:meth:`utterances`)."""
        rows = self.analysis_rows(
            "WHERE a.sha256 = ? ORDER BY a.utterance IS NULL DESC, a.kind = 'full' DESC,"
            ' (a.start < 0.01 AND a."end" > r.duration - 0.05) DESC, a.created DESC, a.id DESC'
            " LIMIT 1",
            (sha256,),
        )
        return (rows[0][0], rows[0][1]) if rows else None

    def utterances(self, sha256: str) -> list[tuple[int, AnalysisResult, dict]]:
        """The utterances of a recording's latest cut, in order: the newest model analysis
        of each (id, result, facts); empty when it was never cut."""
        latest = self.conn.execute(
            "SELECT segmentation_id FROM analyses WHERE sha256 = ? AND segmentation_id IS NOT NULL"
            " ORDER BY created DESC, id DESC LIMIT 1",
            (sha256,),
        ).fetchone()
        if latest is None:
            return []
        return self.analysis_rows(
            "WHERE a.id IN (SELECT max(id) FROM analyses WHERE segmentation_id = ?"
            " GROUP BY utterance) ORDER BY a.utterance",
            (latest[0],),
        )

    def list_recordings(self, speaker: str | None = None) -> list[dict[str, Any]]:
        query = (
            "SELECT sha256 FROM recordings"
            + (" WHERE speaker = ?" if speaker else "")
            + " ORDER BY added"
        )
        return [
            self.recording(sha)
            for (sha,) in self.conn.execute(query, (speaker,) if speaker else ())
        ]

    def speakers(self) -> list[str]:
        return [
            name
            for (name,) in self.conn.execute(
                "SELECT DISTINCT speaker FROM recordings WHERE speaker IS NOT NULL ORDER BY speaker"
            )
        ]

    def labels(self) -> list[str]:
        """Every label a model or an annotator has given, sorted."""
        query = (
            "SELECT label FROM analyses WHERE label IS NOT NULL"
            " UNION SELECT label FROM annotations ORDER BY label"
        )
        return [label for (label,) in self.conn.execute(query)]


def _place(row: sqlite3.Row) -> dict[str, Any] | None:
    """``AnalysisResult.utterance`` from an analysis row joined to its cut (None: none)."""
    if row["utterance"] is None:
        return None
    return {
        "number": row["utterance"],
        "of": row["cut_utterances"],
        "segmentation": {
            "algorithm": row["cut_algorithm"],
            "version": row["cut_version"],
            "settings": json.loads(row["cut_settings"]),
            "duration": row["cut_duration"],
        },
    }


def _json_or_none(stored: str | None) -> Any:
    return None if stored is None else json.loads(stored)


def _uncertainty_fields(stored: str | None) -> dict[str, Any]:
    """AnalysisResult's ``label_set`` and ``uncertainty`` from the stored column."""
    if not stored:
        return {"label_set": None, "uncertainty": None}
    data = json.loads(stored)
    label_set = data.pop("label_set", None)
    return {"label_set": label_set, "uncertainty": data or None}
