"""What every command shares: reporting per-file failures without tracebacks."""

from __future__ import annotations

import json
import math
import sys
import traceback
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from model_core.audio import AudioError

PROG = "emostudio"


def report_error(message: str, stream: TextIO | None = None) -> None:
    """One line on stderr, prefixed with the program name."""
    print(f"{PROG}: {message}", file=stream or sys.stderr, flush=True)


def for_each_file(
    paths: Iterable[str], handle: Callable[[str], None], *, debug: bool = False
) -> int:
    """Run ``handle`` on each path; report failures on stderr and go on.

    Returns
    -------
    int
        The number of files that failed. An :class:`AudioError` prints its own
        message (it names the file and the problem); anything else is a bug,
        reported as one line (the traceback too with ``debug``).
    """
    failures = 0
    for path in paths:
        try:
            handle(path)
        except AudioError as err:
            failures += 1
            report_error(str(err))
        except (KeyboardInterrupt, BrokenPipeError):
            raise
        except Exception as err:  # a bug: say so plainly, keep going with the next file
            failures += 1
            report_error(
                f"{path}: internal error ({type(err).__name__}: {err}); "
                "rerun with --debug and report it"
            )
            if debug:
                traceback.print_exc()
    return failures


def json_line(data: dict[str, Any], stream: TextIO | None = None) -> None:
    """Write one JSON object per line (NaN is written as null, never as invalid JSON)."""
    print(json.dumps(_finite(data), ensure_ascii=False), file=stream or sys.stdout, flush=True)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
