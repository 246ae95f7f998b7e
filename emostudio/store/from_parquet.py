"""``emostudio import --from-parquet``: chosen rows of an archive's table into a project.

An archive analysed on a cluster leaves a Parquet table (``emostudio import --out``, or
``emostudio export --format parquet``): one row per analysis, with the whole analysis in
its ``result`` column. This brings the rows a user chooses (by label, speaker, certainty)
into a project: each recording once, with the analyses of its chosen rows, in one
transaction a recording, so a killed run resumes. A recording the project already holds
is left as it is (counted as already there). The audio is not in the table: the project
refers to the paths the rows name, as an import without ``--copy`` does; human
judgements are not brought over (the table keeps only the latest label, not who gave it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from emostudio.store.parquet import read_table
from emostudio.store.project import Project
from model_core.audio import RecordingFacts
from model_core.result import AnalysisResult


@dataclass(frozen=True)
class RowChoice:
    """Which rows to bring: each given filter must hold (an empty one holds for all).

    ``labels`` match the label as it stands (the latest human label, else the model's).
    """

    labels: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    sure_only: bool = False

    def chooses(self, row: dict) -> bool:
        label = row["human_label"] or row["model_label"]
        return (
            (not self.labels or label in self.labels)
            and (not self.speakers or row["speaker"] in self.speakers)
            and not (self.sure_only and row["unsure"])
        )


@dataclass
class ParquetSummary:
    rows: int = 0  # in the table
    chosen: int = 0
    recordings: int = 0  # added to the project
    analyses: int = 0
    already: int = 0  # recordings the project held
    failed: list[tuple[str, str]] = field(default_factory=list)  # (recording, why)

    def text(self) -> str:
        lines = [
            f"{self.rows} rows, {self.chosen} chosen: {self.recordings} recordings added with "
            f"{self.analyses} analyses, {self.already} already in the project, "
            f"{len(self.failed)} failed"
        ]
        lines += [f"  failed: {name}: {why}" for name, why in self.failed[:50]]
        return "\n".join(lines)


def import_parquet(
    project: Project,
    source: str | Path,
    choice: RowChoice = RowChoice(),
    progress: Callable[[ParquetSummary], None] | None = None,
) -> ParquetSummary:
    """Bring the chosen rows of the table at ``source`` (a file or a folder of shards).

    Raises
    ------
    StoreError
        When the table cannot be read or is not EmoStudio's (see
        :func:`emostudio.store.parquet.read_table`), or the project cannot be written.
    """
    table = read_table(Path(source))
    summary = ParquetSummary(rows=table.num_rows)
    chosen: dict[str, list[dict]] = {}  # sha256 -> its chosen rows, in the table's order
    for row in table.to_pylist():
        if choice.chooses(row):
            chosen.setdefault(row["sha256"], []).append(row)
            summary.chosen += 1
    held = project.analysed("cues")
    for sha, rows in chosen.items():
        if sha in held:
            summary.already += 1
        else:
            _add(project, rows, summary)
        if progress:
            progress(summary)
    return summary


def _add(project: Project, rows: list[dict], summary: ParquetSummary) -> None:
    """One recording with its rows' analyses, in one transaction."""
    first = rows[0]
    try:
        results = [AnalysisResult.from_dict(json.loads(row["result"])) for row in rows]
    except (TypeError, ValueError) as err:  # a row edited by hand, or another version's
        summary.failed.append((first["recording"], f"its result column cannot be read ({err})"))
        return
    wholes = [(r, row["kind"]) for r, row in zip(results, rows, strict=True) if not r.utterance]
    utterances = [r for r in results if r.utterance]
    container, _, subtype = (first["format"] or "unknown/").partition("/")
    recording = RecordingFacts(
        sha256=first["sha256"],
        sample_rate=first["sample_rate"],
        duration=first["duration"],
        n_channels=first["channels"] or 1,
        path=Path(first["path"]) if first["path"] else None,
        format=container,
        subtype=subtype,
    )
    analysis, kind = wholes[0] if wholes else (None, "full")
    project.add_recording(
        recording,
        speaker=first["speaker"],
        analysis=analysis,
        kind=kind,
        utterances=utterances,
        more=wholes[1:],
    )
    summary.recordings += 1
    summary.analyses += len(results)
