"""``emostudio cues FILE...``: acoustic cue summaries as a table or JSON lines."""

from __future__ import annotations

import argparse
import math
import sys
import time

from emostudio.cli.common import (
    add_baseline_options,
    baseline_from_args,
    for_each_file,
    json_line,
    report_error,
)
from model_core.acoustics import AcousticSettings, VoiceQualitySettings
from model_core.audio import load_audio
from model_core.cues import CueSummary, analyze_clip


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "cues",
        help="measure prosodic and voice cues of audio files",
        description="Measure pitch, loudness, rate, pauses and voice quality of each file "
        "against a speaker baseline, and print a table (or one JSON object per file).",
    )
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="audio files (WAV, FLAC, OGG, MP3, M4A, ...)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per file on stdout")
    add_baseline_options(parser)
    parser.add_argument("--start", type=float, help="selection start, seconds")
    parser.add_argument("--end", type=float, help="selection end, seconds")
    parser.add_argument(
        "--hnr",
        choices=("pitch-ac", "praat-cc"),
        default="pitch-ac",
        help="HNR method (default pitch-ac; praat-cc gives Praat's voice-report value, slower)",
    )
    parser.add_argument("--debug", action="store_true", help="print tracebacks of internal errors")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.start is not None and args.end is not None and args.start >= args.end:
        report_error(
            f"--start {args.start:g} s is not before --end {args.end:g} s: no selection to analyse"
        )
        return 2
    baseline = baseline_from_args(args)
    settings = AcousticSettings(voice=VoiceQualitySettings(hnr_method=args.hnr))

    def handle(path: str) -> None:
        started = time.perf_counter()
        recording = load_audio(path)
        decoded = time.perf_counter()
        analysis, summary = analyze_clip(
            recording, args.start, args.end, baseline=baseline, settings=settings
        )
        timings = {"decode_s": decoded - started, "acoustics_s": time.perf_counter() - decoded}
        if args.json:
            json_line(cues_record(path, recording, analysis, summary, timings))
        else:
            print_table(path, recording, summary, analysis)

    failures = for_each_file(args.files, handle, debug=args.debug)
    return 1 if failures else 0


def cues_record(path, recording, analysis, summary: CueSummary, timings: dict) -> dict:
    """The JSON object for one file."""
    return {
        "file": str(path),
        "sha256": recording.sha256,
        "duration": round(recording.duration, 4),
        "sample_rate": recording.sample_rate,
        "channels": recording.n_channels,
        "format": f"{recording.format}/{recording.subtype}",
        "warnings": list(recording.warnings),
        **summary.to_dict(),
        "syllable_nuclei": [round(t, 4) for t in analysis.rate.nuclei.tolist()],
        "pauses": [[round(a, 4), round(b, 4)] for a, b in analysis.rate.pauses],
        "voiced_fraction": round(analysis.voiced_fraction, 4),
        "timings": {k: round(v, 4) for k, v in timings.items()},
    }


def _format_value(value: float) -> str:
    if not math.isfinite(value):
        return "-"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"


def print_table(path: str, recording, summary: CueSummary, analysis, stream=None) -> None:
    out = stream or sys.stdout
    print(
        f"{path}  {recording.duration:.2f} s, {recording.sample_rate} Hz, "
        f"{recording.n_channels} ch, {recording.format}/{recording.subtype}",
        file=out,
    )
    for warning in recording.warnings:
        print(f"  warning: {warning}", file=out)
    print(
        f"  baseline: {summary.baseline.name};  analysed {summary.start:.2f}-{summary.end:.2f} s, "
        f"{analysis.rate.n_syllables} syllables, {len(analysis.rate.pauses)} pauses",
        file=out,
    )
    print(f"  {'cue':<18}{'value':>9} {'unit':<7}{'z':>6}  {'level':<15}where (s)", file=out)
    for cue in summary.cues.values():
        z = f"{cue.z:+.1f}" if math.isfinite(cue.z) else "-"
        where = ", ".join(f"{a:.2f}-{b:.2f}" for a, b in cue.spans)
        print(
            f"  {cue.label:<18}{_format_value(cue.value):>9} {cue.unit:<7}{z:>6}  "
            f"{cue.level:<15}{where}",
            file=out,
        )
    print(f"  => {summary.descriptor}", file=out, flush=True)
