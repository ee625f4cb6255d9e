"""CSV for spreadsheets, the one way every export writes it.

Participants type names and reasons, and a spreadsheet runs a cell that starts with ``=``,
``+``, ``-`` or ``@`` as a formula. So text that starts with one gets a leading ``'``, and
every text cell is quoted. Quotes do not protect a file read with another separator than
it was written with: a spreadsheet that splits on ``;`` (as in Portuguese, among many
locales) cuts ``x;=cmd`` into ``x`` and a formula. So a formula sign that follows a ``;``,
a tab or a line break inside a text gets its ``'`` too. Numbers stay bare so that they sum.
The file starts with a byte-order mark so that spreadsheets read it as UTF-8 (names such
as "Mendonça" arrive whole).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from datetime import datetime

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
# Where another reader might start a cell inside a text: after ";", a tab or a line break,
# then any spaces or quotes, a formula sign.
_INNER_FORMULA = re.compile(r"([;\t\r\n][\s\"']*)(?=[=+\-@])")


class _Echo:
    """A file-like object whose ``write`` hands back what it was given."""

    def write(self, value: str) -> str:
        return value


def cell(value: object) -> object:
    """One value as a spreadsheet should get it: ISO times, true/false, no formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, int | float):
        return value
    text = _INNER_FORMULA.sub(r"\1'", str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def lines(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """CSV text line by line, header first, for a streamed response."""
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_NONNUMERIC)
    first = True
    for row in rows:
        line = writer.writerow([cell(value) for value in row])
        yield BOM + line if first else line
        first = False
