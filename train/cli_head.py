"""``emostudio-train crossval``, ``fit-head`` and ``compare``: the speaker-independent
checks, the label head and side-by-side comparisons (their options and handlers; the
parser and the other commands are in :mod:`train.cli`)."""

from __future__ import annotations

from train.console import error, say


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
