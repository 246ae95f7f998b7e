"""``emostudio-train``: validate data, write rationale targets, fit, evaluate, cross-validate."""

from __future__ import annotations

import argparse
from pathlib import Path

from model_core.errors import add_debug_options
from train import __version__
from train.cli_head import (  # noqa: F401 - _train_only_examples: re-exported for tests
    _add_head_options,
    _add_train_only,
    _compare,
    _crossval,
    _fit_head,
    _train_only_examples,
)
from train.console import PROG, error, say


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Fine-tune EmoStudio's EmoReasoner (task-alternating LoRA training).",
        epilog="Data specs: iemocap:PATH, iemocap-full:PATH, meld:PATH, meld-sentiment:PATH, "
        "ravdess:PATH, ravdess-full:PATH, ased:PATH, ased-full:PATH (evaluation only), "
        "manifest:FILE.csv|.jsonl, folders:DIR (one folder per label), asterisk.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    validate = commands.add_parser(
        "validate", help="report missing/unreadable files, labels, durations"
    )
    validate.add_argument("data", nargs="+", metavar="DATA")
    validate.add_argument("--labels", help="comma-separated label set to check against")
    validate.add_argument("--no-audio", action="store_true", help="check only that files exist")

    rationales = commands.add_parser("rationales", help="write checked rationale targets (JSONL)")
    rationales.add_argument("data", nargs="+", metavar="DATA")
    rationales.add_argument("--out", type=Path, required=True, metavar="FILE.jsonl")
    rationales.add_argument(
        "--teacher",
        default="smollm2-135m-instruct",
        help="teacher LM source, or 'template' for template rationales only",
    )
    rationales.add_argument(
        "--tries", type=int, default=3, help="teacher attempts before the template"
    )
    rationales.add_argument(
        "--labels", help="comma-separated label set (default: the data's labels)"
    )
    rationales.add_argument("--device", default="auto")
    rationales.add_argument("--seed", type=int, default=0)

    fit = commands.add_parser("fit", help="train EmoReasoner from a TOML config")
    fit.add_argument("--config", type=Path, required=True)
    fit.add_argument(
        "--no-resume", action="store_true", help="ignore earlier checkpoints in the output"
    )

    evaluate = commands.add_parser("evaluate", help="WA, UA, macro-F1, confusion, grounding, WER")
    evaluate.add_argument("data", nargs="+", metavar="DATA")
    evaluate.add_argument(
        "--model",
        required=True,
        help="an EmoReasoner checkpoint folder, or a shipped one: 'default', 'fast', 'synthetic'",
    )
    evaluate.add_argument(
        "--out", type=Path, help="folder for evaluation.md/.json and confusion.png"
    )
    evaluate.add_argument(
        "--rationales", type=int, default=32, help="rationales to generate and ground"
    )
    evaluate.add_argument("--device", default="auto")
    evaluate.add_argument(
        "--drafts",
        type=int,
        choices=range(1, 5),
        metavar="K",
        help="up to K (1-4) drafts per rationale: greedy, then K-1 sampled ones where the "
        "review rejects it (default: the model's setting)",
    )
    evaluate.add_argument(
        "--constrained",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="vocabulary-constrained decoding (default: the model's setting)",
    )
    evaluate.add_argument(
        "--population",
        action="store_true",
        help="score every clip's cues against population priors, not the speaker's own "
        "recordings (EmoStudio's mode for a speaker it holds nothing else of)",
    )
    evaluate.add_argument("--cache", type=Path, help="feature cache folder")
    evaluate.add_argument("--no-card", action="store_true", help="leave the model card as it is")
    evaluate.add_argument(
        "--llm-int8",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="the LLM in int8 (LoRA merged; CPU only), to measure what it costs the reasoning "
        "(default: $EMOSTUDIO_LLM_INT8=1 turns it on, as in the app)",
    )

    synth = commands.add_parser("synth", help="build the synthetic prosody corpus (deterministic)")
    synth.add_argument("--out", type=Path, required=True, metavar="DIR")
    synth.add_argument("--seed", type=int, default=0)

    crossval = commands.add_parser(
        "crossval",
        help="speaker-independent cross-validation: EmoReasoner and an eGeMAPS peer, same folds",
    )
    crossval.add_argument("data", nargs="+", metavar="DATA")
    crossval.add_argument("--folds", type=int, default=4, help="speaker folds (default 4)")
    crossval.add_argument(
        "--config",
        type=Path,
        action="append",
        help="fit config for EmoReasoner ([data] train is ignored); repeat for a recipe of "
        "stages, each continuing from the one before",
    )
    crossval.add_argument(
        "--no-peer", action="store_true", help="leave out the eGeMAPS + logistic regression peer"
    )
    crossval.add_argument(
        "--only",
        type=int,
        nargs="+",
        metavar="FOLD",
        help="run only these folds (1-based), e.g. when compute is short; the summary says so",
    )
    crossval.add_argument(
        "--head",
        metavar="MODEL",
        help="cross-validate the label head on this model's Whisper (a shipped name or folder)",
    )
    crossval.add_argument("--cache", type=Path, help="feature cache folder (for --head)")
    _add_train_only(crossval)
    _add_head_options(crossval)
    crossval.add_argument(
        "--write-folds",
        type=Path,
        metavar="DIR",
        help="also write each fold's train and test speakers as manifests (foldN-train.csv, ...)",
    )
    crossval.add_argument("--out", type=Path, required=True, metavar="DIR")

    from train import cli_corpus

    cli_corpus.add_parser(commands)
    cli_corpus.add_norms_parser(commands)

    fit_head = commands.add_parser(
        "fit-head",
        help="train the label head on all the data and write BASE + head as a model folder",
    )
    fit_head.add_argument("data", nargs="+", metavar="DATA")
    fit_head.add_argument(
        "--base", required=True, metavar="MODEL", help="the model whose LLM writes rationales"
    )
    fit_head.add_argument(
        "--folds", type=int, default=4, help="speaker folds for the calibration (default 4)"
    )
    fit_head.add_argument("--cache", type=Path, help="feature cache folder")
    _add_train_only(fit_head)
    _add_head_options(fit_head)
    fit_head.add_argument("--out", type=Path, required=True, metavar="DIR")

    compare = commands.add_parser(
        "compare",
        help="models and the eGeMAPS peer side by side on one test corpus (cross-corpus checks)",
    )
    compare.add_argument("data", nargs="+", metavar="DATA", help="the test clips")
    compare.add_argument(
        "--model",
        action="append",
        default=[],
        help="a checkpoint folder or 'default' / 'fast' / 'synthetic' (repeat for several)",
    )
    compare.add_argument(
        "--peer-train",
        action="append",
        default=[],
        metavar="DATA",
        help="train the eGeMAPS peer on this data (repeat for several)",
    )
    compare.add_argument(
        "--sample",
        type=int,
        metavar="N",
        help="score a fixed sample of N test clips (labels keep their shares; seed 0)",
    )
    compare.add_argument(
        "--sample-part",
        type=int,
        default=0,
        metavar="K",
        help="the K-th sample of N from the same shuffle (parts share no clip; default 0)",
    )
    compare.add_argument("--rationales", type=int, default=0, help="rationales per model")
    compare.add_argument("--cache", type=Path, help="feature cache folder")
    compare.add_argument("--out", type=Path, required=True, metavar="DIR")

    cv = commands.add_parser("cv-iemocap", help="IEMOCAP leave-one-session-out cross-validation")
    cv.add_argument(
        "--config", type=Path, required=True, help="fit config ([data] train is ignored)"
    )
    cv.add_argument("--iemocap", type=Path, required=True, help="IEMOCAP_full_release folder")
    cv.add_argument("--full", action="store_true", help="every label instead of the 4-class set")
    add_debug_options(parser)
    return parser


