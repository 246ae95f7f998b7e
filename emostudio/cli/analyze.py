"""``emostudio analyze FILE...``: transcript, cues, label probabilities and a rationale."""

from __future__ import annotations

import argparse
import sys
import time
import traceback

from emostudio.cli.batches import (
    CHUNK_BATCHES,
    Decoded,
    decoded_chunks,
    default_batch,
    length_batches,
)
from emostudio.cli.cluster import add_cluster_options
from emostudio.cli.common import (
    add_baseline_options,
    add_model_options,
    add_rationale_source,
    baseline_from_args,
    json_line,
    report_error,
    same_speaker_baseline,
    same_speaker_voice,
    whole_number,
)
from model_core.errors import EmoStudioError
from model_core.kinds import Policy, VerdictKind
from model_core.model.uncertainty import set_text
from model_core.utterances import ASR_MODES, STRETCH


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="transcribe, measure cues and reason about the emotion of audio files",
        description="Run the full pipeline on each file: acoustic cues, word-timed ASR, "
        "EmoReasoner label probabilities and a rationale.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--json", action="store_true", help="one JSON object per file on stdout")
    add_model_options(parser)
    parser.add_argument(
        "--no-rationale", action="store_true", help="label probabilities only (faster)"
    )
    parser.add_argument(
        "--no-transcript",
        action="store_true",
        help="skip ASR (the slowest stage on a CPU): labels and cues only, no words",
    )
    parser.add_argument(
        "--batch",
        type=whole_number(1),
        default=None,
        metavar="N",
        help="files per model batch, grouped by length (default: 8 on a CPU, 32 on a GPU; "
        "1 with --stream)",
    )
    add_rationale_source(parser)
    parser.add_argument(
        "--stream",
        action="store_true",
        help="print the rationale as it is generated (table output only)",
    )
    parser.add_argument(
        "--segments",
        action="store_true",
        help="one analysis per utterance (voice activity and pauses: see `emostudio segments`); "
        "JSON: one object per utterance with its number, start and end",
    )
    parser.add_argument(
        "--utterance-asr",
        choices=ASR_MODES,
        default=STRETCH,
        help="with --segments: transcribe consecutive utterances a Whisper window at a time "
        "(default, several times faster) or each alone (slower, fewer word errors: "
        "docs/cli.md)",
    )
    add_baseline_options(parser, same_speaker=True)
    add_cluster_options(parser, workers=True)
    parser.add_argument("--debug", action="store_true", help="print tracebacks of internal errors")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from model_core.devices import quiet_libraries
    from model_core.pipeline import Analyzer, Clip

    quiet_libraries()
    if args.cluster is not None:
        return run_on_cluster(args)
    if args.gpus_per_worker or args.cpus_per_worker != 1.0 or args.workers:
        report_error("--workers, --cpus-per-worker and --gpus-per-worker are for --cluster")
        return 2
    started = time.perf_counter()
    try:
        analyzer = Analyzer.load(
            args.model,
            args.device,
            rationale_policy=args.rationale_source,
            drafts=args.drafts,
            asr_engine=args.asr_engine,
        )
    except EmoStudioError as err:
        report_error(f"cannot load model {args.model!r}: {err}")
        return 2
    load_seconds = time.perf_counter() - started
    if not args.json:
        info = analyzer.model_info
        print(
            f"model: {info['name']} {info['version']} on {info['device']} (loaded in {load_seconds:.1f} s)"
        )
    baseline = baseline_from_args(args)
    voice = None
    if args.same_speaker:
        baseline = same_speaker_baseline(args.files) or baseline
        voice = same_speaker_voice(analyzer, args.files)
        if not args.json:
            print(f"baseline: {baseline.name}, from {baseline.n_recordings} recordings")
    stream = (
        args.stream
        and not args.json
        and not args.no_rationale
        and args.rationale_source != Policy.COMPOSER
    )
    # Streaming prints one file's draft as it is written: one file per batch.
    size = 1 if stream else args.batch or default_batch(analyzer.model.placement.device.type)
    if args.segments:
        from emostudio.cli.segmented import analyze_segments
        from model_core.segments import SegmentationUnavailableError
        from model_core.utterances import Reading

        try:
            failed_files = analyze_segments(
                args,
                analyzer,
                Reading(baseline, voice),
                args.batch or default_batch(analyzer.model.placement.device.type),
                print_result,
                own_baseline=not (args.same_speaker or getattr(args, "baseline", None)),
            )
        except SegmentationUnavailableError as err:
            report_error(str(err))
            return 2
        return 1 if failed_files else 0
    failures = 0

    def failed(path: str, message: str) -> None:
        nonlocal failures
        failures += 1
        report_error(message)

    def analyse(group: list[Decoded]) -> list:
        if stream:
            print(f"\n{group[0].path}\n  model's draft: ", end="", flush=True)
        results = analyzer.analyze(
            [Clip(item.recording, baseline=baseline, voice=voice) for item in group],
            rationale=not args.no_rationale,
            transcribe=not args.no_transcript,
            on_text=(lambda _row, delta: print(delta, end="", flush=True)) if stream else None,
        )
        if stream:
            print()
        return results

    def show(item: Decoded, result) -> None:
        result.timings["decode"] = round(item.decode_seconds, 4)
        if args.json:
            json_line(result.to_dict())
        else:
            print_result(item.path, result, streamed=stream)

    chunks = decoded_chunks(
        args.files, size * CHUNK_BATCHES, lambda path, err: failed(path, str(err))
    )
    for chunk in chunks:
        done = {}
        for group in length_batches(chunk, size):
            for item, result in analysed(group, analyse, failed, debug=args.debug):
                done[item.index] = (item, result)
        for index in sorted(done):  # input order
            show(*done[index])
    return 1 if failures else 0


