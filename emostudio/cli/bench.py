"""``emostudio bench WHAT``: benchmarks that print a Markdown report."""

from __future__ import annotations

import argparse
from pathlib import Path

from emostudio.cli.common import report_error


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("bench", help="run a benchmark and print a Markdown report")
    parser.add_argument("what", choices=("acoustics", "model", "asr"), help="which benchmark")
    parser.add_argument(
        "--minutes", type=float, default=10.0, help="minutes of real speech (default 10)"
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs per measurement (median reported)"
    )
    parser.add_argument("--no-hour", action="store_true", help="skip the 1-hour run")
    parser.add_argument(
        "--speech-dir",
        type=Path,
        default=None,
        help="folder of WAV speech (default: Debian's asterisk prompts)",
    )
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    model = parser.add_argument_group("model benchmark")
    model.add_argument("--model", default="default", help="'default' or a checkpoint folder")
    model.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda", "mps"))
    model.add_argument("--batch", type=int, default=32, help="clips in the batch run (default 32)")
    model.add_argument(
        "--large",
        action="store_true",
        help="random-weight Whisper-large-v3 encoder + 1.5 B LLM (for GPUs)",
    )
    model.add_argument(
        "--tokenizer", default="smollm2-135m-instruct", help="tokenizer source of the --large LLM"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.what == "model":
        return _model(args)
    if args.what == "asr":
        return _asr(args)
    from emostudio.bench import acoustics

    options = {"minutes": args.minutes, "repeats": max(1, args.repeats), "hour": not args.no_hour}
    if args.speech_dir is not None:
        options["speech_dir"] = args.speech_dir
    try:
        report = acoustics.run_benchmark(**options)
    except FileNotFoundError as err:
        report_error(str(err))
        return 1
    print(report, end="")
    if args.out:
        args.out.write_text(report)
    return 0


def _model(args: argparse.Namespace) -> int:
    from emostudio.bench.model import run_model_benchmark

    try:
        options = {"speech_dir": args.speech_dir} if args.speech_dir else {}
        report = run_model_benchmark(
            args.model,
            args.device,
            max(1, args.batch),
            max(1, args.repeats),
            args.large,
            tokenizer=args.tokenizer,
            **options,
        )
    except (FileNotFoundError, ValueError) as err:
        report_error(str(err))
        return 1
    print(report, end="")
    if args.out:
        args.out.write_text(report)
    return 0


def _asr(args: argparse.Namespace) -> int:
    from emostudio.bench.asr import run_asr_benchmark

    try:
        report = run_asr_benchmark(device=args.device)
    except FileNotFoundError as err:
        report_error(str(err))
        return 1
    print(report, end="")
    if args.out:
        args.out.write_text(report)
    return 0
