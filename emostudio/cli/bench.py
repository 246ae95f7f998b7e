"""``emostudio bench WHAT``: benchmarks that print a Markdown report."""

from __future__ import annotations

import argparse
from pathlib import Path

from emostudio.cli.common import report_error

BENCHMARKS = ("acoustics", "model", "asr", "grounding", "train", "store", "gui")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("bench", help="run a benchmark and print a Markdown report")
    parser.add_argument("what", choices=BENCHMARKS, help="which benchmark")
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs per measurement (median reported)"
    )
    parser.add_argument(
        "--speech-dir",
        type=Path,
        default=None,
        help="folder of WAV speech (default: Debian's asterisk prompts)",
    )
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    acoustics = parser.add_argument_group("acoustics benchmark")
    acoustics.add_argument(
        "--minutes",
        type=float,
        default=None,
        help="minutes of audio (acoustics: real speech, default 10; gui: the recording opened, default 60)",
    )
    acoustics.add_argument("--no-hour", action="store_true", help="skip the 1-hour run")
    model = parser.add_argument_group("model and ASR benchmarks")
    model.add_argument("--model", default="default", help="'default' or a checkpoint folder")
    model.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda", "mps"))
    model.add_argument(
        "--batch", type=int, default=32, help="clips per batch (model: 32; use 8 for train)"
    )
    model.add_argument(
        "--steps", type=int, default=6, help="training steps per setting (train benchmark)"
    )
    model.add_argument(
        "--random",
        choices=("default", "large"),
        help="random weights at the default model's sizes, or Whisper-large-v3 + a 1.5 B LLM",
    )
    model.add_argument(
        "--tokenizer", default="smollm2-135m-instruct", help="tokenizer source of a --random LLM"
    )
    parser.set_defaults(run=run)


def _report(args: argparse.Namespace) -> str:
    repeats = max(1, args.repeats)
    speech = {"speech_dir": args.speech_dir} if args.speech_dir else {}
    if args.what == "acoustics":
        from emostudio.bench.acoustics import run_benchmark

        return run_benchmark(minutes=args.minutes or 10.0, repeats=repeats, hour=not args.no_hour, **speech)
    if args.what == "model":
        from emostudio.bench.model import run_model_benchmark

        return run_model_benchmark(
            args.model,
            args.device,
            max(1, args.batch),
            repeats,
            args.random,
            tokenizer=args.tokenizer,
            **speech,
        )
    if args.what == "asr":
        from emostudio.bench.asr import run_asr_benchmark

        return run_asr_benchmark(device=args.device)
    if args.what == "gui":
        from emostudio.bench.gui import run_gui_benchmark

        return run_gui_benchmark(minutes=args.minutes or 60.0)
    if args.what == "store":
        from emostudio.bench.store import run_store_benchmark

        return run_store_benchmark()
    if args.what == "train":
        from emostudio.bench.train import run_train_benchmark

        return run_train_benchmark(
            args.device,
            max(1, args.batch),
            args.steps,
            args.random,
            tokenizer=args.tokenizer,
            **speech,
        )
    from emostudio.bench.grounding import run_grounding_benchmark

    return run_grounding_benchmark(repeats=repeats)


def run(args: argparse.Namespace) -> int:
    try:
        report = _report(args)
    except (FileNotFoundError, ValueError) as err:
        report_error(str(err))
        return 1
    print(report, end="")
    if args.out:
        try:
            args.out.write_text(report)
        except OSError as err:
            report_error(f"{args.out}: cannot write the report ({err.strerror or err})")
            return 1
    return 0
