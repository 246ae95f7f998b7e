"""Analyses as one Parquet table, for archives read by pandas, Polars or DuckDB (issue 34).

One row per analysis (a whole recording, a selection, or one utterance of a cut recording)
with its place, the model's label, the label set and whether the model was unsure, every
label's probability (a map), the latest human label, the transcript and its timed words,
the cues (JSON text: nested and open-ended, as they are stored), the rationale and the
provenance (model, baseline, analysis id, when). Columns are typed by :data:`SCHEMA`, so a
table of an empty project still says what it would hold. The file is written to a
temporary name beside its place and renamed, so a killed export never leaves half a table.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from emostudio.store.database import StoreError
from emostudio.store.queries import Filters
from model_core.result import AnalysisResult

WORD = [("word", "string"), ("start", "float64"), ("end", "float64")]


def schema():
    """The table's pyarrow schema (a function: pyarrow is imported only when needed)."""
    import pyarrow as pa

    types = {"string": pa.string(), "float64": pa.float64()}
    return pa.schema(
        [
            ("id", pa.int64()),
            ("recording", pa.string()),
            ("sha256", pa.string()),
            ("path", pa.string()),
            ("speaker", pa.string()),
            ("kind", pa.string()),
            ("created", pa.string()),
            ("duration", pa.float64()),
            ("sample_rate", pa.int32()),
            ("channels", pa.int32()),
            ("format", pa.string()),
            ("start", pa.float64()),
            ("end", pa.float64()),
            ("utterance", pa.int32()),
            ("utterances", pa.int32()),
            ("segmentation", pa.string()),
            ("model_label", pa.string()),
            ("label_set", pa.list_(pa.string())),
            ("unsure", pa.bool_()),
            ("probabilities", pa.map_(pa.string(), pa.float64())),
            ("human_label", pa.string()),
            ("transcript", pa.string()),
            ("transcript_reliable", pa.bool_()),
            ("words", pa.list_(pa.struct([(name, types[kind]) for name, kind in WORD]))),
            ("cues", pa.string()),
            ("descriptor", pa.string()),
            ("rationale", pa.string()),
            ("model_name", pa.string()),
            ("model_version", pa.string()),
            ("baseline", pa.string()),
            # The whole analysis as the project stores it (AnalysisResult.to_dict() as JSON):
            # what 'emostudio import --from-parquet' brings back, nothing lost.
            ("result", pa.string()),
        ]
    )


def row_of(analysis_id: int, result: AnalysisResult, facts: dict, human: dict | None) -> dict:
    """One table row of an analysis (``facts``: the store's name, speaker, kind, created)."""
    place = result.utterance or {}
    reliability = result.transcript_reliability
    model = result.model or {}
    return {
        "id": analysis_id,
        "recording": facts["name"],
        "sha256": result.sha256,
        "path": result.file,
        "speaker": facts.get("speaker"),
        "kind": facts["kind"],
        "created": facts["created"],
        "duration": result.duration,
        "sample_rate": result.sample_rate,
        "channels": facts.get("channels"),
        "format": facts.get("format"),
        "start": result.start,
        "end": result.end,
        "utterance": place.get("number"),
        "utterances": place.get("of"),
        "segmentation": json.dumps(place["segmentation"]) if place else None,
        "model_label": result.label,
        "label_set": result.label_set,
        "unsure": result.unsure if result.uncertainty else None,
        "probabilities": list(result.probabilities.items()),
        "human_label": human["label"] if human else None,
        "transcript": result.transcript,
        "transcript_reliable": None if not reliability else bool(reliability.get("reliable")),
        "words": [{"word": w["word"], "start": w["start"], "end": w["end"]} for w in result.words],
        "cues": json.dumps(result.cues, ensure_ascii=False),
        "descriptor": result.cues.get("descriptor"),
        "rationale": result.rationale,
        "model_name": model.get("name"),
        "model_version": model.get("version"),
        "baseline": json.dumps(result.baseline) if result.baseline else None,
        "result": result.to_json(),
    }


def write_parquet(rows: list[dict], path: Path) -> Path:
    """Write ``rows`` (:func:`row_of`) as a Parquet file at ``path``, atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows, schema=schema())
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        pq.write_table(table, temporary, compression="zstd")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


SHARD_ROWS = 100_000  # rows per file of a folder of shards (a few tens of MB each)


def write_table(rows: list[dict], out: Path) -> list[Path]:
    """``rows`` as ``out`` when it ends in ``.parquet``, else as a folder of shards.

    A folder gets ``part-00000.parquet``, ``part-00001.parquet``, ... of
    :data:`SHARD_ROWS` rows each (at least one file, so that an empty table keeps its
    schema); earlier ``part-*.parquet`` files in it are replaced, so that a folder read
    as one dataset never mixes two runs. Each file is written atomically.

    Raises
    ------
    StoreError
        When ``out`` cannot be written (a file in the way of the folder, no permission).
    """
    out = Path(out)
    try:
        if out.suffix.lower() == ".parquet":
            out.parent.mkdir(parents=True, exist_ok=True)
            return [write_parquet(rows, out)]
        if out.exists() and not out.is_dir():
            raise StoreError(f"{out}: not a folder and not a .parquet file name")
        out.mkdir(parents=True, exist_ok=True)
        written = [
            write_parquet(rows[first : first + SHARD_ROWS], out / f"part-{i:05d}.parquet")
            for i, first in enumerate(range(0, max(len(rows), 1), SHARD_ROWS))
        ]
        for stale in sorted(out.glob("part-*.parquet")):
            if stale not in written:
                stale.unlink()
        return written
    except OSError as err:
        raise StoreError(f"{out}: cannot write the Parquet table ({err.strerror or err})") from err


def rows_of_recordings(project, sha256s: set[str]) -> list[dict]:
    """The table's rows of the analyses of these recordings (those an export would list)."""
    rows = []
    for analysis_id, result, facts in project.queries.list_analyses(Filters(), descending=False):
        if result.sha256 in sha256s:
            judgements = project.recording_judgements(analysis_id)
            rows.append(row_of(analysis_id, result, facts, judgements[-1] if judgements else None))
    return rows


def read_table(source: Path):
    """A Parquet file, or a folder of them, as one pyarrow Table with :func:`schema`.

    Raises
    ------
    StoreError
        When ``source`` is missing, not Parquet, or lacks the columns of :func:`schema`
        (a table that EmoStudio did not write).
    """
    import pyarrow as pa
    import pyarrow.dataset as ds

    source = Path(source)
    if not source.exists():
        raise StoreError(f"{source}: no such file or folder")
    try:
        table = ds.dataset(source, format="parquet").to_table()
    except (pa.ArrowInvalid, OSError) as err:
        raise StoreError(f"{source}: not a readable Parquet table ({err})") from err
    missing = [name for name in schema().names if name not in table.column_names]
    if missing:
        raise StoreError(
            f"{source}: not an EmoStudio table (no column {', '.join(missing[:5])}); "
            "write one with 'emostudio export --format parquet' or 'emostudio import --out'"
        )
    return table
