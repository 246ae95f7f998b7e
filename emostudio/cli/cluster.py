"""``emostudio import``'s archive options: ``--cluster`` (Ray), ``--out`` and
``--from-parquet`` (Parquet tables), and running an import from a table."""

from __future__ import annotations

import argparse
from pathlib import Path

from emostudio.cli.common import report_error, whole_number


def positive_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: must not be negative")
    return value


def add_cluster_options(parser: argparse.ArgumentParser, *, workers: bool = False) -> None:
    """``--cluster``, ``--cpus-per-worker``, ``--gpus-per-worker`` (and ``--workers``)."""
    parser.add_argument(
        "--cluster",
        nargs="?",
        const="auto",
        metavar="ADDRESS",
        help="analyse on a Ray cluster (pip install '.[cluster]'): 'auto' (the default "
        "when given alone) joins the cluster of this machine or starts Ray here; or the head "
        "node's HOST:6379 / ray://HOST:10001. --workers is then the number of model actors "
        "(default: as many as fit)",
    )
    if workers:
        parser.add_argument(
            "--workers",
            type=whole_number(0, "0: as many as fit"),
            default=0,
            help="with --cluster: model actors (default: as many as the cluster holds)",
        )
    parser.add_argument(
        "--cpus-per-worker",
        type=positive_number,
        metavar="N",
        default=1.0,
        help="with --cluster: CPUs each model actor reserves (its torch threads); default 1",
    )
    parser.add_argument(
        "--gpus-per-worker",
        type=positive_number,
        metavar="N",
        default=0.0,
        help="with --cluster: GPUs each model actor reserves (e.g. 1, or 0.5 for two per GPU); "
        "default 0 (CPU actors)",
    )


def add_archive_options(parser: argparse.ArgumentParser) -> None:
    """The options of ``import`` that concern clusters and Parquet tables."""
    add_cluster_options(parser)
    parser.add_argument(
        "--out",
        type=Path,
        help="also write this import's analyses as Parquet: FILE.parquet, or a folder of "
        "shards (part-00000.parquet, ...)",
    )
    parser.add_argument(
        "--from-parquet",
        type=Path,
        metavar="TABLE",
        help="bring rows of a Parquet table (a file or a folder of shards, written by --out "
        "or 'export --format parquet') into the project, instead of a folder of audio",
    )
    parser.add_argument(
        "--label",
        action="append",
        default=[],
        help="with --from-parquet: only rows with this label (as it stands: the human's, else "
        "the model's); repeat for several",
    )
    parser.add_argument(
        "--speaker",
        action="append",
        default=[],
        help="with --from-parquet: only rows of this speaker; repeat for several",
    )
    parser.add_argument(
        "--sure-only",
        action="store_true",
        help="with --from-parquet: leave out rows whose label the model was unsure of",
    )


def cluster_options(args: argparse.Namespace):
    """The :class:`ClusterOptions` of ``args`` (None without ``--cluster``)."""
    if args.cluster is None:
        return None
    from emostudio.cluster.ray_session import ClusterOptions

    return ClusterOptions(
        address=args.cluster,
        workers=args.workers,
        cpus_per_worker=args.cpus_per_worker,
        gpus_per_worker=args.gpus_per_worker,
    )


def archive_option_error(args: argparse.Namespace) -> str | None:
    """Why these options do not go together (None when they do)."""
    if args.from_parquet is not None:
        if args.folder is not None:
            return "give a folder of audio or --from-parquet TABLE, not both"
        if args.cluster is not None or args.out is not None:
            return "--from-parquet reads a table: --cluster and --out are for folders of audio"
        return None
    if args.folder is None:
        return "give a folder of audio to import (or --from-parquet TABLE)"
    if args.label or args.speaker or args.sure_only:
        return "--label, --speaker and --sure-only choose rows of --from-parquet"
    if args.cluster is None and (args.gpus_per_worker or args.cpus_per_worker != 1.0):
        return "--cpus-per-worker and --gpus-per-worker are for --cluster"
    return None


def run_from_parquet(args: argparse.Namespace) -> int:
    from emostudio.store import Project, StoreError
    from emostudio.store.from_parquet import RowChoice, import_parquet

    choice = RowChoice(tuple(args.label), tuple(args.speaker), args.sure_only)
    try:
        with Project(args.db, actor="emostudio import") as project:
            summary = import_parquet(project, args.from_parquet, choice)
    except StoreError as err:
        report_error(str(err))
        return 2
    print(summary.text())
    return 1 if summary.failed else 0


def write_out(project, summary, out: Path) -> str:
    """Write the analyses of the files this import met to ``out``; what was written."""
    from emostudio.store.parquet import rows_of_recordings, write_table

    rows = rows_of_recordings(project, summary.contents)
    written = write_table(rows, out)
    return f"wrote {len(rows)} rows to {out}" + (
        f" ({len(written)} files)" if len(written) > 1 else ""
    )
