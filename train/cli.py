"""``emostudio-train``: validate data, write rationale targets, fit, evaluate, cross-validate."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from model_core.errors import add_debug_options
from train import __version__

PROG = "emostudio-train"


def say(message: str) -> None:
    print(message, flush=True)


def error(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)
    return 2


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
        help="an EmoReasoner checkpoint folder, or a shipped one: 'default', 'synthetic'",
    )
    evaluate.add_argument(
        "--out", type=Path, help="folder for evaluation.md/.json and confusion.png"
    )
    evaluate.add_argument(
        "--rationales", type=int, default=32, help="rationales to generate and ground"
    )
    evaluate.add_argument("--device", default="auto")
    evaluate.add_argument("--cache", type=Path, help="feature cache folder")
    evaluate.add_argument("--no-card", action="store_true", help="leave the model card as it is")

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
        help="a checkpoint folder or 'default' / 'synthetic' (repeat for several)",
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


def _add_train_only(parser) -> None:
    parser.add_argument(
        "--train-only",
        action="append",
        default=[],
        metavar="DATA",
        help="data the label head always trains on, never scored nor folded (repeat for several)",
    )
    parser.add_argument(
        "--train-only-sample",
        type=int,
        default=0,
        metavar="N",
        help="take a fixed sample of N clips from each --train-only set (seed 0; 0: all)",
    )


def _add_head_options(parser) -> None:
    from train.head import DEFAULT_POPULATION_ANCHOR

    parser.add_argument(
        "--population-anchor",
        type=float,
        default=DEFAULT_POPULATION_ANCHOR,
        metavar="W",
        help="weight of the population logits in the head's speaker mode "
        f"(default {DEFAULT_POPULATION_ANCHOR}; 0: none)",
    )
    parser.add_argument(
        "--whisper-context",
        choices=("padded", "clip"),
        help="what the head's Whisper hears: 30-s padded windows or each clip's own frames "
        "(default: the base model's; the written model keeps it)",
    )
    parser.add_argument(
        "--whisper-tail",
        type=float,
        metavar="SECONDS",
        help="with --whisper-context clip: seconds of padding heard after each clip",
    )


def _train_only_examples(args, labels: list[str] | None = None) -> list:
    """The ``--train-only`` examples (with a label, in ``labels`` if given), each set
    sampled to ``--train-only-sample`` clips."""
    from train.compare import sample
    from train.datasets import DatasetError, load_examples

    if args.train_only_sample < 0:
        raise DatasetError(
            f"--train-only-sample takes 0 or more clips, not {args.train_only_sample}"
        )
    chosen = []
    for spec in args.train_only:
        examples = [e for e in load_examples(spec) if e.label and (not labels or e.label in labels)]
        chosen += sample(examples, args.train_only_sample) if args.train_only_sample else examples
    return chosen


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
    report = evaluate_specs(model, args.data, args.cache, rationales=args.rationales, say=say)
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


def _crossval(args) -> int:
    from train.datasets import load_examples
    from train.head import HEAD_CACHE
    from train.peer import PeerUnavailableError
    from train.speaker_cv import (
        run_head,
        run_peer,
        run_reasoner,
        speaker_folds,
        summarise,
        write_fold_manifests,
        write_summary,
    )

    if args.folds < 2:
        return error(f"--folds must be at least 2, not {args.folds}")
    if args.config is None and args.head is None and args.no_peer:
        return error("nothing to cross-validate: give --config or --head, or leave out --no-peer")
    examples = [e for spec in args.data for e in load_examples(spec) if e.label]
    labels = list(dict.fromkeys(e.label for e in examples))
    folds = speaker_folds(examples, args.folds)
    numbers = sorted(set(args.only or range(1, args.folds + 1)))
    if numbers[0] < 1 or numbers[-1] > args.folds:
        return error(f"--only takes fold numbers from 1 to {args.folds}, got {args.only}")
    chosen = {number: folds[number - 1] for number in numbers}
    if args.write_folds:
        for path in write_fold_manifests(examples, chosen, args.write_folds):
            say(f"wrote {path}")
    results = {}
    if not args.no_peer:
        try:
            results.update(run_peer(examples, chosen, labels, say))
        except PeerUnavailableError as err:
            return error(str(err))
    if args.head is not None:
        head_cache = args.cache / HEAD_CACHE if args.cache else None
        extra = _train_only_examples(args)
        head_results, temperatures = run_head(
            args.head,
            examples,
            chosen,
            labels,
            head_cache,
            say,
            extra,
            (args.whisper_context, args.whisper_tail),
            population_anchor=args.population_anchor,
        )
        results.update(head_results)
        say(f"head temperatures fitted on the held-out logits: {temperatures}")
    if args.config is not None:
        results.update(run_reasoner(args.config, examples, chosen, say))
    path = write_summary(args.out, summarise(results, labels), labels, chosen, args.folds)
    say(path.read_text())
    return 0


def _fit_head(args) -> int:
    import numpy as np

    from model_core.pipeline import model_folder
    from train.datasets import load_examples
    from train.head import (
        HEAD_CACHE,
        crossval_head,
        fit_label_head,
        head_features,
        load_head_base,
        middle_layer,
        write_model_with_head,
    )
    from train.speaker_cv import speaker_folds, summarise

    model = load_head_base(args.base, args.whisper_context, args.whisper_tail)
    labels = list(model.config.labels)
    examples = [e for spec in args.data for e in load_examples(spec) if e.label in labels]
    if not examples:
        return error(f"no example with one of the labels {labels}")
    cache = args.cache / HEAD_CACHE if args.cache else None
    layer = middle_layer(model)
    features, kept = head_features(examples, model, layer, cache, say)
    truth, speakers = [e.label or "" for e in kept], [e.speaker for e in kept]
    folds = dict(enumerate(speaker_folds(kept, args.folds), 1))
    extra = _train_only_examples(args, labels)
    extra_features, extra_kept = head_features(extra, model, layer, cache, say)
    always = (extra_features, [e.label or "" for e in extra_kept], [e.speaker for e in extra_kept])
    anchor = args.population_anchor
    results, temperatures = crossval_head(
        features,
        truth,
        speakers,
        folds,
        labels,
        say,
        always=always,
        layer=layer,
        population_anchor=anchor,
    )
    head = fit_label_head(
        np.vstack([features, extra_features]),
        truth + always[1],
        speakers + always[2],
        labels,
        layer=layer,
        temperatures=temperatures,
        population_anchor=anchor,
    )
    head.info["data"] = list(args.data) + list(args.train_only)
    report = {
        "data": list(args.data),
        "train_only": list(args.train_only),
        "train_only_sample": args.train_only_sample,
        "train_only_clips": len(extra_kept),
        "clips": len(kept),
        "speakers": len(set(speakers)),
        "folds": folds,
        "temperatures": temperatures,
        "crossval": summarise(results, labels),
    }
    out = write_model_with_head(model_folder(args.base), head, args.out, report, model.config)
    for name, entry in report["crossval"].items():
        say(f"{name}: pooled UA {entry['pooled_ua']:.1%}")
    say(f"wrote {out} (temperatures {temperatures})")
    return 0


def _compare(args) -> int:
    from train.compare import compare, sample, write
    from train.datasets import load_examples
    from train.peer import PeerUnavailableError

    if not args.model and not args.peer_train:
        return error("nothing to compare: give --model and/or --peer-train")
    test = [e for spec in args.data for e in load_examples(spec) if e.label]
    if args.sample:
        test = sample(test, args.sample, part=args.sample_part)
        if not test:
            return error(f"--sample-part {args.sample_part}: the data hold no clip for that part")
    elif args.sample_part:
        return error("--sample-part needs --sample")
    peer_train = [e for spec in args.peer_train for e in load_examples(spec)] or None
    try:
        rows = compare(
            test, args.model, peer_train, cache_dir=args.cache, rationales=args.rationales, say=say
        )
    except PeerUnavailableError as err:
        return error(str(err))
    part = f", part {args.sample_part}" if args.sample_part else ""
    sampled = f" (a sample of {len(test)} clips{part})" if args.sample else ""
    trained_on = f"; peer trained on {', '.join(args.peer_train)}" if args.peer_train else ""
    path = write(rows, args.out, f"Compared on {', '.join(args.data)}{sampled}{trained_on}")
    say(path.read_text())
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
}


if __name__ == "__main__":
    raise SystemExit(main())
