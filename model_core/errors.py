"""The one base of EmoStudio's own errors.

An :class:`EmoStudioError` carries a complete message for the user (what went wrong and,
where it helps, what to do), so every front end prints it as is: the CLIs as one line,
the GUI in its error panel. Anything else that escapes is a bug, shown with a traceback
(the CLIs only with ``--debug``). Each family below keeps the built-in base it had, so
code that caught ``ValueError`` or ``RuntimeError`` still does.
"""

from __future__ import annotations


class EmoStudioError(Exception):
    """A problem the user can act on; ``str(error)`` is the whole message."""
