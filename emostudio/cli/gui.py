"""``emostudio gui [FILE ...]`` (and ``emostudio`` alone): the desktop app."""

from __future__ import annotations

import argparse
import os
import sys


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "gui",
        help="open the desktop app (the default with no command)",
        description="Open the desktop app, with a recording or a folder to import.",
    )
    parser.add_argument("files", nargs="*", help="a recording to open, or a folder to import")
    parser.set_defaults(run=run)


def has_display() -> bool:
    """Whether a window can be shown: X11, Wayland or a visible Qt platform; always on macOS and Windows."""
    if sys.platform in ("darwin", "win32"):
        return True
    # offscreen and minimal draw nowhere: opening the app there would only hang a script
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform not in ("offscreen", "minimal")
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(args: argparse.Namespace) -> int:
    from emostudio.gui.app import main

    return main(args.files, debug=getattr(args, "debug", False))
