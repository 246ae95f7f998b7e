"""``emostudio analyze --segments``: one analysis per utterance of each recording.

Each file is cut by :mod:`model_core.segments` (``emostudio segments`` shows the cut alone)
and its utterances are analysed by :func:`model_core.utterances.analyze_utterances`; every
result keeps its utterance's number, its span on the recording's axis and how the cut was
made (``result.utterance``). Progress per utterance goes to stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from emostudio.cli.common import for_each_file, json_line
from model_core.segments import SegmentSettings, VoiceActivity, segment
from model_core.utterances import OWN_BASELINE, Reading, analyze_utterances, own_reading


def analyze_segments(
    args: argparse.Namespace,
    analyzer,
    given: Reading,
    batch: int,
    show: Callable[[str, object], None],
    own_baseline: bool = False,
) -> int:
    """Analyse every file's utterances; returns the number of files that failed.

    ``given`` is the baseline and voice the options chose; ``show(path, result)`` prints a
    result in the table view; ``own_baseline``: read each recording against its own
    utterances (when it has enough of them).
    """
    vad = VoiceActivity()
    settings = SegmentSettings()

    def handle(path: str) -> None:
        from model_core.audio import load_audio

        recording = load_audio(path)
        shown = [0]  # the last tenth of the file reported: a 60-min file says so 10 times

        def cutting(done: float) -> None:
            if int(done * 10) > shown[0]:
                shown[0] = int(done * 10)
                print(f"{path}: finding utterances, {done:.0%}", file=sys.stderr, flush=True)

        cut = segment(recording.for_model, settings, vad, progress=cutting)
        reading = own_reading(analyzer, recording, cut.utterances) if own_baseline else given
        if reading.baseline is None and own_baseline:
            reading = given  # too few utterances for a baseline of their own
        if not args.json:
            print(
                f"\n{path}: {len(cut.utterances)} utterances ({cut.algorithm} {cut.version})"
                + (
                    f"; baseline: {OWN_BASELINE}"
                    if reading.baseline is not None and reading.baseline.name == OWN_BASELINE
                    else ""
                )
            )

        def progress(done: int, total: int) -> None:
            print(f"{path}: {done}/{total} utterances analysed", file=sys.stderr, flush=True)

        for result in analyze_utterances(
            analyzer,
            recording,
            cut,
            reading,
            rationale=not args.no_rationale,
            transcribe=not args.no_transcript,
            batch=batch,
            progress=progress,
            asr=args.utterance_asr,
        ):
            if args.json:
                json_line(result.to_dict())
            else:
                place = result.utterance or {}
                print(f"\n  utterance {place.get('number')}/{place.get('of')}", end="")
                show(path, result)

    return for_each_file(args.files, handle, debug=args.debug)
