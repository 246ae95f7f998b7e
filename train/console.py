"""How ``emostudio-train`` speaks: progress on stdout, one-line errors on stderr."""

from __future__ import annotations

import sys

PROG = "emostudio-train"


def say(message: str) -> None:
    print(message, flush=True)


def error(message: str) -> int:
    """Print ``emostudio-train: message`` on stderr; the exit status 2."""
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)
    return 2
