"""Shared settings and text strategies for the fuzz tests.

Every fuzz test uses :func:`fuzz` (no example database, no deadline) so a CI run is
reproducible and the whole folder stays within about a minute on two cores;
``EMOSTUDIO_FUZZ_SCALE`` multiplies the examples for a deeper run.
"""

from __future__ import annotations

import os

from hypothesis import settings
from hypothesis import strategies as st

# EMOSTUDIO_FUZZ_SCALE=10 runs ten times the examples (a deeper hunt than CI's).
SCALE = float(os.environ.get("EMOSTUDIO_FUZZ_SCALE", "1"))


def fuzz(max_examples: int) -> settings:
    """Database-less settings with ``max_examples`` (times the scale) and no deadline."""
    # At the default scale the examples are derandomized, so CI runs the same inputs every
    # time and a red CI always means a change broke something; a deeper run explores anew.
    return settings(
        max_examples=max(1, round(max_examples * SCALE)),
        deadline=None,
        database=None,
        derandomize=SCALE == 1,
    )


# Strings that break naive parsers and writers: quotes of every kind, line ends of
# every platform, tabs, NUL and other controls, a BOM, the one letter whose lower case
# is longer than itself, combining marks, astral characters, a very long run.
NASTY = (
    '"',
    '""',
    "'",
    "“",
    "”",
    "‘",
    "’",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\x00",
    "\x01",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x7f",
    "\x85",
    "\u2028",
    "\ufeff",
    "\u0130",
    "ß",
    "\u0301",
    "𝔘",
    "🎉",
    "\\",
    "<",
    "&",
    "]]>",
    " ",
    "x" * 3000,
)
CHARACTERS = st.characters(codec="utf-8")  # every code point but lone surrogates
TEXT = st.text(CHARACTERS, max_size=60)
NASTY_TEXT = st.lists(st.sampled_from(NASTY) | TEXT, max_size=6).map("".join)
SOME_TEXT = TEXT | NASTY_TEXT
