"""``emostudio``: the command-line entry point.

Subcommands register themselves through ``add_parser(subparsers)``; each sets
``run(args) -> exit status``.
"""

from __future__ import annotations

import argparse
import os
import sys

from emostudio import __version__
from emostudio.cli import (
    agreement,
    analyze,
    baseline,
    bench,
    cues,
    features,
    gui,
    models,
    project,
    segments,
    speaker,
)
from model_core.errors import add_debug_options


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="emostudio",
        description="EmoStudio: speech-emotion reasoning workbench. "
        "Measures prosody and voice quality of recordings against a speaker baseline.",
    )
    parser.add_argument("--version", action="version", version=f"emostudio {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (
        gui,
        analyze,
        cues,
        segments,
        features,
        baseline,
        project,
        agreement,
        speaker,
        models,
        bench,
    ):
        module.add_parser(subparsers)
    add_debug_options(parser)
    return parser


def _tolerant_streams() -> None:
    """File names need not be UTF-8: write such a name's own bytes, never fail on it.

    Python decodes them into surrogate escapes, which a UTF-8 stdout refuses under most
    locales (stderr escapes them already).
    """
    for stream, errors in ((sys.stdout, "surrogateescape"), (sys.stderr, "backslashreplace")):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding == "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors=errors)


def main(argv: list[str] | None = None) -> int:
    _tolerant_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        if gui.has_display():
            return gui.run(argparse.Namespace(files=[], debug=False))
        parser.print_help()
        print(
            "\nemostudio: no display here, so the desktop app cannot open; use a command above",
            file=sys.stderr,
        )
        return 0
    from model_core.errors import EmoStudioError, report_unexpected

    try:
        return int(args.run(args))
    except EmoStudioError as err:  # a complete message for the user; anything else is a bug
        print(f"emostudio: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("emostudio: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. piped into head): stop quietly, and point stdout at
        # /dev/null so that Python's final flush does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as err:  # a bug: one line, and the traceback with --debug
        if getattr(args, "debug", False):
            raise
        return report_unexpected("emostudio", err)


if __name__ == "__main__":
    raise SystemExit(main())
