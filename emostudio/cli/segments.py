"""``emostudio segments FILE...``: the utterances a recording is cut into, without the model."""

from __future__ import annotations

import argparse
import time

from emostudio.cli.common import for_each_file, json_line, report_error
from model_core.audio import load_audio
from model_core.segments import (
    SegmentationUnavailableError,
    SegmentSettings,
    VoiceActivity,
    segment,
)

DEFAULTS = SegmentSettings()


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "segments",
        help="cut recordings into utterances (voice activity and pauses; no model)",
        description="Find the utterances of each recording: Silero voice activity, stretches "
        "of speech joined over short pauses, long ones cut at their longest pause. Prints a "
        "table, or one JSON object per file with the settings and the detector's version.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="audio files")
    parser.add_argument("--json", action="store_true", help="one JSON object per file on stdout")
    for name, help_text in (
        ("threshold", "speech probability that starts speech"),
        ("min_speech_s", "shorter bursts of speech are noise, s"),
        ("min_pause_s", "shorter pauses stay inside an utterance, s"),
        ("min_utterance_s", "shorter utterances are left out, s"),
        ("max_utterance_s", "longer utterances are cut at their longest pause, s"),
        ("pad_s", "kept before and after each utterance's speech, s"),
    ):
        parser.add_argument(
            "--" + name.replace("_", "-"),
            dest=name,
            type=float,
            default=getattr(DEFAULTS, name),
            help=f"{help_text} (default {getattr(DEFAULTS, name):g})",
        )
    parser.add_argument("--debug", action="store_true", help="print tracebacks of internal errors")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = SegmentSettings(
        threshold=args.threshold,
        min_speech_s=args.min_speech_s,
        min_pause_s=args.min_pause_s,
        min_utterance_s=args.min_utterance_s,
        max_utterance_s=args.max_utterance_s,
        pad_s=args.pad_s,
    )
    try:
        settings.check()
        vad = VoiceActivity()
    except (ValueError, SegmentationUnavailableError) as err:
        report_error(str(err))
        return 2

    def handle(path: str) -> None:
        recording = load_audio(path)
        started = time.perf_counter()
        found = segment(recording.for_model, settings, vad)
        seconds = time.perf_counter() - started
        if args.json:
            json_line({"file": str(path), "sha256": recording.sha256, **found.to_dict()})
            return
        print(
            f"{path}  {found.duration:.2f} s: {len(found.utterances)} "
            f"utterance{'' if len(found.utterances) == 1 else 's'} "
            f"({found.algorithm} {found.version}, {seconds:.2f} s)"
        )
        for number, (start, end) in enumerate(found.utterances, 1):
            print(f"  {number:>4}  {start:9.2f} - {end:9.2f} s  ({end - start:5.2f} s)")

    failures = for_each_file(args.files, handle, debug=args.debug)
    return 1 if failures else 0
