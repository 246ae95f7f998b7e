"""``emostudio analyze --segments``: one analysis per utterance of each recording.

Each file is cut by :mod:`model_core.segments` (``emostudio segments`` shows the cut alone)
and its utterances are analysed as clips of the recording, in batches; every result keeps
its utterance's number, its span on the recording's axis and how the cut was made.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from emostudio.cli.common import for_each_file, json_line
from model_core.segments import SegmentSettings, VoiceActivity, segment


def analyze_segments(
    args: argparse.Namespace,
    analyzer,
    clip_of: Callable,
    batch: int,
    show: Callable[[str, object], None],
) -> int:
    """Analyse every file's utterances; returns the number of files that failed.

    ``clip_of(recording, start, end)`` makes the analyzer's clip (with the baseline and
    voice chosen); ``show(path, result)`` prints a result in the table view.
    """
    vad = VoiceActivity()
    settings = SegmentSettings()

    def handle(path: str) -> None:
        from model_core.audio import load_audio

        recording = load_audio(path)
        cut = segment(recording.for_model, settings, vad)
        if not args.json:
            print(f"\n{path}: {len(cut.utterances)} utterances ({cut.algorithm} {cut.version})")
        for first in range(0, len(cut.utterances), batch):
            spans = cut.utterances[first : first + batch]
            results = analyzer.analyze(
                [clip_of(recording, start, end) for start, end in spans],
                rationale=not args.no_rationale,
                transcribe=not args.no_transcript,
            )
            for number, result in enumerate(results, first + 1):
                if args.json:
                    json_line(
                        {
                            "utterance": number,
                            "utterances": len(cut.utterances),
                            "segmentation": {
                                k: v for k, v in cut.to_dict().items() if k != "utterances"
                            },
                            **result.to_dict(),
                        }
                    )
                else:
                    print(f"\n  utterance {number}/{len(cut.utterances)}", end="")
                    show(path, result)

    return for_each_file(args.files, handle, debug=args.debug)
