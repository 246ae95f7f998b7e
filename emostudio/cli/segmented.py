"""``emostudio analyze --segments``: one analysis per utterance of each recording.

Each file is cut by :mod:`model_core.segments` (``emostudio segments`` shows the cut alone)
and its utterances are analysed as clips of the recording, in batches; every result keeps
its utterance's number, its span on the recording's axis and how the cut was made.

Unless a baseline file or ``--same-speaker`` is given, a recording of at least
:data:`MIN_BASELINE_UTTERANCES` utterances is read against **its own utterances**: their cues
make the speaker's baseline and their voice the label head's view of the speaker, which is
what per-speaker reading needs (the sessions this is for hold one speaker; a recording with
several speakers should get ``--baseline``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from emostudio.cli.common import for_each_file, json_line
from model_core.segments import SegmentSettings, VoiceActivity, segment

MIN_BASELINE_UTTERANCES = 3  # fewer: population priors (a baseline of one or two is noise)
OWN_BASELINE = "this recording's utterances"


def analyze_segments(
    args: argparse.Namespace,
    analyzer,
    clip_of: Callable,
    batch: int,
    show: Callable[[str, object], None],
    own_baseline: bool = False,
) -> int:
    """Analyse every file's utterances; returns the number of files that failed.

    ``clip_of(recording, start, end, baseline, voice)`` makes the analyzer's clip (None:
    the baseline and voice the options chose); ``show(path, result)`` prints a result in
    the table view; ``own_baseline``: read each recording against its own utterances.
    """
    vad = VoiceActivity()
    settings = SegmentSettings()

    def handle(path: str) -> None:
        from model_core.audio import load_audio

        recording = load_audio(path)
        cut = segment(recording.for_model, settings, vad)
        baseline, voice = None, None
        if own_baseline and len(cut.utterances) >= MIN_BASELINE_UTTERANCES:
            baseline, voice = _own_baseline(analyzer, recording, cut.utterances)
        if not args.json:
            print(
                f"\n{path}: {len(cut.utterances)} utterances ({cut.algorithm} {cut.version})"
                + (f"; baseline: {OWN_BASELINE}" if baseline is not None else "")
            )
        for first in range(0, len(cut.utterances), batch):
            spans = cut.utterances[first : first + batch]
            results = analyzer.analyze(
                [clip_of(recording, start, end, baseline, voice) for start, end in spans],
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


def _own_baseline(analyzer, recording, utterances: list[tuple[float, float]]):
    """The speaker's baseline and voice from the recording's utterances."""
    from model_core.cues import SpeakerBaseline, analyze_clip
    from model_core.pipeline import Clip

    measurements = [
        analyze_clip(recording, start, end)[1].raw_values() for start, end in utterances
    ]
    baseline = SpeakerBaseline.from_measurements(OWN_BASELINE, measurements)
    voice = None
    if analyzer.model.head is not None:
        voice = analyzer.voice_of([Clip(recording, start, end) for start, end in utterances])
    return baseline, voice
