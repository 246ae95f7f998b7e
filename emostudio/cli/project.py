"""``emostudio import``, ``export`` and ``list``: projects from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from emostudio.cli.cluster import (
    add_archive_options,
    archive_option_error,
    cluster_options,
    run_from_parquet,
    write_out,
)
from emostudio.cli.common import (
    add_model_options,
    add_rationale_source,
    report_error,
    whole_number,
)
from emostudio.store.export import FORMATS
from model_core.utterances import ASR_MODES, STRETCH


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    importer = subparsers.add_parser("import", help="import a folder of recordings into a project")
    importer.add_argument("folder", type=Path, nargs="?")
    importer.add_argument(
        "--db", type=Path, required=True, help="project file (created if missing)"
    )
    importer.add_argument("--recursive", action="store_true", help="include subfolders")
    importer.add_argument(
        "--glob", help="only files matching this pattern (default: audio suffixes)"
    )
    importer.add_argument("--cues-only", action="store_true", help="acoustic cues only, no model")
    add_model_options(importer)
    importer.add_argument(
        "--workers",
        type=whole_number(0, "0: one per core"),
        default=0,
        help="decoding processes (default: CPU cores); with --cluster, model actors "
        "(default: as many as fit)",
    )
    importer.add_argument(
        "--speaker-from",
        metavar="REGEX",
        help="speaker name from the relative path: a (?P<speaker>...) group or group 1",
    )
    importer.add_argument("--copy", action="store_true", help="store the audio in the project file")
    importer.add_argument(
        "--no-transcript", action="store_true", help="the model labels without ASR (faster)"
    )
    add_rationale_source(importer)
    importer.add_argument(
        "--segments",
        action="store_true",
        help="cut each recording into utterances and analyse each (see 'emostudio segments'); "
        "the whole recording keeps its acoustic cues",
    )
    importer.add_argument(
        "--utterance-asr",
        choices=ASR_MODES,
        default=STRETCH,
        help="with --segments: as in 'emostudio analyze'",
    )
    importer.add_argument(
        "--features",
        choices=("egemaps",),
        help="also measure and store this standard feature set (eGeMAPS v02, 88 functionals; "
        "export it with 'emostudio features --db FILE --from-project')",
    )
    add_archive_options(importer)
    importer.add_argument("--quiet", action="store_true", help="no progress bar")
    importer.set_defaults(run=run_import)

    exporter = subparsers.add_parser(
        "export",
        help="export analyses: TextGrid, EAF, CSV or JSON, or a training manifest",
    )
    exporter.add_argument("--db", type=Path, required=True)
    exporter.add_argument("--format", required=True, choices=FORMATS)
    exporter.add_argument(
        "--out", type=Path, required=True, help="folder (files are written only inside it)"
    )
    exporter.add_argument(
        "--anonymise", action="store_true", help="replace paths and speaker names by pseudonyms"
    )
    _filter_options(exporter)
    exporter.add_argument(
        "--accepted-only",
        action="store_true",
        help="only analyses whose latest human judgement accepted the model's label",
    )
    exporter.set_defaults(run=run_export)

    lister = subparsers.add_parser("list", help="list or search a project's analyses")
    lister.add_argument("--db", type=Path, required=True)
    lister.add_argument(
        "--sort", default="created", choices=("created", "name", "label", "duration")
    )
    lister.add_argument("--limit", type=int, default=50)
    _filter_options(lister)
    lister.set_defaults(run=run_list)


def _filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--label", help="the label as it stands: the latest human judgement, else the model's"
    )
    parser.add_argument("--model-label", help="the model's label only")
    parser.add_argument("--human-label", help="the latest human judgement's label only")
    parser.add_argument("--speaker")
    parser.add_argument("--annotator")
    parser.add_argument("--since", help="ISO date, e.g. 2026-01-31")
    parser.add_argument("--until", help="ISO date")
    parser.add_argument(
        "--search",
        help='full-text search in transcripts, rationales and notes ("quoted phrase", OR)',
    )


def _filters(args):
    from emostudio.store import Filters

    return Filters(
        label=args.label,
        model_label=args.model_label,
        human_label=args.human_label,
        speaker=args.speaker,
        annotator=args.annotator,
        since=args.since,
        until=args.until,
        text=args.search,
        accepted_only=getattr(args, "accepted_only", False),  # export's option only
    )


class _Progress:
    """A one-line progress display on stderr: done/total, rate and ETA."""

    def __init__(self, quiet: bool):
        self.quiet = quiet or not sys.stderr.isatty()
        self.bar = None

    def __call__(self, summary, _path: str) -> None:
        if self.quiet:
            return
        from tqdm import tqdm

        if self.bar is None:
            self.bar = tqdm(
                total=summary.candidates, unit="file", file=sys.stderr, dynamic_ncols=True
            )
        self.bar.update(summary.handled - self.bar.n)
        self.bar.set_postfix(
            imported=summary.imported, already=summary.already, failed=len(summary.failed)
        )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run_import(args: argparse.Namespace) -> int:
    from emostudio.store import Project, StoreError
    from emostudio.store.importer import ImportOptions
    from emostudio.store.importer import run_import as do_import
    from model_core.acoustics.egemaps import EgemapsUnavailableError
    from model_core.devices import quiet_libraries
    from model_core.errors import EmoStudioError
    from model_core.segments import SegmentationUnavailableError

    quiet_libraries()
    problem = archive_option_error(args)
    if problem:
        report_error(problem)
        return 2
    if args.from_parquet is not None:
        return run_from_parquet(args)
    if args.segments and args.cues_only:
        report_error("--segments analyses each utterance with the model: leave out --cues-only")
        return 2
    options = ImportOptions(
        recursive=args.recursive,
        glob=args.glob,
        cues_only=args.cues_only,
        model=args.model,
        device=args.device,
        workers=args.workers,
        speaker_from=args.speaker_from,
        copy=args.copy,
        transcribe=not args.no_transcript,
        rationale_source=args.rationale_source,
        drafts=args.drafts,
        asr_engine=args.asr_engine,
        features=args.features,
        segments=args.segments,
        utterance_asr=args.utterance_asr,
    )

    if not args.db.parent.is_dir():  # a mistyped --db must not create a tree of folders
        report_error(f"{args.db}: the folder {args.db.parent} does not exist")
        return 2
    progress = _Progress(args.quiet)
    try:
        with Project(args.db, actor="emostudio import") as project:
            cluster = cluster_options(args)
            if cluster is None:
                summary = do_import(project, args.folder, options, progress)
            else:
                from emostudio.cluster.driver import run_cluster_import

                summary = run_cluster_import(project, args.folder, options, cluster, progress)
            written = write_out(project, summary, args.out) if args.out else None
    except (StoreError, EgemapsUnavailableError, SegmentationUnavailableError) as err:
        progress.close()
        report_error(str(err))
        return 2
    except EmoStudioError as err:  # the model (StoreError, one too, is caught above)
        progress.close()
        report_error(f"cannot load model {args.model!r}: {err}")
        return 2
    progress.close()
    print(summary.text())
    if written:
        print(written)
    return 1 if summary.failed else 0


def run_export(args: argparse.Namespace) -> int:
    from emostudio.store import Project, StoreError
    from emostudio.store.export import export
    from emostudio.store.manifest import export_manifest

    summary = None
    try:
        with Project(args.db, create=False, actor="emostudio export") as project:
            if args.format == "manifest":  # also says what it left out, and why
                summary = export_manifest(
                    project, args.out, _filters(args), anonymise=args.anonymise
                )
                written = summary.written
            else:
                written = export(
                    project, args.out, args.format, _filters(args), anonymise=args.anonymise
                )
    except StoreError as err:
        report_error(str(err))
        return 2
    print(f"wrote {len(written)} file(s) to {args.out}")
    if summary is None:
        return 0
    print(summary.headline())
    for line in summary.warnings():
        print(line, file=sys.stderr)
    return 1 if summary.skipped else 0  # some items left out, each named


def run_list(args: argparse.Namespace) -> int:
    from emostudio.store import Project, StoreError

    try:
        with Project(args.db, create=False) as project:
            rows = project.queries.list_analyses(_filters(args), order=args.sort, limit=args.limit)
    except StoreError as err:
        report_error(str(err))
        return 2
    print(
        f"{'id':>6}  {'created':<19}  {'recording':<32}  {'speaker':<12}  {'model':<10}  "
        f"{'human':<10}  cues"
    )
    for analysis_id, result, facts in rows:
        print(
            f"{analysis_id:>6}  {facts['created'][:19]}  {facts['name']:<32.32}  {facts['speaker'] or '-':<12.12}  "
            f"{result.label or '-':<10}  {facts['human_label'] or '-':<10}  "
            f"{result.cues.get('descriptor', '')[:60]}"
        )
    print(f"{len(rows)} {'analysis' if len(rows) == 1 else 'analyses'}")
    return 0
