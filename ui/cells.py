"""Every cell of every spreadsheet sendpath writes, CSV or xlsx, passes through here (issue 12).

A name such as `=HYPERLINK("http://…"&A2,"Click")` must reach the school's spreadsheet as the
text it is, never as a formula that runs when the file is opened.

- CSV: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a `'`
  in front (the OWASP CSV-injection rule); spreadsheet programs show the rest as text.
- xlsx: text is written as a string cell (openpyxl would otherwise make a string that starts with
  `=` a formula, and `#N/A` an error); it keeps its exact text, with no `'`. Characters XML cannot
  hold (control characters other than tab, newline and carriage return) are dropped rather than
  failing the whole download.
- Numbers (int, float, Decimal; bool), dates, times and empty cells stay what they are: a negative
  number in a money column is a number, not text. Only values written as text are neutralised;
  anything that is not a number, date or None is written as its `str()`.
"""

import csv
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Protocol

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBERS = (int, float, Decimal)  # bool is an int
TYPED = (*NUMBERS, datetime, date, time, timedelta)


class _Writable(Protocol):
    def write(self, s: str, /) -> object: ...


def csv_cell(value: object) -> object:
    """The value as a CSV cell: numbers as they are, None empty, any text neutralised."""
    if value is None:
        return ""
    if isinstance(value, NUMBERS):
        return value
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(out: _Writable, rows: Iterable[Sequence[object]]) -> None:
    """Write rows (the header row first) as CSV, every cell through `csv_cell`."""
    writer = csv.writer(out)
    writer.writerows([csv_cell(v) for v in row] for row in rows)


def xlsx_cell(ws: Worksheet, value: object) -> Cell:
    """A cell for `ws`: text as a string cell (never a formula or an error), other values typed."""
    if value is None or isinstance(value, TYPED):
        return Cell(ws, value=value)
    text = ILLEGAL_CHARACTERS_RE.sub("", value if isinstance(value, str) else str(value))
    cell = Cell(ws, value=text)
    cell.data_type = "s"
    return cell


def append(ws: Worksheet, values: Iterable[Any]) -> None:
    """Add a row at the bottom of `ws`, every value through `xlsx_cell`."""
    ws.append([xlsx_cell(ws, v) for v in values])
