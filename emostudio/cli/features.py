"""``emostudio features FILE...``: standard feature sets (eGeMAPS v02) as CSV or JSON lines.

Each file is measured as it is: at its own sample rate, its channels averaged to mono, so
the values are openSMILE's own for that file (``sample_rate`` says the rate used).

CSV (the default) is one header line and then one row per recording: ``file, duration,
start, end, sample_rate`` and one column per functional; an empty value is not measurable.
Nothing but data follows the header, so ``pandas.read_csv`` or R's ``read.csv`` read the
features as numbers. The **units** are not in it: ``--out FILE.csv`` writes them beside the
table, in ``FILE.units.csv`` (``feature,unit``, one row per column of the table; an empty
unit is dimensionless), and ``--json`` writes one object per recording with names, units,
values (null: not measurable), the sample rate and versions.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import TextIO

from emostudio.cli.common import for_each_file, json_line, report_error
from model_core.acoustics.feature_sets import FEATURE_SETS, FeatureSet

LEADING = ("file", "duration", "start", "end", "sample_rate")  # CSV columns before the features
LEADING_UNITS = ("", "s", "s", "s", "Hz")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "features",
        help="standard voice features (eGeMAPS) of audio files, as CSV or JSON",
        description="Measure a standard feature set (eGeMAPS v02: 88 functionals, Eyben et al. "
        "2016, computed by the opensmile package) of each file, or of each audio file in a "
        "folder, at the file's own sample rate (channels averaged), and print one CSV row or "
        "one JSON object per recording. The CSV holds a header and data rows only: its units "
        "are written beside an --out FILE.csv, in FILE.units.csv, and --json carries them. "
        "Failing files are reported on stderr and the others go on (exit 1).",
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
    form.add_argument(
        "--json", action="store_true", help="one JSON object per recording, with units"
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="write to FILE instead of stdout; a CSV's units go to FILE.units.csv beside it "
        "(lab.csv: lab.units.csv), columns feature,unit",
    )
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


def units_path(out: Path) -> Path:
    """Where a CSV's units go: ``lab.csv`` -> ``lab.units.csv``; another name gets
    ``.units.csv`` appended (``lab.txt`` -> ``lab.txt.units.csv``)."""
    if out.suffix.lower() == ".csv":
        return out.with_suffix(".units.csv")
    return out.with_name(out.name + ".units.csv")


def write_units(path: Path, names: list[str], units: list[str]) -> None:
    """The units sidecar: ``feature,unit``, one row per column of the CSV, in its order.

    Raises
    ------
    OSError
        When the file cannot be written.
    """
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["feature", "unit"])
        writer.writerows(zip((*LEADING, *names), (*LEADING_UNITS, *units), strict=True))


class _Writer:
    """CSV rows (a header first, no units) or JSON lines on ``stream``."""

    def __init__(self, as_json: bool, names: list[str], stream: TextIO):
        self.as_json, self.names, self.stream = as_json, names, stream
        if not as_json:
            self.csv = csv.writer(stream, lineterminator="\n")
            self.csv.writerow([*LEADING, *names])

    def write(self, file: str, duration: float, features: FeatureSet, extra: dict) -> None:
        if list(features.names) != self.names:  # stored by another opensmile version
            raise ValueError(f"{file}: its {features.name} has other names than this version's")
        record = {"file": file, "duration": round(duration, 4), **extra, **features.to_json()}
        if self.as_json:
            json_line(record, self.stream)
            return
        values = ["" if v != v else repr(v) for v in features.values.tolist()]  # NaN: empty
        leading = [record[name] for name in LEADING]
        self.csv.writerow([*leading, *values])
        self.stream.flush()


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
    try:
        stream = _open_out(args, names, [feature_unit(n) for n in names])
    except OSError as err:
        report_error(f"{args.out}: cannot write ({err.strerror or err})")
        return 2
    try:
        writer = _Writer(args.json, names, stream)
        if table is not None:
            return _from_project(args, table, writer)
        return _measure_into(args, writer)
    finally:
        if stream is not sys.stdout:
            stream.close()


def _open_out(args, names: list[str], units: list[str]) -> TextIO:
    """stdout, or ``--out`` opened for writing (and, for a CSV, its units sidecar written)."""
    if args.out is None:
        return sys.stdout
    if not args.json:
        write_units(units_path(args.out), names, units)
    return args.out.open("w", encoding="utf-8", newline="")


def _measure_into(args, writer: _Writer) -> int:
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
        extra = {"sha256": recording.sha256}  # sample_rate: the features' own (the file's)
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
