"""The one base of EmoStudio's own errors.

An :class:`EmoStudioError` carries a complete message for the user (what went wrong and,
where it helps, what to do), so every front end prints it as is: the CLIs as one line,
the GUI in its error panel. Anything else that escapes is a bug, shown with a traceback
(the CLIs only with ``--debug``). Each family below keeps the built-in base it had, so
code that caught ``ValueError`` or ``RuntimeError`` still does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    import argparse


class EmoStudioError(Exception):
    """A problem the user can act on; ``str(error)`` is the whole message."""


UNEXPECTED_STATUS = 70  # sysexits' EX_SOFTWARE: an internal error, not the user's input


def add_debug_options(parser: argparse.ArgumentParser) -> None:
    """Give every (innermost) command of an argparse ``parser`` a ``--debug`` flag.

    Commands that define their own (``emostudio analyze``) keep it.
    """
    children = [
        choice
        for action in parser._actions  # argparse keeps its subparsers only here
        if action.__class__.__name__ == "_SubParsersAction"
        for choice in cast("dict[str, argparse.ArgumentParser]", action.choices).values()
    ]
    if not children and "--debug" not in parser._option_string_actions:
        parser.add_argument(
            "--debug", action="store_true", help="show the traceback of an internal error"
        )
    for child in children:
        add_debug_options(child)


def report_unexpected(prog: str, error: Exception) -> int:
    """One line for an error that is not an :class:`EmoStudioError` (a bug): its type and
    message and how to see the traceback; returns :data:`UNEXPECTED_STATUS`."""
    import sys

    print(
        f"{prog}: internal error ({type(error).__name__}: {error}); "
        "rerun with --debug for the traceback and please report it",
        file=sys.stderr,
        flush=True,
    )
    return UNEXPECTED_STATUS
