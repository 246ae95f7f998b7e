"""When a recording was made: a date in its file name, else the file's modification time.

A clinician follows a speaker across sessions, so each recording needs a date. Recorders
and lab scripts usually write one into the name (``ann_2026-03-14.wav``,
``20260314_101500.wav``); a name without one falls back to the file's modification time,
which copying may have changed, so the source is kept beside the date and the user can
correct it (:meth:`emostudio.store.Project.set_recorded`).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from emostudio.store.database import StoreError

FROM_NAME = "name"
FROM_FILE_TIME = "file time"
EDITED = "edited"
FROM_IMPORT = "import"  # no date of its own: the day it entered the project
# Year 1900-2099, then month and day, with -, _ or . between them or nothing; digits
# around it must not run on (no date inside a longer number such as a phone number).
_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<sep>[-_.]?)(?P<m>\d\d)(?P=sep)(?P<d>\d\d)(?!\d)"
)
# A time right after the date: hh mm ss after a T, _ or -.
_TIME = re.compile(r"[T_-](?P<H>\d\d)[-_.:]?(?P<M>\d\d)[-_.:]?(?P<S>\d\d)(?!\d)")


def date_in_name(name: str) -> str | None:
    """The first valid date (and time) written in a file name, as ISO 8601, or None.

    ``"ann_2026-03-14.wav"`` -> ``"2026-03-14"``; ``"20260314_101500.wav"`` ->
    ``"2026-03-14T10:15:00"``; an impossible date (month 13) is skipped.
    """
    for match in _DATE.finditer(name):
        try:
            day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            continue
        time = _TIME.match(name, match.end())
        if time is None:
            return day.isoformat()
        try:
            moment = dt.time(int(time["H"]), int(time["M"]), int(time["S"]))
        except ValueError:  # not a time after all (a second date, a take number)
            return day.isoformat()
        return dt.datetime.combine(day, moment).isoformat()
    return None


def recording_date(path: Path | None) -> tuple[str | None, str | None]:
    """When the recording at ``path`` was made, and how that is known.

    Returns
    -------
    (date, source)
        ``(ISO date or time, "name")``, ``(ISO time in UTC, "file time")``, or
        ``(None, None)`` for a recording without a file.
    """
    if path is None:
        return None, None
    named = date_in_name(Path(path).name)
    if named:
        return named, FROM_NAME
    try:
        stamp = Path(path).stat().st_mtime
    except OSError:  # gone since it was decoded: the date stays unknown
        return None, None
    moment = dt.datetime.fromtimestamp(stamp, dt.UTC).replace(microsecond=0, tzinfo=None)
    return moment.isoformat(), FROM_FILE_TIME


def checked_date(text: str) -> str:
    """A date the user typed, as ISO 8601 (``2026-03-14`` or ``2026-03-14T10:15``).

    Raises
    ------
    StoreError
        When it is not an ISO date or date and time.
    """
    cleaned = text.strip()
    try:
        if len(cleaned) == 10:
            return dt.date.fromisoformat(cleaned).isoformat()
        return dt.datetime.fromisoformat(cleaned).replace(microsecond=0).isoformat()
    except ValueError:
        raise StoreError(
            f"{text!r} is not a date: write it as 2026-03-14 or 2026-03-14T10:15"
        ) from None
