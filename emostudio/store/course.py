"""One speaker's course over sessions: each recording's date, cues (raw and as z against a
baseline), the model's label and the latest human label.

A clinician follows a patient across weeks: what matters is change against *this
speaker's* normal. The baseline is every recording of theirs by default, or the
recordings of a chosen period (for example the first sessions), so that later change
shows instead of being absorbed into the baseline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from emostudio.store.database import StoreError
from emostudio.store.dates import FROM_IMPORT
from emostudio.store.queries import Filters
from model_core.cues.baseline import SpeakerBaseline
from model_core.cues.catalog import CATALOG

CUES = tuple(spec.name for spec in CATALOG)
UNITS = {spec.name: spec.unit for spec in CATALOG}
# Shown by default (the catalog's ``shown``): in a speaker's table, and also in the plot.
SHOWN_IN_TABLE = tuple(spec.name for spec in CATALOG if spec.shown)
SHOWN_IN_PLOT = tuple(spec.name for spec in CATALOG if spec.shown == "plot")


@dataclass
class Session:
    """One recording of the speaker, through its latest whole-recording analysis."""

    sha256: str
    name: str
    analysis_id: int
    recorded: str  # ISO 8601 date or time
    recorded_source: str  # dates.FROM_NAME, FROM_FILE_TIME, EDITED or FROM_IMPORT
    raw: dict[str, float]  # cue -> value in the catalog's unit (NaN: not measurable)
    z: dict[str, float] = field(default_factory=dict)  # cue -> SDs from the baseline
    model_label: str | None = None
    human_label: str | None = None
    human_annotator: str | None = None
    in_baseline: bool = False


@dataclass
class Course:
    """A speaker's sessions in date order and the baseline their z are measured against."""

    speaker: str
    sessions: list[Session]
    baseline: SpeakerBaseline
    period: tuple[str | None, str | None] | None  # None: all recordings
    notes: list[str] = field(default_factory=list)

    def baseline_text(self) -> str:
        """The baseline in words, e.g. ``"3 recordings, 2026-01-05 to 2026-01-19"``."""
        used = [s for s in self.sessions if s.in_baseline]
        if self.period is None:
            return f"all {len(used)} recordings of {self.speaker}"
        since, until = self.period
        return f"{len(used)} recordings from {since or 'the first'} to {until or 'the last'}"

    def table(self, cues: tuple[str, ...] = CUES) -> tuple[list[str], list[list]]:
        """Header and rows: one row per session, each cue's raw value and its z.

        Returns
        -------
        header : list of str
        rows : list of list
            Floats are rounded to 4 decimals; an unmeasured value is ``""``.
        """
        header = ["recorded", "date source", "recording", "model label", "human label"]
        header += ["annotator", "in baseline"]
        for cue in cues:
            header += [f"{cue} ({UNITS[cue]})", f"{cue} z"]
        rows = []
        for s in self.sessions:
            row = [s.recorded, s.recorded_source, s.name, s.model_label or "", s.human_label or ""]
            row += [s.human_annotator or "", "yes" if s.in_baseline else "no"]
            for cue in cues:
                row += [_rounded(s.raw.get(cue)), _rounded(s.z.get(cue))]
            rows.append(row)
        return header, rows


def _rounded(value: float | None):
    return "" if value is None or not math.isfinite(value) else round(value, 4)


def speaker_course(
    project, speaker: str, *, since: str | None = None, until: str | None = None
) -> Course:
    """The course of ``speaker``'s recordings in ``project``.

    Parameters
    ----------
    project : emostudio.store.Project
    speaker : str
    since, until : str or None
        Fix the baseline to the recordings made in this period (ISO dates, inclusive);
        both None: every recording is in the baseline.

    Raises
    ------
    StoreError
        When the project has no recording of ``speaker`` with a whole-recording analysis,
        or the period holds none of them.
    """
    sessions = _sessions(project, speaker)
    period = (since, until) if since or until else None
    for session in sessions:
        day = session.recorded[:10]
        session.in_baseline = period is None or (
            (since is None or day >= since[:10]) and (until is None or day <= until[:10])
        )
    chosen = [s.raw for s in sessions if s.in_baseline]
    if not chosen:
        raise StoreError(
            f"no recording of {speaker} between {since or 'the first'} and "
            f"{until or 'the last'}: the baseline needs at least one"
        )
    baseline = SpeakerBaseline.from_measurements(speaker, chosen)
    for session in sessions:
        session.z = {cue: baseline.z(cue, session.raw.get(cue)) for cue in CUES}
    notes = []
    if len(chosen) < 3:
        notes.append(
            f"the baseline has {len(chosen)} recording(s): its spreads are the population's "
            "until there are 3"
        )
    undated = sum(s.recorded_source == FROM_IMPORT for s in sessions)
    if undated:
        notes.append(f"{undated} recording(s) carry no date: shown on the day they were imported")
    return Course(speaker, sessions, baseline, period, notes)


def _sessions(project, speaker: str) -> list[Session]:
    """Each recording of the speaker once, through its newest whole-recording analysis."""
    facts = {r["sha256"]: r for r in project.queries.list_recordings(speaker)}
    if not facts:
        known = ", ".join(project.queries.speakers()) or "none yet"
        raise StoreError(f"no recordings of speaker {speaker!r} (speakers: {known})")
    sessions: dict[str, Session] = {}
    for analysis_id, result, info in project.queries.list_analyses(Filters(speaker=speaker)):
        whole = result.start <= 1e-3 and result.end >= result.duration - 1e-2
        if not whole or result.sha256 in sessions:  # newest first: the first one wins
            continue
        recording = facts[result.sha256]
        sessions[result.sha256] = Session(
            sha256=result.sha256,
            name=recording["name"],
            analysis_id=analysis_id,
            recorded=recording["recorded"] or recording["added"][:19],
            recorded_source=recording["recorded_source"] or FROM_IMPORT,
            raw={name: _value(cue) for name, cue in result.cues.get("cues", {}).items()},
            model_label=result.label,
            human_label=info["human_label"],
            human_annotator=info["human_annotator"],
        )
    if not sessions:
        raise StoreError(f"no analysis of a whole recording of {speaker!r} yet: analyse one")
    return sorted(sessions.values(), key=lambda s: (s.recorded, s.name))


def _value(cue: dict) -> float:
    value = cue.get("value")
    return float("nan") if value is None else float(value)
