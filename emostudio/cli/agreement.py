"""``emostudio agreement``: how far a project's annotators (and the model) agree."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from emostudio.cli.common import report_error

FORMATS = ("markdown", "csv")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "agreement",
        help="annotator agreement: Cohen's kappa, Krippendorff's alpha, confusion matrices",
    )
    parser.add_argument("--db", type=Path, required=True, help="project file")
    parser.add_argument(
        "--annotators",
        metavar="A,B,...",
        help="only these annotators, separated by commas (default: all)",
    )
    parser.add_argument(
        "--include-model",
        action="store_true",
        help="count the model's label as one more rater (model:NAME)",
    )
    parser.add_argument("--format", choices=FORMATS, default="markdown")
    parser.add_argument("--out", type=Path, help="write the report to this file (default: stdout)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from emostudio.store import Project, StoreError
    from emostudio.store.agreement import agreement

    wanted = args.annotators.split(",") if args.annotators is not None else None
    try:
        with Project(args.db, create=False) as project:
            report = agreement(project, annotators=wanted, include_model=args.include_model)
    except StoreError as err:  # AgreementError too: no annotations, one rater, unknown names
        report_error(str(err))
        return 2
    text = report.to_markdown() if args.format == "markdown" else report.to_csv()
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as err:
        report_error(f"{args.out}: cannot write the report ({err.strerror or err})")
        return 2
    print(
        f"wrote the agreement of {len(report.raters)} raters on {len(report.items)} items to {args.out}"
    )
    return 0