def run_on_cluster(args: argparse.Namespace) -> int:
    """``analyze --cluster``: the files on a Ray cluster, printed in their order."""
    from emostudio.cli.cluster import cluster_options
    from emostudio.cluster.analyze import analyze_on_cluster
    from emostudio.cluster.driver import cluster_job
    from emostudio.cluster.ray_session import ClusterError

    unsupported = [
        option
        for option, given in (
            ("--same-speaker", args.same_speaker),
            ("--segments", args.segments),
            ("--stream", args.stream),
        )
        if given
    ]
    if unsupported:
        report_error(f"{', '.join(unsupported)}: not with --cluster (each file is read alone)")
        return 2
    cluster = cluster_options(args)
    job = cluster_job(
        cluster,
        model=args.model,
        device=args.device,
        rationale_source=args.rationale_source,
        drafts=args.drafts,
        asr_engine=args.asr_engine,
        transcribe=not args.no_transcript,
        rationale=not args.no_rationale,
        batch=args.batch or default_batch("cuda" if cluster.gpus_per_worker else "cpu"),
    )
    failures = 0

    def failed(path: str, message: str) -> None:
        nonlocal failures
        failures += 1
        report_error(message)

    def show(path: str, result) -> None:
        if args.json:
            json_line(result.to_dict())
        else:
            print_result(path, result)

    try:
        analyze_on_cluster(args.files, job, cluster, baseline_from_args(args), show, failed)
    except ClusterError as err:
        report_error(str(err))
        return 2
    return 1 if failures else 0


def analysed(group, analyse, failed, *, debug: bool = False):
    """(item, result) for each file of ``group`` analysed as one batch; when the batch
    fails, each file alone, so that one bad file costs only itself."""
    try:
        return list(zip(group, analyse(group), strict=True))
    except (KeyboardInterrupt, BrokenPipeError):
        raise
    except Exception as err:
        if len(group) > 1:
            return [
                pair for item in group for pair in analysed([item], analyse, failed, debug=debug)
            ]
        (item,) = group
        if isinstance(err, EmoStudioError):  # the file's problem, in the user's words
            failed(item.path, str(err))
        else:  # a bug: say so plainly, keep going with the next file
            failed(
                item.path,
                f"{item.path}: internal error ({type(err).__name__}: {err}); "
                "rerun with --debug and report it",
            )
            if debug:
                traceback.print_exc()
        return []


VERDICT_MARKS = {
    VerdictKind.SUPPORTED: "+",
    VerdictKind.CONTRADICTED: "x",
    VerdictKind.NOT_MEASURABLE: "?",
    VerdictKind.NOT_FOUND: "!",
    VerdictKind.TRANSCRIPT_UNRELIABLE: "~",
    VerdictKind.UNCHECKED: "*",
}


def stance_text(citation: dict) -> str:
    """``for label, as support`` / ``against label, as counter`` (empty for quotes and for
    citations stored before stances existed)."""
    stance, presented = citation.get("stance"), citation.get("presented_as")
    if not stance or not presented:
        return ""
    return f"{stance}, as {presented}"


def review_lines(result) -> list[str]:
    """Where the rationale came from and what the review found in the model's draft."""
    from model_core.rationale.review import review_summary

    review = result.rationale_review
    summary = review_summary(review)
    if not summary:
        return []
    return [f"  {summary}"] + [f"    - {problem}" for problem in review["problems"]]


def print_result(path, result, streamed: bool = False, stream=None) -> None:
    """The table view of one result; ``streamed``: the model's draft was already printed."""
    out = stream or sys.stdout
    print(f"\n{path}  {result.duration:.2f} s", file=out)
    if result.note:
        print(f"  !! {result.note}", file=out)
    for warning in result.warnings:
        print(f"  warning: {warning}", file=out)
    print(f"  transcript: {result.transcript or '(none)'}", file=out)
    words = "  ".join(f"{w['word']}[{w['start']:.2f}-{w['end']:.2f}]" for w in result.words)
    if words:
        print(f"  words: {words}", file=out)
    print(f"  cues: {result.cues['descriptor']}", file=out)
    ranked = sorted(result.probabilities.items(), key=lambda item: -item[1])
    bars = "  ".join(f"{label} {p:.2f}" for label, p in ranked)
    verdict = result.label if result.note is None else f"{result.label} (untrained: not a finding)"
    if result.note is None and result.unsure:
        verdict = f"{set_text(result.label_set or [result.label])} (unsure)"
    print(f"  label: {verdict}    [{bars}]", file=out)
    if result.label_set:
        coverage = (result.uncertainty or {}).get("coverage") or 0.9
        print(f"  {coverage:.0%} set: {set_text(result.label_set)}", file=out)
    for reason in (result.uncertainty or {}).get("reasons", []):
        print(f"  unsure: {reason}", file=out)
    review = result.rationale_review or {}
    for line in review_lines(result):
        print(line, file=out)
    if result.rationale and not (streamed and review.get("source") == "model"):
        print(f"  rationale: {result.rationale}", file=out)
    for citation in result.citations:
        where = ", ".join(f"{a:.2f}-{b:.2f}" for a, b in citation["spans"]) or "-"
        mark = VERDICT_MARKS.get(citation["verdict"], "?")
        print(
            f"    {mark} {citation['claim']:<32} {citation['verdict']:<15} {stance_text(citation):<24}"
            f" at {where}  [{citation['evidence']}]",
            file=out,
        )
        if citation.get("inconsistent"):
            print(f"      !! inconsistent: {citation.get('stance_reason', '')}", file=out)
    timing = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items() if k != "batch_size")
    print(f"  timings: {timing}", file=out, flush=True)