def norms_run(args) -> int:
    from train.norms import run_norms

    return run_norms(args, say)


def corpus_cv_run(args) -> int:
    from train.cli_corpus import run

    return run(args)


def main(argv: list[str] | None = None) -> int:
    from model_core.devices import quiet_libraries
    from model_core.errors import EmoStudioError, report_unexpected

    args = build_parser().parse_args(argv)
    quiet_libraries()
    try:
        return int(COMMANDS[args.command](args))
    except EmoStudioError as err:  # config, data, training, checkpoint, weights, audio...
        return error(str(err))
    except KeyboardInterrupt:
        return error("interrupted; rerun the same command to resume")
    except Exception as err:  # a bug: one line, and the traceback with --debug
        if args.debug:
            raise
        return report_unexpected(PROG, err)


def _validate(args) -> int:
    from train.datasets import load_examples
    from train.datasets.validate import validate

    examples = [e for spec in args.data for e in load_examples(spec)]
    labels = args.labels.split(",") if args.labels else None
    report = validate(examples, labels, check_audio=not args.no_audio)
    complete = True
    for spec in args.data:
        kind, _, path = spec.partition(":")
        if kind in ("ravdess", "ravdess-full"):  # the release's 1440 files: name what is missing
            from train.datasets.ravdess import census

            found = census(path)
            complete = complete and found.complete
            say(found.to_text())
        if kind in ("ased", "ased-full"):
            from train.datasets.ased import census_text

            say(census_text(load_examples(f"ased-full:{path}")))
    say(report.to_text())
    return 0 if report.ok and complete else 1


