"""``emostudio-train corpus-cv``: leave-one-corpus-out evaluation of label-head recipes
beside the eGeMAPS peer and a shipped model (its options and handler; the parser's other
commands are in :mod:`train.cli`)."""

from __future__ import annotations

from pathlib import Path

from train.console import error, say


def add_parser(commands) -> None:
    from train.head_recipes import RECIPES

    parser = commands.add_parser(
        "corpus-cv",
        help="leave-one-corpus-out: each training corpus held out in turn, evaluation-only "
        "corpora scored by the head trained on all; recipes, the peer and a shipped model "
        "side by side, calibrated on other corpora",
    )
    parser.add_argument(
        "--train",
        action="append",
        default=[],
        metavar="DATA",
        help="a corpus that trains and is held out in turn (repeat; SPEC@N: a sample of N)",
    )
    parser.add_argument(
        "--evaluate",
        action="append",
        default=[],
        metavar="DATA",
        help="a corpus that is only scored (repeat; evaluation-only licences go here)",
    )
    parser.add_argument(
        "--always",
        action="append",
        default=[],
        metavar="DATA",
        help="a corpus that always trains and is never scored (repeat; SPEC@N: a sample)",
    )
    parser.add_argument(
        "--check",
        action="append",
        default=[],
        metavar="DATA",
        help="a set scored by the head trained on all, reported apart (e.g. asterisk-test: "
        "held-out prompts of a speaker who trains); never in a mean nor in calibration",
    )
    parser.add_argument(
        "--recipe",
        action="append",
        choices=sorted(RECIPES),
        metavar="NAME",
        help=f"head recipes to compare (repeat; the first is described in detail; default "
        f"the shipped recipe and the one before it): {', '.join(sorted(RECIPES))}",
    )
    parser.add_argument(
        "--shipped",
        action="append",
        default=[],
        metavar="MODEL",
        help="also score a shipped model's head as it is (a shipped name or folder)",
    )
    parser.add_argument("--no-peer", action="store_true", help="leave out the eGeMAPS peer")
    parser.add_argument(
        "--speaker-folds",
        action="append",
        default=[],
        metavar="CORPUS=K",
        help="also hold out a training corpus's speakers in K folds (e.g. ravdess=4)",
    )
    parser.add_argument(
        "--base", default="synthetic", metavar="MODEL", help="whose Whisper (default synthetic)"
    )
    parser.add_argument(
        "--whisper-context",
        choices=("padded", "clip"),
        help="what Whisper hears (default: the base model's)",
    )
    parser.add_argument("--labels", default="neutral,happy,sad,angry", help="the label set")
    parser.add_argument("--cache", type=Path, required=True, help="feature cache folder")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR")
    parser.add_argument(
        "--write-model",
        type=Path,
        metavar="DIR",
        help="also fit the first recipe on every training corpus, calibrated on the "
        "held-out-corpus logits, and write BASE with that head here",
    )


def add_norms_parser(commands) -> None:
    parser = commands.add_parser(
        "norms",
        help="measure the population norms of the cues on neutral clips of real speakers",
    )
    parser.add_argument("data", nargs="+", metavar="DATA", help="corpora whose neutral clips count")
    parser.add_argument(
        "--evaluate",
        action="append",
        default=[],
        metavar="DATA",
        help="held-out corpora to check the norms on (their neutral clips' jitter and shimmer)",
    )
    parser.add_argument("--cache", type=Path, required=True, help="feature cache folder")
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="the JSON to write (EmoStudio reads model_core/cues/population_norms.json)",
    )


def parse_speaker_folds(values: list[str]) -> dict[str, int]:
    """``["ravdess=4"]`` -> ``{"ravdess": 4}``.

    Raises
    ------
    ValueError
        For a value that is not CORPUS=K with K at least 2.
    """
    folds = {}
    for value in values:
        corpus, equals, count = value.partition("=")
        if not equals or not count.isdigit() or int(count) < 2:
            raise ValueError(f"--speaker-folds takes CORPUS=K with K at least 2, not {value!r}")
        folds[corpus] = int(count)
    return folds


