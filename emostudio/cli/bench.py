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
    parser.add_argument(
        "--compare-engines",
        action="store_true",
        help="time the same files with each ASR engine (CTranslate2 and PyTorch) in this run, "
        "side by side with their ratios",
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
    from model_core.errors import EmoStudioError
    from model_core.pipeline import Analyzer, Clip

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
    model = {**analyzer.model_info, "asked": args.model}
    engines = {analyzer.transcriber.engine: analyzer}
    if args.compare_engines:
        for engine in ("ctranslate2", "torch"):
            if engine not in engines:
                try:
                    engines[engine] = Analyzer(analyzer.model, asr_engine=engine)
                except EmoStudioError as err:
                    report_error(f"--compare-engines: {err}")
                    return 2
    timed = {name: _timed(each, clips, args) for name, each in engines.items()}
    for name, (totals, stages) in timed.items():
        print(report({**model, "engine": name}, len(clips), audio_s, load_s, totals, stages))
        print()
    if len(timed) == 2:
        print(comparison({name: statistics.median(t) for name, (t, _) in timed.items()}))
    return 0


def _timed(analyzer, clips: list, args: argparse.Namespace) -> tuple[list, dict]:
    """Seconds of each repeat, and of each stage per repeat, after one warm-up."""
    from model_core.pipeline import BATCH_SIZE_KEY

    analyzer.analyze(clips[:1], rationale=not args.no_rationale)  # warm-up: caches, kernels
    totals, stages = [], {}
    for _ in range(args.repeats):
        started = time.perf_counter()
        results = [analyzer.analyze([c], rationale=not args.no_rationale)[0] for c in clips]
        totals.append(time.perf_counter() - started)
        for name in {n for r in results for n in r.timings} - {BATCH_SIZE_KEY}:
            stages.setdefault(name, []).append(sum(r.timings.get(name, 0.0) for r in results))
    return totals, stages


def comparison(medians: dict[str, float]) -> str:
    """One line per engine against the slowest, from the runs' median seconds."""
    slowest = max(medians.values())
    lines = ["| ASR engine | seconds (median) | speed-up |", "| --- | ---: | ---: |"]
    for name, seconds in sorted(medians.items(), key=lambda item: item[1]):
        lines.append(f"| {name} | {seconds:.2f} | x{slowest / seconds:.2f} |")
    return "\n".join(lines)


def report(
    model: dict, n_clips: int, audio_s: float, load_s: float, totals: list, stages: dict
) -> str:
    """The Markdown report: one row per stage, medians over the repeats (seconds)."""
    total = statistics.median(totals)
    lines = [
        f"# How fast this machine analyses: --model {model['asked']} ({model['name']} "
        f"{model['version']}) on {model['device']}"
        + (f", ASR by {model['engine']}" if model.get("engine") else ""),
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
