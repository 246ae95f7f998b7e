"""``emostudio bench [FILE ...]``: how fast this machine analyses, stage by stage.

A user's question ("how long will my folder take here?"), answered on their own machine with
their model: the files are analysed ``--repeats`` times after one warm-up, and the median of
each stage and of the whole is reported with the real-time factor (seconds of work per second
of audio). The development benchmarks (training, the store, the GUI, comparisons) live in the
repository's ``benchmarks/`` and are not part of the app.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from emostudio.cli.common import add_model_options, report_error

SAMPLES = Path(__file__).resolve().parents[2] / "assets" / "samples"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="how fast this machine analyses: each stage's time and the real-time factor",
        description="Analyse recordings (default: the demo clips in assets/samples) after one "
        "warm-up, and report the median time of each stage and the real-time factor.",
    )
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE", help="recordings to time")
    add_model_options(parser)
    parser.add_argument(
        "--repeats", type=int, default=3, help="timed runs after the warm-up (median reported)"
    )
    parser.add_argument(
        "--no-rationale", action="store_true", help="label and cues only (no rationale written)"
    )
    parser.set_defaults(run=run)


def _files(given: list[Path]) -> list[Path]:
    if given:
        return given
    if not SAMPLES.is_dir():
        raise FileNotFoundError(f"no FILE given and no demo clips at {SAMPLES}")
    return sorted(SAMPLES.glob("*.wav"))


def run(args: argparse.Namespace) -> int:
    from model_core.audio import AudioError, load_audio
    from model_core.pipeline import BATCH_SIZE_KEY, Analyzer, Clip

    if args.repeats < 1:
        report_error("--repeats must be at least 1")
        return 2
    try:
        files = _files(args.files)
        recordings = [load_audio(path) for path in files]
    except (FileNotFoundError, AudioError) as err:
        report_error(str(err))
        return 2
    started = time.perf_counter()
    analyzer = Analyzer.load(args.model, args.device, asr_engine=args.asr_engine)
    load_s = time.perf_counter() - started
    clips = [Clip(recording) for recording in recordings]
    audio_s = sum(r.duration for r in recordings)
    analyzer.analyze(clips[:1], rationale=not args.no_rationale)  # warm-up: caches, kernels
    totals, stages = [], {}
    for _ in range(args.repeats):
        started = time.perf_counter()
        results = [analyzer.analyze([c], rationale=not args.no_rationale)[0] for c in clips]
        totals.append(time.perf_counter() - started)
        for name in {n for r in results for n in r.timings} - {BATCH_SIZE_KEY}:
            stages.setdefault(name, []).append(sum(r.timings.get(name, 0.0) for r in results))
    model = {**analyzer.model_info, "asked": args.model}
    print(report(model, len(clips), audio_s, load_s, totals, stages))
    return 0


def report(
    model: dict, n_clips: int, audio_s: float, load_s: float, totals: list, stages: dict
) -> str:
    """The Markdown report: one row per stage, medians over the repeats (seconds)."""
    total = statistics.median(totals)
    lines = [
        f"# How fast this machine analyses: --model {model['asked']} ({model['name']} "
        f"{model['version']}) on {model['device']}",
        "",
        f"{n_clips} clips, {audio_s:.1f} s of audio; model loaded in {load_s:.1f} s; "
        f"median of {len(totals)} runs after one warm-up.",
        "",
        "| stage | seconds | share |",
        "| --- | ---: | ---: |",
    ]
    for name, values in sorted(stages.items(), key=lambda item: -statistics.median(item[1])):
        seconds = statistics.median(values)
        lines.append(f"| {name} | {seconds:.2f} | {seconds / total:.0%} |")
    lines += [
        f"| **all** | **{total:.2f}** | 100% |",
        "",
        f"{n_clips / total:.2f} clips/s; real-time factor {total / audio_s:.2f} "
        f"({audio_s / total:.1f}x faster than real time)",
    ]
    return "\n".join(lines)
