"""CSV cells that a spreadsheet shows as text and never runs as a formula.

Excel, LibreOffice Calc and Google Sheets evaluate a cell that starts with ``=``, ``+``,
``-`` or ``@`` as a formula (some read a leading tab or carriage return the same way).
A recording named ``=HYPERLINK("http://...")`` or an annotation note ``=cmd|' /C calc'!A0``
would then run when a colleague opens an export (CSV injection; OWASP's advice is
followed here). Such text gets a leading apostrophe, which spreadsheets hide and read as
"this is text"; numbers, negative ones included, are written as they are.

The exports people open in spreadsheets use it (project CSV, agreement, a speaker's
course). Files that programs read back (the training manifest) do not: the apostrophe
would become part of a path or a label there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """``value``, with an apostrophe in front when it is text a spreadsheet would run.

    Examples
    --------
    >>> spreadsheet_cell("=1+1"), spreadsheet_cell("-0.25"), spreadsheet_cell(-3)
    ("'=1+1", '-0.25', -3)
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _is_number(value):
        return value
    return "'" + value


def spreadsheet_row(values: Iterable[Any]) -> list[Any]:
    """:func:`spreadsheet_cell` of every value of a ``csv.writer`` row."""
    return [spreadsheet_cell(value) for value in values]


def spreadsheet_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`spreadsheet_cell` of every value of a ``csv.DictWriter`` row."""
    return {key: spreadsheet_cell(value) for key, value in record.items()}


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
