"""Keep the command reference (docs/cli.md) equal to the parsers' own help.

usage: python scripts/cli_reference.py [--check] [FILE]

``docs/cli.md`` holds, for every command of ``emostudio`` and ``emostudio-train``, a block
between ``<!-- help: emostudio analyze -->`` and ``<!-- /help -->``: this script rewrites
each block with that command's ``--help`` (argparse, 100 columns), so the reference says
what the parser accepts. ``--check`` changes nothing and exits 1 naming each block that
differs and each command without a block (``tests/test_cli_reference.py`` runs it).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
WIDTH = "100"  # argparse wraps help at $COLUMNS
BLOCK = re.compile(r"<!-- help: (?P<command>[\w -]+?) -->\n.*?<!-- /help -->", re.S)


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse keeps its subparsers only here
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def command_helps() -> dict[str, str]:
    """Every command's ``--help`` text, keyed by its full name (``"emostudio analyze"``).

    Nested commands (``emostudio models list``) are included; the top-level parsers too.
    """
    from emostudio.cli.main import build_parser as app_parser
    from train.cli import build_parser as train_parser

    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        helps: dict[str, str] = {}
        pending = [(parser.prog, parser) for parser in (app_parser(), train_parser())]
        while pending:
            name, parser = pending.pop(0)
            helps[name] = parser.format_help().rstrip() + "\n"
            pending += [(f"{name} {sub}", child) for sub, child in _subcommands(parser).items()]
        return helps
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous


def _block(command: str, help_text: str) -> str:
    return f"<!-- help: {command} -->\n```text\n{help_text}```\n<!-- /help -->"


def refresh(text: str, helps: dict[str, str]) -> tuple[str, list[str]]:
    """``text`` with every help block rewritten, and the problems found.

    Returns
    -------
    text : str
        The document with each block holding its command's current help.
    problems : list of str
        Blocks naming no command, and commands that have no block.
    """
    problems: list[str] = []

    def rewrite(match: re.Match) -> str:
        command = match["command"]
        if command not in helps:
            problems.append(f"a block for {command!r}, which is no command")
            return match[0]
        return _block(command, helps[command])

    updated = BLOCK.sub(rewrite, text)
    documented = {match["command"] for match in BLOCK.finditer(text)}
    problems += [f"no block for {name!r}" for name in helps if name not in documented]
    return updated, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=REFERENCE)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 on drift")
    args = parser.parse_args(argv)
    text = args.file.read_text(encoding="utf-8")
    updated, problems = refresh(text, command_helps())
    for problem in problems:
        print(f"{args.file}: {problem}", file=sys.stderr)
    if args.check:
        stale = [
            old["command"]
            for old, new in zip(BLOCK.finditer(text), BLOCK.finditer(updated), strict=True)
            if old[0] != new[0]
        ]
        for command in stale:
            print(f"{args.file}: the help of {command!r} changed", file=sys.stderr)
        if stale or problems:
            print("to update it: python scripts/cli_reference.py", file=sys.stderr)
        return 1 if stale or problems else 0
    if updated != text:
        args.file.write_text(updated, encoding="utf-8")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