def run(args) -> int:
    from model_core.model.config import EmoReasonerConfig
    from model_core.model.head import LabelHead
    from model_core.pipeline import model_folder
    from train.corpus_cv import (
        HeadSystem,
        PeerSystem,
        ShippedSystem,
        calibrated_figures,
        corpus_folds,
        run_folds,
        shipping_calibration,
    )
    from train.corpus_report import write_report
    from train.corpus_rows import corpus_name, load_rows, split_sample
    from train.head import load_head_base
    from train.head_recipes import RECIPES

    if not args.train:
        return error("corpus-cv needs at least one --train corpus to hold out")
    try:
        speaker_folds = parse_speaker_folds(args.speaker_folds)
    except ValueError as err:
        return error(str(err))
    labels = [label.strip() for label in args.labels.split(",") if label.strip()]
    recipes = [RECIPES[name] for name in (args.recipe or ["multi-corpus", "default-2.0"])]
    augmentations = tuple(dict.fromkeys(a for r in recipes for a in r.augmentations))
    model = load_head_base(
        args.base, args.whisper_context, 0.0 if args.whisper_context == "clip" else None
    )
    specs = {
        "train": args.train,
        "evaluate": args.evaluate,
        "always": args.always,
        "check": args.check,
    }
    rows = load_rows(specs, labels, args.cache, model, augmentations, say)
    folds = corpus_folds(rows, speaker_folds)
    systems = [HeadSystem(recipe) for recipe in recipes]
    if not args.no_peer:
        systems.append(PeerSystem())
    seen: dict[str, set[str]] = {}
    for spec in args.shipped:
        shipped_context = EmoReasonerConfig.load(model_folder(spec)).whisper_context
        if shipped_context != model.config.whisper_context:
            return error(
                f"--shipped {spec} reads Whisper's {shipped_context} context, this run the "
                f"{model.config.whisper_context} one: score it in a run of its context"
            )
        head = LabelHead.load(model_folder(spec))
        name = f"shipped {spec}"
        seen[name] = {corpus_name(split_sample(s)[0]) for s in head.info.get("data", [])}
        systems.append(
            ShippedSystem(
                name, head, tuple(head.info.get("layers", [head.whisper_layer])), seen[name]
            )
        )
    held = run_folds(rows, folds, systems, labels, say)
    calibration = [corpus_name(split_sample(s)[0]) for s in args.train]
    figures = {
        system.name: calibrated_figures(
            held[system.name],
            labels,
            calibration,
            recalibrate=not isinstance(system, ShippedSystem),
        )
        for system in systems
    }
    record = {
        "labels": labels,
        "corpora": specs,
        "context": model.config.whisper_context,
        "recipes": {r.name: r.to_dict() for r in recipes},
        "calibration_corpora": calibration,
        "shipping_calibration": {
            s.name: shipping_calibration(held[s.name], calibration)
            for s in systems
            if isinstance(s, HeadSystem)
        },
        "seen": {name: sorted(corpora) for name, corpora in seen.items()},
    }
    title = (
        f"Leave-one-corpus-out: trained on {', '.join(args.train + args.always)}; "
        f"evaluated on {', '.join(args.evaluate) or 'nothing else'} (Whisper {model.config.whisper_context})"
    )
    path = write_report(args.out, title, figures, labels, seen, record)
    say(path.read_text())
    if args.write_model:
        from train.corpus_fit import fit_shipped_head, write_shipped_model

        recipe = recipes[0]
        info = {"data": args.train + args.always, "evaluated_on": args.evaluate}
        head = fit_shipped_head(
            rows, recipe, labels, record["shipping_calibration"][recipe.name], info
        )
        report = {**record, "figures": figures[recipe.name], "run": str(args.out)}
        out = write_shipped_model(args.base, head, args.write_model, report, record["context"])
        say(f"wrote {out} (temperatures {head.temperatures}, set thresholds {head.set_thresholds})")
    return 0
