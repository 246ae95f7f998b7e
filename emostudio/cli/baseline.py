"""``emostudio baseline FILE... --speaker NAME --out JSON``: a speaker's own baseline."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from emostudio.cli.common import for_each_file, report_error
from model_core.audio import load_audio
from model_core.cues import SpeakerBaseline, analyze_clip


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "baseline",
        help="build a speaker baseline from their recordings",
        description="Measure every file and write the speaker's cue means and spreads as JSON, "
        "for 'emostudio cues --baseline'.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--speaker", required=True, help="the speaker's name")
    parser.add_argument("--sex", choices=("female", "male"), help="for the fallback spreads")
    parser.add_argument("--out", type=Path, required=True, metavar="JSON")
    parser.add_argument("--debug", action="store_true")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    measurements: list[dict[str, float]] = []

    def handle(path: str) -> None:
        _, summary = analyze_clip(load_audio(path))
        measurements.append(summary.raw_values())

    failures = for_each_file(args.files, handle, debug=args.debug)
    if not measurements:
        report_error("no file could be measured; no baseline written")
        return 1
    baseline = SpeakerBaseline.from_measurements(args.speaker, measurements, args.sex)
    text = json.dumps(baseline.to_dict(), indent=2, allow_nan=False)
    tmp = args.out.with_name(args.out.name + ".tmp")
    try:
        tmp.write_text(text + "\n")
        tmp.replace(args.out)  # atomic: a killed run never leaves half a file
    except OSError as err:
        tmp.unlink(missing_ok=True)
        report_error(f"{args.out}: cannot write the baseline ({err.strerror or err})")
        return 1
    print(f"baseline for {args.speaker} from {len(measurements)} recordings written to {args.out}")
    return 1 if failures else 0
