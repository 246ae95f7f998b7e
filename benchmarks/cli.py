"""``python -m benchmarks WHAT``: benchmarks that print a Markdown report; ``all`` writes one
report of every benchmark."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from emostudio.cli.common import report_error

BENCHMARKS = (
    "acoustics",
    "model",
    "throughput",
    "engines",
    "asr",
    "grounding",
    "train",
    "store",
    "gui",
)
# Run by name, never by `all`: reliability, utterances and cluster need corpora on disk;
# app drives the window with the shipped model for a minute.
ON_REQUEST = ("reliability", "app", "utterances", "cluster")
ALL_REPORT = Path("docs/benchmarks.md")
# Options that size a single benchmark; `all` chooses its own sizes (or --quick ones).
SINGLE_ONLY = ("minutes", "no_hour", "model", "batch", "steps", "random", "tokenizer")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="EmoStudio's development benchmarks (not shipped with the app: `emostudio "
        "bench` tells a user how fast their machine analyses). Run a benchmark and print a "
        "Markdown report. `all` runs every benchmark "
        "(acoustics, asr, model, throughput, engines, store, gui, grounding, train), each in its own "
        "process, and "
        f"writes one report (default {ALL_REPORT}).",
    )
    parser.add_argument(
        "what",
        nargs="?",
        choices=(*BENCHMARKS, *ON_REQUEST, "all"),
        help="which benchmark; 'all': every one, into one report",
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs per measurement (median reported)"
    )
    parser.add_argument(
        "--speech-dir",
        type=Path,
        default=None,
        help="folder of WAV speech (default: Debian's asterisk prompts)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help=f"also write the report to this file (all: the report, default {ALL_REPORT})",
    )
    suite = parser.add_argument_group("bench all")
    suite.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes, seconds per benchmark (checks the machinery)",
    )
    suite.add_argument(
        "--skip",
        action="append",
        choices=BENCHMARKS,
        default=[],
        help="leave a benchmark out (repeatable)",
    )
    acoustics = parser.add_argument_group("acoustics benchmark")
    acoustics.add_argument(
        "--minutes",
        type=float,
        default=None,
        help="minutes of audio (acoustics: real speech, default 10; gui: the recording opened, "
        "default 60; utterances: the long recording, default 10)",
    )
    acoustics.add_argument("--no-hour", action="store_true", help="skip the 1-hour run")
    model = parser.add_argument_group("model and ASR benchmarks")
    model.add_argument(
        "--model", default="default", help="'default', 'fast', 'synthetic' or a checkpoint folder"
    )
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
    reliability = parser.add_argument_group("reliability benchmark")
    reliability.add_argument(
        "--corpus",
        action="append",
        default=[],
        metavar="LANG=SPEC",
        help="a corpus of language LANG (en, am, tr, hi, ...), as a data spec of "
        "train.datasets, e.g. am=ased:data/ased (repeatable; en=asterisk-test is always in)",
    )
    reliability.add_argument(
        "--per-corpus", type=int, default=120, help="clips drawn from each corpus (default 120)"
    )
    reliability.add_argument(
        "--cache",
        type=Path,
        default=Path("runs/reliability/signals.jsonl"),
        help="the decoder signals of every clip transcribed (a rerun resumes from it)",
    )
    utterances = parser.add_argument_group("utterances and cluster benchmarks")
    utterances.add_argument(
        "--data-dir",
        type=Path,
        default=Path("data"),
        help="folder of the corpora (ravdess, tess, ased, turev, emospeech; a missing one is "
        "left out)",
    )
    utterances.add_argument(
        "--clips",
        type=int,
        default=None,
        help="utterances: clips joined per boundary condition (default 40); cluster: clips "
        "imported by each run (default 200)",
    )
    utterances.add_argument(
        "--rationale-source",
        default="composer",
        choices=("checked", "model", "composer"),
        help="cluster: who writes the rationales in the imports (default composer: fast)",
    )
    parser.set_defaults(
        run=run, bench_help=parser.format_help, bench_defaults=vars(parser.parse_args([]))
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


def _report(args: argparse.Namespace) -> str:
    repeats = max(1, args.repeats)
    speech = {"speech_dir": args.speech_dir} if args.speech_dir else {}
    if args.what == "acoustics":
        from benchmarks.acoustics import run_benchmark

        return run_benchmark(
            minutes=args.minutes or 10.0, repeats=repeats, hour=not args.no_hour, **speech
        )
    if args.what == "model":
        from benchmarks.model import model_section

        return model_section(
            args.model,
            args.device,
            max(1, args.batch),
            repeats,
            args.random,
            tokenizer=args.tokenizer,
            **speech,
        ).markdown
    if args.what == "throughput":
        from benchmarks.throughput import throughput_section

        return throughput_section(args.model, args.device, max(1, args.batch), **speech).markdown
    if args.what == "engines":
        from benchmarks.engines import engines_section

        return engines_section(args.device, model_spec=args.model, **speech).markdown
    if args.what == "asr":
        from benchmarks.asr import run_asr_benchmark

        return run_asr_benchmark(device=args.device)
    if args.what == "gui":
        from benchmarks.gui import run_gui_benchmark

        return run_gui_benchmark(minutes=args.minutes or 60.0)
    if args.what == "app":
        import os

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from benchmarks.app import app_section

        return app_section().markdown
    if args.what == "reliability":
        from benchmarks.reliability import reliability_section

        return reliability_section(args.corpus, max(1, args.per_corpus), args.cache).markdown
    if args.what == "utterances":
        from benchmarks.utterances import utterances_section

        return utterances_section(
            args.data_dir, max(2, args.clips or 40), args.minutes or 10.0, args.model, args.device
        ).markdown
    if args.what == "cluster":
        from benchmarks.cluster import cluster_section

        return cluster_section(
            args.data_dir, max(2, args.clips or 200), args.model, args.rationale_source
        ).markdown
    if args.what == "store":
        from benchmarks.store import run_store_benchmark

        return run_store_benchmark()
    if args.what == "train":
        from benchmarks.train import train_section

        return train_section(
            args.device,
            max(1, args.batch),
            args.steps,
            args.random,
            tokenizer=args.tokenizer,
            **speech,
        ).markdown
    from benchmarks.grounding import run_grounding_benchmark

    return run_grounding_benchmark(repeats=repeats)


def run(args: argparse.Namespace) -> int:
    if args.what is None:
        print(args.bench_help(), end="")
        return 0
    if args.what == "all":
        return run_all(args)
    if args.quick or args.skip:
        report_error("--quick and --skip apply to `python -m benchmarks all` only")
        return 2
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


def run_all(args: argparse.Namespace) -> int:
    """``python -m benchmarks all``: every benchmark into one report; 1 when one failed."""
    from benchmarks.suite import plan, run_suite

    changed = [name for name in SINGLE_ONLY if getattr(args, name) != args.bench_defaults[name]]
    if changed:
        options = ", ".join("--" + name.replace("_", "-") for name in changed)
        report_error(f"{options}: for a single benchmark; `bench all` chooses its own sizes")
        return 2
    out = args.out or ALL_REPORT
    repeats = max(1, args.repeats)
    command = [
        "python",
        "-m",
        "benchmarks",
        "all",
        "--repeats",
        str(repeats),
        "--device",
        args.device,
    ]
    command += ["--quick"] if args.quick else []
    command += ["--speech-dir", str(args.speech_dir)] if args.speech_dir else []
    for name in args.skip:
        command += ["--skip", name]
    command += ["--out", str(out)]
    benches = plan(repeats, args.device, args.quick, args.speech_dir)
    try:
        return run_suite(benches, out, shlex.join(command), args.quick, tuple(args.skip))
    except OSError as err:
        report_error(f"cannot write the report: {err.strerror or err}")
        return 1
