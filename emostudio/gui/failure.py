"""What went wrong off the GUI thread, carried to it as an object.

Work on a pool thread or on the model thread fails with an exception; the exception
crosses to the GUI thread inside a :class:`Failure` (``Signal(object)``), with what was
being done. The text is formatted only where it is shown (:meth:`Failure.message`): a
user's problem (an :class:`~model_core.errors.EmoStudioError` or an OS error such as a full
disk) reads as its own message; anything else is a bug, whose traceback goes to the log
(:func:`configure_log`) and, with ``emostudio gui --debug``, into the message itself.
Cancellation is no failure: it has a signal of its own.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from logging.handlers import RotatingFileHandler
from pathlib import Path

from model_core.errors import EmoStudioError

LOG = logging.getLogger("emostudio.gui")
LOG_BYTES = 1_000_000  # one rotated file: the last failures, not a history
_state = {"debug": False, "log_file": None}


class NoModelLoaded(EmoStudioError, RuntimeError):
    """An analysis was asked for before a model was loaded."""


@dataclass(frozen=True, eq=False)
class Failure:
    """An exception from work off the GUI thread, and what was being done.

    Attributes
    ----------
    error : BaseException
        What was raised (its traceback kept).
    action : str
        What failed, as the user would say it ("cannot load model 'x'"); empty: the
        error says it all.
    """

    error: BaseException
    action: str = ""

    @property
    def is_bug(self) -> bool:
        """Not a user's problem: the traceback matters."""
        return not isinstance(self.error, EmoStudioError | OSError)

    @property
    def traceback(self) -> str:
        return "".join(traceback.format_exception(self.error))

    def within(self, action: str) -> Failure:
        """The same failure, seen from a larger action ("cannot measure this recording")."""
        return Failure(self.error, f"{action}: {self.action}" if self.action else action)

    @property
    def summary(self) -> str:
        """One line: what was being done and the error (its type too, for a bug)."""
        text = f"{type(self.error).__name__}: {self.error}" if self.is_bug else str(self.error)
        return f"{self.action}: {text}" if self.action else text

    def message(self, debug: bool | None = None) -> str:
        """The text to show: the user's message, or for a bug its type, its message and
        where its traceback is (the traceback itself with ``debug``)."""
        debug = _state["debug"] if debug is None else debug
        text = self.summary
        if not self.is_bug:
            return text
        if debug:
            return f"{text}\n{self.traceback}"
        where = _state["log_file"] or "the terminal's output"
        return f"{text} (an internal error: please report it with the traceback in {where})"

    def __str__(self) -> str:
        return self.message()


def failure_of(error: BaseException, action: str = "") -> Failure:
    """Wrap ``error``; a bug's traceback is logged at once, on the thread that raised it."""
    failure = Failure(error, action)
    if failure.is_bug:
        LOG.error("%s", failure.summary, exc_info=error)
    return failure


def configure_log(folder: Path | None, debug: bool = False) -> Path | None:
    """Log the GUI's internal errors (with tracebacks) to ``folder/emostudio.log`` and to
    standard error; ``debug`` also puts tracebacks in the messages the window shows.

    Returns the log file, or None when ``folder`` cannot be written (standard error only).
    """
    _state["debug"] = debug
    LOG.setLevel(logging.INFO)
    if not any(isinstance(h, logging.StreamHandler) for h in LOG.handlers):
        LOG.addHandler(logging.StreamHandler())
    if folder is None:
        return None
    path = Path(folder) / "emostudio.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=LOG_BYTES, backupCount=1, encoding="utf-8")
    except OSError as err:
        LOG.warning("cannot write the log %s (%s): errors go to standard error only", path, err)
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(threadName)s %(levelname)s %(message)s"))
    LOG.addHandler(handler)
    _state["log_file"] = str(path)
    return path


def shown(item: Failure | str) -> str:
    """The text of a failure or of a plain message, for the window's messages."""
    return item.message() if isinstance(item, Failure) else str(item)
