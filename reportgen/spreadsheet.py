"""Rows of cells → CSV text that a spreadsheet opens as written: the one CSV writer of reportgen.

Every CSV reportgen writes (the open data's tables, ``status --format csv``) is made here, so each gets the same
care:

- a UTF-8 byte-order mark first, without which Excel opens Thai text as mojibake; CRLF line ends, as RFC 4180 and
  Excel write them;
- a *text* cell that a spreadsheet would run as a formula (one starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return: ``=HYPERLINK(…)``, ``@SUM(…)``) starts with an apostrophe, OWASP's advice against CSV
  injection. Which columns hold text is the caller's to say: a number cell is never touched, so a negative number
  stays a number.

Values are written as given (``str``): formatting numbers, dates and booleans is the caller's (the open data and the
overview format them differently).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: A spreadsheet treats a cell that starts with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"


@dataclass(frozen=True)
class Column:
    """A column of a CSV file: its header, and whether it holds text (which may need neutralising) or numbers,
    dates and flags (never touched)."""

    name: str
    text: bool = True


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet shows as text: one that would start a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(columns: Sequence[Column], rows: Iterable[Sequence[str]]) -> str:
    """A header row of the columns' names, then one row per ``rows`` item (cells in the columns' order, each
    already a string), text cells made spreadsheet-safe; a byte-order mark first, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(column.name) for column in columns])
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) if column.text else cell for column, cell in zip(columns, row)])
    return BYTE_ORDER_MARK + out.getvalue()
