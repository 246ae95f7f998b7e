"""``emostudio speaker``: one speaker's course across sessions, as a table or CSV."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from emostudio.cli.common import report_error


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "speaker", help="one speaker's cues and labels over sessions, against their baseline"
    )
    parser.add_argument("name", help="the speaker, as stored in the project")
    parser.add_argument("--db", type=Path, required=True, help="project file")
    parser.add_argument("--csv", action="store_true", help="every cue, raw and z, as CSV")
    parser.add_argument(
        "--cues", help="comma-separated cues to show (default: those the cue catalog shows)"
    )
    parser.add_argument("--since", metavar="DATE", help="baseline: recordings from this date")
    parser.add_argument("--until", metavar="DATE", help="baseline: recordings up to this date")
    parser.add_argument(
        "--set-date",
        nargs=2,
        metavar=("RECORDING", "DATE"),
        help="first correct when a recording (its name or SHA-256 prefix) was made",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from emostudio.store import Project, StoreError
    from emostudio.store.course import CUES, SHOWN_IN_TABLE, speaker_course
    from emostudio.store.dates import checked_date

    cues = tuple(c.strip() for c in args.cues.split(",")) if args.cues else None
    unknown = sorted(set(cues or ()) - set(CUES))
    if unknown:
        report_error(f"unknown cue(s) {', '.join(unknown)}; cues are {', '.join(CUES)}")
        return 2
    try:
        since = checked_date(args.since) if args.since else None
        until = checked_date(args.until) if args.until else None
        with Project(args.db, create=False) as project:
            if args.set_date:
                _set_date(project, args.name, *args.set_date)
            course = speaker_course(project, args.name, since=since, until=until)
    except StoreError as err:
        report_error(str(err))
        return 2
    if args.csv:
        header, rows = course.table(cues or CUES)
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return 0
    _print(course, cues or SHOWN_IN_TABLE)
    return 0


def _set_date(project, speaker: str, recording: str, date: str) -> None:
    from emostudio.store import StoreError

    matches = [
        r
        for r in project.queries.list_recordings(speaker)
        if r["name"] == recording or r["sha256"].startswith(recording.lower())
    ]
    if len(matches) != 1:
        found = "no" if not matches else f"{len(matches)}"
        raise StoreError(f"{found} recordings of {speaker} match {recording!r}")
    project.set_recorded(matches[0]["sha256"], date)


def _print(course, cues: tuple[str, ...]) -> None:
    from model_core.cues.catalog import CATALOG

    print(f"speaker {course.speaker}: {len(course.sessions)} recordings")
    print(f"baseline: {course.baseline_text()}")
    for note in course.notes:
        print(f"note: {note}")
    print("z against the baseline (raw values with --csv); * marks the baseline's recordings")
    head = f"{'recorded':<19}  {'recording':<28}  {'model':<9}  {'human':<9}"
    labels = {spec.name: spec.label for spec in CATALOG}
    print(head + "".join(f"  {labels[cue][:12]:>12}" for cue in cues))
    for s in course.sessions:
        mark = "*" if s.in_baseline else " "
        line = f"{s.recorded[:19]:<18}{mark}  {s.name:<28.28}  {s.model_label or '-':<9.9}  "
        line += f"{s.human_label or '-':<9.9}"
        for cue in cues:
            z = s.z.get(cue, float("nan"))
            line += f"  {z:>+12.2f}" if z == z else f"  {'-':>12}"
        print(line)
