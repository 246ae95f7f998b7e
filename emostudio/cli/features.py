"""``emostudio features FILE...``: standard feature sets (eGeMAPS v02) as CSV or JSON lines.

CSV (the default) is one row per recording: ``file, duration, start, end`` and then one
column per functional. Its **second line holds the units**, its first cell ``#unit`` so
that readers that skip comment lines (``pandas.read_csv(..., comment="#")``) skip it;
an empty unit is dimensionless, an empty value not measurable. ``--json`` writes one
object per recording with names, units, values (null: not measurable) and versions.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from emostudio.cli.common import for_each_file, json_line, report_error
from model_core.acoustics.feature_sets import FEATURE_SETS, FeatureSet

LEADING = ("file", "duration", "start", "end")  # CSV columns before the features
LEADING_UNITS = ("#unit", "s", "s", "s")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "features",
        help="standard voice features (eGeMAPS) of audio files, as CSV or JSON",
        description="Measure a standard feature set (eGeMAPS v02: 88 functionals, Eyben et al. "
        "2016, computed by the opensmile package) of each file, or of each audio file in a "
        "folder, and print one CSV row (the second line holds the units) or one JSON object "
        "per recording. Failing files are reported on stderr and the others go on (exit 1).",
    )
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="audio files, or folders whose audio files (not subfolders) are all measured",
    )
    parser.add_argument(
        "--set",
        dest="feature_set",
        choices=tuple(FEATURE_SETS),
        default="egemaps",
        help="the feature set (default egemaps: eGeMAPS v02 functionals)",
    )
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--csv", action="store_true", help="CSV on stdout (the default)")
    form.add_argument("--json", action="store_true", help="one JSON object per recording")
    parser.add_argument("--start", type=float, help="selection start, seconds")
    parser.add_argument("--end", type=float, help="selection end, seconds")
    parser.add_argument(
        "--db",
        type=Path,
        metavar="FILE",
        help="a project: store each file's features in it (with the recording), or, with "
        "--from-project, read them from it",
    )
    parser.add_argument(
        "--from-project",
        action="store_true",
        help="print the features stored in --db (e.g. by 'emostudio import --features egemaps') "
        "instead of measuring files",
    )
    parser.add_argument("--debug", action="store_true", help="print tracebacks of internal errors")
    parser.set_defaults(run=run)


def expand(paths: list[str]) -> list[str]:
    """Files as given; a folder becomes its audio files (by suffix), sorted by name."""
    from emostudio.store.importer import AUDIO_SUFFIXES

    files = []
    for path in paths:
        folder = Path(path)
        if folder.is_dir():
            files += sorted(str(p) for p in folder.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES)
        else:
            files.append(path)
    return files


class _Writer:
    """CSV rows (header and units first) or JSON lines on stdout."""

    def __init__(self, as_json: bool, names: list[str], units: list[str]):
        self.as_json = as_json
        self.names = names
        if not as_json:
            self.csv = csv.writer(sys.stdout, lineterminator="\n")
            self.csv.writerow([*LEADING, *names])
            self.csv.writerow([*LEADING_UNITS, *units])

    def write(self, file: str, duration: float, features: FeatureSet, extra: dict) -> None:
        if list(features.names) != self.names:  # stored by another opensmile version
            raise ValueError(f"{file}: its {features.name} has other names than this version's")
        if self.as_json:
            json_line({"file": file, "duration": round(duration, 4), **extra, **features.to_json()})
            return
        values = ["" if v != v else repr(v) for v in features.values.tolist()]  # NaN: empty
        start, end = round(features.start, 4), round(features.end, 4)
        self.csv.writerow([file, round(duration, 4), start, end, *values])
        sys.stdout.flush()


def run(args: argparse.Namespace) -> int:
    from model_core.acoustics.egemaps import egemaps_names
    from model_core.acoustics.feature_sets import feature_unit

    if args.start is not None and args.end is not None and args.start >= args.end:
        report_error(f"--start {args.start:g} s is not before --end {args.end:g} s")
        return 2
    if args.from_project and (args.files or args.db is None):
        report_error("--from-project reads --db FILE and takes no audio files")
        return 2
    if not args.from_project and not args.files:
        report_error("no audio files given (or --db FILE --from-project to print stored ones)")
        return 2
    names = egemaps_names()  # EgemapsUnavailableError here, once, not per file
    table = _stored(args) if args.from_project else None  # a missing project: no header
    writer = _Writer(args.json, names, [feature_unit(n) for n in names])
    if table is not None:
        return _from_project(args, table, writer)
    project = None
    if args.db is not None:
        from emostudio.store import Project

        project = Project(args.db, actor="emostudio features")
    try:
        return _measure(args, writer, project)
    finally:
        if project is not None:
            project.close()


def _measure(args, writer: _Writer, project) -> int:
    from model_core.acoustics.feature_sets import extract_features
    from model_core.audio import load_audio

    def handle(path: str) -> None:
        recording = load_audio(path)
        features = extract_features(recording, args.start, args.end, feature_set=args.feature_set)
        if project is not None:
            project.add_recording(recording, features=[features])
        extra = {"sha256": recording.sha256, "sample_rate": recording.sample_rate}
        writer.write(path, recording.duration, features, extra)

    files = expand(args.files)
    if not files:
        report_error(f"no audio files in {', '.join(args.files)}")
        return 1
    return 1 if for_each_file(files, handle, debug=args.debug) else 0


def _stored(args) -> list:
    from emostudio.store import Project

    with Project(args.db, create=False, actor="emostudio features") as project:
        return project.feature_sets.table(FEATURE_SETS[args.feature_set])


def _from_project(args, table: list, writer: _Writer) -> int:
    for info, features in table:
        extra = {"sha256": info["sha256"], "speaker": info["speaker"]}
        writer.write(info["path"] or info["name"], info["duration"], features, extra)
    if not table:
        report_error(f"{args.db}: no stored {FEATURE_SETS[args.feature_set]} features")
        return 1
    return 0