def _rationales(args) -> int:
    from model_core.audio import AudioError, load_audio
    from model_core.cues import analyze_clip
    from model_core.grounding.salience import spread_words
    from train.datasets import load_examples
    from train.features import speaker_baselines
    from train.rationales import RationaleJob, Teacher, generate_rationales

    examples = [e for spec in args.data for e in load_examples(spec) if e.label]
    labels = args.labels.split(",") if args.labels else sorted({e.label for e in examples})
    baselines = speaker_baselines(examples)

    def jobs():
        for example in examples:
            try:
                analysis, summary = analyze_clip(
                    load_audio(example.audio),
                    example.start,
                    example.end,
                    baseline=baselines.get(example.speaker),
                )
            except AudioError as err:
                say(f"skipped {example.id}: {err}")
                continue
            yield RationaleJob(
                example.id,
                example.label,
                example.transcript,
                summary.descriptor,
                summary.to_dict()["cues"],
                spread_words(example.transcript, analysis.rate.speaking_intervals),
            )

    teacher = None if args.teacher == "template" else Teacher(args.teacher, args.device)

    def progress(index, record):
        if index % 20 == 0:
            kind = "template" if record.fallback else f"teacher (try {record.tries})"
            say(f"{index + 1}/{len(examples)} {record.id}: {kind}")

    counts = generate_rationales(
        jobs(),
        labels,
        args.out,
        teacher,
        tries=max(1, args.tries),
        seed=args.seed,
        progress=progress,
    )
    say(
        f"{args.out}: {counts['teacher']} from the teacher, {counts['fallback']} templates, "
        f"{counts['cached']} already there"
    )
    return 0


def _fit(args) -> int:
    from accelerate import PartialState

    from train.config import FitConfig
    from train.trainer import fit

    final = fit(FitConfig.load(args.config), resume=not args.no_resume, say=say)
    if PartialState().is_main_process:  # one line, not one per process
        say(f"done: emostudio analyze --model {final} FILE...")
    return 0


def _evaluate(args) -> int:
    from model_core.devices import pick_placement
    from model_core.pipeline import load_model, model_folder
    from train.evaluate import evaluate_specs, write_report

    if args.out is not None and args.out.exists() and not args.out.is_dir():
        return error(f"{args.out}: not a folder (a file of that name exists); --out takes a folder")
    model = load_model(args.model, pick_placement(args.device))
    from model_core.model.quantize import quantize_llm_int8, wants_llm_int8

    if wants_llm_int8(model, args.llm_int8):
        quantize_llm_int8(model)
        say("the LLM runs in int8 (LoRA merged)")
    report = evaluate_specs(
        model,
        args.data,
        args.cache,
        rationales=args.rationales,
        say=say,
        drafts=args.drafts,
        constrained=args.constrained,
        population_share=1.0 if args.population else 0.0,
    )
    say(report.markdown())
    if args.out:
        say(f"wrote {write_report(report, args.out, f'Evaluation of {args.model}')}")
    if not args.no_card:
        from train.card import add_evaluation

        say(
            f"model card updated: {add_evaluation(model_folder(args.model), report.markdown(), args.data)}"
        )
    return 0


def _cv_iemocap(args) -> int:
    from train.crossval import iemocap_cross_validation

    summary = iemocap_cross_validation(args.config, args.iemocap, full=args.full, say=say)
    say(summary)
    return 0


def _synth(args) -> int:
    from train.synth.corpus import build

    try:
        manifest = build(args.out, args.seed, say=say)
    except FileNotFoundError as err:  # the asterisk prompts: the message says what to install
        return error(str(err))
    say(f"train with: data spec manifest:{manifest}; corpus card: {args.out / 'CORPUS.md'}")
    return 0


COMMANDS = {
    "synth": _synth,
    "validate": _validate,
    "rationales": _rationales,
    "fit": _fit,
    "evaluate": _evaluate,
    "cv-iemocap": _cv_iemocap,
    "crossval": _crossval,
    "fit-head": _fit_head,
    "compare": _compare,
    "corpus-cv": corpus_cv_run,
    "norms": norms_run,
}


if __name__ == "__main__":
    raise SystemExit(main())
