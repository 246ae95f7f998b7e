"""Reading a project: filtered and full-text listing of analyses, recordings, speakers,
and speaker baselines recomputed from a speaker's recordings.

A mixin of :class:`emostudio.store.project.Project`, which provides ``conn``, ``path``,
``_analysis_rows`` and ``save_speaker``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from emostudio.store.database import StoreError
from model_core.cues import SpeakerBaseline
from model_core.result import AnalysisResult

FTS_HINT = (
    'use words, "quoted phrases", AND, OR, NOT and prefix* '
    "(punctuation such as : ( ) - must be inside quotes)"
)


# Each analysis's latest human judgement (label, annotator, accepted): joined as ``h`` in
# listings.
LATEST_HUMAN = (
    "SELECT n.analysis_id, n.label, n.annotator, n.accepted FROM annotations n WHERE n.id ="
    " (SELECT max(m.id) FROM annotations m WHERE m.analysis_id = n.analysis_id)"
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


class ProjectQueries:
    """The queries of a project (see the module's notes)."""

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
                "WHERE f.sha256 = a.sha256 AND f.kind = 'full'))"
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
        return self._analysis_rows(where, tuple(params))

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

    def recompute_baseline(self, speaker: str) -> SpeakerBaseline:
        """A speaker's baseline from the raw cue values of their recordings.

        Each recording counts once, through one analysis of the whole recording (a
        recording analysed by cues and by the model, or with selections, is still one
        recording of the speaker).
        """
        values, counted = [], set()
        for _, result, _ in self.list_analyses(Filters(speaker=speaker, superseded=True)):
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
